/* SPDX-License-Identifier: MIT */
/* ct_rwlock: the word's bits are documented next to ct_rwlock in cthreading.h.
 * Modelled on CPython 3.13's _PyRWMutex (Python/lock.c): one word, threads
 * parked on its address. Unlike _PyRWMutex, whose unlock wakes everyone to
 * race again, a release that finds parked threads decides who goes next under
 * the parking lot's bucket lock (settle below), so that a writer's release
 * admits exactly the readers waiting then, and a timed waiter that leaves can
 * never strand the others. A writer is woken to race for the free lock, and
 * handed it only once due.
 *
 * An admitted reader is let past the writers waiting, not counted in: it takes
 * the lock itself once it runs, as soon as no writer holds it. Counting it in
 * at the release would make the next writer wait until every woken reader had
 * been scheduled: with 16 threads on 2 cores that is 0.1-1 ms per write,
 * during which every new reader parks, so nearly every read parks (measured:
 * 82067 parks in 84k operations, rwlock_mix_90 at 16 threads) and the 90% and
 * 99% mixes run 8-40 times slower than absl::Mutex, which wakes readers to
 * race in the same way (docs/design.md, tuning log). The price: a
 * writer that gets the free lock before an admitted reader has run (a running
 * writer, or the first parked one once those admitted who ran have left) goes
 * first, and that writer's release admits the reader again.
 *
 * The parked bits change only in two ways: a thread about to park sets its
 * bit with a compare-and-swap, then validates under the bucket lock; settle,
 * under that lock, rewrites them from the queue it sees. So a thread whose bit
 * settle cleared before it was queued fails validation and looks again, and
 * every thread queued is covered by a bit that some release will act on.
 */
#include "internal.h"
#include "parking_lot.h"

#define WRITER ((uint64_t)CT__RW_WRITER)
#define READERS_PARKED ((uint64_t)CT__RW_READERS_PARKED)
#define WRITERS_PARKED ((uint64_t)CT__RW_WRITERS_PARKED)
#define RACER ((uint64_t)CT__RW_RACER)
#define PARKED (READERS_PARKED | WRITERS_PARKED)
#define READER ((uint64_t)CT__RW_READER)
/* 2^60 read holds cannot be outstanding (one a nanosecond takes 36 years), so
 * the count never carries into nothing. */

#define TOKEN_ADMIT 1   /* a reader let past the writers waiting */
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
    bool admitted;     /* a reader: past the writers waiting (TOKEN_ADMIT) */
    int64_t fair_at;   /* a writer: when it is due the lock */
    int64_t parked_at; /* when it first parked: for the contention hook */
    bool slept;        /* it was woken from the parking lot at least once */
} rw_waiter;

/* --- settle: who goes next, decided under the bucket lock ---------------------- */

typedef enum release_mode { RELEASE_NONE, RELEASE_READ, RELEASE_WRITE } release_mode;

typedef struct settle_state {
    ct_rwlock *rwlock;
    release_mode mode;
    size_t readers_queued, writers_queued;
    const rw_waiter *first_writer;    /* the first writer in the queue */
    uintptr_t grant;   /* TOKEN_ADMIT: all queued readers; TOKEN_WRITE or _RACE: the first writer */
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
        st->grant = TOKEN_ADMIT;
        readers_left = 0;
    } else if (writers_left > 0 && !held(next)) {
        if (ctb_monotonic_ns() >= st->first_writer->fair_at) {
            st->grant = TOKEN_WRITE;
            next |= WRITER;
            writers_left--;
        } else if (!(v & RACER)) {
            st->grant = TOKEN_RACE;   /* still a waiting writer: readers stay out */
            next |= RACER;
        }
        /* else a writer woken to race has not looked yet: it will take the
         * lock or park while someone holds it, whose release settles. Waking
         * another now would only have one of them park again, and a woken
         * writer that waits for a processor is not parked, so no release can
         * hand it the lock once it is due. */
    }
    if (readers_left > 0) next |= READERS_PARKED;
    if (writers_left > 0) next |= WRITERS_PARKED;
    *next_out = next;
    return true;
}

/* Counts the queue and finds its first writer (one woken to race that lost has
 * parked again at the head, where it was), then rewrites the word from it:
 * false if not held in st->mode. */
static bool rewrite_word(settle_state *st, ct__queue *queue)
{
    const ct__waiter *waiter;
    uint64_t v, next;
    for (waiter = ct__queue_next(queue, NULL); waiter; waiter = ct__queue_next(queue, waiter)) {
        const rw_waiter *w = (const rw_waiter *)waiter->ctx;
        if (!w->writer) st->readers_queued++;
        else if (st->writers_queued++ == 0) st->first_writer = w;
    }
    v = ct_load_u64(&st->rwlock->word);
    do {
        if (!next_word(st, v, &next)) return false;
    } while (!ct_cas_u64(&st->rwlock->word, &v, next));
    return true;
}

