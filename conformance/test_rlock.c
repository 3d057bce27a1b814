/* SPDX-License-Identifier: MIT */
/* threading.RLock: ct_rlock_*. */
#include "harness.h"

#include <math.h>
#include <string.h>

#define SLACK 0.001

TEST(static_init)
{
    ct_rlock rlock = CT_RLOCK_INIT;
    CHECK(!ct_rlock_locked(&rlock));
    ct_rlock_acquire(&rlock);
    CHECK(ct_rlock_locked(&rlock));
    CHECK_OK(ct_rlock_release(&rlock));
    CHECK(!ct_rlock_locked(&rlock));
}

TEST(init_over_garbage)
{
    ct_rlock rlock;
    memset(&rlock, 0xA5, sizeof rlock);
    ct_rlock_init(&rlock);
    CHECK(!ct_rlock_locked(&rlock));
    CHECK_OK(ct_rlock_acquire_timeout(&rlock, 0));
    CHECK(ct_rlock_locked(&rlock));
    CHECK_OK(ct_rlock_release(&rlock));
    CHECK(!ct_rlock_locked(&rlock));
}

TEST(size_at_most_16)
{
    CHECK_LE(sizeof(ct_rlock), 16);
}

TEST(reentrant)
{
    ct_rlock rlock = CT_RLOCK_INIT;
    ct_rlock_acquire(&rlock);
    CHECK_OK(ct_rlock_acquire_timeout(&rlock, 0));
    CHECK_OK(ct_rlock_acquire_timeout(&rlock, CT_FOREVER));
    CHECK(ct_rlock_locked(&rlock));
    CHECK_OK(ct_rlock_release(&rlock));
    CHECK(ct_rlock_locked(&rlock));
    CHECK_OK(ct_rlock_release(&rlock));
    CHECK(ct_rlock_locked(&rlock));
    CHECK_OK(ct_rlock_release(&rlock));
    CHECK(!ct_rlock_locked(&rlock));
    CHECK_STATUS(ct_rlock_release(&rlock), CT_EPERM);
    CHECK(!ct_rlock_locked(&rlock));
    /* Still usable after the refused release. */
    ct_rlock_acquire(&rlock);
    CHECK(ct_rlock_locked(&rlock));
    CHECK_OK(ct_rlock_release(&rlock));
    CHECK_STATUS(ct_rlock_release(&rlock), CT_EPERM);
}

TEST(release_unlocked_is_eperm)
{
    ct_rlock rlock = CT_RLOCK_INIT;
    CHECK_STATUS(ct_rlock_release(&rlock), CT_EPERM);
    CHECK(!ct_rlock_locked(&rlock));
    CHECK_OK(ct_rlock_acquire_timeout(&rlock, 0));
    CHECK_OK(ct_rlock_release(&rlock));
}

typedef struct intruder {
    ct_rlock *rlock;
    double timed_out_after;
} intruder;

/* A thread that does not own the lock: it can neither release nor take it. */
CT_NO_THREAD_SAFETY_ANALYSIS static void intrude(void *arg)
{
    intruder *in = (intruder *)arg;
    double start;
    CHECK(ct_rlock_locked(in->rlock));
    CHECK_STATUS(ct_rlock_release(in->rlock), CT_EPERM);
    CHECK(ct_rlock_locked(in->rlock));
    CHECK_STATUS(ct_rlock_acquire_timeout(in->rlock, 0), CT_ETIMEDOUT);
    start = ct_monotonic();
    CHECK_STATUS(ct_rlock_acquire_timeout(in->rlock, 0.1), CT_ETIMEDOUT);
    in->timed_out_after = ct_monotonic() - start;
    CHECK(ct_rlock_locked(in->rlock));
}

