/* SPDX-License-Identifier: MIT */
/* Benchmark-only: the fairness knob of ct_lock (api/lock.c), so that one
 * benchmark run can sweep it (benchmarks/: lock_fair_sweep_*). Not public API,
 * not installed; the symbol is hidden, so only a static build links it. */
#ifndef CT_LOCK_TUNING_H
#define CT_LOCK_TUNING_H

#include <stdint.h>

/* How long the first parked waiter waits before a release hands it the lock
 * (nanoseconds). Set it only while no thread uses a ct_lock. */
extern int64_t ct__lock_fair_after_ns;
#define CT__LOCK_FAIR_AFTER_NS_DEFAULT 500000

#endif /* CT_LOCK_TUNING_H */
