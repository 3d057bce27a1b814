/* SPDX-License-Identifier: MIT */
/* threading.Condition: ct_condition_*, over its own RLock, a Lock or an RLock. */
#include "harness.h"

#include <math.h>
#include <string.h>

#define SLACK 0.001

/* ----------------------------------------------------------------- helpers */

static bool always_true(void *arg)
{
    int *calls = (int *)arg;
    if (calls) ++*calls;
    return true;
}

static bool always_false(void *arg)
{
    int *calls = (int *)arg;
    if (calls) ++*calls;
    return false;
}

static bool flag_is_set(void *arg)
{
    return *(int *)arg != 0;
}

/* The three ways to make a condition, each checked the same way. */
typedef enum cond_kind { OWN_STATIC, OWN_INIT, OVER_LOCK, OVER_RLOCK } cond_kind;

typedef struct any_cond {
    ct_condition cond;
    ct_lock lock;
    ct_rlock rlock;
    cond_kind kind;
} any_cond;

static void any_cond_init(any_cond *c, cond_kind kind)
{
    static const ct_condition fresh = CT_CONDITION_INIT;
    memset(c, 0xA5, sizeof *c);
    c->kind = kind;
    ct_lock_init(&c->lock);
    ct_rlock_init(&c->rlock);
    switch (kind) {
    case OWN_STATIC: c->cond = fresh; break;
    case OWN_INIT: ct_condition_init(&c->cond); break;
    case OVER_LOCK: ct_condition_init_lock(&c->cond, &c->lock); break;
    case OVER_RLOCK: ct_condition_init_rlock(&c->cond, &c->rlock); break;
    }
}

static const cond_kind all_kinds[] = { OWN_STATIC, OWN_INIT, OVER_LOCK, OVER_RLOCK };
#define N_KINDS (sizeof all_kinds / sizeof all_kinds[0])

/* ---------------------------------------------------------- init, acquire */

TEST(static_init)
{
    ct_condition cond = CT_CONDITION_INIT;
    ct_condition_acquire(&cond);
    CHECK_OK(ct_condition_notify(&cond, 1));
    CHECK_OK(ct_condition_release(&cond));
    CHECK_STATUS(ct_condition_release(&cond), CT_EPERM);
}

TEST(own_lock_is_reentrant)
{
    size_t k;
    for (k = 0; k < 2; k++) {
        any_cond c;
        any_cond_init(&c, all_kinds[k]);
        ct_condition_acquire(&c.cond);
        ct_condition_acquire(&c.cond);
        ct_condition_acquire(&c.cond);
        CHECK_OK(ct_condition_notify_all(&c.cond));
        CHECK_OK(ct_condition_release(&c.cond));
        CHECK_OK(ct_condition_notify(&c.cond, 1));
        CHECK_OK(ct_condition_release(&c.cond));
        CHECK_OK(ct_condition_release(&c.cond));
        CHECK_STATUS(ct_condition_release(&c.cond), CT_EPERM);
        CHECK_STATUS(ct_condition_notify(&c.cond, 1), CT_EPERM);
    }
}

TEST(init_lock_uses_the_lock)
{
    ct_lock lock = CT_LOCK_INIT;
    ct_condition cond;
    ct_condition_init_lock(&cond, &lock);
    CHECK(!ct_lock_locked(&lock));
    ct_condition_acquire(&cond);
    CHECK(ct_lock_locked(&lock));
    CHECK_OK(ct_condition_release(&cond));
    CHECK(!ct_lock_locked(&lock));
    /* Taking the lock directly is holding the condition. */
    ct_lock_acquire(&lock);
    CHECK_OK(ct_condition_notify(&cond, 1));
    CHECK_OK(ct_condition_release(&cond));
    CHECK(!ct_lock_locked(&lock));
    CHECK_STATUS(ct_condition_release(&cond), CT_EPERM);
}

