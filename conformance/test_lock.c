/* SPDX-License-Identifier: MIT */
/* threading.Lock: ct_lock_*. */
#include "harness.h"

#include <math.h>
#include <string.h>

/* Timed waits may end up to this much early (clock granularity). */
#define SLACK 0.001

TEST(static_init)
{
    ct_lock lock = CT_LOCK_INIT;
    CHECK(!ct_lock_locked(&lock));
    ct_lock_acquire(&lock);
    CHECK(ct_lock_locked(&lock));
    CHECK_OK(ct_lock_release(&lock));
    CHECK(!ct_lock_locked(&lock));
}

TEST(init_over_garbage)
{
    ct_lock lock;
    memset(&lock, 0xA5, sizeof lock);
    ct_lock_init(&lock);
    CHECK(!ct_lock_locked(&lock));
    CHECK_OK(ct_lock_acquire_timeout(&lock, 0));
    CHECK(ct_lock_locked(&lock));
    CHECK_OK(ct_lock_release(&lock));
    CHECK(!ct_lock_locked(&lock));
}

TEST(size_is_one_byte)
{
    CHECK_EQ(sizeof(ct_lock), 1);
}

TEST(acquire_timeout_zero)
{
    ct_lock lock = CT_LOCK_INIT;
    double start;
    CHECK_OK(ct_lock_acquire_timeout(&lock, 0));
    CHECK(ct_lock_locked(&lock));
    start = ct_monotonic();
    CHECK_STATUS(ct_lock_acquire_timeout(&lock, 0), CT_ETIMEDOUT);
    CHECK_LE_D(ct_monotonic() - start, 1.0);
    CHECK(ct_lock_locked(&lock));
    CHECK_OK(ct_lock_release(&lock));
    CHECK(!ct_lock_locked(&lock));
}

TEST(timed_acquire_times_out)
{
    ct_lock lock = CT_LOCK_INIT;
    double start, elapsed;
    ct_lock_acquire(&lock);
    start = ct_monotonic();
    CHECK_STATUS(ct_lock_acquire_timeout(&lock, 0.1), CT_ETIMEDOUT);
    elapsed = ct_monotonic() - start;
    CHECK_GE_D(elapsed, 0.1 - SLACK);
    CHECK_LE_D(elapsed, 5.0);
    CHECK(ct_lock_locked(&lock));
    CHECK_OK(ct_lock_release(&lock));
}

TEST(release_unlocked_is_eperm)
{
    ct_lock lock = CT_LOCK_INIT;
    CHECK_STATUS(ct_lock_release(&lock), CT_EPERM);
    CHECK_STATUS((ct_lock_release)(&lock), CT_EPERM);
    CHECK(!ct_lock_locked(&lock));
    ct_lock_acquire(&lock);
    CHECK(ct_lock_locked(&lock));
    CHECK_OK(ct_lock_release(&lock));
    CHECK_STATUS(ct_lock_release(&lock), CT_EPERM);
    CHECK(!ct_lock_locked(&lock));
    CHECK_OK(ct_lock_acquire_timeout(&lock, 0));
    CHECK_OK(ct_lock_release(&lock));
}

CT_NO_THREAD_SAFETY_ANALYSIS static void release_it(void *arg)
{
    CHECK_OK(ct_lock_release((ct_lock *)arg));
}

TEST(release_from_another_thread)
{
    ct_lock lock = CT_LOCK_INIT;
    ct_lock_acquire(&lock);
    ct_test_join(ct_test_start(release_it, &lock));
    CHECK(!ct_lock_locked(&lock));
    CHECK_OK(ct_lock_acquire_timeout(&lock, 0));
    CHECK_OK(ct_lock_release(&lock));
}

