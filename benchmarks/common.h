/* SPDX-License-Identifier: MIT */
/* What the benchmark bodies share beyond the shim's interface (bench.h):
 * registration at load time, per-thread tallies, and the lock workloads, which
 * every lock (C or C++) instantiates with BENCH_LOCK so that its acquire and
 * release are inlined into the same loops as everyone else's.
 *
 * The benchmarks are built with GCC or Clang (MinGW included): they use
 * constructors and __atomic builtins, in C and in C++ alike.
 */
#ifndef CT_BENCH_COMMON_H
#define CT_BENCH_COMMON_H

#include "bench.h"

#ifdef __cplusplus
extern "C" {
#endif

#define BENCH_ALIGNED __attribute__((aligned(64)))
#define BENCH_MAYBE_UNUSED __attribute__((unused))

/* Defines a function run when the program loads, before main: each source
 * file registers its benchmarks in one. */
#define BENCH_REGISTER(fn) __attribute__((constructor)) static void fn(void)

void bench_add(const char *suite, const char *impl, void (*run)(bench_state *, int64_t),
               void (*setup)(bench_state *), void (*last_batch)(bench_state *),
               void (*teardown)(bench_state *), const void *arg, int64_t batch,
               const int *threads);

/* The pool suites: tasks per pool_100k_tasks operation, and the worker count
 * every pool gets (concurrent.futures' default, min(32, cpus + 4)). */
#define BENCH_POOL_TASKS 100000
int bench_pool_workers(void);

extern const int bench_threads_contended[];   /* 1, 2, 4, 8, 16 */
extern const int bench_threads_pair[];        /* 2 */
extern const int bench_threads_4x4[];         /* 8 */

/* --- per-thread tallies of one run ------------------------------------------
 * count: operations done (written by its thread, read by bench_snapshot);
 * first / last: ticks at the start of the thread's first batch and the end of
 * its latest; max_gap: the longest time between two operations;
 * max_writer_wait: the longest write-lock acquire (read-write lock mixes). */
typedef struct bench_slot {
    int64_t count;
    uint64_t first, last, max_gap, max_writer_wait;
    unsigned char pad[24];
} BENCH_ALIGNED bench_slot;

bench_slot *bench_slot_of(int thread);
/* The area bench_shared last handed out. */
void *bench_shared_current(void);

/* Around a batch that does not keep its own tallies. */
void bench_batch_begin(bench_state *s);
void bench_batch_end(bench_state *s, int64_t ops);

/* last_batch for fairness: the first thread to finish records every thread's
 * count, so Jain's index covers a window in which all of them were running. */
void bench_snapshot(bench_state *s);

/* In teardown: rate_name = total count / ops_per_item per second of wall time
 * from the first thread's start to the last thread's end; plus "jain" (from
 * the snapshot) and "max_wait_us" (the longest gap) when recorded. */
void bench_report_span(bench_state *s, const char *rate_name, double ops_per_item);

/* --- locks ---------------------------------------------------------------- */

typedef struct lock_workload {
    double inside_ns, outside_ns;   /* busy work in and after the critical section */
} lock_workload;
extern const lock_workload lock_tiny;      /* an increment, nothing else */
extern const lock_workload lock_work100;   /* ~100 ns inside and ~100 ns outside */

typedef struct lock_ctx {
    BENCH_ALIGNED unsigned char lock[256];
    BENCH_ALIGNED int64_t protected_count;
    int64_t inside, outside;   /* work units */
} lock_ctx;

lock_ctx *lock_ctx_setup(bench_state *s, size_t lock_size);
void lock_ctx_report(bench_state *s);

static inline lock_ctx *lock_ctx_current(void)
{
    return (lock_ctx *)bench_shared_current();
}

/* The operation of the contended workloads: acquire, increment, optional work,
 * release, optional work, then one timestamp for the longest-wait tally (the
 * gap between two acquisitions bounds the wait from above). */
#define BENCH_LOCK_BODIES(id, type, init, acquire, release, destroy)                 \
    BENCH_MAYBE_UNUSED static void id##_setup(bench_state *s)                                            \
    {                                                                                 \
        init((type *)lock_ctx_setup(s, sizeof(type))->lock);                          \
    }                                                                                 \
    BENCH_MAYBE_UNUSED static void id##_teardown(bench_state *s)                                         \
    {                                                                                 \
        destroy((type *)lock_ctx_current()->lock);                                    \
        lock_ctx_report(s);                                                           \
    }                                                                                 \
    BENCH_MAYBE_UNUSED static void id##_pairs(bench_state *s, int64_t n)                                 \
    {                                                                                 \
        type *l = (type *)lock_ctx_current()->lock;                                   \
        (void)s;                                                                      \
        for (int64_t i = 0; i < n; i++) {                                             \
            acquire(l);                                                               \
            release(l);                                                               \
        }                                                                             \
    }                                                                                 \
    BENCH_MAYBE_UNUSED static void id##_contended(bench_state *s, int64_t n)                             \
    {                                                                                 \
        lock_ctx *c = lock_ctx_current();                                             \
        type *l = (type *)c->lock;                                                    \
        bench_slot *me = bench_slot_of(bench_thread(s));                              \
        int64_t inside = c->inside, outside = c->outside, count = me->count;          \
        uint64_t last = me->last, max_gap = me->max_gap;                              \
        if (me->first == 0) me->first = last = bench_ticks();                         \
        for (int64_t i = 0; i < n; i++) {                                             \
            acquire(l);                                                               \
            c->protected_count++;                                                     \
            if (inside) bench_work(inside);                                           \
            release(l);                                                               \
            if (outside) bench_work(outside);                                         \
            uint64_t now = bench_ticks();                                             \
            if (now - last > max_gap) max_gap = now - last;                           \
            last = now;                                                               \
            __atomic_store_n(&me->count, ++count, __ATOMIC_RELAXED);                  \
        }                                                                             \
        me->last = last;                                                              \
        me->max_gap = max_gap;                                                        \
    }

/* A lock in the uncontended and contended suites. */
#define BENCH_LOCK(id, type, init, acquire, release, destroy)                        \
    BENCH_LOCK_BODIES(id, type, init, acquire, release, destroy)                     \
    static void id##_register(const char *impl)                                      \
    {                                                                                \
        bench_add("lock_uncontended", impl, id##_pairs, id##_setup, NULL,            \
                  id##_teardown, &lock_tiny, 1000, NULL);                            \
        bench_add("lock_contended_tiny", impl, id##_contended, id##_setup,           \
                  bench_snapshot, id##_teardown, &lock_tiny, 256,                    \
                  bench_threads_contended);                                          \
        bench_add("lock_contended_work", impl, id##_contended, id##_setup,           \
                  bench_snapshot, id##_teardown, &lock_work100, 32,                  \
                  bench_threads_contended);                                          \
    }

/* A recursive lock: acquire + release from unlocked, and again while the
 * thread already holds it once (re-entry). */
#define BENCH_RLOCK(id, type, init, acquire, release, destroy)                       \
    BENCH_LOCK_BODIES(id, type, init, acquire, release, destroy)                     \
    static void id##_held_setup(bench_state *s)                                      \
    {                                                                                \
        id##_setup(s);                                                               \
        acquire((type *)lock_ctx_current()->lock);                                   \
    }                                                                                \
    static void id##_held_teardown(bench_state *s)                                   \
    {                                                                                \
        release((type *)lock_ctx_current()->lock);                                   \
        id##_teardown(s);                                                            \
    }                                                                                \
    static void id##_register(const char *impl)                                      \
    {                                                                                \
        bench_add("rlock_uncontended", impl, id##_pairs, id##_setup, NULL,           \
                  id##_teardown, &lock_tiny, 1000, NULL);                            \
        bench_add("rlock_reentry", impl, id##_pairs, id##_held_setup, NULL,          \
                  id##_held_teardown, &lock_tiny, 1000, NULL);                       \
    }

/* --- read-write locks ----------------------------------------------------------
 * rwlock_read_uncontended / rwlock_write_uncontended: one thread, acquire +
 * release in one mode. rwlock_mix_<reads>: every thread does reads (a load of
 * the protected counter) and writes (an increment) in that proportion, spread
 * evenly, with ~100 ns of work inside and after; the run reports throughput,
 * Jain's index and max_writer_wait_us, the longest single write acquire. */
typedef struct rwlock_workload {
    lock_workload work;   /* first: lock_ctx_setup reads it */
    int writes_per_100;
} rwlock_workload;
extern const rwlock_workload rwlock_mix99, rwlock_mix90, rwlock_mix50;

/* Teardown: ops_per_s, jain and max_writer_wait_us. */
void rwlock_ctx_report(bench_state *s);

/* Whether a thread's count-th operation writes: 37 is coprime to 100, so
 * every 100 consecutive operations hold exactly writes_per_100 writes. */
static inline int rwlock_op_writes(int64_t count, int thread, int writes_per_100)
{
    return (int)((count * 37 + thread * 11) % 100) < writes_per_100;
}

#define BENCH_RWLOCK(id, type, init, rdlock, rdunlock, wrlock, wrunlock, destroy)     \
    static void id##_setup(bench_state *s)                                            \
    {                                                                                 \
        init((type *)lock_ctx_setup(s, sizeof(type))->lock);                          \
    }                                                                                 \
    static void id##_teardown(bench_state *s)                                         \
    {                                                                                 \
        destroy((type *)lock_ctx_current()->lock);                                    \
        rwlock_ctx_report(s);                                                         \
    }                                                                                 \
    static void id##_read_pairs(bench_state *s, int64_t n)                            \
    {                                                                                 \
        type *l = (type *)lock_ctx_current()->lock;                                   \
        (void)s;                                                                      \
        for (int64_t i = 0; i < n; i++) {                                             \
            rdlock(l);                                                                \
            rdunlock(l);                                                              \
        }                                                                             \
    }                                                                                 \
    static void id##_write_pairs(bench_state *s, int64_t n)                           \
    {                                                                                 \
        type *l = (type *)lock_ctx_current()->lock;                                   \
        (void)s;                                                                      \
        for (int64_t i = 0; i < n; i++) {                                             \
            wrlock(l);                                                                \
            wrunlock(l);                                                              \
        }                                                                             \
    }                                                                                 \
    static void id##_mix(bench_state *s, int64_t n)                                   \
    {                                                                                 \
        lock_ctx *c = lock_ctx_current();                                             \
        type *l = (type *)c->lock;                                                    \
        int thread = bench_thread(s);                                                 \
        int writes = ((const rwlock_workload *)bench_arg(s))->writes_per_100;         \
        bench_slot *me = bench_slot_of(thread);                                       \
        int64_t inside = c->inside, outside = c->outside, count = me->count;          \
        uint64_t max_wait = me->max_writer_wait;                                      \
        if (me->first == 0) me->first = bench_ticks();                                \
        for (int64_t i = 0; i < n; i++) {                                             \
            if (rwlock_op_writes(count, thread, writes)) {                            \
                uint64_t start = bench_ticks();                                       \
                wrlock(l);                                                            \
                uint64_t waited = bench_ticks() - start;                              \
                if (waited > max_wait) max_wait = waited;                             \
                __atomic_store_n(&c->protected_count,                                 \
                                 __atomic_load_n(&c->protected_count, __ATOMIC_RELAXED) + 1, \
                                 __ATOMIC_RELAXED);                                   \
                if (inside) bench_work(inside);                                       \
                wrunlock(l);                                                          \
            } else {                                                                  \
                rdlock(l);                                                            \
                int64_t seen = __atomic_load_n(&c->protected_count, __ATOMIC_RELAXED); \
                __asm__ __volatile__("" : : "r"(seen));                               \
                if (inside) bench_work(inside);                                       \
                rdunlock(l);                                                          \
            }                                                                         \
            if (outside) bench_work(outside);                                         \
            __atomic_store_n(&me->count, ++count, __ATOMIC_RELAXED);                  \
        }                                                                             \
        me->last = bench_ticks();                                                     \
        me->max_writer_wait = max_wait;                                               \
    }                                                                                 \
    static void id##_register(const char *impl)                                      \
    {                                                                                 \
        bench_add("rwlock_read_uncontended", impl, id##_read_pairs, id##_setup, NULL, \
                  id##_teardown, &lock_tiny, 1000, NULL);                             \
        bench_add("rwlock_write_uncontended", impl, id##_write_pairs, id##_setup,     \
                  NULL, id##_teardown, &lock_tiny, 1000, NULL);                       \
        bench_add("rwlock_mix_99", impl, id##_mix, id##_setup, bench_snapshot,        \
                  id##_teardown, &rwlock_mix99, 64, bench_threads_contended);         \
        bench_add("rwlock_mix_90", impl, id##_mix, id##_setup, bench_snapshot,        \
                  id##_teardown, &rwlock_mix90, 64, bench_threads_contended);         \
        bench_add("rwlock_mix_50", impl, id##_mix, id##_setup, bench_snapshot,        \
                  id##_teardown, &rwlock_mix50, 64, bench_threads_contended);         \
    }

/* --- once ----------------------------------------------------------------------
 * once_done: the call on a once whose function has already run (setup runs it). */
int bench_once_fn(void *arg);   /* the once's function: returns 0 */

#ifdef __cplusplus
}
#endif
#endif /* CT_BENCH_COMMON_H */
