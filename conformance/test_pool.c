/* SPDX-License-Identifier: MIT */
/* concurrent.futures.ThreadPoolExecutor and Future: ct_pool_*, ct_future_*,
 * ct_futures_wait. */
/* popen and the wait-status macros are POSIX, not C11. */
#define _POSIX_C_SOURCE 200809L
#include "pool_helpers.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define SLACK 0.001

/* Live threads whose name starts with "<prefix>_". */
static size_t count_workers(const char *prefix)
{
    ct_thread *threads[256];
    size_t total = ct_enumerate(threads, 256), count = 0, length = strlen(prefix);
    CHECK_LE(total, 256);
    for (size_t i = 0; i < total; i++) {
        const char *name = ct_thread_name(threads[i]);
        if (strncmp(name, prefix, length) == 0 && name[length] == '_') count++;
        ct_thread_release(threads[i]);
    }
    return count;
}

/* Waits up to 10 s for a pool's workers to end after a shutdown without wait. */
static void wait_no_workers(const char *prefix)
{
    double give_up = ct_monotonic() + 10.0;
    while (count_workers(prefix) > 0) {
        CHECK_MSG(ct_monotonic() < give_up, "%s workers still alive", prefix);
        ct_sleep(0.001);
    }
}

/* ------------------------------------------------------------- creation */

TEST(bad_arguments)
{
    ct_pool *pool = new_pool(2, "bad");
    ct_future *f = (ct_future *)as_ptr(1);
    CHECK_STATUS(ct_pool_new(NULL, 1, NULL), CT_EINVAL);
    CHECK_STATUS(ct_pool_submit(pool, &f, NULL, NULL), CT_EINVAL);
    CHECK_STATUS(ct_pool_submit(pool, NULL, double_it, NULL), CT_EINVAL);
    CHECK_STATUS(ct_pool_submit(NULL, &f, double_it, NULL), CT_EINVAL);
    f = submit(pool, double_it, as_ptr(4));
    CHECK_STATUS(ct_future_result(f, NULL, CT_FOREVER), CT_EINVAL);
    CHECK_STATUS(ct_future_add_done_callback(f, NULL, NULL), CT_EINVAL);
    CHECK_EQ_U(result_of(f), 8);
    ct_future_release(f);
    ct_future_release(NULL);
    ct_pool_release(pool);
    ct_pool_release(NULL);
}

TEST(workers_start_lazily)
{
    ct_pool *pool;
    size_t baseline = ct_active_count();
    ct_future *f;
    pool = new_pool(4, "lazy");
    CHECK_EQ_U(ct_active_count(), baseline);
    CHECK_EQ_U(count_workers("lazy"), 0);
    f = submit(pool, double_it, as_ptr(21));
    CHECK_EQ_U(result_of(f), 42);
    CHECK_EQ_U(count_workers("lazy"), 1);
    CHECK_EQ_U(ct_active_count(), baseline + 1);
    ct_future_release(f);
    ct_pool_release(pool);
    /* Release joined the worker. */
    CHECK_EQ_U(count_workers("lazy"), 0);
    CHECK_EQ_U(ct_active_count(), baseline);
}

TEST(idle_worker_is_reused)
{
    ct_pool *pool = new_pool(4, "reuse");
    for (uintptr_t i = 0; i < 50; i++) {
        ct_future *f = submit(pool, double_it, as_ptr(i));
        CHECK_EQ_U(result_of(f), 2 * i);
        ct_future_release(f);
        CHECK_EQ_U(count_workers("reuse"), 1);
    }
    ct_pool_release(pool);
}

static void *name_of_worker(void *arg)
{
    (void)arg;
    return (void *)ct_thread_name(ct_current_thread());
}

static void check_worker_name(ct_pool *pool, const char *expected)
{
    ct_future *f = submit(pool, name_of_worker, NULL);
    void *name = NULL;
    CHECK_OK(ct_future_result(f, &name, CT_FOREVER));
    CHECK_MSG(strcmp((const char *)name, expected) == 0, "worker named %s, expected %s",
              (const char *)name, expected);
    ct_future_release(f);
}

TEST(worker_names)
{
    /* The default prefix counts pools that use it, from 0 in each process; an
     * empty prefix means the default, as in Python. */
    ct_pool *first = new_pool(1, NULL);
    ct_pool *named = new_pool(1, "custom");
    ct_pool *second = new_pool(1, "");
    ct_pool *third = new_pool(2, NULL);
    gate g;
    ct_future *blocker;
    check_worker_name(first, "ThreadPoolExecutor-0_0");
    check_worker_name(named, "custom_0");
    check_worker_name(second, "ThreadPoolExecutor-1_0");
    /* The second worker of a pool is _1. */
    gate_init(&g);
    blocker = submit(third, wait_at_gate, &g);
    wait_running(&g, 1);
    check_worker_name(third, "ThreadPoolExecutor-2_1");
    ct_event_set(&g.open);
    CHECK_EQ_U(result_of(blocker), 7);
    ct_future_release(blocker);
    ct_pool_release(first);
    ct_pool_release(named);
    ct_pool_release(second);
    ct_pool_release(third);
}