TEST(non_owner_cannot_release_or_acquire)
{
    ct_rlock rlock = CT_RLOCK_INIT;
    intruder in = { &rlock, 0 };
    ct_rlock_acquire(&rlock);
    ct_rlock_acquire(&rlock);
    ct_test_join(ct_test_start(intrude, &in));
    CHECK_GE_D(in.timed_out_after, 0.1 - SLACK);
    CHECK_LE_D(in.timed_out_after, 5.0);
    /* The owner still holds it, two levels deep. */
    CHECK(ct_rlock_locked(&rlock));
    CHECK_OK(ct_rlock_release(&rlock));
    CHECK(ct_rlock_locked(&rlock));
    CHECK_OK(ct_rlock_release(&rlock));
    CHECK(!ct_rlock_locked(&rlock));
    CHECK_STATUS(ct_rlock_release(&rlock), CT_EPERM);
}

CT_NO_THREAD_SAFETY_ANALYSIS static void take_at_once(void *arg)
{
    ct_rlock *rlock = (ct_rlock *)arg;
    CHECK_OK(ct_rlock_acquire_timeout(rlock, 0));
    CHECK_OK(ct_rlock_release(rlock));
}

static void fail_at_once(void *arg)
{
    CHECK_STATUS(ct_rlock_acquire_timeout((ct_rlock *)arg, 0), CT_ETIMEDOUT);
}

TEST(free_only_after_last_release)
{
    ct_rlock rlock = CT_RLOCK_INIT;
    ct_rlock_acquire(&rlock);
    ct_rlock_acquire(&rlock);
    CHECK_OK(ct_rlock_release(&rlock));
    ct_test_join(ct_test_start(fail_at_once, &rlock));
    CHECK_OK(ct_rlock_release(&rlock));
    ct_test_join(ct_test_start(take_at_once, &rlock));
    CHECK(!ct_rlock_locked(&rlock));
}

static void check_bad_timeouts(ct_rlock *rlock)
{
    CHECK_STATUS(ct_rlock_acquire_timeout(rlock, NAN), CT_EINVAL);
    CHECK_STATUS(ct_rlock_acquire_timeout(rlock, -0.5), CT_EINVAL);
    CHECK_STATUS(ct_rlock_acquire_timeout(rlock, -2.0), CT_EINVAL);
    CHECK_STATUS(ct_rlock_acquire_timeout(rlock, -INFINITY), CT_EINVAL);
    CHECK_STATUS(ct_rlock_acquire_timeout(rlock, CT_TIMEOUT_MAX * 2), CT_EOVERFLOW);
    CHECK_STATUS(ct_rlock_acquire_timeout(rlock, INFINITY), CT_EOVERFLOW);
}

static void bad_timeouts_from_non_owner(void *arg)
{
    check_bad_timeouts((ct_rlock *)arg);
}

TEST(bad_timeouts)
{
    ct_rlock rlock = CT_RLOCK_INIT;
    double start = ct_monotonic();

    check_bad_timeouts(&rlock);
    CHECK(!ct_rlock_locked(&rlock));

    /* Held by the caller: a refused acquire does not add a level. */
    ct_rlock_acquire(&rlock);
    check_bad_timeouts(&rlock);
    /* Held by another thread: refused before any waiting. */
    ct_test_join(ct_test_start(bad_timeouts_from_non_owner, &rlock));
    CHECK(ct_rlock_locked(&rlock));
    CHECK_OK(ct_rlock_release(&rlock));
    CHECK(!ct_rlock_locked(&rlock));
    CHECK_STATUS(ct_rlock_release(&rlock), CT_EPERM);
    CHECK_LE_D(ct_monotonic() - start, 2.0);

    CHECK_OK(ct_rlock_acquire_timeout(&rlock, CT_TIMEOUT_MAX));
    CHECK_OK(ct_rlock_acquire_timeout(&rlock, CT_TIMEOUT_MAX));
    CHECK_OK(ct_rlock_release(&rlock));
    CHECK_OK(ct_rlock_release(&rlock));
    CHECK_OK(ct_rlock_acquire_timeout(&rlock, CT_FOREVER));
    CHECK_OK(ct_rlock_release(&rlock));
    CHECK(!ct_rlock_locked(&rlock));
}

typedef struct blocked {
    ct_rlock *rlock;
    ct_event started;
    ct_event acquired;
    double timeout;
} blocked;