TEST(init_rlock_uses_the_rlock)
{
    ct_rlock rlock = CT_RLOCK_INIT;
    ct_condition cond;
    ct_condition_init_rlock(&cond, &rlock);
    CHECK(!ct_rlock_locked(&rlock));
    ct_condition_acquire(&cond);
    CHECK(ct_rlock_locked(&rlock));
    ct_rlock_acquire(&rlock);
    CHECK_OK(ct_condition_notify_all(&cond));
    CHECK_OK(ct_rlock_release(&rlock));
    CHECK(ct_rlock_locked(&rlock));
    CHECK_OK(ct_condition_release(&cond));
    CHECK(!ct_rlock_locked(&rlock));
    CHECK_STATUS(ct_condition_release(&cond), CT_EPERM);
}

/* Every call that needs the lock refuses without it, and the condition stays
 * usable. */
static void check_unheld_refused(ct_condition *cond)
{
    double start = ct_monotonic();
    CHECK_STATUS(ct_condition_release(cond), CT_EPERM);
    CHECK_STATUS(ct_condition_wait(cond, 0), CT_EPERM);
    CHECK_STATUS(ct_condition_wait(cond, 5.0), CT_EPERM);
    CHECK_STATUS(ct_condition_wait(cond, CT_FOREVER), CT_EPERM);
    CHECK_STATUS(ct_condition_wait_for(cond, always_false, NULL, 5.0), CT_EPERM);
    CHECK_STATUS(ct_condition_notify(cond, 1), CT_EPERM);
    CHECK_STATUS(ct_condition_notify(cond, 0), CT_EPERM);
    CHECK_STATUS(ct_condition_notify_all(cond), CT_EPERM);
    CHECK_LE_D(ct_monotonic() - start, 2.0);
}

static void check_usable(ct_condition *cond)
{
    ct_condition_acquire(cond);
    CHECK_OK(ct_condition_notify(cond, 1));
    CHECK_OK(ct_condition_notify_all(cond));
    CHECK_STATUS(ct_condition_wait(cond, 0), CT_ETIMEDOUT);
    CHECK_OK(ct_condition_wait_for(cond, always_true, NULL, 0));
    CHECK_OK(ct_condition_release(cond));
}

TEST(eperm_when_not_held)
{
    size_t k;
    for (k = 0; k < N_KINDS; k++) {
        any_cond c;
        any_cond_init(&c, all_kinds[k]);
        check_unheld_refused(&c.cond);
        check_usable(&c.cond);
        check_unheld_refused(&c.cond);
        check_usable(&c.cond);
    }
}

typedef struct holder {
    ct_condition *cond;
    ct_event held;
    ct_event done;
} holder;

static void hold_until_done(void *arg)
{
    holder *h = (holder *)arg;
    ct_condition_acquire(h->cond);
    ct_event_set(&h->held);
    CHECK(ct_event_wait(&h->done, 30.0));
    CHECK_OK(ct_condition_release(h->cond));
}

/* Over an RLock, ownership is per thread: holding it elsewhere is not holding it. */
TEST(eperm_when_held_by_another_thread)
{
    size_t k;
    for (k = 0; k < N_KINDS; k++) {
        any_cond c;
        holder h;
        ct_thread *thread;
        if (all_kinds[k] == OVER_LOCK) continue;   /* a Lock has no owner */
        any_cond_init(&c, all_kinds[k]);
        h.cond = &c.cond;
        ct_event_init(&h.held);
        ct_event_init(&h.done);
        thread = ct_test_start(hold_until_done, &h);
        CHECK(ct_event_wait(&h.held, 10.0));
        check_unheld_refused(&c.cond);
        ct_event_set(&h.done);
        ct_test_join(thread);
        check_usable(&c.cond);
    }
}

/* ------------------------------------------------------------------ notify */

typedef struct crowd {
    ct_condition cond;
    int waiting;
    int woken;
    int timed_out;
    double timeout;
} crowd;

static void wait_once(void *arg)
{
    crowd *c = (crowd *)arg;
    int rc;
    ct_condition_acquire(&c->cond);
    c->waiting++;
    rc = ct_condition_wait(&c->cond, c->timeout);
    CHECK_MSG(rc == CT_OK || rc == CT_ETIMEDOUT, "wait returned %d", rc);
    if (rc == CT_OK)
        c->woken++;
    else
        c->timed_out++;
    CHECK_OK(ct_condition_release(&c->cond));
}