static void *is_daemon_worker(void *arg)
{
    (void)arg;
    return as_ptr(ct_thread_is_daemon(ct_current_thread()) ? 1 : 0);
}

TEST(workers_are_not_daemons)
{
    ct_pool *pool = new_pool(1, "nondaemon");
    ct_future *f = submit(pool, is_daemon_worker, NULL);
    CHECK_EQ_U(result_of(f), 0);
    ct_future_release(f);
    ct_pool_release(pool);
}

TEST(max_workers_is_respected)
{
    enum { TASKS = 10, MAX = 3 };
    ct_pool *pool = new_pool(MAX, "bounded");
    ct_future *f[TASKS];
    gate g;
    gate_init(&g);
    for (int i = 0; i < TASKS; i++) f[i] = submit(pool, wait_at_gate, &g);
    wait_running(&g, MAX);
    ct_sleep(0.05);
    CHECK_EQ_U(gate_running(&g), MAX);
    CHECK_EQ_U(count_workers("bounded"), MAX);
    ct_event_set(&g.open);
    for (int i = 0; i < TASKS; i++) {
        CHECK_EQ_U(result_of(f[i]), 7);
        ct_future_release(f[i]);
    }
    CHECK_EQ_U(g.most_running, MAX);
    CHECK_EQ_U(g.finished, TASKS);
    CHECK_EQ_U(count_workers("bounded"), MAX);
    ct_pool_release(pool);
}

/* Work queued at once for workers that all sleep runs on all of them at once
 * (the pool wakes them one after another), and on no new ones. */
static void run_at_gate_together(ct_pool *pool, size_t n)
{
    ct_future *f[8];
    gate g;
    gate_init(&g);
    CHECK_LE(n, 8);
    for (size_t i = 0; i < n; i++) f[i] = submit(pool, wait_at_gate, &g);
    wait_running(&g, n);
    ct_event_set(&g.open);
    for (size_t i = 0; i < n; i++) {
        CHECK_EQ_U(result_of(f[i]), 7);
        ct_future_release(f[i]);
    }
    CHECK_EQ_U(g.most_running, n);
}

TEST(sleeping_workers_all_wake_for_queued_work)
{
    enum { TASKS = 4 };
    ct_pool *pool = new_pool(2 * TASKS, "wake_all");
    run_at_gate_together(pool, TASKS);
    CHECK_EQ_U(count_workers("wake_all"), TASKS);
    ct_sleep(0.05);   /* idle long enough to sleep, not poll */
    run_at_gate_together(pool, TASKS);
    CHECK_EQ_U(count_workers("wake_all"), TASKS);
    ct_pool_release(pool);
}

TEST(default_max_workers)
{
    /* min(32, cpus + 4): at least 5, at most 32. */
    enum { TASKS = 40 };
    ct_pool *pool = new_pool(0, "default");
    ct_future *f[TASKS];
    gate g;
    size_t workers;
    gate_init(&g);
    for (int i = 0; i < TASKS; i++) f[i] = submit(pool, wait_at_gate, &g);
    wait_running(&g, 5);
    ct_sleep(0.1);
    workers = count_workers("default");
    CHECK_GE(workers, 5);
    CHECK_LE(workers, 32);
    CHECK_LE(gate_running(&g), 32);
    ct_event_set(&g.open);
    for (int i = 0; i < TASKS; i++) {
        CHECK_EQ_U(result_of(f[i]), 7);
        ct_future_release(f[i]);
    }
    CHECK_EQ_U(count_workers("default"), workers);
    CHECK_LE(g.most_running, 32);
    ct_pool_release(pool);
}

/* ------------------------------------------------------- future states */

