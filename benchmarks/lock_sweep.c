/* SPDX-License-Identifier: MIT */
/* The fairness knob of ct_lock swept in one run: the contended suites'
 * workloads, run again with the first parked waiter due the lock after each of
 * FAIR_AFTER_US. report.py puts the curve (knob -> Jain's index, longest
 * wait, throughput against the best sleeping peer) in latest.md. Built only
 * against the static library, whose hidden knob it sets (api/lock_tuning.h). */
#include "common.h"

#include <cthreading.h>
#include <lock_tuning.h>
#include <stdio.h>

static void ct_lock_nothing(ct_lock *lock) { (void)lock; }

BENCH_LOCK_BODIES(sweep, ct_lock, ct_lock_init, ct_lock_acquire, ct_lock_release, ct_lock_nothing)

typedef struct sweep_point {
    lock_workload work;   /* first: lock_ctx_setup reads it */
    int64_t fair_after_ns;
} sweep_point;

#define SWEEP_POINTS 6
static const int64_t sweep_fair_after_us[SWEEP_POINTS] = { 2000, 1000, 500, 250, 100, 50 };
/* fair_after_<us>us, with _default on the library's own value. */
static char sweep_names[SWEEP_POINTS][40];
static sweep_point sweep_tiny[SWEEP_POINTS], sweep_work[SWEEP_POINTS];
static const int sweep_threads[] = { 4, 8, 16, 0 };

static void sweep_point_setup(bench_state *s)
{
    sweep_setup(s);
    ct__lock_fair_after_ns = ((const sweep_point *)bench_arg(s))->fair_after_ns;
}

static void sweep_point_teardown(bench_state *s)
{
    ct__lock_fair_after_ns = CT__LOCK_FAIR_AFTER_NS_DEFAULT;
    sweep_teardown(s);
}

BENCH_REGISTER(register_lock_sweep)
{
    for (int i = 0; i < SWEEP_POINTS; i++) {
        int64_t ns = sweep_fair_after_us[i] * 1000;
        snprintf(sweep_names[i], sizeof sweep_names[i], "fair_after_%lldus%s",
                 (long long)sweep_fair_after_us[i],
                 ns == CT__LOCK_FAIR_AFTER_NS_DEFAULT ? "_default" : "");
        sweep_tiny[i] = (sweep_point){ lock_tiny, ns };
        sweep_work[i] = (sweep_point){ lock_work100, ns };
        bench_add("lock_fair_sweep_tiny", sweep_names[i], sweep_contended, sweep_point_setup,
                  bench_snapshot, sweep_point_teardown, &sweep_tiny[i], 256, sweep_threads);
        bench_add("lock_fair_sweep_work", sweep_names[i], sweep_contended, sweep_point_setup,
                  bench_snapshot, sweep_point_teardown, &sweep_work[i], 32, sweep_threads);
    }
}
