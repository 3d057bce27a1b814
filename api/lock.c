/* SPDX-License-Identifier: MIT */
/* ct_lock's slow paths. The lock word and fairness rule are documented next to
 * ct_lock in cthreading.h; the fast paths are inline there.
 *
 * Tuned with benchmarks/ on a 2-core machine (numbers in the README's
 * Benchmarks section):
 * - A thread that finds the lock held backs off once for about a microsecond,
 *   looks again, and then parks. Spinning on the lock (or yielding, as this
 *   file did before) steals it back and forth between cores and pulls its
 *   cache line away from the holder; a parked waiter leaves the holder running
 *   alone. The one look after the pause still catches a holder that is done.
 * - One woken thread at a time. A release that wakes a waiter marks it as on
 *   its way (ct__waking_set); until it has run again, releases do not wake
 *   another.
 * - While the first waiter is young, a release that wakes it (or finds a
 *   woken thread on its way) clears HAS_PARKED, so the holder's next releases
 *   stay on the fast path; the woken thread sets the bit again if others are
 *   parked. Once the first waiter has waited ct__lock_fair_after_ns (0.5 ms)
 *   the bit stays set: every thread that then finds the lock held parks,
 *   every release looks at the queue, and that waiter is handed the lock
 *   promptly. Without this, with more threads than cores, threads that keep
 *   winning the race stay runnable and the scheduler's time slices set the
 *   longest wait (20-30 ms with 16 threads on 2 cores; 8-12 ms with it).
 * - That delay trades speed for fairness. Until it, the two threads running
 *   on 2 cores take nearly every acquisition (a woken waiter gets a processor
 *   only when a tick preempts one of them, and then usually loses the race);
 *   after it, the lock goes round the queue in turns. With 16 threads on
 *   2 cores, 1 ms left the two runners most acquisitions (Jain's index
 *   0.79-0.87 in the tiny-section benchmark); 0.5 ms gives 0.94-0.99 for
 *   about a fifth of the tiny section's throughput at 16 threads and none
 *   at 4 (benchmarks/: lock_fair_sweep_*, which sweeps it).
 * - A woken thread that loses the race parks again at the head of the queue,
 *   where it was, not behind everyone.
 * - A thread handed the lock keeps it for at least HANDOFF_QUANTUM_NS before
 *   its own release hands it on, so that handoffs do not chain into a convoy
 *   in which every thread gets one critical section per wake-up.
 */
#include "internal.h"
#include "lock_tuning.h"

#define LOCKED ((unsigned char)CT__LOCKED)
#define HAS_PARKED ((unsigned char)CT__HAS_PARKED)
#define HANDOFF_QUANTUM_NS 150000    /* a handed-off holder hands on no sooner than this */
#define BACKOFF_NS 1000              /* the back-off: about 1 us, timed (ct_cpu_relax is not) */
/* While a woken thread is on its way, a release that finds others parked just
 * unlocks (that thread will take the lock or park again whatever the release
 * does); every QUICK_RELEASES-th looks at the queue all the same, for a first
 * waiter due the lock. */
#define QUICK_RELEASES 16

#define TOKEN_WOKEN 0        /* woken: try again */
#define TOKEN_HANDOFF 1      /* the lock is yours */

typedef struct lock_waiter {
    ct_lock *lock;
    int64_t parked_at;   /* its first park: it is due the lock ct__lock_fair_after_ns later */
    const void *primitive;   /* what the contention hook is told was waited for */
} lock_waiter;

/* The lock this thread was last handed, and when: its releases hand it on
 * only after the quantum. */
static CT_THREAD_LOCAL ct_lock *handed_lock;
static CT_THREAD_LOCAL int64_t handed_at;
static CT_THREAD_LOCAL unsigned quick_releases;

/* A plain variable: benchmarks set it between runs, never while the lock is in use. */
int64_t ct__lock_fair_after_ns = CT__LOCK_FAIR_AFTER_NS_DEFAULT;

static bool still_locked_with_waiters(void *ctx)
{
    const lock_waiter *self = (const lock_waiter *)ctx;
    return ct_load_u8(&self->lock->v) == (LOCKED | HAS_PARKED);
}

/* Found held with nobody parked: wait a moment without touching the lock's
 * cache line, in case its holder is about to let go for good (a notifier
 * leaving a Condition, a queue's other side); then look once more. */
static void back_off(void)
{
    int64_t until = ctb_monotonic_ns() + BACKOFF_NS;
    do ct_cpu_relax();
    while (ctb_monotonic_ns() < until);
}

/* Got the lock: a waiter that slept reports its wait, counted from its first
 * park, to the contention hook. */
static int acquired(const lock_waiter *self, bool slept)
{
    if (slept) ct__contended(self->primitive, self->parked_at);
    return CT_OK;
}

