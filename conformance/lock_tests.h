/* SPDX-License-Identifier: MIT */
/* The tests every lock passes, as CPython's lock_tests.BaseLockTests runs over
 * Lock and RLock. A lock's test file includes this file and defines
 * `lock_under_test`, the table of its operations: each TEST here becomes one
 * of that file's tests (conformance/CMakeLists.txt reads the TEST lines of the
 * files a test file includes). What only one kind of lock does stays in its
 * file.
 */
#ifndef CT_LOCK_TESTS_H
#define CT_LOCK_TESTS_H

#include "harness.h"

#include <math.h>
#include <string.h>

/* Timed waits may end up to this much early (clock granularity). */
#define SLACK 0.001

/* Storage for any lock under test. */
typedef union any_lock {
    ct_lock lock;
    ct_rlock rlock;
} any_lock;

typedef struct lock_ops {
    void (*static_init)(any_lock *lock);   /* assigns the CT_..._INIT initializer */
    void (*init)(any_lock *lock);
    void (*acquire)(any_lock *lock);
    int (*acquire_timeout)(any_lock *lock, double timeout);
    int (*release)(any_lock *lock);
    bool (*locked)(const any_lock *lock);
    /* A second way to take and give back the lock, which the counter tests
     * mix with the first: Lock's exported functions behind the inline fast
     * path, RLock's acquire nested in itself. */
    void (*acquire_other_way)(any_lock *lock);
    int (*release_other_way)(any_lock *lock);
    bool reentrant;
} lock_ops;

/* Defined by the test file that includes this one. */
static const lock_ops lock_under_test;

TEST(static_init)
{
    any_lock lock;
    memset(&lock, 0xA5, sizeof lock);
    lock_under_test.static_init(&lock);
    CHECK(!lock_under_test.locked(&lock));
    lock_under_test.acquire(&lock);
    CHECK(lock_under_test.locked(&lock));
    CHECK_OK(lock_under_test.release(&lock));
    CHECK(!lock_under_test.locked(&lock));
}

TEST(init_over_garbage)
{
    any_lock lock;
    memset(&lock, 0xA5, sizeof lock);
    lock_under_test.init(&lock);
    CHECK(!lock_under_test.locked(&lock));
    CHECK_OK(lock_under_test.acquire_timeout(&lock, 0));
    CHECK(lock_under_test.locked(&lock));
    CHECK_OK(lock_under_test.release(&lock));
    CHECK(!lock_under_test.locked(&lock));
}

static void fail_at_once(void *arg)
{
    double start = ct_monotonic();
    CHECK_STATUS(lock_under_test.acquire_timeout((any_lock *)arg, 0), CT_ETIMEDOUT);
    CHECK_LE_D(ct_monotonic() - start, 1.0);
}

TEST(acquire_timeout_zero)
{
    any_lock lock;
    lock_under_test.init(&lock);
    CHECK_OK(lock_under_test.acquire_timeout(&lock, 0));
    CHECK(lock_under_test.locked(&lock));
    ct_test_join(ct_test_start(fail_at_once, &lock));
    CHECK(lock_under_test.locked(&lock));
    CHECK_OK(lock_under_test.release(&lock));
    CHECK(!lock_under_test.locked(&lock));
}

static void time_out_after_a_tenth(void *arg)
{
    any_lock *lock = (any_lock *)arg;
    double start = ct_monotonic(), elapsed;
    CHECK_STATUS(lock_under_test.acquire_timeout(lock, 0.1), CT_ETIMEDOUT);
    elapsed = ct_monotonic() - start;
    CHECK_GE_D(elapsed, 0.1 - SLACK);
    CHECK_LE_D(elapsed, 5.0);
    CHECK(lock_under_test.locked(lock));
}

TEST(timed_acquire_times_out)
{
    any_lock lock;
    lock_under_test.init(&lock);
    lock_under_test.acquire(&lock);
    ct_test_join(ct_test_start(time_out_after_a_tenth, &lock));
    CHECK(lock_under_test.locked(&lock));
    CHECK_OK(lock_under_test.release(&lock));
    CHECK(!lock_under_test.locked(&lock));
}