TEST(future_states_and_cancel)
{
    ct_pool *pool = new_pool(1, "states");
    gate g;
    ct_future *running, *pending;
    void *result = as_ptr(99);
    gate_init(&g);
    running = submit(pool, wait_at_gate, &g);
    pending = submit(pool, double_it, as_ptr(5));
    wait_future_running(running);
    CHECK(ct_future_running(running));
    CHECK(!ct_future_done(running));
    CHECK(!ct_future_cancelled(running));
    CHECK(!ct_future_running(pending));
    CHECK(!ct_future_done(pending));
    CHECK(!ct_future_cancelled(pending));

    /* A running future cannot be cancelled; a pending one can, repeatedly. */
    CHECK(!ct_future_cancel(running));
    CHECK(ct_future_running(running));
    CHECK(ct_future_cancel(pending));
    CHECK(ct_future_cancelled(pending));
    CHECK(ct_future_done(pending));
    CHECK(!ct_future_running(pending));
    CHECK(ct_future_cancel(pending));
    CHECK_STATUS(ct_future_result(pending, &result, 0), CT_ECANCELLED);
    CHECK_STATUS(ct_future_result(pending, &result, CT_FOREVER), CT_ECANCELLED);
    CHECK(result == as_ptr(99));

    ct_event_set(&g.open);
    CHECK_EQ_U(result_of(running), 7);
    CHECK(ct_future_done(running));
    CHECK(!ct_future_running(running));
    CHECK(!ct_future_cancelled(running));
    CHECK(!ct_future_cancel(running));
    CHECK(!ct_future_cancelled(running));
    /* The result can be read again. */
    CHECK_EQ_U(result_of(running), 7);
    ct_future_release(running);
    ct_future_release(pending);
    ct_pool_release(pool);
}

TEST(cancelled_work_never_runs)
{
    ct_pool *pool = new_pool(1, "skip");
    gate blocker, never;
    ct_future *first, *second;
    gate_init(&blocker);
    gate_init(&never);
    ct_event_set(&never.open);
    first = submit(pool, wait_at_gate, &blocker);
    second = submit(pool, wait_at_gate, &never);
    wait_running(&blocker, 1);
    CHECK(ct_future_cancel(second));
    ct_event_set(&blocker.open);
    CHECK_EQ_U(result_of(first), 7);
    ct_pool_shutdown(pool, true, false);
    CHECK_EQ_U(never.finished, 0);
    CHECK_EQ_U(never.most_running, 0);
    ct_future_release(first);
    ct_future_release(second);
    ct_pool_release(pool);
}

TEST(result_timeouts)
{
    ct_pool *pool = new_pool(1, "timeouts");
    gate g;
    ct_future *f;
    void *result = as_ptr(3);
    double start, elapsed;
    gate_init(&g);
    f = submit(pool, wait_at_gate, &g);
    CHECK_STATUS(ct_future_result(f, &result, 0), CT_ETIMEDOUT);
    start = ct_monotonic();
    CHECK_STATUS(ct_future_result(f, &result, 0.1), CT_ETIMEDOUT);
    elapsed = ct_monotonic() - start;
    CHECK_GE_D(elapsed, 0.1 - SLACK);
    CHECK_LE_D(elapsed, 5.0);
    CHECK_STATUS(ct_future_result(f, &result, -1.5), CT_EINVAL);
    CHECK_STATUS(ct_future_result(f, &result, NAN), CT_EINVAL);
    CHECK_STATUS(ct_future_result(f, &result, CT_TIMEOUT_MAX * 2), CT_EOVERFLOW);
    CHECK(result == as_ptr(3));
    ct_event_set(&g.open);
    CHECK_OK(ct_future_result(f, &result, CT_TIMEOUT_MAX));
    CHECK(result == as_ptr(7));
    ct_future_release(f);
    ct_pool_release(pool);
}

/* ------------------------------------------------------------ callbacks */

typedef struct callback_log {
    ct_lock lock;
    int calls;
    int order[8];
    ct_future *futures[8];
    uint64_t idents[8];
} callback_log;

typedef struct callback_arg {
    callback_log *log;
    int id;
} callback_arg;

static void record_callback(ct_future *future, void *arg)
{
    callback_arg *a = (callback_arg *)arg;
    callback_log *log = a->log;
    ct_lock_acquire(&log->lock);
    CHECK_LT(log->calls, 8);
    log->order[log->calls] = a->id;
    log->futures[log->calls] = future;
    log->idents[log->calls] = ct_get_ident();
    log->calls++;
    ct_lock_release(&log->lock);
    /* The future is done by the time its callbacks run. */
    CHECK(ct_future_done(future));
}

static void log_init(callback_log *log)
{
    memset(log, 0, sizeof *log);
    ct_lock_init(&log->lock);
}

static void *ident_of_worker(void *arg)
{
    (void)arg;
    return as_ptr((uintptr_t)ct_get_ident());
}

TEST(callback_on_finished_future_runs_at_once)
{
    ct_pool *pool = new_pool(1, "cb_now");
    callback_log log;
    callback_arg a = { &log, 1 };
    ct_future *f = submit(pool, double_it, as_ptr(1));
    log_init(&log);
    CHECK_EQ_U(result_of(f), 2);
    CHECK_OK(ct_future_add_done_callback(f, record_callback, &a));
    CHECK_EQ(log.calls, 1);
    CHECK(log.futures[0] == f);
    CHECK_EQ_U(log.idents[0], ct_get_ident());
    ct_future_release(f);
    ct_pool_release(pool);
}