int ct__lock_acquire_until(ct_lock *lock, int64_t deadline, const void *primitive)
{
    lock_waiter self = { lock, 0, primitive };
    unsigned char parked_bit = 0;   /* HAS_PARKED once woken while others are parked */
    bool backed_off = false;
    bool woken = false;
    for (;;) {
        unsigned char v = ct_load_relaxed_u8(&lock->v);   /* a look: the CAS acquires */
        if (!(v & LOCKED)) {
            if (ct_cas_u8(&lock->v, &v, (unsigned char)(v | LOCKED | parked_bit))) return acquired(&self, woken);
            continue;
        }
        if (deadline == 0) return CT_ETIMEDOUT;
        if (!(v & HAS_PARKED) && !backed_off) {
            backed_off = true;
            back_off();
            continue;
        }
        if (!(v & HAS_PARKED) && !ct_cas_u8(&lock->v, &v, (unsigned char)(v | HAS_PARKED)))
            continue;
        if (self.parked_at == 0) self.parked_at = ctb_monotonic_ns();
        uintptr_t token = TOKEN_WOKEN;
        int parked = woken ? ct__park_first(lock, deadline, still_locked_with_waiters, &self, &token)
                           : ct__park(lock, deadline, still_locked_with_waiters, NULL, &self, &token);
        switch (parked) {
        case CT_OK:
            if (token == TOKEN_HANDOFF) {
                handed_lock = lock;
                handed_at = ctb_monotonic_ns();
                return acquired(&self, true);
            }
            /* Clear the mark first: a release that saw it may have cleared
             * HAS_PARKED, trusting this thread to set it again for those
             * still parked, and they are queued by now. */
            ct__waking_clear(lock);
            parked_bit = ct__parked(lock) ? HAS_PARKED : 0;
            backed_off = false;
            woken = true;
            break;
        case CT_ETIMEDOUT:
            return CT_ETIMEDOUT;
        default:
            break;
        }
    }
}

void ct__lock_acquire_slow(ct_lock *lock)
{
    ct__lock_acquire_until(lock, CTB_NEVER, lock);
}

typedef struct release_state {
    ct_lock *lock;
    bool may_hand_off;
    bool was_unlocked;
} release_state;

/* Runs under the parking lot's bucket lock, so no waiter can queue or leave
 * while the lock word is rewritten; HAS_PARKED is set and only this function
 * clears it, so plain stores lose nothing. */
static uintptr_t release_decide(void *arg, ct__waiter *waiter, bool more)
{
    release_state *state = (release_state *)arg;
    ct_lock *lock = state->lock;
    unsigned char others = more ? HAS_PARKED : 0;
    if (!(ct_load_u8(&lock->v) & LOCKED)) {
        state->was_unlocked = true;   /* another thread released it first */
        return CT__LEAVE_PARKED;
    }
    if (!waiter) {
        ct_store_u8(&lock->v, 0);
        return CT__LEAVE_PARKED;
    }
    bool due = ctb_monotonic_ns() - ((lock_waiter *)waiter->ctx)->parked_at >= ct__lock_fair_after_ns;
    if (due && state->may_hand_off) {
        ct_store_u8(&lock->v, (unsigned char)(LOCKED | others));
        return TOKEN_HANDOFF;
    }
    if (ct__waking(lock)) {
        /* That thread clears the mark before it looks at the lock, and parks
         * only after validating under this bucket's lock: it sees this store. */
        ct_store_u8(&lock->v, due ? HAS_PARKED : 0);
        return CT__LEAVE_PARKED;
    }
    ct__waking_set(lock);
    ct_store_u8(&lock->v, due ? others : 0);
    return TOKEN_WOKEN;
}

/* A release that found a woken thread on its way and unlocked without looking
 * at the queue, then saw the mark gone: that thread may have looked at the
 * lock before the unlock and parked again, so make sure someone is woken. The
 * lock is not held here: the word changes only by compare-and-swap. */
static uintptr_t unlocked_decide(void *arg, ct__waiter *waiter, bool more)
{
    ct_lock *lock = (ct_lock *)arg;
    (void)more;
    /* A holder's release will come to the queue (HAS_PARKED is set: only a
     * decide, under this bucket's lock, clears it); a marked thread will look. */
    if (!waiter || (ct_load_u8(&lock->v) & LOCKED) || ct__still_waking(lock)) return CT__LEAVE_PARKED;
    ct__waking_set(lock);
    return TOKEN_WOKEN;
}

/* The common release while a woken thread is on its way and others are
 * parked: unlock, leaving HAS_PARKED set and the queue alone. */
static void release_while_waking(ct_lock *lock)
{
    if (ct__still_waking(lock)) return;
    ct__unpark_one(lock, unlocked_decide, lock);
}

int ct__lock_release_slow(ct_lock *lock)
{
    for (;;) {
        unsigned char v = ct_load_u8(&lock->v);
        if (!(v & LOCKED)) return CT_EPERM;
        bool waking = (v & HAS_PARKED) && ++quick_releases % QUICK_RELEASES != 0 && ct__waking(lock);
        if (!(v & HAS_PARKED) || waking) {
            if (!ct_cas_u8(&lock->v, &v, (unsigned char)(v & ~LOCKED))) continue;
            if (waking) release_while_waking(lock);
            return CT_OK;
        }
        release_state state = { lock, true, false };
        if (handed_lock == lock) {
            if (ctb_monotonic_ns() - handed_at < HANDOFF_QUANTUM_NS) state.may_hand_off = false;
            else handed_lock = NULL;
        }
        ct__unpark_one(lock, release_decide, &state);
        return state.was_unlocked ? CT_EPERM : CT_OK;
    }
}

void ct_lock_init(ct_lock *lock)
{
    ct__tsan_lock_reset(lock);
    lock->v = 0;
}

/* The analysis does not follow the lock through the fast path. */
CT_NO_THREAD_SAFETY_ANALYSIS void (ct_lock_acquire)(ct_lock *lock)
{
    ct__lock_acquire_fast(lock);
}

int ct_lock_acquire_timeout(ct_lock *lock, double timeout)
{
    int64_t deadline;
    int status = ct__deadline(timeout, &deadline);
    if (status != CT_OK) return status;
    return ct__lock_acquire_fast_until(lock, deadline, lock);
}

CT_NO_THREAD_SAFETY_ANALYSIS int (ct_lock_release)(ct_lock *lock)
{
    return ct__lock_release_fast(lock);
}

bool ct_lock_locked(const ct_lock *lock)
{
    return (ct_load_u8(&lock->v) & LOCKED) != 0;
}
