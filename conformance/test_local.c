/* SPDX-License-Identifier: MIT */
/* threading.local: ct_local_*. */
#include "harness.h"
#include "foreign_thread.h"

#include <string.h>

/* Each value is a counter of the destructor's calls on it. The lock keeps the
 * count exact even if the library got the ordering wrong, so a wrong count,
 * not a data race report, is what such a bug shows. */
static ct_lock destroyed_lock = CT_LOCK_INIT;
static int destroyed_total;

static void count_destruction(void *value)
{
    ct_lock_acquire(&destroyed_lock);
    (*(int *)value)++;
    destroyed_total++;
    ct_lock_release(&destroyed_lock);
}

/* Tests count from zero, even when one process runs them all. */
static void reset_destructions(void)
{
    ct_lock_acquire(&destroyed_lock);
    destroyed_total = 0;
    ct_lock_release(&destroyed_lock);
}

static int destructions(const int *value)
{
    int n;
    ct_lock_acquire(&destroyed_lock);
    n = *value;
    ct_lock_release(&destroyed_lock);
    return n;
}

static int total_destructions(void)
{
    int n;
    ct_lock_acquire(&destroyed_lock);
    n = destroyed_total;
    ct_lock_release(&destroyed_lock);
    return n;
}

typedef struct setter {
    ct_local *local;
    int *value;          /* what to set; NULL: set NULL */
    bool set_it;         /* false: never touch the local beyond one get */
    void *seen_before;   /* get before setting */
    void *seen_after;    /* get after setting */
    ct_event ready, go;
    bool wait_for_go;
} setter;

static void setter_init(setter *s, ct_local *local, int *value, bool set_it, bool wait_for_go)
{
    memset(s, 0, sizeof *s);
    s->local = local;
    s->value = value;
    s->set_it = set_it;
    s->wait_for_go = wait_for_go;
    s->seen_before = s->seen_after = &s->ready; /* anything but NULL or a value */
    ct_event_init(&s->ready);
    ct_event_init(&s->go);
}

static void set_and_look(void *arg)
{
    setter *s = (setter *)arg;
    s->seen_before = ct_local_get(s->local);
    if (s->set_it) CHECK_OK(ct_local_set(s->local, s->value));
    s->seen_after = ct_local_get(s->local);
    ct_event_set(&s->ready);
    if (s->wait_for_go) {
        CHECK(ct_event_wait(&s->go, 30.0));
        CHECK(ct_local_get(s->local) == s->seen_after);
    }
}

TEST(get_before_set_is_null)
{
    ct_local local;
    setter s;
    reset_destructions();
    CHECK_OK(ct_local_init(&local, count_destruction));
    CHECK(ct_local_get(&local) == NULL);
    setter_init(&s, &local, NULL, false, false);
    ct_test_join(ct_test_start(set_and_look, &s));
    CHECK(s.seen_before == NULL);
    CHECK(s.seen_after == NULL);
    ct_local_destroy(&local);
    CHECK_EQ(total_destructions(), 0);
}

TEST(values_are_per_thread)
{
    static int main_value, thread_value, other_value;
    ct_local local;
    setter s;
    ct_thread *thread;
    CHECK_OK(ct_local_init(&local, NULL));
    CHECK_OK(ct_local_set(&local, &main_value));
    CHECK(ct_local_get(&local) == &main_value);

    setter_init(&s, &local, &thread_value, true, true);
    thread = ct_test_start(set_and_look, &s);
    CHECK(ct_event_wait(&s.ready, 30.0));
    CHECK(s.seen_before == NULL);
    CHECK(s.seen_after == &thread_value);
    CHECK(ct_local_get(&local) == &main_value);
    /* Changing this thread's value leaves the other's (checked after go). */
    CHECK_OK(ct_local_set(&local, &other_value));
    CHECK(ct_local_get(&local) == &other_value);
    ct_event_set(&s.go);
    ct_test_join(thread);
    CHECK(ct_local_get(&local) == &other_value);
    CHECK_OK(ct_local_set(&local, NULL));
    CHECK(ct_local_get(&local) == NULL);
    ct_local_destroy(&local);
}

