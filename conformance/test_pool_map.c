/* SPDX-License-Identifier: MIT */
/* Executor.map gathered into an array: ct_pool_map (CPython's executor map
 * tests: order, timeout, buffersize), and what the contract adds: calls not
 * started are cancelled at the deadline, results is never written after the
 * call returns, and buffersize bounds the calls in flight. */
#include "pool_helpers.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define SLACK 0.001
#define UNWRITTEN ((void *)(uintptr_t)0xDEADu)

TEST(bad_arguments)
{
    ct_pool *pool = new_pool(2, "map_bad");
    void *args[2] = { as_ptr(1), as_ptr(2) };
    void *results[2];
    CHECK_STATUS(ct_pool_map(pool, NULL, args, results, 2, CT_FOREVER, 0), CT_EINVAL);
    CHECK_STATUS(ct_pool_map(pool, double_it, NULL, results, 2, CT_FOREVER, 0), CT_EINVAL);
    CHECK_STATUS(ct_pool_map(pool, double_it, args, NULL, 2, CT_FOREVER, 0), CT_EINVAL);
    CHECK_STATUS(ct_pool_map(pool, double_it, args, results, 2, -3.0, 0), CT_EINVAL);
    CHECK_STATUS(ct_pool_map(pool, double_it, args, results, 2, NAN, 0), CT_EINVAL);
    CHECK_STATUS(ct_pool_map(pool, double_it, args, results, 2, CT_TIMEOUT_MAX * 2, 0), CT_EOVERFLOW);
    CHECK_OK(ct_pool_map(pool, double_it, NULL, NULL, 0, CT_FOREVER, 0));
    ct_pool_release(pool);
}

/* test_map: the results in input order, whatever the buffersize. */
TEST(results_in_input_order)
{
    enum { N = 200 };
    static const size_t buffersizes[] = { 0, 1, 3, N, N * 2 };
    ct_pool *pool = new_pool(4, "map_order");
    void *args[N], *results[N];
    for (int i = 0; i < N; i++) args[i] = as_ptr((uintptr_t)i);
    for (size_t b = 0; b < sizeof buffersizes / sizeof buffersizes[0]; b++) {
        for (int i = 0; i < N; i++) results[i] = UNWRITTEN;
        CHECK_OK(ct_pool_map(pool, double_it, args, results, N, 30.0, buffersizes[b]));
        for (int i = 0; i < N; i++) CHECK_EQ_U(as_number(results[i]), 2 * (uintptr_t)i);
    }
    ct_pool_release(pool);
}

/* Calls that record, when they start, whether the call buffersize places
 * before them had finished, and how many ran at once. */
typedef struct bounded_run {
    ct_lock lock;
    size_t buffersize;
    size_t running, most_running, started;
    unsigned char finished[64];
    size_t early_starts;   /* calls that started before call i - buffersize finished */
} bounded_run;

typedef struct bounded_call {
    bounded_run *run;
    size_t index;
} bounded_call;

static void *bounded_task(void *arg)
{
    bounded_call *call = (bounded_call *)arg;
    bounded_run *run = call->run;
    ct_lock_acquire(&run->lock);
    run->started++;
    if (++run->running > run->most_running) run->most_running = run->running;
    if (call->index >= run->buffersize && !run->finished[call->index - run->buffersize]) run->early_starts++;
    ct_lock_release(&run->lock);
    ct_sleep(0.002);
    ct_lock_acquire(&run->lock);
    run->running--;
    run->finished[call->index] = 1;
    ct_lock_release(&run->lock);
    return as_ptr(call->index + 1);
}

/* test_map_buffersize_when_buffer_is_full: never more than buffersize calls
 * submitted and not collected, with workers to spare. */
TEST(buffersize_bounds_calls_in_flight)
{
    enum { N = 64, BUFFERSIZE = 3 };
    ct_pool *pool = new_pool(8, "map_buffer");
    bounded_run run;
    bounded_call calls[N];
    void *args[N], *results[N];
    memset(&run, 0, sizeof run);
    ct_lock_init(&run.lock);
    run.buffersize = BUFFERSIZE;
    for (int i = 0; i < N; i++) {
        calls[i].run = &run;
        calls[i].index = (size_t)i;
        args[i] = &calls[i];
    }
    CHECK_OK(ct_pool_map(pool, bounded_task, args, results, N, 60.0, BUFFERSIZE));
    for (int i = 0; i < N; i++) CHECK_EQ_U(as_number(results[i]), (uintptr_t)i + 1);
    CHECK_EQ_U(run.started, N);
    CHECK_LE(run.most_running, BUFFERSIZE);
    CHECK_EQ_U(run.early_starts, 0);
    ct_pool_release(pool);
}

typedef struct opener {
    gate *g;
    size_t expect;
} opener;

static void open_when_all_running(void *arg)
{
    opener *o = (opener *)arg;
    wait_running(o->g, o->expect);
    ct_event_set(&o->g->open);
}

/* Without a buffersize, everything is submitted at once (Python's default):
 * all N calls are inside the gate together before any is collected. */
TEST(no_buffersize_submits_everything)
{
    enum { N = 6 };
    ct_pool *pool = new_pool(N, "map_unbounded");
    gate g;
    opener o = { &g, N };
    void *args[N], *results[N];
    ct_thread *thread;
    gate_init(&g);
    for (int i = 0; i < N; i++) args[i] = &g;
    thread = ct_test_start(open_when_all_running, &o);
    CHECK_OK(ct_pool_map(pool, wait_at_gate, args, results, N, 60.0, 0));
    ct_test_join(thread);
    CHECK_EQ_U(g.most_running, N);
    for (int i = 0; i < N; i++) CHECK_EQ_U(as_number(results[i]), 7);
    ct_pool_release(pool);
}