TEST(callbacks_run_in_completing_thread_in_order)
{
    ct_pool *pool = new_pool(1, "cb_later");
    callback_log log;
    callback_arg a[3] = { { &log, 1 }, { &log, 2 }, { &log, 3 } };
    gate g;
    ct_future *blocker, *f;
    uintptr_t worker_ident;
    log_init(&log);
    gate_init(&g);
    blocker = submit(pool, wait_at_gate, &g);
    f = submit(pool, ident_of_worker, NULL);
    for (int i = 0; i < 3; i++) CHECK_OK(ct_future_add_done_callback(f, record_callback, &a[i]));
    CHECK_EQ(log.calls, 0);
    ct_event_set(&g.open);
    worker_ident = result_of(f);
    ct_pool_shutdown(pool, true, false);   /* the callbacks have run once the worker is joined */
    CHECK_EQ(log.calls, 3);
    for (int i = 0; i < 3; i++) {
        CHECK_EQ(log.order[i], i + 1);
        CHECK(log.futures[i] == f);
        CHECK_EQ_U(log.idents[i], worker_ident);
        CHECK_NE(log.idents[i], ct_get_ident());
    }
    ct_future_release(blocker);
    ct_future_release(f);
    ct_pool_release(pool);
}

TEST(callbacks_run_on_cancel)
{
    ct_pool *pool = new_pool(1, "cb_cancel");
    callback_log log;
    callback_arg a[2] = { { &log, 1 }, { &log, 2 } };
    gate g;
    ct_future *blocker, *f;
    log_init(&log);
    gate_init(&g);
    blocker = submit(pool, wait_at_gate, &g);
    f = submit(pool, double_it, as_ptr(1));
    CHECK_OK(ct_future_add_done_callback(f, record_callback, &a[0]));
    CHECK_OK(ct_future_add_done_callback(f, record_callback, &a[1]));
    CHECK(ct_future_cancel(f));
    CHECK_EQ(log.calls, 2);
    CHECK_EQ(log.order[0], 1);
    CHECK_EQ(log.order[1], 2);
    CHECK_EQ_U(log.idents[0], ct_get_ident());
    /* A second cancel runs nothing again. */
    CHECK(ct_future_cancel(f));
    CHECK_EQ(log.calls, 2);
    ct_event_set(&g.open);
    ct_pool_release(pool);
    CHECK_EQ(log.calls, 2);
    ct_future_release(blocker);
    ct_future_release(f);
}

typedef struct resubmit {
    ct_pool *pool;
    ct_future *inner;
    uintptr_t inner_result;
    ct_event done;
} resubmit;

static void *submit_and_wait(void *arg)
{
    resubmit *r = (resubmit *)arg;
    CHECK_OK(ct_pool_submit(r->pool, &r->inner, double_it, as_ptr(50)));
    r->inner_result = result_of(r->inner);
    return NULL;
}

static void submit_from_callback(ct_future *future, void *arg)
{
    (void)future;
    (void)submit_and_wait(arg);
    ct_event_set(&((resubmit *)arg)->done);
}

TEST(callback_may_wait_on_the_same_pool)
{
    /* A worker busy in a callback is not idle: the pool starts another worker
     * for work submitted (and waited for) from that callback. */
    ct_pool *pool = new_pool(2, "cb_nested");
    resubmit r = { pool, NULL, 0, CT_EVENT_INIT };
    gate g;
    ct_future *f;
    gate_init(&g);
    f = submit(pool, wait_at_gate, &g);
    CHECK_OK(ct_future_add_done_callback(f, submit_from_callback, &r));
    ct_event_set(&g.open);
    CHECK_EQ_U(result_of(f), 7);
    CHECK(ct_event_wait(&r.done, 30.0));
    CHECK_EQ_U(r.inner_result, 100);
    CHECK_EQ_U(count_workers("cb_nested"), 2);
    ct_future_release(r.inner);
    ct_future_release(f);
    ct_pool_release(pool);
}

/* ------------------------------------------------------------- shutdown */

typedef struct slow_counter {
    ct_lock lock;
    int done;
} slow_counter;

static void *slow_increment(void *arg)
{
    slow_counter *c = (slow_counter *)arg;
    ct_sleep(0.01);
    ct_lock_acquire(&c->lock);
    c->done++;
    ct_lock_release(&c->lock);
    return NULL;
}