TEST(destructor_at_thread_exit)
{
    static int main_value, a_value, b_value;
    ct_local local;
    setter a, b, never, null_only;
    ct_thread *threads[4];
    int i;
    reset_destructions();
    CHECK_OK(ct_local_init(&local, count_destruction));
    CHECK_OK(ct_local_set(&local, &main_value));

    setter_init(&a, &local, &a_value, true, false);
    setter_init(&b, &local, &b_value, true, false);
    setter_init(&never, &local, NULL, false, false);
    setter_init(&null_only, &local, NULL, true, false);
    threads[0] = ct_test_start(set_and_look, &a);
    threads[1] = ct_test_start(set_and_look, &b);
    threads[2] = ct_test_start(set_and_look, &never);
    threads[3] = ct_test_start(set_and_look, &null_only);
    for (i = 0; i < 4; i++) ct_test_join(threads[i]);

    CHECK(a.seen_after == &a_value);
    CHECK(b.seen_after == &b_value);
    CHECK(never.seen_after == NULL);
    CHECK(null_only.seen_after == NULL);
    /* Ran once for each thread that ended holding a value, by the time join returned. */
    CHECK_EQ(destructions(&a_value), 1);
    CHECK_EQ(destructions(&b_value), 1);
    CHECK_EQ(destructions(&main_value), 0);
    CHECK_EQ(total_destructions(), 2);
    CHECK(ct_local_get(&local) == &main_value);

    ct_local_destroy(&local);
    CHECK_EQ(destructions(&main_value), 1);
    CHECK_EQ(total_destructions(), 3);
}

TEST(destructor_in_foreign_thread)
{
    static int foreign_value;
    ct_local local;
    setter s;
    foreign_thread thread;
    reset_destructions();
    CHECK_OK(ct_local_init(&local, count_destruction));
    setter_init(&s, &local, &foreign_value, true, false);
    CHECK_EQ(foreign_thread_start(&thread, set_and_look, &s), 0);
    foreign_thread_join(&thread);
    CHECK(s.seen_before == NULL);
    CHECK(s.seen_after == &foreign_value);
    CHECK_EQ(destructions(&foreign_value), 1);
    CHECK_EQ(total_destructions(), 1);
    ct_local_destroy(&local);
    CHECK_EQ(total_destructions(), 1);
}

/* Sets its value, then stays alive without touching the local again. */
static void set_then_hold(void *arg)
{
    setter *s = (setter *)arg;
    CHECK_OK(ct_local_set(s->local, s->value));
    ct_event_set(&s->ready);
    CHECK(ct_event_wait(&s->go, 30.0));
}

TEST(destroy_runs_remaining_then_reinit)
{
    static int main_value, held_value, main_value2, thread_value2;
    ct_local local;
    setter held, later;
    ct_thread *thread;
    reset_destructions();

    CHECK_OK(ct_local_init(&local, count_destruction));
    CHECK_OK(ct_local_set(&local, &main_value));
    setter_init(&held, &local, &held_value, true, false);
    thread = ct_test_start(set_then_hold, &held);
    CHECK(ct_event_wait(&held.ready, 30.0));

    /* Values still held, by this thread and by a live one, are destroyed now. */
    ct_local_destroy(&local);
    CHECK_EQ(destructions(&main_value), 1);
    CHECK_EQ(destructions(&held_value), 1);
    CHECK_EQ(total_destructions(), 2);
    ct_event_set(&held.go);
    ct_test_join(thread);
    CHECK_EQ(destructions(&held_value), 1); /* not again at its exit */
    CHECK_EQ(total_destructions(), 2);

    /* The same struct, initialized again, starts empty everywhere. */
    CHECK_OK(ct_local_init(&local, count_destruction));
    CHECK(ct_local_get(&local) == NULL);
    CHECK_OK(ct_local_set(&local, &main_value2));
    CHECK(ct_local_get(&local) == &main_value2);
    setter_init(&later, &local, &thread_value2, true, false);
    ct_test_join(ct_test_start(set_and_look, &later));
    CHECK(later.seen_before == NULL);
    CHECK(later.seen_after == &thread_value2);
    CHECK_EQ(destructions(&thread_value2), 1);
    ct_local_destroy(&local);
    CHECK_EQ(destructions(&main_value2), 1);
    CHECK_EQ(destructions(&main_value), 1);
    CHECK_EQ(total_destructions(), 4);
}