static int crowd_read(crowd *c, const int *field)
{
    int value;
    ct_condition_acquire(&c->cond);
    value = *field;
    CHECK_OK(ct_condition_release(&c->cond));
    return value;
}

/* Once the lock is ours and all have counted themselves, all are inside wait:
 * each released the lock only by waiting. */
static void await_waiting(crowd *c, int n)
{
    double deadline = ct_monotonic() + 10.0;
    while (crowd_read(c, &c->waiting) < n) {
        CHECK_MSG(ct_monotonic() < deadline, "only %d of %d threads reached wait",
                  crowd_read(c, &c->waiting), n);
        ct_sleep(0.005);
    }
}

/* Wait for `field` to reach `want`, then give stragglers time to overshoot. */
static void settle_at(crowd *c, const int *field, int want)
{
    double deadline = ct_monotonic() + 10.0;
    while (crowd_read(c, field) < want && ct_monotonic() < deadline) ct_sleep(0.005);
    ct_sleep(0.2);
    CHECK_EQ(crowd_read(c, field), want);
}

static void check_notify_n(double timeout)
{
    enum { M = 5 };
    crowd c;
    ct_thread *threads[M];
    int i;
    ct_condition_init(&c.cond);
    c.waiting = c.woken = c.timed_out = 0;
    c.timeout = timeout;

    for (i = 0; i < M; i++) threads[i] = ct_test_start(wait_once, &c);
    await_waiting(&c, M);

    ct_condition_acquire(&c.cond);
    CHECK_OK(ct_condition_notify(&c.cond, 0));
    CHECK_OK(ct_condition_release(&c.cond));
    ct_sleep(0.1);
    CHECK_EQ(crowd_read(&c, &c.woken), 0);

    ct_condition_acquire(&c.cond);
    CHECK_OK(ct_condition_notify(&c.cond, 2));
    CHECK_OK(ct_condition_release(&c.cond));
    settle_at(&c, &c.woken, 2);

    ct_condition_acquire(&c.cond);
    CHECK_OK(ct_condition_notify(&c.cond, 1));
    CHECK_OK(ct_condition_release(&c.cond));
    settle_at(&c, &c.woken, 3);

    ct_condition_acquire(&c.cond);
    CHECK_OK(ct_condition_notify_all(&c.cond));
    CHECK_OK(ct_condition_release(&c.cond));
    for (i = 0; i < M; i++) ct_test_join(threads[i]);
    CHECK_EQ(c.woken, M);
    CHECK_EQ(c.timed_out, 0);
}

TEST(notify_n_wakes_exactly_n)
{
    check_notify_n(CT_FOREVER);
}

TEST(notify_n_wakes_exactly_n_timed_waiters)
{
    check_notify_n(30.0);
}

TEST(notify_more_than_waiting)
{
    crowd c;
    ct_thread *thread;
    ct_condition_init(&c.cond);
    c.waiting = c.woken = c.timed_out = 0;
    c.timeout = 30.0;
    thread = ct_test_start(wait_once, &c);
    await_waiting(&c, 1);
    ct_condition_acquire(&c.cond);
    CHECK_OK(ct_condition_notify(&c.cond, 10));
    CHECK_OK(ct_condition_release(&c.cond));
    ct_test_join(thread);
    CHECK_EQ(c.woken, 1);
    CHECK_EQ(c.timed_out, 0);
    /* A notify with nobody waiting is not remembered. */
    ct_condition_acquire(&c.cond);
    CHECK_OK(ct_condition_notify(&c.cond, 1));
    CHECK_STATUS(ct_condition_wait(&c.cond, 0.05), CT_ETIMEDOUT);
    CHECK_OK(ct_condition_release(&c.cond));
}

/* -------------------------------------------------------------------- wait */

static void check_lock_held_once(any_cond *c)
{
    switch (c->kind) {
    case OVER_LOCK: CHECK(ct_lock_locked(&c->lock)); break;
    case OVER_RLOCK: CHECK(ct_rlock_locked(&c->rlock)); break;
    default: break;
    }
    CHECK_OK(ct_condition_release(&c->cond));
    CHECK_STATUS(ct_condition_release(&c->cond), CT_EPERM);
}

