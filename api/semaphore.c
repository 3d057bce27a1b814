/* SPDX-License-Identifier: MIT */
/* Semaphore: word = value * 2 | HAS_PARKED. Acquirers take a unit with a CAS;
 * with none left they set HAS_PARKED and park on the semaphore's address. A
 * release adds its units first and then wakes up to that many parked threads,
 * which retry (a running thread may take a unit first: no FIFO, as in Python). */
#include "internal.h"
#include "parking_lot.h"

#define HAS_PARKED 1
#define UNIT 2
#define VALUE_MAX (INT64_MAX / UNIT)

int ct_semaphore_init(ct_semaphore *sem, int64_t value)
{
    if (value < 0 || value > VALUE_MAX) return CT_EINVAL;
    sem->word = value * UNIT;
    sem->bound = -1;
    return CT_OK;
}

int ct_bounded_semaphore_init(ct_semaphore *sem, int64_t value)
{
    int status = ct_semaphore_init(sem, value);
    if (status == CT_OK) sem->bound = value;
    return status;
}

static bool still_empty_with_waiters(void *ctx)
{
    return ct_load_i64(&((ct_semaphore *)ctx)->word) == HAS_PARKED;
}

/* A release that comes within this long is caught without sleeping, so that
 * neither side makes a system call when both are running (benchmarks/:
 * Semaphore ping-pong). */
#define SPIN_NS 5000

static bool has_unit(const void *sem)
{
    /* Relaxed: a poll; acquire_until takes the unit with a CAS, which acquires. */
    return ct_load_relaxed_i64(&((const ct_semaphore *)sem)->word) >= UNIT;
}

static int acquire_until(ct_semaphore *sem, int64_t deadline)
{
    bool spun = false;
    int64_t parked_at = 0;   /* when this thread first parked: for the contention hook */
    for (;;) {
        int64_t w = ct_load_relaxed_i64(&sem->word);   /* a look: the CAS acquires */
        if (w >= UNIT) {
            if (!ct_cas_i64(&sem->word, &w, w - UNIT)) continue;
            if (parked_at != 0) ct__contended(sem, parked_at);
            return CT_OK;
        }
        if (deadline == 0) return CT_ETIMEDOUT;
        if (!spun) {
            spun = true;
            ct__poll(has_unit, sem, SPIN_NS, deadline);
            continue;
        }
        if (!(w & HAS_PARKED) && !ct_cas_i64(&sem->word, &w, w | HAS_PARKED)) continue;
        int64_t park_at = parked_at != 0 ? parked_at : ctb_monotonic_ns();
        int parked = ct__park(sem, deadline, still_empty_with_waiters, NULL, sem, 0, NULL);
        if (parked == CT_ETIMEDOUT) return CT_ETIMEDOUT;
        if (parked == CT_OK) parked_at = park_at;   /* it slept */
    }
}

void ct_semaphore_acquire(ct_semaphore *sem)
{
    acquire_until(sem, CTB_NEVER);
}

int ct_semaphore_acquire_timeout(ct_semaphore *sem, double timeout)
{
    int64_t deadline;
    int status = ct__deadline(timeout, &deadline);
    if (status != CT_OK) return status;
    return acquire_until(sem, deadline);
}

/* Under the bucket lock: wake the first parked thread; when it is the last
 * one (or there is none), clear the bit. */
static void wake_first(void *arg, ct__queue *queue)
{
    ct__waiter *first = ct__queue_next(queue, NULL);
    if (!first || !ct__queue_next(queue, first))
        ct_fetch_and_i64(&((ct_semaphore *)arg)->word, ~(int64_t)HAS_PARKED);
    if (first) ct__queue_wake(queue, first, 0);
}

int ct_semaphore_release(ct_semaphore *sem, int64_t n)
{
    int64_t w = ct_load_relaxed_i64(&sem->word);   /* a guess: the CAS checks it and releases */
    int64_t value;
    if (n < 1) return CT_EINVAL;
    do {
        value = w / UNIT;
        if (n > VALUE_MAX - value) return CT_EOVERFLOW;
        if (sem->bound >= 0 && value + n > sem->bound) return CT_EINVAL;
    } while (!ct_cas_i64(&sem->word, &w, w + n * UNIT));
    if (w & HAS_PARKED) {
        for (int64_t i = 0; i < n && (ct_load_i64(&sem->word) & HAS_PARKED); i++)
            ct__unpark_with(sem, wake_first, sem);
    }
    return CT_OK;
}

int64_t ct_semaphore_value(const ct_semaphore *sem)
{
    return ct_load_i64(&sem->word) / UNIT;
}
