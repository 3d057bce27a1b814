/* SPDX-License-Identifier: MIT */
/* Condition: waiters park on the condition's address. A waiter queues itself
 * before it releases the lock (in before_sleep), so a notifier, which must hold
 * the lock, always finds it: notify(n) wakes exactly min(n, waiting) threads.
 * waiters counts the threads queued here; it is only touched under the lock,
 * which makes notify with nobody waiting a plain read. */
#include "internal.h"
#include "parking_lot.h"

enum { OWN_RLOCK = 0, EXTERNAL_LOCK = 1, EXTERNAL_RLOCK = 2 };
#define TOKEN_NOTIFIED 1

void ct_condition_init(ct_condition *cond)
{
    ct_rlock_init(&cond->own);
    cond->lock = NULL;
    cond->waiters = 0;
    cond->kind = OWN_RLOCK;
}

void ct_condition_init_lock(ct_condition *cond, ct_lock *lock)
{
    ct_condition_init(cond);
    cond->lock = lock;
    cond->kind = EXTERNAL_LOCK;
}

void ct_condition_init_rlock(ct_condition *cond, ct_rlock *rlock)
{
    ct_condition_init(cond);
    cond->lock = rlock;
    cond->kind = EXTERNAL_RLOCK;
}

static ct_rlock *rlock_of(ct_condition *cond)
{
    return cond->kind == EXTERNAL_RLOCK ? (ct_rlock *)cond->lock : &cond->own;
}

/* A Condition takes and gives back its lock for its caller, and for the wait. */
CT_NO_THREAD_SAFETY_ANALYSIS void ct_condition_acquire(ct_condition *cond)
{
    if (cond->kind == EXTERNAL_LOCK) ct_lock_acquire((ct_lock *)cond->lock);
    else ct_rlock_acquire(rlock_of(cond));
}

CT_NO_THREAD_SAFETY_ANALYSIS int ct_condition_release(ct_condition *cond)
{
    if (cond->kind == EXTERNAL_LOCK) return ct_lock_release((ct_lock *)cond->lock);
    return ct_rlock_release(rlock_of(cond));
}

/* Python's Condition._is_owned: an RLock knows its owner; a plain Lock can only
 * say whether somebody holds it. */
static bool is_owned(ct_condition *cond)
{
    if (cond->kind == EXTERNAL_LOCK) return ct_lock_locked((ct_lock *)cond->lock);
    /* Relaxed: as in rlock.c, only this thread ever stores its own ident there. */
    return ct_load_relaxed_u64(&rlock_of(cond)->owner) == ct_get_ident();
}

typedef struct cond_waiter {
    ct_condition *cond;
    uint32_t depth;   /* RLock recursion released by the wait, restored after */
} cond_waiter;

CT_NO_THREAD_SAFETY_ANALYSIS static void release_for_wait(void *ctx)
{
    cond_waiter *self = (cond_waiter *)ctx;
    if (self->cond->kind == EXTERNAL_LOCK) ct_lock_release((ct_lock *)self->cond->lock);
    else self->depth = ct__rlock_release_all(rlock_of(self->cond));
}

CT_NO_THREAD_SAFETY_ANALYSIS static void reacquire_after_wait(cond_waiter *self)
{
    if (self->cond->kind == EXTERNAL_LOCK) ct_lock_acquire((ct_lock *)self->cond->lock);
    else ct__rlock_acquire_restore(rlock_of(self->cond), self->depth);
}

int ct__condition_wait_until(ct_condition *cond, int64_t deadline)
{
    cond_waiter self = { cond, 0 };
    uintptr_t token = 0;
    int status;
    cond->waiters++;
    /* The notifier takes the lock this wait lets go of and usually comes
     * within microseconds: CT__PARK_SPIN catches that without either side
     * entering the OS (benchmarks/: Condition ping-pong). */
    status = ct__park(cond, deadline, NULL, release_for_wait, &self, CT__PARK_SPIN, &token);
    reacquire_after_wait(&self);
    /* A notifier that dequeued us already took us off the count. */
    if (status != CT_OK) cond->waiters--;
    return status;
}

int ct__condition_wait_for_until(ct_condition *cond, bool (*predicate)(void *), void *arg,
                                 int64_t deadline)
{
    while (!predicate(arg)) {
        if (ct__deadline_passed(deadline)) return CT_ETIMEDOUT;
        ct__condition_wait_until(cond, deadline);
    }
    return CT_OK;
}

int ct_condition_wait(ct_condition *cond, double timeout)
{
    int64_t deadline;
    int status;
    if (!is_owned(cond)) return CT_EPERM;
    if ((status = ct__deadline(timeout, &deadline)) != CT_OK) return status;
    return ct__condition_wait_until(cond, deadline);
}

int ct_condition_wait_for(ct_condition *cond, bool (*predicate)(void *), void *arg, double timeout)
{
    int64_t deadline;
    int status;
    if (!predicate) return CT_EINVAL;
    if (!is_owned(cond)) return CT_EPERM;
    if ((status = ct__deadline(timeout, &deadline)) != CT_OK) return status;
    return ct__condition_wait_for_until(cond, predicate, arg, deadline);
}

int ct_condition_notify(ct_condition *cond, size_t n)
{
    if (!is_owned(cond)) return CT_EPERM;
    if (n == 0 || cond->waiters == 0) return CT_OK;
    cond->waiters -= ct__unpark(cond, n, TOKEN_NOTIFIED);
    return CT_OK;
}

int ct_condition_notify_all(ct_condition *cond)
{
    return ct_condition_notify(cond, SIZE_MAX);
}