TEST(wait_times_out_with_lock_held)
{
    size_t k;
    for (k = 0; k < N_KINDS; k++) {
        any_cond c;
        double start, elapsed;
        any_cond_init(&c, all_kinds[k]);

        ct_condition_acquire(&c.cond);
        start = ct_monotonic();
        CHECK_STATUS(ct_condition_wait(&c.cond, 0.1), CT_ETIMEDOUT);
        elapsed = ct_monotonic() - start;
        CHECK_GE_D(elapsed, 0.1 - SLACK);
        CHECK_LE_D(elapsed, 5.0);
        check_lock_held_once(&c);

        ct_condition_acquire(&c.cond);
        start = ct_monotonic();
        CHECK_STATUS(ct_condition_wait(&c.cond, 0), CT_ETIMEDOUT);
        CHECK_LE_D(ct_monotonic() - start, 1.0);
        check_lock_held_once(&c);
    }
}

static void check_bad_timeouts(ct_condition *cond)
{
    CHECK_STATUS(ct_condition_wait(cond, NAN), CT_EINVAL);
    CHECK_STATUS(ct_condition_wait(cond, -0.5), CT_EINVAL);
    CHECK_STATUS(ct_condition_wait(cond, -2.0), CT_EINVAL);
    CHECK_STATUS(ct_condition_wait(cond, CT_TIMEOUT_MAX * 2), CT_EOVERFLOW);
    CHECK_STATUS(ct_condition_wait(cond, INFINITY), CT_EOVERFLOW);
    CHECK_STATUS(ct_condition_wait_for(cond, always_false, NULL, NAN), CT_EINVAL);
    CHECK_STATUS(ct_condition_wait_for(cond, always_false, NULL, -0.5), CT_EINVAL);
    CHECK_STATUS(ct_condition_wait_for(cond, always_false, NULL, -2.0), CT_EINVAL);
    CHECK_STATUS(ct_condition_wait_for(cond, always_false, NULL, CT_TIMEOUT_MAX * 2),
                 CT_EOVERFLOW);
}

TEST(bad_timeouts)
{
    size_t k;
    for (k = 0; k < N_KINDS; k++) {
        any_cond c;
        double start = ct_monotonic();
        any_cond_init(&c, all_kinds[k]);
        ct_condition_acquire(&c.cond);
        check_bad_timeouts(&c.cond);
        CHECK_LE_D(ct_monotonic() - start, 2.0);
        /* The largest timeout is accepted (the predicate holds: no waiting). */
        CHECK_OK(ct_condition_wait_for(&c.cond, always_true, NULL, CT_TIMEOUT_MAX));
        CHECK_STATUS(ct_condition_wait_for(&c.cond, NULL, NULL, 0), CT_EINVAL);
        check_lock_held_once(&c);
    }
}

typedef struct notifier {
    ct_condition *cond;
    int flag;
    int false_alarms;
    double delay;
} notifier;

/* Notify a few times with the predicate still false, then make it true. */
static void set_flag_later(void *arg)
{
    notifier *s = (notifier *)arg;
    int i;
    for (i = 0; i < s->false_alarms; i++) {
        ct_sleep(s->delay);
        ct_condition_acquire(s->cond);
        CHECK_OK(ct_condition_notify_all(s->cond));
        CHECK_OK(ct_condition_release(s->cond));
    }
    ct_sleep(s->delay);
    ct_condition_acquire(s->cond);
    s->flag = 1;
    CHECK_OK(ct_condition_notify(s->cond, 1));
    CHECK_OK(ct_condition_release(s->cond));
}