typedef struct counted_gate {
    gate g;
    size_t calls;   /* under g.lock */
} counted_gate;

static void *count_then_wait(void *arg)
{
    counted_gate *cg = (counted_gate *)arg;
    ct_lock_acquire(&cg->g.lock);
    cg->calls++;
    ct_lock_release(&cg->g.lock);
    return wait_at_gate(&cg->g);
}

/* test_map_timeout: TimeoutError at the deadline; what had not started never runs. */
TEST(timeout_cancels_calls_not_started)
{
    enum { N = 5 };
    for (int b = 0; b < 2; b++) {
        ct_pool *pool = new_pool(1, "map_timeout");
        counted_gate cg;
        void *args[N], *results[N];
        double start, elapsed;
        memset(&cg, 0, sizeof cg);
        gate_init(&cg.g);
        for (int i = 0; i < N; i++) {
            args[i] = &cg;
            results[i] = UNWRITTEN;
        }
        start = ct_monotonic();
        CHECK_STATUS(ct_pool_map(pool, count_then_wait, args, results, N, 0.1, b == 0 ? 0 : 2),
                     CT_ETIMEDOUT);
        elapsed = ct_monotonic() - start;
        CHECK_GE_D(elapsed, 0.1 - SLACK);
        CHECK_LE_D(elapsed, 5.0);
        ct_event_set(&cg.g.open);
        ct_pool_shutdown(pool, true, false);
        CHECK_EQ_U(cg.calls, 1);
        for (int i = 0; i < N; i++) CHECK(results[i] == UNWRITTEN);
        ct_pool_release(pool);
    }
}

/* A call that finishes as ct_pool_map returns, or long after, writes nothing. */
static void *late_call(void *arg)
{
    uintptr_t i = as_number(arg);
    if (i > 0) ct_sleep(1.0 + 0.05 * (double)i);
    return as_ptr(1000 + i);
}

TEST(results_never_written_after_timeout)
{
    enum { N = 8 };
    ct_pool *pool = new_pool(N, "map_late");
    void *args[N], *results[N], *snapshot[N];
    size_t written = 0;
    for (int i = 0; i < N; i++) {
        args[i] = as_ptr((uintptr_t)i);
        results[i] = UNWRITTEN;
    }
    CHECK_STATUS(ct_pool_map(pool, late_call, args, results, N, 0.04, 0), CT_ETIMEDOUT);
    memcpy(snapshot, results, sizeof results);
    /* Every call was running (N workers): all of them finish now. */
    ct_pool_shutdown(pool, true, false);
    CHECK_EQ(memcmp(snapshot, results, sizeof results), 0);
    /* What was written is a prefix of the right values. */
    while (written < N && results[written] != UNWRITTEN) {
        CHECK_EQ_U(as_number(results[written]), 1000 + written);
        written++;
    }
    for (size_t i = written; i < N; i++) CHECK(results[i] == UNWRITTEN);
    ct_pool_release(pool);
}

TEST(shut_down_pool_refuses)
{
    ct_pool *pool = new_pool(2, "map_shutdown");
    void *args[1] = { as_ptr(1) };
    void *results[1] = { UNWRITTEN };
    ct_pool_shutdown(pool, true, false);
    CHECK_STATUS(ct_pool_map(pool, double_it, args, results, 1, CT_FOREVER, 0), CT_ESHUTDOWN);
    CHECK(results[0] == UNWRITTEN);
    ct_pool_release(pool);
}

typedef struct shutdown_during_map {
    ct_pool *pool;
    gate *g;
} shutdown_during_map;

static void cancel_the_queue(void *arg)
{
    shutdown_during_map *s = (shutdown_during_map *)arg;
    wait_running(s->g, 1);
    ct_pool_shutdown(s->pool, false, true);
    ct_event_set(&s->g->open);
}

/* shutdown(cancel_futures=True) during map: the map reports CancelledError
 * for the calls it had queued, or, if the shutdown came before it had queued
 * them all, the shutdown itself; it never hangs and never reports success. */
TEST(cancelled_by_shutdown)
{
    enum { N = 4 };
    ct_pool *pool = new_pool(1, "map_cancel");
    gate g;
    shutdown_during_map s = { pool, &g };
    void *args[N], *results[N];
    ct_thread *thread;
    int status;
    gate_init(&g);
    for (int i = 0; i < N; i++) {
        args[i] = &g;
        results[i] = UNWRITTEN;
    }
    thread = ct_test_start(cancel_the_queue, &s);
    status = ct_pool_map(pool, wait_at_gate, args, results, N, 30.0, 0);
    ct_test_join(thread);
    CHECK_MSG(status == CT_ECANCELLED || status == CT_ESHUTDOWN, "ct_pool_map returned %d (%s)", status,
              ct_strerror(status));
    /* The first call ran to its end; map collected it only if it got that far. */
    CHECK(results[0] == (status == CT_ECANCELLED ? as_ptr(7) : UNWRITTEN));
    for (int i = 1; i < N; i++) CHECK(results[i] == UNWRITTEN);
    /* The first call may still be leaving wait_at_gate, whose gate is on this
     * stack: wait for the workers before returning (helgrind saw one there). */
    ct_pool_shutdown(pool, true, false);
    ct_pool_release(pool);
}
