/* SPDX-License-Identifier: MIT */
/* ct_rwlock: the word's bits are documented next to ct_rwlock in cthreading.h.
 * Modelled on CPython 3.13's _PyRWMutex (Python/lock.c): one word, threads
 * parked on its address. Unlike _PyRWMutex, whose unlock wakes everyone to
 * race again, a release that finds parked threads decides who goes next under
 * the parking lot's bucket lock (settle below), so that a writer's release
 * admits exactly the readers waiting then (handed the lock: counted in before
 * they run), and a timed waiter that leaves can never strand the others. A
 * writer is woken to race for the free lock, and handed it only once due.
 *
 * The parked bits change only in two ways: a thread about to park sets its
 * bit with a compare-and-swap, then validates under the bucket lock; settle,
 * under that lock, rewrites them from the queue it sees. So a thread whose bit
 * settle cleared before it was queued fails validation and looks again, and
 * every thread queued is covered by a bit that some release will act on.
 */
#include "internal.h"

#define WRITER ((uint64_t)CT__RW_WRITER)
#define READERS_PARKED ((uint64_t)CT__RW_READERS_PARKED)
#define WRITERS_PARKED ((uint64_t)CT__RW_WRITERS_PARKED)
#define PARKED (READERS_PARKED | WRITERS_PARKED)
#define READER ((uint64_t)CT__RW_READER)
/* 2^61 read holds cannot be outstanding (one a nanosecond takes 73 years), so
 * the count never carries into nothing. */

#define TOKEN_READ 1    /* woken holding the lock for reading */
#define TOKEN_WRITE 2   /* woken holding the lock for writing */
#define TOKEN_RACE 3    /* a writer woken to take the free lock if it is first */

/* A parked writer is handed the lock only once it has waited this long;
 * before that it is woken to race for it, so that the lock never waits for a
 * sleeping thread to be scheduled while running writers could take it (as
 * ct_lock's fairness rule, api/lock.c). */
#define FAIR_AFTER_NS 1000000

static uint64_t readers(uint64_t v)
{
    return v / READER;
}

static bool held(uint64_t v)
{
    return (v & WRITER) || readers(v) > 0;
}

typedef struct rw_waiter {
    ct_rwlock *rwlock;
    bool writer;
    int64_t fair_at;   /* a writer: when it is due the lock */
} rw_waiter;

/* --- settle: who goes next, decided under the bucket lock ---------------------- */

typedef enum release_mode { RELEASE_NONE, RELEASE_READ, RELEASE_WRITE } release_mode;

typedef struct settle_state {
    ct_rwlock *rwlock;
    release_mode mode;
    size_t readers_queued, writers_queued;
    const rw_waiter *first_writer;
    uintptr_t grant;   /* TOKEN_READ: all queued readers; TOKEN_WRITE or _RACE: the first writer */
    int status;
} settle_state;

/* The word after the release in st->mode (false: not held in that mode) and
 * the admission it allows, given who is queued; st->grant says whom to wake. */
static bool next_word(settle_state *st, uint64_t v, uint64_t *next_out)
{
    size_t readers_left = st->readers_queued, writers_left = st->writers_queued;
    uint64_t next = v & ~PARKED;
    st->grant = 0;
    if (st->mode == RELEASE_READ) {
        if (readers(v) == 0) return false;
        next -= READER;
    } else if (st->mode == RELEASE_WRITE) {
        if (!(v & WRITER)) return false;
        next &= ~WRITER;
    }
    /* A writer's release admits the readers waiting then; otherwise a free
     * lock goes to the first writer. Readers held back by writers that have
     * all left go in beside the readers holding it. */
    if (readers_left > 0 && !(next & WRITER) && (st->mode == RELEASE_WRITE || writers_left == 0)) {
        st->grant = TOKEN_READ;
        next += (uint64_t)readers_left * READER;
        readers_left = 0;
    } else if (writers_left > 0 && !held(next)) {
        if (ctb_monotonic_ns() >= st->first_writer->fair_at) {
            st->grant = TOKEN_WRITE;
            next |= WRITER;
            writers_left--;
        } else {
            st->grant = TOKEN_RACE;   /* still a waiting writer: readers stay out */
        }
    }
    if (readers_left > 0) next |= READERS_PARKED;
    if (writers_left > 0) next |= WRITERS_PARKED;
    *next_out = next;
    return true;
}

