/* SPDX-License-Identifier: MIT */
/* ct_call_once / ct_once_done (C11 call_once, pthread_once, CPython's _PyOnceFlag). */
#include "harness.h"
#include "foreign_thread.h"

#include <string.h>

typedef struct lazy {
    ct_once once;
    ct_lock count_lock;
    int runs;             /* calls of init, guarded by count_lock */
    int failures_left;    /* init fails (returns 7) while this is positive */
    double hold;          /* seconds init takes, guarded by count_lock */
    ct_event release;     /* init waits for this when hold is negative */
    long value[4];        /* written by init, read after CT_OK */
} lazy;

static int init(void *arg)
{
    lazy *l = (lazy *)arg;
    int fail;
    double hold;
    ct_lock_acquire(&l->count_lock);
    l->runs++;
    fail = l->failures_left > 0;
    if (fail) l->failures_left--;
    hold = l->hold;
    ct_lock_release(&l->count_lock);
    if (hold > 0) ct_sleep(hold);
    if (hold < 0) CHECK(ct_event_wait(&l->release, 30.0));
    if (fail) return 7;
    for (int i = 0; i < 4; i++) l->value[i] = 1000 + i;
    return 0;
}

static void lazy_init(lazy *l)
{
    memset(l, 0, sizeof *l);
    ct_lock_init(&l->count_lock);
    ct_event_init(&l->release);
}

static void check_value(const lazy *l)
{
    for (int i = 0; i < 4; i++) CHECK_EQ(l->value[i], 1000 + i);
}

TEST(runs_once)
{
    static lazy l;   /* CT_ONCE_INIT by static zeroing, as in user code */
    ct_once fresh = CT_ONCE_INIT;
    CHECK_LE(sizeof(ct_once), 8);
    CHECK(!ct_once_done(&fresh));
    lazy_init(&l);
    CHECK(!ct_once_done(&l.once));
    CHECK_OK(ct_call_once(&l.once, init, &l));
    CHECK(ct_once_done(&l.once));
    check_value(&l);
    CHECK_OK(ct_call_once(&l.once, init, &l));
    CHECK_OK((ct_call_once)(&l.once, init, &l));
    CHECK_EQ(l.runs, 1);
}

TEST(failure_is_returned_and_retried)
{
    lazy l;
    lazy_init(&l);
    l.failures_left = 2;
    CHECK_STATUS(ct_call_once(&l.once, init, &l), 7);
    CHECK(!ct_once_done(&l.once));
    CHECK_STATUS((ct_call_once)(&l.once, init, &l), 7);
    CHECK(!ct_once_done(&l.once));
    CHECK_OK(ct_call_once(&l.once, init, &l));
    CHECK(ct_once_done(&l.once));
    CHECK_OK(ct_call_once(&l.once, init, &l));
    CHECK_EQ(l.runs, 3);
    check_value(&l);
}

static int fail_with_enomem(void *arg)
{
    (void)arg;
    return CT_ENOMEM;
}

TEST(status_codes_pass_through)
{
    ct_once once = CT_ONCE_INIT;
    CHECK_STATUS(ct_call_once(&once, fail_with_enomem, NULL), CT_ENOMEM);
    CHECK(!ct_once_done(&once));
}

/* --- racing callers -------------------------------------------------------------- */

#define RACERS 16

typedef struct racer {
    lazy *l;
    ct_event *go;
    int status;
    bool seen;   /* the value was complete right after the call */
} racer;

static void race(void *arg)
{
    racer *r = (racer *)arg;
    CHECK(ct_event_wait(r->go, 30.0));
    r->status = ct_call_once(&r->l->once, init, r->l);
    if (r->status == CT_OK) {
        r->seen = true;
        for (int i = 0; i < 4; i++) r->seen = r->seen && r->l->value[i] == 1000 + i;
    }
}

static void run_racers(lazy *l, racer *racers, ct_thread **threads, ct_event *go)
{
    for (int i = 0; i < RACERS; i++) {
        racers[i].l = l;
        racers[i].go = go;
        racers[i].status = 1;
        racers[i].seen = false;
        threads[i] = ct_test_start(race, &racers[i]);
    }
}