TEST(wait_returns_ok_when_notified)
{
    size_t k;
    for (k = 0; k < N_KINDS; k++) {
        any_cond c;
        notifier s;
        ct_thread *thread;
        any_cond_init(&c, all_kinds[k]);
        s.cond = &c.cond;
        s.flag = 0;
        s.false_alarms = 0;
        s.delay = 0.02;
        ct_condition_acquire(&c.cond);
        thread = ct_test_start(set_flag_later, &s);
        /* The notifier needs the lock, which only wait gives up. */
        CHECK_OK(ct_condition_wait(&c.cond, 30.0));
        CHECK_EQ(s.flag, 1);
        check_lock_held_once(&c);
        ct_test_join(thread);
    }
}

TEST(wait_for_true_at_once)
{
    size_t k;
    for (k = 0; k < N_KINDS; k++) {
        any_cond c;
        int calls = 0;
        double start;
        any_cond_init(&c, all_kinds[k]);
        ct_condition_acquire(&c.cond);
        start = ct_monotonic();
        CHECK_OK(ct_condition_wait_for(&c.cond, always_true, &calls, 30.0));
        CHECK_OK(ct_condition_wait_for(&c.cond, always_true, &calls, CT_FOREVER));
        CHECK_OK(ct_condition_wait_for(&c.cond, always_true, &calls, 0));
        CHECK_LE_D(ct_monotonic() - start, 2.0);
        CHECK_EQ(calls, 3);
        check_lock_held_once(&c);
    }
}

static void check_wait_for_becomes_true(double timeout)
{
    size_t k;
    for (k = 0; k < N_KINDS; k++) {
        any_cond c;
        notifier s;
        ct_thread *thread;
        any_cond_init(&c, all_kinds[k]);
        s.cond = &c.cond;
        s.flag = 0;
        s.false_alarms = 3;
        s.delay = 0.02;
        thread = ct_test_start(set_flag_later, &s);
        ct_condition_acquire(&c.cond);
        CHECK_OK(ct_condition_wait_for(&c.cond, flag_is_set, &s.flag, timeout));
        CHECK_EQ(s.flag, 1);
        check_lock_held_once(&c);
        ct_test_join(thread);
    }
}

TEST(wait_for_becomes_true)
{
    check_wait_for_becomes_true(30.0);
}

TEST(wait_for_forever_becomes_true)
{
    check_wait_for_becomes_true(CT_FOREVER);
}

TEST(wait_for_times_out)
{
    size_t k;
    for (k = 0; k < N_KINDS; k++) {
        any_cond c;
        int calls = 0;
        double start, elapsed;
        any_cond_init(&c, all_kinds[k]);
        ct_condition_acquire(&c.cond);
        start = ct_monotonic();
        CHECK_STATUS(ct_condition_wait_for(&c.cond, always_false, &calls, 0.1), CT_ETIMEDOUT);
        elapsed = ct_monotonic() - start;
        CHECK_GE_D(elapsed, 0.1 - SLACK);
        CHECK_LE_D(elapsed, 5.0);
        CHECK_GE(calls, 1);
        CHECK_STATUS(ct_condition_wait_for(&c.cond, always_false, NULL, 0), CT_ETIMEDOUT);
        check_lock_held_once(&c);
    }
}

/* Notifications while the predicate stays false must not restart wait_for's
 * timeout: the notifier below keeps notifying every 10 ms until told to stop
 * (or 20 s pass), so a restarting wait_for would never time out. */
typedef struct nagger {
    ct_condition *cond;
    int stop;
} nagger;

static void nag(void *arg)
{
    nagger *n = (nagger *)arg;
    double give_up = ct_monotonic() + 20.0;
    while (ct_monotonic() < give_up) {
        int stop;
        ct_sleep(0.01);
        ct_condition_acquire(n->cond);
        stop = n->stop;
        if (!stop) CHECK_OK(ct_condition_notify_all(n->cond));
        CHECK_OK(ct_condition_release(n->cond));
        if (stop) return;
    }
}

TEST(wait_for_deadline_survives_notifies)
{
    ct_condition cond = CT_CONDITION_INIT;
    nagger n = { &cond, 0 };
    ct_thread *thread;
    double start, elapsed;
    thread = ct_test_start(nag, &n);
    ct_condition_acquire(&cond);
    start = ct_monotonic();
    CHECK_STATUS(ct_condition_wait_for(&cond, always_false, NULL, 0.15), CT_ETIMEDOUT);
    elapsed = ct_monotonic() - start;
    n.stop = 1;
    CHECK_OK(ct_condition_release(&cond));
    ct_test_join(thread);
    CHECK_GE_D(elapsed, 0.15 - SLACK);
    CHECK_LE_D(elapsed, 10.0);
}