static void check_bad_timeouts(ct_lock *lock)
{
    CHECK_STATUS(ct_lock_acquire_timeout(lock, NAN), CT_EINVAL);
    CHECK_STATUS(ct_lock_acquire_timeout(lock, -0.5), CT_EINVAL);
    CHECK_STATUS(ct_lock_acquire_timeout(lock, -2.0), CT_EINVAL);
    CHECK_STATUS(ct_lock_acquire_timeout(lock, -INFINITY), CT_EINVAL);
    CHECK_STATUS(ct_lock_acquire_timeout(lock, CT_TIMEOUT_MAX * 2), CT_EOVERFLOW);
    CHECK_STATUS(ct_lock_acquire_timeout(lock, INFINITY), CT_EOVERFLOW);
}

TEST(bad_timeouts)
{
    ct_lock lock = CT_LOCK_INIT;
    double start = ct_monotonic();

    check_bad_timeouts(&lock);
    CHECK(!ct_lock_locked(&lock));

    ct_lock_acquire(&lock);
    check_bad_timeouts(&lock);
    CHECK(ct_lock_locked(&lock));
    CHECK_OK(ct_lock_release(&lock));
    CHECK(!ct_lock_locked(&lock));
    /* A rejected timeout is rejected before any waiting. */
    CHECK_LE_D(ct_monotonic() - start, 2.0);

    CHECK_OK(ct_lock_acquire_timeout(&lock, CT_TIMEOUT_MAX));
    CHECK(ct_lock_locked(&lock));
    CHECK_OK(ct_lock_release(&lock));
    CHECK_OK(ct_lock_acquire_timeout(&lock, CT_FOREVER));
    CHECK(ct_lock_locked(&lock));
    CHECK_OK(ct_lock_release(&lock));
    CHECK(!ct_lock_locked(&lock));
}

typedef struct counter {
    ct_lock lock;
    long iterations;
    long value;
    ct_event go;   /* set once every thread is started, so they contend */
} counter;

static void count_inline(void *arg)
{
    counter *c = (counter *)arg;
    long i;
    CHECK(ct_event_wait(&c->go, 30.0));
    for (i = 0; i < c->iterations; i++) {
        ct_lock_acquire(&c->lock);
        c->value++;
        CHECK_OK(ct_lock_release(&c->lock));
    }
}

/* The same, through the exported functions rather than the inline fast path. */
static void count_exported(void *arg)
{
    counter *c = (counter *)arg;
    long i;
    CHECK(ct_event_wait(&c->go, 30.0));
    for (i = 0; i < c->iterations; i++) {
        (ct_lock_acquire)(&c->lock);
        c->value++;
        CHECK_OK((ct_lock_release)(&c->lock));
    }
}

CT_NO_THREAD_SAFETY_ANALYSIS static void count_timed(void *arg)
{
    counter *c = (counter *)arg;
    long i;
    CHECK(ct_event_wait(&c->go, 30.0));
    for (i = 0; i < c->iterations; i++) {
        CHECK_OK(ct_lock_acquire_timeout(&c->lock, i % 2 ? 30.0 : CT_FOREVER));
        c->value++;
        CHECK_OK(ct_lock_release(&c->lock));
    }
}

static void run_counters(counter *c, void (*const *fns)(void *), size_t n_threads)
{
    ct_thread *threads[16];
    size_t i;
    CHECK(n_threads <= 16);
    for (i = 0; i < n_threads; i++) threads[i] = ct_test_start(fns[i], c);
    ct_event_set(&c->go);
    for (i = 0; i < n_threads; i++) ct_test_join(threads[i]);
    CHECK(!ct_lock_locked(&c->lock));
}

TEST(counter_10_threads)
{
    counter c = { CT_LOCK_INIT, 1000, 0, CT_EVENT_INIT };
    void (*fns[10])(void *);
    size_t i;
    for (i = 0; i < 10; i++) fns[i] = i % 2 ? count_exported : count_inline;
    run_counters(&c, fns, 10);
    CHECK_EQ(c.value, 10000);
}