TEST(release_unlocked_is_eperm)
{
    any_lock lock;
    lock_under_test.init(&lock);
    CHECK_STATUS(lock_under_test.release(&lock), CT_EPERM);
    CHECK(!lock_under_test.locked(&lock));
    lock_under_test.acquire(&lock);
    CHECK(lock_under_test.locked(&lock));
    CHECK_OK(lock_under_test.release(&lock));
    CHECK_STATUS(lock_under_test.release(&lock), CT_EPERM);
    CHECK(!lock_under_test.locked(&lock));
    /* Still usable after the refused releases. */
    CHECK_OK(lock_under_test.acquire_timeout(&lock, 0));
    CHECK_OK(lock_under_test.release(&lock));
}

static void check_bad_timeouts(void *arg)
{
    any_lock *lock = (any_lock *)arg;
    CHECK_STATUS(lock_under_test.acquire_timeout(lock, NAN), CT_EINVAL);
    CHECK_STATUS(lock_under_test.acquire_timeout(lock, -0.5), CT_EINVAL);
    CHECK_STATUS(lock_under_test.acquire_timeout(lock, -2.0), CT_EINVAL);
    CHECK_STATUS(lock_under_test.acquire_timeout(lock, -INFINITY), CT_EINVAL);
    CHECK_STATUS(lock_under_test.acquire_timeout(lock, CT_TIMEOUT_MAX * 2), CT_EOVERFLOW);
    CHECK_STATUS(lock_under_test.acquire_timeout(lock, INFINITY), CT_EOVERFLOW);
}

TEST(bad_timeouts)
{
    any_lock lock;
    double start = ct_monotonic();
    lock_under_test.init(&lock);

    check_bad_timeouts(&lock);
    CHECK(!lock_under_test.locked(&lock));

    /* Held by the caller, then by another thread: refused before any
     * waiting, and a refused acquire does not add an RLock level. */
    lock_under_test.acquire(&lock);
    check_bad_timeouts(&lock);
    ct_test_join(ct_test_start(check_bad_timeouts, &lock));
    CHECK(lock_under_test.locked(&lock));
    CHECK_OK(lock_under_test.release(&lock));
    CHECK(!lock_under_test.locked(&lock));
    CHECK_STATUS(lock_under_test.release(&lock), CT_EPERM);
    CHECK_LE_D(ct_monotonic() - start, 2.0);

    CHECK_OK(lock_under_test.acquire_timeout(&lock, CT_TIMEOUT_MAX));
    CHECK(lock_under_test.locked(&lock));
    CHECK_OK(lock_under_test.release(&lock));
    CHECK_OK(lock_under_test.acquire_timeout(&lock, CT_FOREVER));
    CHECK(lock_under_test.locked(&lock));
    CHECK_OK(lock_under_test.release(&lock));
    CHECK(!lock_under_test.locked(&lock));
}

typedef struct blocked {
    any_lock lock;
    double timeout;
    ct_event started, acquired, may_release;
} blocked;

static void acquire_then_signal(void *arg)
{
    blocked *b = (blocked *)arg;
    ct_event_set(&b->started);
    if (b->timeout == CT_FOREVER)
        lock_under_test.acquire(&b->lock);
    else
        CHECK_OK(lock_under_test.acquire_timeout(&b->lock, b->timeout));
    ct_event_set(&b->acquired);
    CHECK(ct_event_wait(&b->may_release, 30.0));
    CHECK_OK(lock_under_test.release(&b->lock));
}

/* The holder releases (an RLock level by level): the waiter gets the lock
 * only at the last release, and holds it until it releases it. */
static void check_waiter_woken_by_release(double timeout)
{
    blocked b;
    ct_thread *thread;
    lock_under_test.init(&b.lock);
    b.timeout = timeout;
    ct_event_init(&b.started);
    ct_event_init(&b.acquired);
    ct_event_init(&b.may_release);

    lock_under_test.acquire(&b.lock);
    if (lock_under_test.reentrant) lock_under_test.acquire(&b.lock);
    thread = ct_test_start(acquire_then_signal, &b);
    CHECK(ct_event_wait(&b.started, 10.0));
    CHECK(!ct_event_wait(&b.acquired, 0.1));
    if (lock_under_test.reentrant) {
        CHECK_OK(lock_under_test.release(&b.lock));
        CHECK(!ct_event_wait(&b.acquired, 0.05));
    }
    CHECK_OK(lock_under_test.release(&b.lock));
    CHECK(ct_event_wait(&b.acquired, 10.0));
    CHECK(lock_under_test.locked(&b.lock));
    CHECK_STATUS(lock_under_test.acquire_timeout(&b.lock, 0), CT_ETIMEDOUT);
    ct_event_set(&b.may_release);
    ct_test_join(thread);
    CHECK(!lock_under_test.locked(&b.lock));
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
    any_lock lock;
    long iterations;
    long value;
    ct_event go;   /* set once every thread is started, so they contend */
} counter;

