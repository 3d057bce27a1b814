/* SPDX-License-Identifier: MIT */
/* Helpers shared by every benchmark body: the scratch area for one run's
 * shared state, per-thread tallies, timestamps, calibrated busy work. */
#include "common.h"

#include <stdlib.h>
#include <string.h>

typedef struct shared_area {
    bench_slot slots[BENCH_MAX_THREADS];
    int snapshot_taken;
    int64_t snapshot[BENCH_MAX_THREADS];
    BENCH_ALIGNED unsigned char user[BENCH_SHARED_SIZE];
} shared_area;

static BENCH_ALIGNED shared_area area;
static double tick_ns = 1.0;
static double work_unit_ns = 1.0;

void *bench_shared(size_t size)
{
    if (size > BENCH_SHARED_SIZE) abort();
    memset(&area, 0, sizeof area);
    return area.user;
}

void *bench_shared_current(void)
{
    return area.user;
}

bench_slot *bench_slot_of(int thread)
{
    return &area.slots[thread];
}

void bench_batch_begin(bench_state *s)
{
    bench_slot *me = &area.slots[bench_thread(s)];
    if (me->first == 0) me->first = bench_ticks();
}

void bench_batch_end(bench_state *s, int64_t ops)
{
    bench_slot *me = &area.slots[bench_thread(s)];
    me->last = bench_ticks();
    __atomic_store_n(&me->count, me->count + ops, __ATOMIC_RELAXED);
}

void bench_snapshot(bench_state *s)
{
    int expected = 0;
    if (!__atomic_compare_exchange_n(&area.snapshot_taken, &expected, 1, 0, __ATOMIC_ACQ_REL,
                                     __ATOMIC_RELAXED))
        return;
    for (int t = 0; t < bench_threads(s); t++)
        area.snapshot[t] = __atomic_load_n(&area.slots[t].count, __ATOMIC_RELAXED);
}

void bench_report_span(bench_state *s, const char *rate_name, double ops_per_item)
{
    int threads = bench_threads(s);
    uint64_t first = UINT64_MAX, last = 0, max_gap = 0;
    int64_t total = 0;
    for (int t = 0; t < threads; t++) {
        const bench_slot *slot = &area.slots[t];
        if (slot->first && slot->first < first) first = slot->first;
        if (slot->last > last) last = slot->last;
        if (slot->max_gap > max_gap) max_gap = slot->max_gap;
        total += slot->count;
    }
    if (total == 0 || last <= first) return;
    double span_ns = (double)(last - first) * tick_ns;
    bench_counter(s, rate_name, (double)total / ops_per_item / (span_ns * 1e-9));
    if (threads > 1 && area.snapshot_taken) bench_counter(s, "jain", bench_jain(area.snapshot, threads));
    if (max_gap) bench_counter(s, "max_wait_us", (double)max_gap * tick_ns / 1e3);
}

double bench_tick_ns(void)
{
    return tick_ns;
}

void bench_work(int64_t units)
{
    /* A dependent chain the compiler must keep: each step needs the last. */
    uint64_t x = (uint64_t)units;
    for (int64_t i = 0; i < units; i++) {
        x = x * 6364136223846793005u + 1442695040888963407u;
        __asm__ __volatile__("" : "+r"(x));
    }
}

double bench_work_unit_ns(void)
{
    return work_unit_ns;
}

int64_t bench_work_units(double ns)
{
    int64_t units = (int64_t)(ns / work_unit_ns + 0.5);
    return ns > 0 && units < 1 ? 1 : units;
}

double bench_jain(const int64_t *counts, int n)
{
    double sum = 0, squares = 0;
    for (int i = 0; i < n; i++) {
        sum += (double)counts[i];
        squares += (double)counts[i] * (double)counts[i];
    }
    return squares > 0 ? sum * sum / ((double)n * squares) : 0.0;
}

/* Runs the work loop for ~20 ms, several times, and keeps the fastest rate:
 * on a shared machine the slowest runs measure the neighbours, not the loop. */
void bench_calibrate(void)
{
    int64_t t0 = bench_now_ns();
    uint64_t c0 = bench_ticks();
    while (bench_now_ns() - t0 < 20000000) {
    }
    tick_ns = (double)(bench_now_ns() - t0) / (double)(bench_ticks() - c0);

    double best = 1e9;
    for (int round = 0; round < 5; round++) {
        int64_t units = 1000000;
        int64_t start = bench_now_ns();
        bench_work(units);
        double per_unit = (double)(bench_now_ns() - start) / (double)units;
        if (per_unit < best) best = per_unit;
    }
    work_unit_ns = best;
}

const int bench_threads_contended[] = { 1, 2, 4, 8, 16, 0 };
const int bench_threads_pair[] = { 2, 0 };
const int bench_threads_4x4[] = { 8, 0 };

void bench_add(const char *suite, const char *impl, void (*run)(bench_state *, int64_t),
               void (*setup)(bench_state *), void (*last_batch)(bench_state *),
               void (*teardown)(bench_state *), const void *arg, int64_t batch,
               const int *threads)
{
    bench_def def;
    def.suite = suite;
    def.impl = impl;
    def.run = run;
    def.setup = setup;
    def.last_batch = last_batch;
    def.teardown = teardown;
    def.arg = arg;
    def.batch = batch;
    def.threads = threads;
    bench_register(&def);
}

/* ------------------------------------------------------------------ locks */

const lock_workload lock_tiny = { 0, 0 };
const lock_workload lock_work100 = { 100, 100 };

lock_ctx *lock_ctx_setup(bench_state *s, size_t lock_size)
{
    const lock_workload *w = (const lock_workload *)bench_arg(s);
    lock_ctx *c = (lock_ctx *)bench_shared(sizeof *c);
    if (lock_size > sizeof c->lock) abort();
    c->inside = bench_work_units(w->inside_ns);
    c->outside = bench_work_units(w->outside_ns);
    return c;
}

void lock_ctx_report(bench_state *s)
{
    if (bench_threads(s) > 1 || bench_slot_of(0)->count > 0) bench_report_span(s, "ops_per_s", 1);
}

int bench_pool_workers(void)
{
    int workers = bench_cpu_count() + 4;
    return workers < 32 ? workers : 32;
}

/* ------------------------------------------------------------ rwlocks, once */

const rwlock_workload rwlock_mix99 = { { 100, 100 }, 1 };
const rwlock_workload rwlock_mix90 = { { 100, 100 }, 10 };
const rwlock_workload rwlock_mix50 = { { 100, 100 }, 50 };

void rwlock_ctx_report(bench_state *s)
{
    uint64_t max_wait = 0;
    lock_ctx_report(s);
    for (int t = 0; t < bench_threads(s); t++)
        if (bench_slot_of(t)->max_writer_wait > max_wait) max_wait = bench_slot_of(t)->max_writer_wait;
    if (max_wait) bench_counter(s, "max_writer_wait_us", (double)max_wait * bench_tick_ns() / 1e3);
}

int bench_once_fn(void *arg)
{
    (void)arg;
    return 0;
}
