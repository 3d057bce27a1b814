/* SPDX-License-Identifier: MIT */
/* The C side of the benchmark harness. Benchmark bodies are C functions that
 * run a batch of n operations per call; shim.cc registers them with Google
 * Benchmark, which owns timing, thread counts and reporting. A body sees the
 * run only through the opaque bench_state.
 *
 * One registered benchmark runs at a time, on one or more threads. Its setup
 * runs on thread 0 before any thread starts timing, its teardown on thread 0
 * after every thread has stopped, so both may touch shared state freely; the
 * bodies and last_batch run on every thread inside the timed region.
 */
#ifndef CT_BENCH_H
#define CT_BENCH_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define BENCH_MAX_THREADS 16

typedef struct bench_state bench_state;

typedef struct bench_def {
    const char *suite;                          /* "lock_contended_tiny" */
    const char *impl;                           /* "ct_lock" */
    void (*run)(bench_state *s, int64_t n);     /* n operations, on every thread */
    void (*setup)(bench_state *s);              /* thread 0, before timing; NULL: none */
    void (*last_batch)(bench_state *s);         /* each thread, right after its last batch */
    void (*teardown)(bench_state *s);           /* thread 0, after all threads stopped */
    const void *arg;                            /* whatever the functions want: bench_arg */
    int64_t batch;                              /* operations per run call (1 if 0) */
    const int *threads;                         /* thread counts, 0-terminated; NULL: {1} */
} bench_def;

/* Registers def (copied; strings and arrays must stay valid). */
void bench_register(const bench_def *def);

/* A `sizeof` for the sizes table, recorded in the JSON context as size.<name>. */
void bench_size(const char *name, size_t size);

int bench_thread(const bench_state *s);        /* 0 .. bench_threads - 1 */
int bench_threads(const bench_state *s);
const void *bench_arg(const bench_state *s);
/* A counter reported with the run; set it on thread 0 only (threads' values add up). */
void bench_counter(bench_state *s, const char *name, double value);
/* Ends the run with an error shown in the report. */
void bench_fail(bench_state *s, const char *message);

/* --- shared helpers (common.c) --------------------------------------------- */

/* A zeroed, cache-line aligned scratch area of at least `size` bytes (up to
 * BENCH_SHARED_SIZE) for the state shared by the threads of one run. Valid
 * until the next call; only setup functions call it. */
#define BENCH_SHARED_SIZE 16384
void *bench_shared(size_t size);

/* Processors this process may run on. */
int bench_cpu_count(void);

/* Monotonic nanoseconds. */
int64_t bench_now_ns(void);

/* Cheap timestamps for per-operation timing: the TSC on x86, otherwise
 * bench_now_ns. bench_tick_ns converts a tick difference to nanoseconds. */
#if defined(__x86_64__) || defined(__i386__)
static inline uint64_t bench_ticks(void) { return __builtin_ia32_rdtsc(); }
#else
static inline uint64_t bench_ticks(void) { return (uint64_t)bench_now_ns(); }
#endif
double bench_tick_ns(void);

/* Busy work that takes about `units` * bench_work_unit_ns() nanoseconds and
 * cannot be optimized away. bench_work_units(ns) gives the units for ns. */
void bench_work(int64_t units);
double bench_work_unit_ns(void);
int64_t bench_work_units(double ns);

/* Jain's fairness index of counts[0..n): 1 when all equal, 1/n when one has all. */
double bench_jain(const int64_t *counts, int n);

/* Calibrates ticks and work units; the shim calls it once before running. */
void bench_calibrate(void);

#define BENCH_STRINGIFY_(x) #x
#define BENCH_STRINGIFY(x) BENCH_STRINGIFY_(x)

#ifdef __cplusplus
}
#endif
#endif /* CT_BENCH_H */