static void count(void *arg)
{
    counter *c = (counter *)arg;
    long i;
    CHECK(ct_event_wait(&c->go, 30.0));
    for (i = 0; i < c->iterations; i++) {
        lock_under_test.acquire(&c->lock);
        c->value++;
        CHECK_OK(lock_under_test.release(&c->lock));
    }
}

static void count_other_way(void *arg)
{
    counter *c = (counter *)arg;
    long i;
    CHECK(ct_event_wait(&c->go, 30.0));
    for (i = 0; i < c->iterations; i++) {
        lock_under_test.acquire_other_way(&c->lock);
        c->value++;
        CHECK_OK(lock_under_test.release_other_way(&c->lock));
    }
}

static void count_timed(void *arg)
{
    counter *c = (counter *)arg;
    long i;
    CHECK(ct_event_wait(&c->go, 30.0));
    for (i = 0; i < c->iterations; i++) {
        CHECK_OK(lock_under_test.acquire_timeout(&c->lock, i % 2 ? 30.0 : CT_FOREVER));
        c->value++;
        CHECK_OK(lock_under_test.release(&c->lock));
    }
}

/* n_threads threads each count iterations times, in the ways given in turn. */
static void check_counters(long iterations, size_t n_threads, void (*const *ways)(void *), size_t n_ways)
{
    counter c;
    ct_thread *threads[16];
    size_t i;
    CHECK(n_threads <= 16);
    lock_under_test.init(&c.lock);
    c.iterations = iterations;
    c.value = 0;
    ct_event_init(&c.go);
    for (i = 0; i < n_threads; i++) threads[i] = ct_test_start(ways[i % n_ways], &c);
    ct_event_set(&c.go);
    for (i = 0; i < n_threads; i++) ct_test_join(threads[i]);
    CHECK(!lock_under_test.locked(&c.lock));
    CHECK_EQ(c.value, iterations * (long)n_threads);
}

TEST(counter_10_threads)
{
    void (*const ways[])(void *) = { count, count_other_way };
    check_counters(1000, 10, ways, 2);
}

TEST_TIMEOUT(counter_2_threads_million, 240)
{
    void (*const ways[])(void *) = { count, count_other_way };
    check_counters(1000000, 2, ways, 2);
}

TEST(counter_timed_acquire)
{
    void (*const ways[])(void *) = { count_timed, count_timed, count, count_timed };
    check_counters(2000, 4, ways, 4);
}

/* More threads than this machine has cores, as in the benchmarks: the paths
 * where waiters are woken one at a time, handed the lock, or park at once
 * because a woken thread is on its way. A lost wake-up hangs here. */
TEST_TIMEOUT(counter_16_threads, 120)
{
    void (*const ways[])(void *) = { count_timed, count, count_other_way };
    check_counters(20000, 16, ways, 3);
}

typedef struct hammer {
    any_lock lock;
    ct_event go, stop;
    long counts[8];
    size_t next;
} hammer;

static void hammer_until_stopped(void *arg)
{
    hammer *h = (hammer *)arg;
    size_t me;
    lock_under_test.acquire(&h->lock);
    me = h->next++;
    CHECK_OK(lock_under_test.release(&h->lock));
    CHECK(ct_event_wait(&h->go, 30.0));
    while (!ct_event_is_set(&h->stop)) {
        lock_under_test.acquire(&h->lock);
        h->counts[me]++;
        CHECK_OK(lock_under_test.release(&h->lock));
    }
}

/* Barging never shuts a thread out: every one of 8 threads that hammer the
 * lock for half a second gets it (the fairness handoff; its timing is
 * measured by benchmarks/, not asserted here). */
TEST(no_thread_starves)
{
    hammer h;
    ct_thread *threads[8];
    size_t i;
    memset(&h, 0, sizeof h);
    lock_under_test.init(&h.lock);
    ct_event_init(&h.go);
    ct_event_init(&h.stop);
    for (i = 0; i < 8; i++) threads[i] = ct_test_start(hammer_until_stopped, &h);
    ct_event_set(&h.go);
    ct_sleep(0.5);
    ct_event_set(&h.stop);
    for (i = 0; i < 8; i++) ct_test_join(threads[i]);
    for (i = 0; i < 8; i++) CHECK(h.counts[i] > 0);
}

#endif