/* ------------------------------------------------------- recursion depth */

typedef struct intruder {
    ct_condition *cond;
    ct_rlock *rlock;   /* NULL: the condition's own */
    int flag;
} intruder;

static void intrude_while_waiting(void *arg)
{
    intruder *in = (intruder *)arg;
    if (in->rlock)
        CHECK_OK(ct_rlock_acquire_timeout(in->rlock, 30.0));
    else
        ct_condition_acquire(in->cond);
    in->flag = 1;
    CHECK_OK(ct_condition_notify_all(in->cond));
    CHECK_OK(ct_condition_release(in->cond));
}

CT_NO_THREAD_SAFETY_ANALYSIS static void check_depth_released_and_restored(any_cond *c, int depth)
{
    intruder in;
    ct_thread *thread;
    int i;
    in.cond = &c->cond;
    in.rlock = c->kind == OVER_RLOCK ? &c->rlock : NULL;
    in.flag = 0;
    for (i = 0; i < depth; i++) {
        if (c->kind == OVER_RLOCK && i % 2)
            ct_rlock_acquire(&c->rlock);
        else
            ct_condition_acquire(&c->cond);
    }
    thread = ct_test_start(intrude_while_waiting, &in);
    /* The intruder can only set the flag by taking the lock while we wait. */
    CHECK_OK(ct_condition_wait_for(&c->cond, flag_is_set, &in.flag, 30.0));
    ct_test_join(thread);
    if (c->kind == OVER_RLOCK) CHECK(ct_rlock_locked(&c->rlock));
    for (i = 0; i < depth; i++) CHECK_OK(ct_condition_release(&c->cond));
    CHECK_STATUS(ct_condition_release(&c->cond), CT_EPERM);
    if (c->kind == OVER_RLOCK) CHECK(!ct_rlock_locked(&c->rlock));
}

TEST(wait_releases_rlock_depth_and_restores_it)
{
    any_cond c;
    any_cond_init(&c, OVER_RLOCK);
    check_depth_released_and_restored(&c, 3);
    any_cond_init(&c, OWN_INIT);
    check_depth_released_and_restored(&c, 3);
    any_cond_init(&c, OWN_STATIC);
    check_depth_released_and_restored(&c, 2);
}

TEST(timed_out_wait_restores_rlock_depth)
{
    ct_rlock rlock = CT_RLOCK_INIT;
    ct_condition cond;
    int i;
    ct_condition_init_rlock(&cond, &rlock);
    for (i = 0; i < 3; i++) ct_rlock_acquire(&rlock);
    CHECK_STATUS(ct_condition_wait(&cond, 0.02), CT_ETIMEDOUT);
    CHECK_STATUS(ct_condition_wait(&cond, 0), CT_ETIMEDOUT);
    CHECK_STATUS(ct_condition_wait_for(&cond, always_false, NULL, 0.02), CT_ETIMEDOUT);
    CHECK_STATUS(ct_condition_wait(&cond, NAN), CT_EINVAL);
    for (i = 0; i < 3; i++) CHECK_OK(ct_rlock_release(&rlock));
    CHECK_STATUS(ct_rlock_release(&rlock), CT_EPERM);
    CHECK(!ct_rlock_locked(&rlock));
}

/* -------------------------------------------------------- producer/consumer */

enum { CAPACITY = 4, PER_PRODUCER = 3000, PRODUCERS = 2, CONSUMERS = 3 };

/* A bounded buffer with two conditions over one Lock, as queue.Queue has. */
typedef struct buffer {
    ct_lock lock;
    ct_condition not_empty;
    ct_condition not_full;
    long items[CAPACITY];
    int head, count;
    int producers_left;
    long consumed_sum;
    long consumed_count;
} buffer;