/* A local created after another was destroyed may reuse its slot: a thread
 * that held a value in the old one must see NULL in the new one. */
typedef struct reuse {
    ct_local *old_local, *new_local;
    int *value;
    void *seen_in_new;
    ct_event ready, go;
} reuse;

static void hold_then_look_at_new(void *arg)
{
    reuse *r = (reuse *)arg;
    CHECK_OK(ct_local_set(r->old_local, r->value));
    ct_event_set(&r->ready);
    CHECK(ct_event_wait(&r->go, 30.0));
    r->seen_in_new = ct_local_get(r->new_local);
}

TEST(new_local_starts_empty_in_live_threads)
{
    static int held_value, main_value;
    ct_local old_local, new_local;
    reuse r;
    ct_thread *thread;
    reset_destructions();
    memset(&r, 0, sizeof r);
    r.old_local = &old_local;
    r.new_local = &new_local;
    r.value = &held_value;
    r.seen_in_new = &r;
    ct_event_init(&r.ready);
    ct_event_init(&r.go);

    CHECK_OK(ct_local_init(&old_local, count_destruction));
    CHECK_OK(ct_local_set(&old_local, &main_value));
    thread = ct_test_start(hold_then_look_at_new, &r);
    CHECK(ct_event_wait(&r.ready, 30.0));
    ct_local_destroy(&old_local);
    CHECK_EQ(total_destructions(), 2);

    CHECK_OK(ct_local_init(&new_local, count_destruction));
    CHECK(ct_local_get(&new_local) == NULL);
    ct_event_set(&r.go);
    ct_test_join(thread);
    CHECK(r.seen_in_new == NULL);
    CHECK_EQ(total_destructions(), 2);
    ct_local_destroy(&new_local);
    CHECK_EQ(total_destructions(), 2);
}

TEST(null_destructor)
{
    static int main_value, thread_value;
    ct_local local;
    setter s;
    reset_destructions();
    CHECK_OK(ct_local_init(&local, NULL));
    CHECK_OK(ct_local_set(&local, &main_value));
    setter_init(&s, &local, &thread_value, true, false);
    ct_test_join(ct_test_start(set_and_look, &s));
    CHECK(s.seen_after == &thread_value);
    CHECK(ct_local_get(&local) == &main_value);
    ct_local_destroy(&local);
    CHECK_EQ(total_destructions(), 0);
}

#define MANY_LOCALS 100

static ct_local many[MANY_LOCALS];

/* The value for local i in a thread: distinct per thread and per local. */
static void *many_value(int thread_tag, int i)
{
    static char cells[2][MANY_LOCALS];
    return &cells[thread_tag][i];
}

static void set_and_check_many(void *arg)
{
    int tag = *(int *)arg, i;
    for (i = 0; i < MANY_LOCALS; i++) CHECK(ct_local_get(&many[i]) == NULL);
    for (i = 0; i < MANY_LOCALS; i++) CHECK_OK(ct_local_set(&many[i], many_value(tag, i)));
    for (i = 0; i < MANY_LOCALS; i++) CHECK(ct_local_get(&many[i]) == many_value(tag, i));
}

TEST(many_locals)
{
    int main_tag = 0, thread_tag = 1, i;
    for (i = 0; i < MANY_LOCALS; i++) CHECK_OK(ct_local_init(&many[i], NULL));
    set_and_check_many(&main_tag);
    ct_test_join(ct_test_start(set_and_check_many, &thread_tag));
    for (i = 0; i < MANY_LOCALS; i++) CHECK(ct_local_get(&many[i]) == many_value(main_tag, i));
    for (i = 0; i < MANY_LOCALS; i++) ct_local_destroy(&many[i]);
}