TEST_TIMEOUT(counter_2_threads_million, 240)
{
    counter c = { CT_LOCK_INIT, 1000000, 0, CT_EVENT_INIT };
    void (*fns[2])(void *) = { count_inline, count_exported };
    run_counters(&c, fns, 2);
    CHECK_EQ(c.value, 2000000);
}

TEST(counter_timed_acquire)
{
    counter c = { CT_LOCK_INIT, 2000, 0, CT_EVENT_INIT };
    void (*fns[4])(void *) = { count_timed, count_timed, count_inline, count_timed };
    run_counters(&c, fns, 4);
    CHECK_EQ(c.value, 8000);
}

/* More threads than this machine has cores, as in the benchmarks: the paths
 * where waiters are woken one at a time, handed the lock, or park at once
 * because a woken thread is on its way. A lost wake-up hangs here. */
TEST_TIMEOUT(counter_16_threads, 120)
{
    counter c = { CT_LOCK_INIT, 20000, 0, CT_EVENT_INIT };
    void (*fns[16])(void *);
    size_t i;
    for (i = 0; i < 16; i++) fns[i] = i % 3 == 0 ? count_timed : i % 3 == 1 ? count_inline : count_exported;
    run_counters(&c, fns, 16);
    CHECK_EQ(c.value, 320000);
}

/* Locks 1004 bytes apart share one queue of the parking lot (its buckets are
 * picked by address, 251 four-byte words around): each lock's releases must
 * wake its own waiters only, and lose none, while both are contended. */
typedef struct lock_and_count {
    ct_lock *lock;
    long value;
    ct_event *go;
} lock_and_count;

CT_NO_THREAD_SAFETY_ANALYSIS static void count_on_shared_bucket(void *arg)
{
    lock_and_count *c = (lock_and_count *)arg;
    long i;
    CHECK(ct_event_wait(c->go, 30.0));
    for (i = 0; i < 10000; i++) {
        CHECK_OK(ct_lock_acquire_timeout(c->lock, i % 2 ? 30.0 : CT_FOREVER));
        c->value++;
        CHECK_OK(ct_lock_release(c->lock));
    }
}

TEST_TIMEOUT(locks_sharing_a_bucket, 120)
{
    static ct_lock locks[1005];
    ct_event go = CT_EVENT_INIT;
    lock_and_count counts[2] = { { &locks[0], 0, &go }, { &locks[1004], 0, &go } };
    ct_thread *threads[8];
    size_t i;
    for (i = 0; i < 8; i++) threads[i] = ct_test_start(count_on_shared_bucket, &counts[i % 2]);
    ct_event_set(&go);
    for (i = 0; i < 8; i++) ct_test_join(threads[i]);
    CHECK_EQ(counts[0].value, 40000);
    CHECK_EQ(counts[1].value, 40000);
    CHECK(!ct_lock_locked(&locks[0]));
    CHECK(!ct_lock_locked(&locks[1004]));
}

typedef struct hammer {
    ct_lock lock;
    ct_event go, stop;
    long counts[8];
    size_t next;
} hammer;