TEST(shutdown_waits_for_queued_work)
{
    enum { TASKS = 12 };
    ct_pool *pool = new_pool(2, "drain");
    slow_counter counter = { CT_LOCK_INIT, 0 };
    ct_future *f[TASKS], *late = (ct_future *)as_ptr(1);
    for (int i = 0; i < TASKS; i++) f[i] = submit(pool, slow_increment, &counter);
    ct_pool_shutdown(pool, true, false);
    CHECK_EQ(counter.done, TASKS);
    for (int i = 0; i < TASKS; i++) {
        CHECK(ct_future_done(f[i]));
        CHECK(!ct_future_cancelled(f[i]));
        ct_future_release(f[i]);
    }
    CHECK_EQ_U(count_workers("drain"), 0);
    CHECK_STATUS(ct_pool_submit(pool, &late, double_it, NULL), CT_ESHUTDOWN);
    CHECK(late == NULL);
    ct_pool_shutdown(pool, true, true);   /* again: harmless */
    ct_pool_release(pool);
}

TEST(shutdown_cancel_futures)
{
    enum { PENDING = 5 };
    ct_pool *pool = new_pool(1, "cancel_all");
    callback_log log;
    callback_arg a = { &log, 9 };
    gate g;
    ct_future *running, *pending[PENDING];
    log_init(&log);
    gate_init(&g);
    running = submit(pool, wait_at_gate, &g);
    for (int i = 0; i < PENDING; i++) pending[i] = submit(pool, double_it, as_ptr(1));
    CHECK_OK(ct_future_add_done_callback(pending[0], record_callback, &a));
    wait_future_running(running);
    ct_pool_shutdown(pool, false, true);
    for (int i = 0; i < PENDING; i++) {
        void *result;
        CHECK(ct_future_cancelled(pending[i]));
        CHECK_STATUS(ct_future_result(pending[i], &result, 0), CT_ECANCELLED);
    }
    CHECK_EQ(log.calls, 1);
    CHECK(ct_future_running(running));
    CHECK(!ct_future_cancelled(running));
    ct_event_set(&g.open);
    CHECK_EQ_U(result_of(running), 7);
    ct_pool_shutdown(pool, true, false);
    CHECK_EQ_U(count_workers("cancel_all"), 0);
    for (int i = 0; i < PENDING; i++) ct_future_release(pending[i]);
    ct_future_release(running);
    ct_pool_release(pool);
}

TEST(shutdown_without_wait_returns_at_once)
{
    ct_pool *pool = new_pool(1, "nowait");
    gate g;
    ct_future *running, *queued;
    double start;
    gate_init(&g);
    running = submit(pool, wait_at_gate, &g);
    queued = submit(pool, double_it, as_ptr(8));
    wait_running(&g, 1);
    start = ct_monotonic();
    ct_pool_shutdown(pool, false, false);
    CHECK_LE_D(ct_monotonic() - start, 5.0);
    CHECK(!ct_future_done(running));
    /* Already shut down: release does not wait, and the pool lives on until its
     * workers are done with it; the futures stay valid for their holders. */
    ct_pool_release(pool);
    ct_event_set(&g.open);
    CHECK_EQ_U(result_of(running), 7);
    CHECK_EQ_U(result_of(queued), 16);
    ct_future_release(running);
    ct_future_release(queued);
    /* The worker ends once the queue is drained. */
    wait_no_workers("nowait");
}

TEST(release_shuts_down_and_waits)
{
    enum { TASKS = 8 };
    ct_pool *pool = new_pool(3, "release");
    slow_counter counter = { CT_LOCK_INIT, 0 };
    ct_future *f[TASKS];
    for (int i = 0; i < TASKS; i++) f[i] = submit(pool, slow_increment, &counter);
    /* The caller's futures outlive the pool. */
    ct_pool_release(pool);
    CHECK_EQ(counter.done, TASKS);
    CHECK_EQ_U(count_workers("release"), 0);
    for (int i = 0; i < TASKS; i++) {
        CHECK(ct_future_done(f[i]));
        CHECK_EQ_U(result_of(f[i]), 0);
        ct_future_release(f[i]);
    }
}

TEST(future_released_before_it_runs)
{
    /* Dropping the caller's reference early is fine: the pool holds its own. */
    ct_pool *pool = new_pool(2, "early");
    slow_counter counter = { CT_LOCK_INIT, 0 };
    for (int i = 0; i < 20; i++) ct_future_release(submit(pool, slow_increment, &counter));
    ct_pool_release(pool);
    CHECK_EQ(counter.done, 20);
}

static void *shutdown_own_pool(void *arg)
{
    ct_pool_shutdown((ct_pool *)arg, true, false);
    return as_ptr(1);
}

