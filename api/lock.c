/* SPDX-License-Identifier: MIT */
/* ct_lock's slow paths. The lock word and fairness rule are documented next to
 * ct_lock in cthreading.h; the fast paths are inline there.
 *
 * Tuned with benchmarks/ on a 2-core machine (numbers in the README's
 * Benchmarks section):
 * - A thread that finds the lock held backs off once for about a microsecond,
 *   looks again, and then parks. Spinning on the lock, or yielding, steals it
 *   back and forth between cores and pulls its cache line away from the
 *   holder; a parked waiter leaves the holder running alone. The one look
 *   after the pause still catches a holder that is done.
 * - One woken thread at a time. A release that wakes a waiter marks the
 *   waiter behind it (woken_ahead); until the woken thread runs again and
 *   clears a mark, releases do not wake another. The mark lives in the
 *   queue, not the word, because the word of a lock whose waiters keep being
 *   woken must stay what the inline fast paths expect: WOKEN alone sends
 *   every acquisition to the slow path until that thread runs, which with
 *   more threads than cores takes milliseconds (a WOKEN bit set on every
 *   wake cost the tiny-section benchmark 1.45x at 8 threads; set when nobody
 *   was parked behind the woken thread, 1.48x at 2 threads). With nobody
 *   behind it, no mark: a thread that parks meanwhile may be woken too.
 * - While the first waiter is young, a release that wakes it clears
 *   HAS_PARKED, so the holder's next releases stay on the fast path; the
 *   woken thread sets the bit again if others are parked when it runs. Once
 *   the first waiter has waited ct__lock_fair_after_ns (0.5 ms,
 *   lock_tuning.h) the bit stays set: every thread that then finds the lock
 *   held parks, every release looks at the queue, and that waiter is handed
 *   the lock promptly. Without this, with more threads than cores, threads
 *   that keep winning the race stay runnable and the scheduler's time slices
 *   set the longest wait (20-30 ms with 16 threads on 2 cores; 8-12 ms with it).
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
#include "parking_lot.h"

#define LOCKED ((unsigned char)CT__LOCKED)
#define HAS_PARKED ((unsigned char)CT__HAS_PARKED)
#define WOKEN ((unsigned char)CT__WOKEN)
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
    bool woken_ahead;  /* a thread woken from ahead of this one has not run yet */
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
    return (ct_load_u8(&self->lock->v) & (LOCKED | HAS_PARKED)) == (LOCKED | HAS_PARKED);
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

typedef struct arrival {
    ct_lock *lock;
    bool others;   /* whether others are parked */
} arrival;

/* Under the bucket lock, for a woken thread that runs again: its wake's
 * marks go (WOKEN is set only under this lock, so a look suffices). Each wake
 * leaves at most one mark and each woken thread clears one, the first it
 * finds, so there are never more marks than woken threads on their way: one
 * left on a waiter that another parked ahead of goes with the next arrival.
 * At worst a second woken thread is then on its way. */
static void arrived(void *arg, ct__queue *queue)
{
    arrival *self = (arrival *)arg;
    ct__waiter *w = ct__queue_next(queue, NULL);
    self->others = w != NULL;
    for (; w; w = ct__queue_next(queue, w)) {
        lock_waiter *waiter = (lock_waiter *)w->ctx;
        if (waiter->woken_ahead) {
            waiter->woken_ahead = false;
            break;
        }
    }
    if (ct_load_relaxed_u8(&self->lock->v) & WOKEN) ct_fetch_and_u8(&self->lock->v, (unsigned char)~WOKEN);
}