/* Under the bucket lock: wakes whom the new word lets in. */
static void settle_queue(void *arg, ct__queue *queue)
{
    settle_state *st = (settle_state *)arg;
    ct__waiter *waiter;
    if (!rewrite_word(st, queue)) {
        st->status = CT_EPERM;   /* another thread released it first */
        return;
    }
    for (waiter = ct__queue_next(queue, NULL); waiter && st->grant != 0;) {
        bool writer = ((const rw_waiter *)waiter->ctx)->writer;
        if (st->grant == TOKEN_ADMIT && !writer) {
            waiter = ct__queue_wake(queue, waiter, TOKEN_ADMIT);
        } else if (st->grant != TOKEN_ADMIT && writer) {
            ct__queue_wake(queue, waiter, st->grant);   /* the first writer only */
            return;
        } else {
            waiter = ct__queue_next(queue, waiter);
        }
    }
}

/* Releases in mode (or nothing), then wakes whoever that lets in. */
static int settle(ct_rwlock *rwlock, release_mode mode)
{
    settle_state st = { rwlock, mode, 0, 0, NULL, 0, CT_OK };
    ct__unpark_with(rwlock, settle_queue, &st);
    return st.status;
}

/* --- acquire ----------------------------------------------------------------- */

/* What keeps a reader out: a writer holding the lock, and writers waiting
 * for it until a writer's release has admitted this reader. */
static uint64_t closed_to(const rw_waiter *self)
{
    return self->admitted ? WRITER : WRITER | WRITERS_PARKED;
}

/* Under the bucket lock: sleep only while the bit this thread set is still
 * there (so some release will settle) and the lock is still closed to it. */
static bool reader_must_wait(void *ctx)
{
    const rw_waiter *self = (const rw_waiter *)ctx;
    uint64_t v = ct_load_u64(&self->rwlock->word);
    return (v & READERS_PARKED) && (v & closed_to(self));
}

static bool writer_must_wait(void *ctx)
{
    uint64_t v = ct_load_u64(&((rw_waiter *)ctx)->rwlock->word);
    return (v & WRITERS_PARKED) && held(v);
}

/* Parks until a writer is handed the lock (CT_OK), or the deadline
 * (CT_ETIMEDOUT), or a change of the word (CT_EAGAIN: look again; *raced
 * when a writer is woken to race for it, self->admitted when a reader is
 * admitted). A writer woken to race that parks again goes back to the head of
 * the queue, where it was. */
static int wait_parked(rw_waiter *self, int64_t deadline, bool *raced)
{
    uintptr_t token = 0;
    bool (*must_wait)(void *ctx) = self->writer ? writer_must_wait : reader_must_wait;
    if (self->parked_at == 0) self->parked_at = ctb_monotonic_ns();
    int status = ct__park(self->rwlock, deadline, must_wait, NULL, self,
                          *raced ? CT__PARK_FIRST : 0, &token);
    if (status != CT_OK) return status;
    self->slept = true;
    if (self->writer && token == TOKEN_WRITE) return CT_OK;
    *raced = token == TOKEN_RACE;
    /* First, before looking at the word: see next_word. */
    if (*raced) ct_fetch_and_u64(&self->rwlock->word, ~RACER);
    if (token == TOKEN_ADMIT) self->admitted = true;
    return CT_EAGAIN;
}

/* A holder that lets go within this long is waited for without parking, so
 * that neither side makes a system call when both are running (benchmarks/:
 * rwlock_mix_* at 2 threads). */
#define SPIN_NS 4000

static bool open_to_reader(const void *self)
{
    const rw_waiter *w = (const rw_waiter *)self;
    return !(ct_load_relaxed_u64(&w->rwlock->word) & closed_to(w));
}

static bool free_for_writer(const void *rwlock)
{
    return !held(ct_load_relaxed_u64(&((const ct_rwlock *)rwlock)->word));
}

/* Got the lock: a waiter that slept tells the contention hook. */
static int acquired(const rw_waiter *self)
{
    if (self->slept) ct__contended(self->rwlock, self->parked_at);
    return CT_OK;
}

static int acquire_read_until(ct_rwlock *rwlock, int64_t deadline)
{
    rw_waiter self = { rwlock, false, false, 0, 0, false };
    bool polled = false, raced = false;
    for (;;) {
        uint64_t v = ct_load_relaxed_u64(&rwlock->word);
        if (!(v & closed_to(&self))) {
            if (ct_cas_u64(&rwlock->word, &v, v + READER)) return acquired(&self);
            continue;
        }
        if (deadline == 0) return CT_ETIMEDOUT;
        if (!polled) {
            polled = true;
            (void)ct__poll_spare_cpu(open_to_reader, &self, SPIN_NS, deadline);
            continue;
        }
        if (!(v & READERS_PARKED) && !ct_cas_u64(&rwlock->word, &v, v | READERS_PARKED)) continue;
        /* A reader that leaves strands nobody: at worst its bit costs the next
         * release a settle, which clears it. Nor does an admitted one: a
         * writer's release admits readers only with no writer holding the
         * lock, so whatever keeps it out later is a writer whose release
         * settles. */
        if (wait_parked(&self, deadline, &raced) == CT_ETIMEDOUT) return CT_ETIMEDOUT;
    }
}