CT_NO_THREAD_SAFETY_ANALYSIS static void acquire_then_signal(void *arg)
{
    blocked *b = (blocked *)arg;
    ct_event_set(&b->started);
    if (b->timeout == CT_FOREVER)
        ct_rlock_acquire(b->rlock);
    else
        CHECK_OK(ct_rlock_acquire_timeout(b->rlock, b->timeout));
    ct_event_set(&b->acquired);
    CHECK_OK(ct_rlock_release(b->rlock));
}

CT_NO_THREAD_SAFETY_ANALYSIS static void check_waiter_woken_by_release(double timeout)
{
    ct_rlock rlock = CT_RLOCK_INIT;
    blocked b;
    ct_thread *thread;
    b.rlock = &rlock;
    b.timeout = timeout;
    ct_event_init(&b.started);
    ct_event_init(&b.acquired);

    ct_rlock_acquire(&rlock);
    ct_rlock_acquire(&rlock);
    thread = ct_test_start(acquire_then_signal, &b);
    CHECK(ct_event_wait(&b.started, 10.0));
    CHECK(!ct_event_wait(&b.acquired, 0.05));
    CHECK_OK(ct_rlock_release(&rlock));
    CHECK(!ct_event_wait(&b.acquired, 0.05));
    CHECK_OK(ct_rlock_release(&rlock));
    CHECK(ct_event_wait(&b.acquired, 10.0));
    ct_test_join(thread);
    CHECK(!ct_rlock_locked(&rlock));
}

TEST(waiter_woken_by_release)
{
    check_waiter_woken_by_release(CT_FOREVER);
}

TEST(timed_waiter_woken_by_release)
{
    check_waiter_woken_by_release(30.0);
}

typedef struct counter {
    ct_rlock rlock;
    long iterations;
    long value;
    ct_event go;   /* set once every thread is started, so they contend */
} counter;

CT_NO_THREAD_SAFETY_ANALYSIS static void count_nested(void *arg)
{
    counter *c = (counter *)arg;
    long i;
    CHECK(ct_event_wait(&c->go, 30.0));
    for (i = 0; i < c->iterations; i++) {
        ct_rlock_acquire(&c->rlock);
        CHECK_OK(ct_rlock_acquire_timeout(&c->rlock, 0));
        c->value++;
        CHECK_OK(ct_rlock_release(&c->rlock));
        CHECK_OK(ct_rlock_release(&c->rlock));
    }
}

static void count(void *arg)
{
    counter *c = (counter *)arg;
    long i;
    CHECK(ct_event_wait(&c->go, 30.0));
    for (i = 0; i < c->iterations; i++) {
        ct_rlock_acquire(&c->rlock);
        c->value++;
        CHECK_OK(ct_rlock_release(&c->rlock));
    }
}

CT_NO_THREAD_SAFETY_ANALYSIS static void count_timed(void *arg)
{
    counter *c = (counter *)arg;
    long i;
    CHECK(ct_event_wait(&c->go, 30.0));
    for (i = 0; i < c->iterations; i++) {
        CHECK_OK(ct_rlock_acquire_timeout(&c->rlock, 30.0));
        c->value++;
        CHECK_OK(ct_rlock_release(&c->rlock));
    }
}

static void run_counters(counter *c, size_t n_threads)
{
    ct_thread *threads[16];
    size_t i;
    CHECK(n_threads <= 16);
    for (i = 0; i < n_threads; i++)
        threads[i] = ct_test_start(i % 3 == 0 ? count : i % 3 == 1 ? count_nested : count_timed, c);
    ct_event_set(&c->go);
    for (i = 0; i < n_threads; i++) ct_test_join(threads[i]);
    CHECK(!ct_rlock_locked(&c->rlock));
}

TEST(counter_10_threads)
{
    counter c = { CT_RLOCK_INIT, 1000, 0, CT_EVENT_INIT };
    run_counters(&c, 10);
    CHECK_EQ(c.value, 10000);
}

TEST_TIMEOUT(counter_2_threads_million, 240)
{
    counter c = { CT_RLOCK_INIT, 1000000, 0, CT_EVENT_INIT };
    run_counters(&c, 2);
    CHECK_EQ(c.value, 2000000);
}
