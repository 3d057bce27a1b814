/* SPDX-License-Identifier: MIT */
/* Concurrency Kit peers: the MCS and ticket spinlocks, strictly first come,
 * first served (the fairness table's reference). Built only where pkg-config
 * finds ck.
 *
 * Neither ever sleeps or yields, and each hands the lock to one thread only:
 * with more threads than processors that thread is often not running, and
 * every acquisition waits for the scheduler to run it. Measured: the MCS lock
 * at 4 threads on 2 busy cores did 377 acquisitions a second, so one
 * contended run at 8 or 16 threads would take hours. The contended suites
 * run them only at thread counts the processors can run at once. */
#include "common.h"

#include <ck_spinlock.h>

/* ------------------------------------------------------------- MCS lock
 * A waiter spins on its own queue node. No thread here holds two locks at
 * once, so one node per thread serves every lock. */

typedef struct mcs_lock {
    ck_spinlock_mcs_t tail;
} mcs_lock;

static _Thread_local ck_spinlock_mcs_context_t mcs_node;

static void mcs_init(mcs_lock *l) { ck_spinlock_mcs_init(&l->tail); }
static void mcs_nothing(mcs_lock *l) { (void)l; }
static inline void mcs_acquire(mcs_lock *l) { ck_spinlock_mcs_lock(&l->tail, &mcs_node); }
static inline void mcs_release(mcs_lock *l) { ck_spinlock_mcs_unlock(&l->tail, &mcs_node); }

BENCH_LOCK(ckmcs, mcs_lock, mcs_init, mcs_acquire, mcs_release, mcs_nothing)

/* ---------------------------------------------------------- ticket lock */

static void ticket_nothing(ck_spinlock_ticket_t *l) { (void)l; }

BENCH_LOCK(ckticket, ck_spinlock_ticket_t, ck_spinlock_ticket_init, ck_spinlock_ticket_lock,
           ck_spinlock_ticket_unlock, ticket_nothing)

/* ------------------------------------------------------------ registration */

static int threads_on_cpus[BENCH_MAX_THREADS + 1];

/* bench_threads_contended without the counts above the processor count. */
static const int *contended_threads_on_cpus(void)
{
    int kept = 0;
    for (const int *t = bench_threads_contended; *t; t++)
        if (*t <= bench_cpu_count()) threads_on_cpus[kept++] = *t;
    threads_on_cpus[kept] = 0;
    return threads_on_cpus;
}

BENCH_REGISTER(register_ck)
{
    const int *threads = contended_threads_on_cpus();
    ckmcs_register_on("ck_spinlock_mcs", threads);
    ckticket_register_on("ck_spinlock_ticket", threads);
    bench_size("ck_spinlock_mcs_t", sizeof(ck_spinlock_mcs_t));
    bench_size("ck_spinlock_ticket_t", sizeof(ck_spinlock_ticket_t));
}