TEST(sixteen_racing_threads)
{
    static lazy l;
    racer racers[RACERS];
    ct_thread *threads[RACERS];
    ct_event go = CT_EVENT_INIT;
    lazy_init(&l);
    l.hold = 0.05;   /* long enough that the others arrive while it runs */
    run_racers(&l, racers, threads, &go);
    ct_event_set(&go);
    for (int i = 0; i < RACERS; i++) ct_test_join(threads[i]);
    CHECK_EQ(l.runs, 1);
    for (int i = 0; i < RACERS; i++) {
        CHECK_OK(racers[i].status);
        CHECK(racers[i].seen);
    }
}

/* The first run fails while every other caller waits for it: each of them is
 * woken, one runs init again, and all of them then see it done. */
TEST(waiters_woken_after_a_failure)
{
    static lazy l;
    racer racers[RACERS];
    ct_thread *threads[RACERS];
    ct_event go = CT_EVENT_INIT;
    int failed = 0;
    lazy_init(&l);
    l.failures_left = 1;
    l.hold = -1;   /* the first run waits for l.release */
    run_racers(&l, racers, threads, &go);
    ct_event_set(&go);
    ct_sleep(0.3);   /* one runs init and waits; the rest queue behind it */
    ct_lock_acquire(&l.count_lock);
    CHECK_EQ(l.runs, 1);
    l.hold = 0;      /* the retry finishes at once */
    ct_lock_release(&l.count_lock);
    ct_event_set(&l.release);
    for (int i = 0; i < RACERS; i++) ct_test_join(threads[i]);
    CHECK_EQ(l.runs, 2);
    for (int i = 0; i < RACERS; i++) {
        if (racers[i].status == 7) {
            failed++;
        } else {
            CHECK_OK(racers[i].status);
            CHECK(racers[i].seen);
        }
    }
    CHECK_EQ(failed, 1);
    CHECK(ct_once_done(&l.once));
}

static void call_from_foreign(void *arg)
{
    racer *r = (racer *)arg;
    r->status = ct_call_once(&r->l->once, init, r->l);
}

TEST(foreign_threads)
{
    static lazy l;
    racer r[2];
    foreign_thread threads[2];
    lazy_init(&l);
    l.hold = 0.05;
    for (int i = 0; i < 2; i++) {
        r[i].l = &l;
        r[i].status = 1;
        CHECK_EQ(foreign_thread_start(&threads[i], call_from_foreign, &r[i]), 0);
    }
    for (int i = 0; i < 2; i++) foreign_thread_join(&threads[i]);
    CHECK_OK(r[0].status);
    CHECK_OK(r[1].status);
    CHECK_EQ(l.runs, 1);
    check_value(&l);
}

TEST(exported_functions_by_address)
{
    lazy l;
    int (*call)(ct_once *, int (*)(void *), void *) = ct_call_once;
    bool (*done)(const ct_once *) = ct_once_done;
    lazy_init(&l);
    CHECK(!done(&l.once));
    CHECK_OK(call(&l.once, init, &l));
    CHECK(done(&l.once));
    CHECK(ct_once_done(&l.once));
    CHECK_OK(ct__call_once_slow(&l.once, init, &l));   /* the slow path sees it done too */
    CHECK_EQ(l.runs, 1);
}

/* The inline entry points by name, as a binding that cannot expand the
 * header's macros would call them. */
TEST(inline_entry_points_by_name)
{
#if defined(CT__LOAD_BYTE) && !defined(CT_NO_INLINE)
    lazy l;
    lazy_init(&l);
    CHECK(!ct__once_done_inline(&l.once));
    CHECK_OK(ct__call_once_inline(&l.once, init, &l));
    CHECK(ct__once_done_inline(&l.once));
    CHECK_OK(ct__call_once_inline(&l.once, init, &l));
    CHECK_EQ(l.runs, 1);
#else
    ct_test_skip("this build has no inline once path: under ThreadSanitizer or "
                 "CT_VALGRIND_ANNOTATIONS the header calls the exported functions");
#endif
}
