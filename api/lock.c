/* ct_lock's slow paths. The lock word and fairness rule are documented next to
 * ct_lock in cthreading.h; the fast paths are inline there. */
#include "internal.h"

#define LOCKED ((unsigned char)CT__LOCKED)
#define HAS_PARKED ((unsigned char)CT__HAS_PARKED)
#define MAX_SPINS 40
#define FAIR_AFTER_NS 1000000   /* 1 ms: then the releaser hands the lock over */
#define TOKEN_HANDOFF 1

typedef struct lock_waiter {
    ct_lock *lock;
    int64_t fair_at;   /* when this waiter has waited long enough to be handed the lock */
} lock_waiter;

static bool still_locked_with_waiters(void *ctx)
{
    const lock_waiter *self = (const lock_waiter *)ctx;
    return ct_load_u8(&self->lock->v) == (LOCKED | HAS_PARKED);
}

int ct__lock_acquire_until(ct_lock *lock, int64_t deadline)
{
    lock_waiter self = { lock, 0 };
    unsigned spins = 0;
    for (;;) {
        unsigned char v = ct_load_relaxed_u8(&lock->v);
        if (!(v & LOCKED)) {
            if (ct_cas_u8(&lock->v, &v, (unsigned char)(v | LOCKED))) return CT_OK;
            continue;
        }
        if (deadline == 0) return CT_ETIMEDOUT;
        /* Spinning helps only while the holder runs; yielding lets it run when
         * threads outnumber cores, which is the common case here. */
        if (!(v & HAS_PARKED) && spins < MAX_SPINS) {
            spins++;
            ctb_yield();
            continue;
        }
        if (!(v & HAS_PARKED) && !ct_cas_u8(&lock->v, &v, (unsigned char)(v | HAS_PARKED)))
            continue;
        if (self.fair_at == 0) self.fair_at = ctb_monotonic_ns() + FAIR_AFTER_NS;
        uintptr_t token = 0;
        int parked = ct__park(lock, deadline, still_locked_with_waiters, NULL, &self, &token);
        if (parked == CT_OK && token == TOKEN_HANDOFF) return CT_OK;
        if (parked == CT_ETIMEDOUT) return CT_ETIMEDOUT;
    }
}

void ct__lock_acquire_slow(ct_lock *lock)
{
    ct__lock_acquire_until(lock, CTB_NEVER);
}

typedef struct release_state {
    ct_lock *lock;
    bool was_unlocked;
} release_state;

/* Runs under the parking lot's bucket lock, so no waiter can queue or leave
 * while the lock word is rewritten. */
static uintptr_t release_decide(void *arg, ct__waiter *waiter, bool more)
{
    release_state *state = (release_state *)arg;
    unsigned char parked = more ? HAS_PARKED : 0;
    if (!(ct_load_u8(&state->lock->v) & LOCKED)) {
        state->was_unlocked = true;   /* another thread released it first */
        return 0;
    }
    if (waiter && ctb_monotonic_ns() >= ((lock_waiter *)waiter->ctx)->fair_at) {
        ct_store_u8(&state->lock->v, (unsigned char)(LOCKED | parked));
        return TOKEN_HANDOFF;
    }
    ct_store_u8(&state->lock->v, parked);
    return 0;
}

int ct__lock_release_slow(ct_lock *lock)
{
    for (;;) {
        unsigned char v = ct_load_u8(&lock->v);
        if (!(v & LOCKED)) return CT_EPERM;
        if (!(v & HAS_PARKED)) {
            if (ct_cas_u8(&lock->v, &v, 0)) return CT_OK;
            continue;
        }
        release_state state = { lock, false };
        ct__unpark_one(lock, release_decide, &state);
        return state.was_unlocked ? CT_EPERM : CT_OK;
    }
}

void ct_lock_init(ct_lock *lock)
{
    lock->v = 0;
}

void (ct_lock_acquire)(ct_lock *lock)
{
    unsigned char expected = 0;
    if (!ct_cas_u8(&lock->v, &expected, LOCKED)) ct__lock_acquire_until(lock, CTB_NEVER);
}

int ct_lock_acquire_timeout(ct_lock *lock, double timeout)
{
    unsigned char expected = 0;
    int64_t deadline;
    int status = ct__deadline(timeout, &deadline);
    if (status != CT_OK) return status;
    if (ct_cas_u8(&lock->v, &expected, LOCKED)) return CT_OK;
    return ct__lock_acquire_until(lock, deadline);
}

int (ct_lock_release)(ct_lock *lock)
{
    unsigned char expected = LOCKED;
    if (ct_cas_u8(&lock->v, &expected, 0)) return CT_OK;
    return ct__lock_release_slow(lock);
}

bool ct_lock_locked(const ct_lock *lock)
{
    return (ct_load_u8(&lock->v) & LOCKED) != 0;
}