static void hammer_until_stopped(void *arg)
{
    hammer *h = (hammer *)arg;
    size_t me;
    ct_lock_acquire(&h->lock);
    me = h->next++;
    ct_lock_release(&h->lock);
    CHECK(ct_event_wait(&h->go, 30.0));
    while (!ct_event_is_set(&h->stop)) {
        ct_lock_acquire(&h->lock);
        h->counts[me]++;
        ct_lock_release(&h->lock);
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
    for (i = 0; i < 8; i++) threads[i] = ct_test_start(hammer_until_stopped, &h);
    ct_event_set(&h.go);
    ct_sleep(0.5);
    ct_event_set(&h.stop);
    for (i = 0; i < 8; i++) ct_test_join(threads[i]);
    for (i = 0; i < 8; i++) CHECK(h.counts[i] > 0);
}

typedef struct blocked {
    ct_lock *lock;
    ct_event started;
    ct_event acquired;
    double timeout;
} blocked;

CT_NO_THREAD_SAFETY_ANALYSIS static void acquire_then_signal(void *arg)
{
    blocked *b = (blocked *)arg;
    ct_event_set(&b->started);
    if (b->timeout == CT_FOREVER)
        ct_lock_acquire(b->lock);
    else
        CHECK_OK(ct_lock_acquire_timeout(b->lock, b->timeout));
    ct_event_set(&b->acquired);
}

CT_NO_THREAD_SAFETY_ANALYSIS static void check_waiter_woken_by_release(double timeout)
{
    ct_lock lock = CT_LOCK_INIT;
    blocked b;
    ct_thread *thread;
    b.lock = &lock;
    b.timeout = timeout;
    ct_event_init(&b.started);
    ct_event_init(&b.acquired);

    ct_lock_acquire(&lock);
    thread = ct_test_start(acquire_then_signal, &b);
    CHECK(ct_event_wait(&b.started, 10.0));
    CHECK(!ct_event_wait(&b.acquired, 0.1));
    CHECK_OK(ct_lock_release(&lock));
    CHECK(ct_event_wait(&b.acquired, 10.0));
    ct_test_join(thread);
    /* The waiter took the lock and never released it. */
    CHECK(ct_lock_locked(&lock));
    CHECK_STATUS(ct_lock_acquire_timeout(&lock, 0), CT_ETIMEDOUT);
    CHECK_OK(ct_lock_release(&lock));
}

TEST(waiter_woken_by_release)
{
    check_waiter_woken_by_release(CT_FOREVER);
}

TEST(timed_waiter_woken_by_release)
{
    check_waiter_woken_by_release(30.0);
}

TEST(exported_functions_by_address)
{
    ct_lock lock = CT_LOCK_INIT;
    void (*acquire)(ct_lock *) = ct_lock_acquire;
    int (*release)(ct_lock *) = ct_lock_release;
    int (*acquire_timeout)(ct_lock *, double) = ct_lock_acquire_timeout;
    bool (*locked)(const ct_lock *) = ct_lock_locked;
    void (*init)(ct_lock *) = ct_lock_init;

    init(&lock);
    acquire(&lock);
    CHECK(locked(&lock));
    CHECK_STATUS(acquire_timeout(&lock, 0), CT_ETIMEDOUT);
    CHECK_OK(release(&lock));
    CHECK(!locked(&lock));
    CHECK_STATUS(release(&lock), CT_EPERM);

    (ct_lock_acquire)(&lock);
    CHECK(ct_lock_locked(&lock));
    /* Taken by the exported function, released by the inline path, and back. */
    CHECK_OK(ct_lock_release(&lock));
    ct_lock_acquire(&lock);
    CHECK_OK((ct_lock_release)(&lock));
    CHECK(!ct_lock_locked(&lock));
}

/* The header's inline fast paths and the exported slow paths they fall back
 * to are ABI too: a binding that cannot use the inline functions calls them. */
TEST(inline_fast_path_and_slow_path_entry_points)
{
    ct_lock lock = CT_LOCK_INIT;
    ct__lock_acquire_inline(&lock);
    CHECK(ct_lock_locked(&lock));
    CHECK_OK(ct__lock_release_inline(&lock));
    CHECK_STATUS(ct__lock_release_inline(&lock), CT_EPERM);

    ct__lock_acquire_slow(&lock);   /* takes a free lock too */
    CHECK(ct_lock_locked(&lock));
    CHECK_STATUS(ct_lock_acquire_timeout(&lock, 0), CT_ETIMEDOUT);
    CHECK_OK(ct__lock_release_slow(&lock));
    CHECK(!ct_lock_locked(&lock));
    CHECK_STATUS(ct__lock_release_slow(&lock), CT_EPERM);
    CHECK(!ct_lock_locked(&lock));
}