TEST(shutdown_from_a_worker)
{
    /* A worker cannot join itself; shutdown(wait) from inside still returns, and
     * the worker ends after its task, with nobody waiting for it. */
    ct_pool *pool = new_pool(1, "selfstop");
    ct_future *f = submit(pool, shutdown_own_pool, pool);
    CHECK_EQ_U(result_of(f), 1);
    ct_future_release(f);
    ct_pool_release(pool);
    wait_no_workers("selfstop");
}

/* ---------------------------------------------------------- futures_wait */

TEST(futures_wait_bad_arguments)
{
    ct_pool *pool = new_pool(1, "wait_bad");
    ct_future *f = submit(pool, double_it, as_ptr(1));
    ct_future *both[2] = { f, NULL };
    CHECK_OK(ct_futures_wait(NULL, 0, 0, CT_ALL_COMPLETED));
    CHECK_OK(ct_futures_wait(NULL, 0, CT_FOREVER, CT_FIRST_COMPLETED));
    CHECK_STATUS(ct_futures_wait(NULL, 1, 0, CT_ALL_COMPLETED), CT_EINVAL);
    CHECK_STATUS(ct_futures_wait(both, 2, 0, CT_ALL_COMPLETED), CT_EINVAL);
    CHECK_STATUS(ct_futures_wait(&f, 1, -2.0, CT_ALL_COMPLETED), CT_EINVAL);
    CHECK_STATUS(ct_futures_wait(&f, 1, NAN, CT_FIRST_COMPLETED), CT_EINVAL);
    CHECK_STATUS(ct_futures_wait(&f, 1, CT_TIMEOUT_MAX * 2, CT_ALL_COMPLETED), CT_EOVERFLOW);
    CHECK_STATUS(ct_futures_wait(&f, 1, 0, (ct_wait_mode)7), CT_EINVAL);
    CHECK_OK(ct_futures_wait(&f, 1, CT_FOREVER, CT_ALL_COMPLETED));
    ct_future_release(f);
    ct_pool_release(pool);
}

TEST(futures_wait_first_completed)
{
    ct_pool *pool = new_pool(2, "wait_first");
    gate g1, g2;
    ct_future *f[2];
    double start, elapsed;
    gate_init(&g1);
    gate_init(&g2);
    f[0] = submit(pool, wait_at_gate, &g1);
    f[1] = submit(pool, wait_at_gate, &g2);
    CHECK_STATUS(ct_futures_wait(f, 2, 0, CT_FIRST_COMPLETED), CT_ETIMEDOUT);
    start = ct_monotonic();
    CHECK_STATUS(ct_futures_wait(f, 2, 0.1, CT_FIRST_COMPLETED), CT_ETIMEDOUT);
    elapsed = ct_monotonic() - start;
    CHECK_GE_D(elapsed, 0.1 - SLACK);
    CHECK_LE_D(elapsed, 5.0);
    ct_event_set(&g2.open);
    CHECK_OK(ct_futures_wait(f, 2, CT_FOREVER, CT_FIRST_COMPLETED));
    CHECK(ct_future_done(f[1]));
    CHECK(!ct_future_done(f[0]));
    CHECK_OK(ct_futures_wait(f, 2, 0, CT_FIRST_COMPLETED));
    ct_event_set(&g1.open);
    CHECK_OK(ct_futures_wait(f, 2, CT_FOREVER, CT_ALL_COMPLETED));
    for (int i = 0; i < 2; i++) ct_future_release(f[i]);
    ct_pool_release(pool);
}

TEST(futures_wait_all_completed)
{
    enum { N = 20 };   /* more than fit in the call's own small buffer */
    ct_pool *pool = new_pool(4, "wait_all");
    gate g;
    ct_future *f[N + 1];
    double start, elapsed;
    gate_init(&g);
    f[0] = submit(pool, double_it, as_ptr(1));
    CHECK_EQ_U(result_of(f[0]), 2);
    for (int i = 1; i <= N; i++) f[i] = submit(pool, wait_at_gate, &g);
    CHECK_OK(ct_futures_wait(f, N + 1, 0, CT_FIRST_COMPLETED));
    start = ct_monotonic();
    CHECK_STATUS(ct_futures_wait(f, N + 1, 0.1, CT_ALL_COMPLETED), CT_ETIMEDOUT);
    elapsed = ct_monotonic() - start;
    CHECK_GE_D(elapsed, 0.1 - SLACK);
    CHECK_LE_D(elapsed, 5.0);
    ct_event_set(&g.open);
    CHECK_OK(ct_futures_wait(f, N + 1, 30.0, CT_ALL_COMPLETED));
    for (int i = 0; i <= N; i++) {
        CHECK(ct_future_done(f[i]));
        ct_future_release(f[i]);
    }
    ct_pool_release(pool);
}

static void open_gate_later(void *arg)
{
    ct_sleep(0.05);
    ct_event_set(&((gate *)arg)->open);
}