int ct__lock_acquire_until(ct_lock *lock, int64_t deadline, const void *primitive)
{
    lock_waiter self = { lock, 0, primitive, false };
    unsigned char parked_bit = 0;   /* HAS_PARKED once woken while others are parked */
    bool backed_off = false;
    bool slept = false;
    for (;;) {
        unsigned char v = ct_load_relaxed_u8(&lock->v);   /* a look: the CAS acquires */
        if (!(v & LOCKED)) {
            if (ct_cas_u8(&lock->v, &v, (unsigned char)(v | LOCKED | parked_bit))) return acquired(&self, slept);
            continue;
        }
        if (deadline == 0) return CT_ETIMEDOUT;
        if (!(v & HAS_PARKED) && !backed_off) {
            backed_off = true;
            back_off();
            continue;
        }
        if (!(v & HAS_PARKED) && !ct_cas_u8(&lock->v, &v, (unsigned char)(v | HAS_PARKED))) continue;
        if (self.parked_at == 0) self.parked_at = ctb_monotonic_ns();
        uintptr_t token = TOKEN_WOKEN;
        /* Woken before and lost the race: back to the head of the queue. */
        unsigned flags = slept ? CT__PARK_FIRST : 0;
        int parked = ct__park(lock, deadline, still_locked_with_waiters, NULL, &self, flags, &token);
        if (parked == CT_ETIMEDOUT) return CT_ETIMEDOUT;
        if (parked != CT_OK) continue;
        slept = true;
        if (token == TOKEN_HANDOFF) {
            handed_lock = lock;
            handed_at = ctb_monotonic_ns();
            return acquired(&self, true);
        }
        /* First thing: from here a release may wake another thread while
         * this one backs off or parks again. Those parked behind it stay
         * covered: the compare-and-swap with which it takes the lock or
         * parks sets HAS_PARKED. */
        arrival here = { lock, false };
        ct__unpark_with(lock, arrived, &here);
        parked_bit = here.others ? HAS_PARKED : 0;
        backed_off = false;
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

typedef enum release_wake { WAKE_NOBODY, WAKE_FIRST, HAND_OFF } release_wake;

/* The word that releasing v leaves, given the queue's first waiter (if any)
 * and whether others wait behind it; *wake says what becomes of that waiter. */
static unsigned char released_word(const release_state *state, unsigned char v, const lock_waiter *first,
                                   bool more, bool due, release_wake *wake)
{
    unsigned char others = more ? HAS_PARKED : 0;
    unsigned char woken = v & WOKEN;
    *wake = WAKE_NOBODY;
    if (!first) return 0;
    if (due && state->may_hand_off) {
        *wake = HAND_OFF;
        return (unsigned char)(LOCKED | (more ? HAS_PARKED | woken : 0));
    }
    if (first->woken_ahead || woken) {
        /* A woken thread has not run yet: it will take the lock or park
         * again whatever this release does. The first release to find it
         * (HAS_PARKED set again by a thread parked since) sets WOKEN too, so
         * that the releases after it unlock without the queue; the one in
         * QUICK_RELEASES that looks anyway clears HAS_PARKED while the first
         * waiter is young, as a wake does. */
        if (due || !woken) return (unsigned char)(HAS_PARKED | WOKEN);
        return 0;
    }
    /* While the first waiter is young, HAS_PARKED goes, so that the next
     * releases stay on the fast path: the woken thread sets it again if
     * others are parked then. */
    *wake = WAKE_FIRST;
    return (unsigned char)(due ? others : 0);
}

/* Runs under the parking lot's bucket lock, so no waiter queues or leaves
 * while the lock word is rewritten; a compare-and-swap all the same, as
 * threads set HAS_PARKED while the lock is held. */
static void release_choose(void *arg, ct__queue *queue)
{
    release_state *state = (release_state *)arg;
    ct_lock *lock = state->lock;
    ct__waiter *first = ct__queue_next(queue, NULL);
    ct__waiter *second = first ? ct__queue_next(queue, first) : NULL;
    const lock_waiter *w = first ? (const lock_waiter *)first->ctx : NULL;
    bool due = w && ctb_monotonic_ns() - w->parked_at >= ct__lock_fair_after_ns;
    release_wake wake;
    unsigned char v = ct_load_u8(&lock->v);
    do {
        if (!(v & LOCKED)) {
            state->was_unlocked = true;   /* another thread released it first */
            return;
        }
    } while (!ct_cas_u8(&lock->v, &v, released_word(state, v, w, second != NULL, due, &wake)));
    if (wake == HAND_OFF) {
        ct__queue_wake(queue, first, TOKEN_HANDOFF);
    } else if (wake == WAKE_FIRST) {
        if (second) ((lock_waiter *)second->ctx)->woken_ahead = true;
        ct__queue_wake(queue, first, TOKEN_WOKEN);
    }
}

int ct__lock_release_slow(ct_lock *lock)
{
    for (;;) {
        unsigned char v = ct_load_u8(&lock->v);
        if (!(v & LOCKED)) return CT_EPERM;
        bool quick = !(v & HAS_PARKED) ||
                     ((v & WOKEN) && ++quick_releases % QUICK_RELEASES != 0);
        if (quick) {
            if (ct_cas_u8(&lock->v, &v, (unsigned char)(v & ~LOCKED))) return CT_OK;
            continue;
        }
        release_state state = { lock, true, false };
        if (handed_lock == lock) {
            if (ctb_monotonic_ns() - handed_at < HANDOFF_QUANTUM_NS) state.may_hand_off = false;
            else handed_lock = NULL;
        }
        ct__unpark_with(lock, release_choose, &state);
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