/* Counts the queue, then rewrites the word from it. */
static void survey(void *arg, const ct__waiter *waiter)
{
    settle_state *st = (settle_state *)arg;
    uint64_t v, next;
    if (waiter) {
        const rw_waiter *w = (const rw_waiter *)waiter->ctx;
        if (!w->writer) st->readers_queued++;
        else if (st->writers_queued++ == 0) st->first_writer = w;
        return;
    }
    v = ct_load_u64(&st->rwlock->word);
    do {
        if (!next_word(st, v, &next)) {
            st->grant = 0;
            st->status = CT_EPERM;   /* another thread released it first */
            return;
        }
    } while (!ct_cas_u64(&st->rwlock->word, &v, next));
}

static uintptr_t pick(void *arg, const ct__waiter *waiter)
{
    settle_state *st = (settle_state *)arg;
    bool writer = ((const rw_waiter *)waiter->ctx)->writer;
    if (st->grant == TOKEN_READ && !writer) return TOKEN_READ;
    if ((st->grant == TOKEN_WRITE || st->grant == TOKEN_RACE) && writer) {
        uintptr_t token = st->grant;
        st->grant = 0;   /* the first writer only */
        return token;
    }
    return CT__LEAVE_PARKED;
}

/* Releases in mode (or nothing), then wakes whoever that lets in. */
static int settle(ct_rwlock *rwlock, release_mode mode)
{
    settle_state st = { rwlock, mode, 0, 0, NULL, 0, CT_OK };
    ct__unpark_picked(rwlock, survey, pick, &st);
    return st.status;
}

/* --- acquire ----------------------------------------------------------------- */

/* Under the bucket lock: sleep only while the bit this thread set is still
 * there (so some release will settle) and the lock is still closed to it. */
static bool reader_must_wait(void *ctx)
{
    uint64_t v = ct_load_u64(&((rw_waiter *)ctx)->rwlock->word);
    return (v & READERS_PARKED) && (v & (WRITER | WRITERS_PARKED));
}

static bool writer_must_wait(void *ctx)
{
    uint64_t v = ct_load_u64(&((rw_waiter *)ctx)->rwlock->word);
    return (v & WRITERS_PARKED) && held(v);
}

/* Parks until handed the lock in the waiter's mode (CT_OK), or the deadline
 * (CT_ETIMEDOUT), or a change of the word (CT_EAGAIN: look again; *raced
 * when woken to race for it). A writer woken to race that parks again goes
 * back to the head of the queue, where it was. */
static int wait_for_handoff(rw_waiter *self, int64_t deadline, bool *raced)
{
    uintptr_t token = 0;
    bool (*must_wait)(void *ctx) = self->writer ? writer_must_wait : reader_must_wait;
    int status = *raced ? ct__park_first(self->rwlock, deadline, must_wait, self, &token)
                        : ct__park(self->rwlock, deadline, must_wait, NULL, self, &token);
    if (status != CT_OK) return status;
    if (token == (self->writer ? TOKEN_WRITE : TOKEN_READ)) return CT_OK;
    *raced = token == TOKEN_RACE;
    return CT_EAGAIN;
}

/* A holder that lets go within this long is waited for without parking, so
 * that neither side makes a system call when both are running (benchmarks/:
 * rwlock_mix_* at 2 threads). */
#define SPIN_NS 4000

static bool open_to_readers(const void *rwlock)
{
    return !(ct_load_relaxed_u64(&((const ct_rwlock *)rwlock)->word) & (WRITER | WRITERS_PARKED));
}

static bool free_for_writer(const void *rwlock)
{
    return !held(ct_load_relaxed_u64(&((const ct_rwlock *)rwlock)->word));
}