TEST(futures_wait_is_woken_by_completion)
{
    for (int mode = 0; mode < 2; mode++) {
        ct_pool *pool = new_pool(3, "wait_wake");
        gate g;
        ct_future *f[3];
        ct_thread *opener;
        double start;
        gate_init(&g);
        for (int i = 0; i < 3; i++) f[i] = submit(pool, wait_at_gate, &g);
        opener = ct_test_start(open_gate_later, &g);
        start = ct_monotonic();
        CHECK_OK(ct_futures_wait(f, 3, mode ? 60.0 : CT_FOREVER,
                                 mode ? CT_ALL_COMPLETED : CT_FIRST_COMPLETED));
        CHECK_LE_D(ct_monotonic() - start, 10.0);
        if (mode) for (int i = 0; i < 3; i++) CHECK(ct_future_done(f[i]));
        ct_test_join(opener);
        for (int i = 0; i < 3; i++) ct_future_release(f[i]);
        ct_pool_release(pool);
    }
}

TEST(futures_wait_counts_cancelled_as_done)
{
    ct_pool *pool = new_pool(1, "wait_cancel");
    gate g;
    ct_future *blocker, *pending;
    gate_init(&g);
    blocker = submit(pool, wait_at_gate, &g);
    pending = submit(pool, double_it, as_ptr(1));
    CHECK_STATUS(ct_futures_wait(&pending, 1, 0.01, CT_ALL_COMPLETED), CT_ETIMEDOUT);
    CHECK(ct_future_cancel(pending));
    CHECK_OK(ct_futures_wait(&pending, 1, 0, CT_ALL_COMPLETED));
    CHECK_OK(ct_futures_wait(&pending, 1, CT_FOREVER, CT_FIRST_COMPLETED));
    ct_event_set(&g.open);
    ct_future_release(blocker);
    ct_future_release(pending);
    ct_pool_release(pool);
}

typedef struct canceller {
    ct_future *target;
    bool cancelled;
} canceller;

static void cancel_later(void *arg)
{
    canceller *c = (canceller *)arg;
    ct_sleep(0.05);
    c->cancelled = ct_future_cancel(c->target);
}

TEST(futures_wait_is_woken_by_cancel)
{
    ct_pool *pool = new_pool(1, "wait_cancel2");
    gate g;
    ct_future *f[2];
    canceller c;
    ct_thread *t;
    gate_init(&g);
    f[0] = submit(pool, wait_at_gate, &g);
    f[1] = submit(pool, double_it, as_ptr(1));
    wait_future_running(f[0]);
    c.target = f[1];
    c.cancelled = false;
    t = ct_test_start(cancel_later, &c);
    CHECK_OK(ct_futures_wait(&f[1], 1, 30.0, CT_FIRST_COMPLETED));
    ct_test_join(t);
    CHECK(c.cancelled);
    CHECK(ct_future_cancelled(f[1]));
    ct_event_set(&g.open);
    for (int i = 0; i < 2; i++) ct_future_release(f[i]);
    ct_pool_release(pool);
}

/* --------------------------------------------------------------- volume */

TEST_TIMEOUT(hundred_thousand_tiny_tasks, 300)
{
    enum { TASKS = 100000 };
    ct_pool *pool = new_pool(4, "tiny");
    ct_future **f = (ct_future **)malloc(TASKS * sizeof *f);
    CHECK(f != NULL);
    for (uintptr_t i = 0; i < TASKS; i++) f[i] = submit(pool, double_it, as_ptr(i));
    CHECK_OK(ct_futures_wait(f, TASKS, CT_FOREVER, CT_ALL_COMPLETED));
    for (uintptr_t i = 0; i < TASKS; i++) {
        CHECK_EQ_U(result_of(f[i]), 2 * i);
        ct_future_release(f[i]);
    }
    CHECK_LE(count_workers("tiny"), 4);
    free(f);
    ct_pool_release(pool);
}

typedef struct race {
    ct_pool *pool;
    ct_lock lock;
    size_t ran;
} race;

static void *count_run(void *arg)
{
    race *r = (race *)arg;
    ct_lock_acquire(&r->lock);
    r->ran++;
    ct_lock_release(&r->lock);
    return arg;
}

enum { RACE_SUBMITTERS = 4, RACE_EACH = 5000 };

static void race_submitter(void *arg)
{
    race *r = (race *)arg;
    for (int i = 0; i < RACE_EACH; i++) {
        ct_future *f = submit(r->pool, count_run, r);
        /* Every other future is dropped before it has run, the rest after. */
        if (i % 2) CHECK(result_of(f) == (uintptr_t)r);
        ct_future_release(f);
    }
}

