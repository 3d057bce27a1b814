/* SPDX-License-Identifier: MIT */
/* threading.Lock: ct_lock_*. The tests every lock passes are in lock_tests.h. */
#include "lock_tests.h"

/* Test bodies misuse the lock on purpose (a release from another thread, a
 * release that must fail), so the analysis does not look into these either. */
CT_NO_THREAD_SAFETY_ANALYSIS static void lock_static_init(any_lock *any)
{
    ct_lock lock = CT_LOCK_INIT;
    any->lock = lock;
}
static void lock_init(any_lock *any) { ct_lock_init(&any->lock); }
CT_NO_THREAD_SAFETY_ANALYSIS static void lock_acquire(any_lock *any) { ct_lock_acquire(&any->lock); }
CT_NO_THREAD_SAFETY_ANALYSIS static int lock_acquire_timeout(any_lock *any, double timeout)
{
    return ct_lock_acquire_timeout(&any->lock, timeout);
}
CT_NO_THREAD_SAFETY_ANALYSIS static int lock_release(any_lock *any) { return ct_lock_release(&any->lock); }
static bool lock_locked(const any_lock *any) { return ct_lock_locked(&any->lock); }
CT_NO_THREAD_SAFETY_ANALYSIS static void lock_acquire_exported(any_lock *any)
{
    (ct_lock_acquire)(&any->lock);
}
CT_NO_THREAD_SAFETY_ANALYSIS static int lock_release_exported(any_lock *any)
{
    return (ct_lock_release)(&any->lock);
}

static const lock_ops lock_under_test = {
    lock_static_init, lock_init, lock_acquire, lock_acquire_timeout, lock_release, lock_locked,
    lock_acquire_exported, lock_release_exported, false,
};

TEST(size_is_one_byte)
{
    CHECK_EQ(sizeof(ct_lock), 1);
}

/* A Lock is not reentrant: its holder's own acquire waits like anyone's. */
TEST(holder_cannot_reacquire)
{
    ct_lock lock = CT_LOCK_INIT;
    double start, elapsed;
    ct_lock_acquire(&lock);
    start = ct_monotonic();
    CHECK_STATUS(ct_lock_acquire_timeout(&lock, 0), CT_ETIMEDOUT);
    CHECK_LE_D(ct_monotonic() - start, 1.0);
    start = ct_monotonic();
    CHECK_STATUS(ct_lock_acquire_timeout(&lock, 0.1), CT_ETIMEDOUT);
    elapsed = ct_monotonic() - start;
    CHECK_GE_D(elapsed, 0.1 - SLACK);
    CHECK_LE_D(elapsed, 5.0);
    CHECK(ct_lock_locked(&lock));
    CHECK_OK(ct_lock_release(&lock));
    CHECK(!ct_lock_locked(&lock));
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
