/* SPDX-License-Identifier: MIT */
/* RLock: a ct_lock plus the owner's ident and the recursion depth. Only the
 * owner writes owner and count while it holds the lock; other threads read
 * owner (relaxed) and can never see their own ident there. */
#include "internal.h"
#include "thread_shared.h"

void ct_rlock_init(ct_rlock *rlock)
{
    rlock->owner = 0;
    rlock->count = 0;
    ct_lock_init(&rlock->lock);
}

static bool owned_by(const ct_rlock *rlock, uint64_t me)
{
    /* Relaxed: a thread's own stores are seen in its order, so it reads its
     * own ident only while it owns the lock; nobody else ever stores it. */
    return ct_load_relaxed_u64(&rlock->owner) == me;
}

static int acquire_until(ct_rlock *rlock, int64_t deadline)
{
    uint64_t me = ct__ident();
    if (owned_by(rlock, me)) {
        if (rlock->count == UINT32_MAX) return CT_EOVERFLOW;
        rlock->count++;
        ct__tsan_lock_nested(&rlock->lock, 1);
        return CT_OK;
    }
    int status = ct__lock_acquire_fast_until(&rlock->lock, deadline, rlock);
    if (status != CT_OK) return status;
    ct_store_relaxed_u64(&rlock->owner, me);   /* relaxed: the lock orders it (owned_by) */
    rlock->count = 1;
    return CT_OK;
}

/* The analysis does not follow the lock through acquire_until. */
CT_NO_THREAD_SAFETY_ANALYSIS void ct_rlock_acquire(ct_rlock *rlock)
{
    /* 2^32 - 1 nested acquires by one thread: a runaway recursion, not a use. */
    if (acquire_until(rlock, CTB_NEVER) != CT_OK) ctb_fatal("ct_rlock_acquire: recursion depth overflow", 0);
}

int ct_rlock_acquire_timeout(ct_rlock *rlock, double timeout)
{
    int64_t deadline;
    int status = ct__deadline(timeout, &deadline);
    if (status != CT_OK) return status;
    return acquire_until(rlock, deadline);
}

CT_NO_THREAD_SAFETY_ANALYSIS int ct_rlock_release(ct_rlock *rlock)
{
    if (!owned_by(rlock, ct__ident())) return CT_EPERM;
    if (--rlock->count == 0) {
        ct_store_relaxed_u64(&rlock->owner, 0);   /* before the release, which orders it */
        return ct__lock_release_fast(&rlock->lock);
    }
    ct__tsan_lock_nested(&rlock->lock, -1);
    return CT_OK;
}

bool ct_rlock_locked(const ct_rlock *rlock)
{
    return ct_lock_locked(&rlock->lock);
}

uint32_t ct__rlock_release_all(ct_rlock *rlock)
{
    uint32_t count = rlock->count;
    rlock->count = 0;
    ct_store_relaxed_u64(&rlock->owner, 0);   /* before the release, which orders it */
    ct__tsan_lock_nested(&rlock->lock, 1 - (long)count);
    (void)ct__lock_release_fast(&rlock->lock);
    return count;
}

void ct__rlock_acquire_restore(ct_rlock *rlock, uint32_t count)
{
    (void)ct__lock_acquire_fast_until(&rlock->lock, CTB_NEVER, rlock);
    ct_store_relaxed_u64(&rlock->owner, ct__ident());   /* relaxed: the lock orders it */
    rlock->count = count;
    ct__tsan_lock_nested(&rlock->lock, (long)count - 1);
}