TEST_TIMEOUT(submitters_race_with_workers, 300)
{
    race r;
    ct_thread *t[RACE_SUBMITTERS];
    r.pool = new_pool(3, "race");
    ct_lock_init(&r.lock);
    r.ran = 0;
    for (int i = 0; i < RACE_SUBMITTERS; i++) t[i] = ct_test_start(race_submitter, &r);
    for (int i = 0; i < RACE_SUBMITTERS; i++) ct_test_join(t[i]);
    ct_pool_release(r.pool);
    CHECK_EQ_U(r.ran, RACE_SUBMITTERS * RACE_EACH);
}

/* ------------------------------------------------------------------ exit */

/* Running a command and reading its stdout is spelled differently by the
 * Windows CRT. */
#if defined(_WIN32)
#  define open_pipe _popen
#  define close_pipe _pclose
#  define QUOTED_COMMAND "\"\"%s\" %s\""
#  define exit_status_of(raw) (raw)
#else
#  include <sys/wait.h>
#  define open_pipe popen
#  define close_pipe pclose
#  define QUOTED_COMMAND "'%s' %s"
#  define exit_status_of(raw) (WIFEXITED(raw) ? WEXITSTATUS(raw) : 128 + WTERMSIG(raw))
#endif

static void *print_after_a_while(void *arg)
{
    ct_sleep(0.05);
    printf("task %d done\n", (int)as_number(arg));
    fflush(stdout);
    return NULL;
}

static void give_up_on_exit(void *arg)
{
    (void)arg;
    printf("exit did not shut the pool down\n");
    fflush(stdout);
    _Exit(3);
}

/* Held, never released, until the process ends. */
static ct_pool *volatile pool_left_open;

/* Also run on its own by exit_shuts_down_open_pools: it returns with the pool
 * open and work queued, so the process can end only if the runtime shuts the
 * pool down (wait=true) at exit; the queued tasks print after "ok". */
TEST(open_pool_at_exit)
{
    ct_pool *pool = pool_left_open = new_pool(2, "atexit");
    ct_timer *guard;
    ct_thread_options daemon = CT_THREAD_OPTIONS_INIT;
    daemon.daemon = 1;
    CHECK_OK(ct_timer_start(&guard, 20.0, give_up_on_exit, NULL, &daemon));
    ct_timer_release(guard);
    for (uintptr_t i = 0; i < 6; i++) ct_future_release(submit(pool, print_after_a_while, as_ptr(i)));
}

TEST(ct_shutdown_shuts_down_open_pools)
{
    /* ct_shutdown is what exit runs: open pools are shut down with wait=true,
     * and afterwards no pool takes new work (Python's "cannot schedule new
     * futures after interpreter shutdown"). */
    ct_pool *open_pool = new_pool(2, "explicit");
    ct_pool *later;
    slow_counter counter = { CT_LOCK_INIT, 0 };
    ct_future *f = (ct_future *)as_ptr(1);
    for (int i = 0; i < 6; i++) ct_future_release(submit(open_pool, slow_increment, &counter));
    ct_shutdown();
    CHECK_EQ(counter.done, 6);
    CHECK_EQ_U(count_workers("explicit"), 0);
    CHECK_STATUS(ct_pool_submit(open_pool, &f, double_it, NULL), CT_ESHUTDOWN);
    CHECK(f == NULL);
    later = new_pool(1, "later");
    CHECK_STATUS(ct_pool_submit(later, &f, double_it, NULL), CT_ESHUTDOWN);
    ct_pool_release(later);
    ct_pool_release(open_pool);
}

TEST(exit_shuts_down_open_pools)
{
    char command[1800], output[4096];
    size_t length = 0, got;
    FILE *pipe;
    int status;
    CHECK(strchr(ct_test_argv0, '\'') == NULL && strchr(ct_test_argv0, '"') == NULL);
    CHECK(strlen(ct_test_argv0) < 1000);
    snprintf(command, sizeof command, "%s" QUOTED_COMMAND, ct_test_emulator(), ct_test_argv0, "open_pool_at_exit");
    fflush(stdout);
    pipe = open_pipe(command, "r");
    CHECK_MSG(pipe != NULL, "cannot run %s", command);
    while ((got = fread(output + length, 1, sizeof output - 1 - length, pipe)) > 0) length += got;
    output[length] = '\0';
    /* exit_status_of reads its argument more than once: close the pipe first. */
    status = close_pipe(pipe);
    status = exit_status_of(status);
    CHECK_MSG(status == 0, "child exited with %d; output:\n%s", status, output);
    for (int i = 0; i < 6; i++) {
        char line[32];
        snprintf(line, sizeof line, "task %d done\n", i);
        CHECK_MSG(strstr(output, line) != NULL, "missing '%s' in:\n%s", line, output);
    }
}