static int acquire_write_until(ct_rwlock *rwlock, int64_t deadline)
{
    rw_waiter self = { rwlock, true, false, 0, 0, false };
    bool polled = false, raced = false;
    for (;;) {
        uint64_t v = ct_load_relaxed_u64(&rwlock->word);
        if (!held(v)) {
            if (ct_cas_u64(&rwlock->word, &v, v | WRITER)) return acquired(&self);
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
        int status = wait_parked(&self, deadline, &raced);
        if (status == CT_OK) return acquired(&self);   /* handed the lock */
        if (status == CT_ETIMEDOUT) {
            /* Readers held back by this writer alone must not wait for a
             * release that may never come: let them in now. */
            settle(rwlock, RELEASE_NONE);
            return CT_ETIMEDOUT;
        }
    }
}

/* --- the API ----------------------------------------------------------------- */

/* Every acquisition and release passes here: ThreadSanitizer is told about it
 * (tsan.c; nothing in other builds), the read side as a shared hold. */
static int acquire_until(ct_rwlock *rwlock, int64_t deadline, bool writer)
{
    unsigned how = (writer ? 0 : CT__TSAN_READ) | (deadline != CTB_NEVER ? CT__TSAN_TRY : 0);
    int model = ct__tsan_lock_begin(rwlock, how);
    int status = writer ? acquire_write_until(rwlock, deadline) : acquire_read_until(rwlock, deadline);
    ct__tsan_lock_end(rwlock, model, how, status == CT_OK);
    return status;
}

static bool read_held(const void *rwlock)
{
    return readers(ct_load_u64(&((const ct_rwlock *)rwlock)->word)) > 0;
}

static bool write_held(const void *rwlock)
{
    return (ct_load_u64(&((const ct_rwlock *)rwlock)->word) & WRITER) != 0;
}

void ct_rwlock_init(ct_rwlock *rwlock)
{
    ct__tsan_lock_reset(rwlock);
    rwlock->word = 0;
}

/* The analysis does not follow the lock through the slow paths. */
CT_NO_THREAD_SAFETY_ANALYSIS void (ct_rwlock_acquire_read)(ct_rwlock *rwlock)
{
    (void)acquire_until(rwlock, CTB_NEVER, false);
}

static int acquire_timeout(ct_rwlock *rwlock, double timeout, bool writer)
{
    int64_t deadline;
    int status = ct__deadline(timeout, &deadline);
    if (status != CT_OK) return status;
    return acquire_until(rwlock, deadline, writer);
}

int ct_rwlock_acquire_read_timeout(ct_rwlock *rwlock, double timeout)
{
    return acquire_timeout(rwlock, timeout, false);
}

CT_NO_THREAD_SAFETY_ANALYSIS void (ct_rwlock_acquire_write)(ct_rwlock *rwlock)
{
    (void)acquire_until(rwlock, CTB_NEVER, true);
}

int ct_rwlock_acquire_write_timeout(ct_rwlock *rwlock, double timeout)
{
    return acquire_timeout(rwlock, timeout, true);
}

static int release_read(ct_rwlock *rwlock)
{
    uint64_t v = ct_load_relaxed_u64(&rwlock->word);
    for (;;) {
        if (readers(v) == 0) return CT_EPERM;
        /* The last reader out with threads parked hands the lock on. */
        if (readers(v) == 1 && (v & PARKED)) return settle(rwlock, RELEASE_READ);
        if (ct_cas_u64(&rwlock->word, &v, v - READER)) return CT_OK;
    }
}

static int release_write(ct_rwlock *rwlock)
{
    uint64_t v = ct_load_relaxed_u64(&rwlock->word);
    for (;;) {
        if (!(v & WRITER)) return CT_EPERM;
        if (v & PARKED) return settle(rwlock, RELEASE_WRITE);
        if (ct_cas_u64(&rwlock->word, &v, v & ~WRITER)) return CT_OK;
    }
}

CT_NO_THREAD_SAFETY_ANALYSIS int (ct_rwlock_release_read)(ct_rwlock *rwlock)
{
    int model = ct__tsan_unlock_begin(rwlock, CT__TSAN_READ, read_held);
    int status = release_read(rwlock);
    ct__tsan_unlock_end(rwlock, model, CT__TSAN_READ);
    return status;
}

CT_NO_THREAD_SAFETY_ANALYSIS int (ct_rwlock_release_write)(ct_rwlock *rwlock)
{
    int model = ct__tsan_unlock_begin(rwlock, 0, write_held);
    int status = release_write(rwlock);
    ct__tsan_unlock_end(rwlock, model, 0);
    return status;
}