static int acquire_read_until(ct_rwlock *rwlock, int64_t deadline)
{
    rw_waiter self = { rwlock, false, 0 };
    bool polled = false, raced = false;
    for (;;) {
        uint64_t v = ct_load_relaxed_u64(&rwlock->word);
        if (!(v & (WRITER | WRITERS_PARKED))) {
            if (ct_cas_u64(&rwlock->word, &v, v + READER)) return CT_OK;
            continue;
        }
        if (deadline == 0) return CT_ETIMEDOUT;
        if (!polled) {
            polled = true;
            (void)ct__poll_spare_cpu(open_to_readers, rwlock, SPIN_NS, deadline);
            continue;
        }
        if (!(v & READERS_PARKED) && !ct_cas_u64(&rwlock->word, &v, v | READERS_PARKED)) continue;
        int status = wait_for_handoff(&self, deadline, &raced);
        if (status == CT_OK) return CT_OK;   /* acquired after waiting */
        /* A reader that leaves strands nobody: at worst its bit costs the next
         * release a settle, which clears it. */
        if (status == CT_ETIMEDOUT) return CT_ETIMEDOUT;
    }
}

static int acquire_write_until(ct_rwlock *rwlock, int64_t deadline)
{
    rw_waiter self = { rwlock, true, 0 };
    bool polled = false, raced = false;
    for (;;) {
        uint64_t v = ct_load_relaxed_u64(&rwlock->word);
        if (!held(v)) {
            if (ct_cas_u64(&rwlock->word, &v, v | WRITER)) return CT_OK;
            continue;
        }
        if (deadline == 0) return CT_ETIMEDOUT;
        if (!polled) {
            polled = true;
            (void)ct__poll_spare_cpu(free_for_writer, rwlock, SPIN_NS, deadline);
            continue;
        }
        if (!(v & WRITERS_PARKED) && !ct_cas_u64(&rwlock->word, &v, v | WRITERS_PARKED)) continue;
        if (self.fair_at == 0) self.fair_at = ctb_monotonic_ns() + FAIR_AFTER_NS;
        int status = wait_for_handoff(&self, deadline, &raced);
        if (status == CT_OK) return CT_OK;   /* acquired after waiting */
        if (status == CT_ETIMEDOUT) {
            /* Readers held back by this writer alone must not wait for a
             * release that may never come: let them in now. */
            settle(rwlock, RELEASE_NONE);
            return CT_ETIMEDOUT;
        }
    }
}

/* --- the API ----------------------------------------------------------------- */

void ct_rwlock_init(ct_rwlock *rwlock)
{
    rwlock->word = 0;
}

void (ct_rwlock_acquire_read)(ct_rwlock *rwlock)
{
    (void)acquire_read_until(rwlock, CTB_NEVER);
}

static int acquire_timeout(ct_rwlock *rwlock, double timeout,
                           int (*acquire_until)(ct_rwlock *rwlock, int64_t deadline))
{
    int64_t deadline;
    int status = ct__deadline(timeout, &deadline);
    if (status != CT_OK) return status;
    return acquire_until(rwlock, deadline);
}

int ct_rwlock_acquire_read_timeout(ct_rwlock *rwlock, double timeout)
{
    return acquire_timeout(rwlock, timeout, acquire_read_until);
}

void (ct_rwlock_acquire_write)(ct_rwlock *rwlock)
{
    (void)acquire_write_until(rwlock, CTB_NEVER);
}

int ct_rwlock_acquire_write_timeout(ct_rwlock *rwlock, double timeout)
{
    return acquire_timeout(rwlock, timeout, acquire_write_until);
}

int (ct_rwlock_release_read)(ct_rwlock *rwlock)
{
    uint64_t v = ct_load_relaxed_u64(&rwlock->word);
    for (;;) {
        if (readers(v) == 0) return CT_EPERM;
        /* The last reader out with threads parked hands the lock on. */
        if (readers(v) == 1 && (v & PARKED)) return settle(rwlock, RELEASE_READ);
        if (ct_cas_u64(&rwlock->word, &v, v - READER)) return CT_OK;
    }
}

int (ct_rwlock_release_write)(ct_rwlock *rwlock)
{
    uint64_t v = ct_load_relaxed_u64(&rwlock->word);
    for (;;) {
        if (!(v & WRITER)) return CT_EPERM;
        if (v & PARKED) return settle(rwlock, RELEASE_WRITE);
        if (ct_cas_u64(&rwlock->word, &v, v & ~WRITER)) return CT_OK;
    }
}