static void produce(void *arg)
{
    buffer *b = (buffer *)arg;
    long i;
    for (i = 1; i <= PER_PRODUCER; i++) {
        ct_condition_acquire(&b->not_full);
        while (b->count == CAPACITY) CHECK_OK(ct_condition_wait(&b->not_full, CT_FOREVER));
        b->items[(b->head + b->count) % CAPACITY] = i;
        b->count++;
        CHECK_OK(ct_condition_notify(&b->not_empty, 1));
        CHECK_OK(ct_condition_release(&b->not_full));
    }
    ct_condition_acquire(&b->not_empty);
    b->producers_left--;
    CHECK_OK(ct_condition_notify_all(&b->not_empty));
    CHECK_OK(ct_condition_release(&b->not_empty));
}

static bool has_item_or_done(void *arg)
{
    buffer *b = (buffer *)arg;
    return b->count > 0 || b->producers_left == 0;
}

static void consume(void *arg)
{
    buffer *b = (buffer *)arg;
    for (;;) {
        ct_condition_acquire(&b->not_empty);
        CHECK_OK(ct_condition_wait_for(&b->not_empty, has_item_or_done, b, CT_FOREVER));
        if (b->count == 0) {
            CHECK_OK(ct_condition_release(&b->not_empty));
            return;
        }
        b->consumed_sum += b->items[b->head];
        b->consumed_count++;
        b->head = (b->head + 1) % CAPACITY;
        b->count--;
        CHECK_OK(ct_condition_notify(&b->not_full, 1));
        CHECK_OK(ct_condition_release(&b->not_empty));
    }
}

TEST(producer_consumer_over_one_lock)
{
    buffer b;
    ct_thread *threads[PRODUCERS + CONSUMERS];
    int i;
    memset(&b, 0, sizeof b);
    ct_lock_init(&b.lock);
    ct_condition_init_lock(&b.not_empty, &b.lock);
    ct_condition_init_lock(&b.not_full, &b.lock);
    b.producers_left = PRODUCERS;
    for (i = 0; i < CONSUMERS; i++) threads[i] = ct_test_start(consume, &b);
    for (i = 0; i < PRODUCERS; i++) threads[CONSUMERS + i] = ct_test_start(produce, &b);
    for (i = 0; i < PRODUCERS + CONSUMERS; i++) ct_test_join(threads[i]);
    CHECK_EQ(b.consumed_count, (long)PRODUCERS * PER_PRODUCER);
    CHECK_EQ(b.consumed_sum, (long)PRODUCERS * PER_PRODUCER * (PER_PRODUCER + 1) / 2);
    CHECK_EQ(b.count, 0);
    CHECK(!ct_lock_locked(&b.lock));
}

/* The same hand-off through one condition with its own RLock and notify_all. */
typedef struct mailbox {
    ct_condition cond;
    long slot;     /* 0: empty */
    long received;
    long sum;
} mailbox;

static bool slot_full(void *arg) { return ((mailbox *)arg)->slot != 0; }

static void mail_sender(void *arg)
{
    mailbox *m = (mailbox *)arg;
    long i;
    for (i = 1; i <= 2000; i++) {
        ct_condition_acquire(&m->cond);
        while (m->slot != 0) CHECK_OK(ct_condition_wait(&m->cond, 30.0));
        m->slot = i;
        CHECK_OK(ct_condition_notify_all(&m->cond));
        CHECK_OK(ct_condition_release(&m->cond));
    }
}

TEST(producer_consumer_own_rlock)
{
    mailbox m = { CT_CONDITION_INIT, 0, 0, 0 };
    ct_thread *sender = ct_test_start(mail_sender, &m);
    while (m.received < 2000) {
        ct_condition_acquire(&m.cond);
        CHECK_OK(ct_condition_wait_for(&m.cond, slot_full, &m, 30.0));
        m.sum += m.slot;
        m.received++;
        m.slot = 0;
        CHECK_OK(ct_condition_notify_all(&m.cond));
        CHECK_OK(ct_condition_release(&m.cond));
    }
    ct_test_join(sender);
    CHECK_EQ(m.sum, 2000L * 2001 / 2);
}
