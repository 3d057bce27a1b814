/* SPDX-License-Identifier: MIT */
/* threading.RLock: ct_rlock_*. The tests every lock passes are in lock_tests.h. */
#include "lock_tests.h"

CT_NO_THREAD_SAFETY_ANALYSIS static void rlock_static_init(any_lock *any)
{
    ct_rlock rlock = CT_RLOCK_INIT;
    any->rlock = rlock;
}
static void rlock_init(any_lock *any) { ct_rlock_init(&any->rlock); }
CT_NO_THREAD_SAFETY_ANALYSIS static void rlock_acquire(any_lock *any) { ct_rlock_acquire(&any->rlock); }
CT_NO_THREAD_SAFETY_ANALYSIS static int rlock_acquire_timeout(any_lock *any, double timeout)
{
    return ct_rlock_acquire_timeout(&any->rlock, timeout);
}
CT_NO_THREAD_SAFETY_ANALYSIS static int rlock_release(any_lock *any) { return ct_rlock_release(&any->rlock); }
static bool rlock_locked(const any_lock *any) { return ct_rlock_locked(&any->rlock); }
CT_NO_THREAD_SAFETY_ANALYSIS static void rlock_acquire_nested(any_lock *any)
{
    ct_rlock_acquire(&any->rlock);
    CHECK_OK(ct_rlock_acquire_timeout(&any->rlock, 0));
}
CT_NO_THREAD_SAFETY_ANALYSIS static int rlock_release_nested(any_lock *any)
{
    CHECK_OK(ct_rlock_release(&any->rlock));
    return ct_rlock_release(&any->rlock);
}

static const lock_ops lock_under_test = {
    rlock_static_init, rlock_init, rlock_acquire, rlock_acquire_timeout, rlock_release, rlock_locked,
    rlock_acquire_nested, rlock_release_nested, true,
};

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
    CHECK_OK(ct_rlock_acquire_timeout(&rlock, CT_TIMEOUT_MAX));
    CHECK(ct_rlock_locked(&rlock));
    CHECK_OK(ct_rlock_release(&rlock));
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

/* A thread that does not own the lock: it can neither release nor take it. */
CT_NO_THREAD_SAFETY_ANALYSIS static void intrude(void *arg)
{
    ct_rlock *rlock = (ct_rlock *)arg;
    CHECK(ct_rlock_locked(rlock));
    CHECK_STATUS(ct_rlock_release(rlock), CT_EPERM);
    CHECK(ct_rlock_locked(rlock));
    CHECK_STATUS(ct_rlock_acquire_timeout(rlock, 0), CT_ETIMEDOUT);
    CHECK(ct_rlock_locked(rlock));
}

TEST(non_owner_cannot_release_or_acquire)
{
    ct_rlock rlock = CT_RLOCK_INIT;
    ct_rlock_acquire(&rlock);
    ct_rlock_acquire(&rlock);
    ct_test_join(ct_test_start(intrude, &rlock));
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
