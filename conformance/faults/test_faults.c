/* SPDX-License-Identifier: MIT */
/* Fault-injection scenarios (fault_driver.h): each reaches allocations and
 * thread starts of one area, cleans up whatever failed, and checks that what
 * it got back adds up. Built only with CT_FAULT_INJECTION (preset `faults`). */
#include "fault_driver.h"
#include "foreign_thread.h"

#include <stdatomic.h>

#include <string.h>

/* ---- threads ---------------------------------------------------------------- */

#define THREADS 4

static void add_to(void *arg)
{
    size_t *slot = (size_t *)arg;
    *slot += 1;
}

FAULT_SCENARIO(thread_start_join)
{
    ct_thread_options named = CT_THREAD_OPTIONS_INIT;
    ct_thread *threads[THREADS] = { NULL };
    size_t ran[THREADS] = { 0 };
    int first = CT_OK, i;
    named.name = "named";
    for (i = 0; i < THREADS; i++)
        first = fault_first(first, ct_thread_start(&threads[i], add_to, &ran[i], i % 2 ? &named : NULL));
    for (i = 0; i < THREADS; i++) {
        if (!threads[i]) continue;
        CHECK_OK(ct_thread_join(threads[i], CT_FOREVER));
        CHECK(!ct_thread_is_alive(threads[i]));
        ct_thread_release(threads[i]);
        CHECK_EQ_U(ran[i], 1);   /* a thread that started ran exactly once */
    }
    for (i = 0; i < THREADS; i++)
        if (!threads[i]) CHECK_EQ_U(ran[i], 0);   /* a refused one never ran */
    return first;
}

/* A thread the library did not start: its Dummy record and a local value. */
typedef struct foreign_use {
    ct_local *local;
    int status;
    void *seen;
} foreign_use;

static void use_from_foreign(void *arg)
{
    foreign_use *use = (foreign_use *)arg;
    ct_thread *self = ct_current_thread();
    use->status = self ? CT_OK : CT_ENOMEM;
    use->status = fault_first(use->status, ct_local_set(use->local, use));
    use->seen = ct_local_get(use->local);
}

FAULT_SCENARIO(foreign_thread_record)
{
    ct_local local;
    foreign_use use = { &local, CT_OK, NULL };
    foreign_thread raw;
    int status = ct_local_init(&local, NULL);
    if (status != CT_OK) return status;
    CHECK_EQ(foreign_thread_start(&raw, use_from_foreign, &use), 0);
    foreign_thread_join(&raw);
    CHECK(use.status != CT_OK || use.seen == &use);
    ct_local_destroy(&local);
    return use.status;
}

/* ---- timer ---------------------------------------------------------------- */

static void count_call(void *arg)
{
    atomic_fetch_add((atomic_size_t *)arg, 1);
}

FAULT_SCENARIO(timer)
{
    ct_timer *timer = NULL;
    atomic_size_t calls = 0;
    int status = ct_timer_start(&timer, 0.0, count_call, &calls, NULL);
    if (status != CT_OK) {
        CHECK_EQ_U(atomic_load(&calls), 0);
        return status;
    }
    CHECK_OK(ct_timer_join(timer, CT_FOREVER));
    ct_timer_release(timer);
    CHECK_EQ_U(atomic_load(&calls), 1);
    return CT_OK;
}

/* ---- thread-local values in many threads --------------------------------------- */

#define LOCAL_THREADS 6
#define LOCALS 3

typedef struct local_user {
    ct_local *locals;
    int status;
    atomic_size_t *destroyed;
} local_user;

static void count_destroyed(void *value)
{
    local_user *user = (local_user *)value;
    atomic_fetch_add(user->destroyed, 1);
}

static void set_locals(void *arg)
{
    local_user *user = (local_user *)arg;
    int i;
    for (i = 0; i < LOCALS; i++) {
        int status = ct_local_set(&user->locals[i], user);
        if (status == CT_OK) CHECK(ct_local_get(&user->locals[i]) == user);
        else CHECK(ct_local_get(&user->locals[i]) == NULL);
        user->status = fault_first(user->status, status);
    }
}

FAULT_SCENARIO(locals_in_many_threads)
{
    ct_local locals[LOCALS];
    ct_thread *threads[LOCAL_THREADS] = { NULL };
    local_user users[LOCAL_THREADS];
    atomic_size_t destroyed = 0;
    size_t set = 0;
    int first = CT_OK, made, i, j;
    for (made = 0; made < LOCALS; made++) {
        first = ct_local_init(&locals[made], count_destroyed);
        if (first != CT_OK) break;
    }
    if (first != CT_OK) {
        for (j = 0; j < made; j++) ct_local_destroy(&locals[j]);
        return first;
    }
    for (i = 0; i < LOCAL_THREADS; i++) {
        users[i].locals = locals;
        users[i].status = CT_OK;
        users[i].destroyed = &destroyed;
        first = fault_first(first, ct_thread_start(&threads[i], set_locals, &users[i], NULL));
    }
    for (i = 0; i < LOCAL_THREADS; i++) {
        if (!threads[i]) continue;
        CHECK_OK(ct_thread_join(threads[i], CT_FOREVER));
        ct_thread_release(threads[i]);
        first = fault_first(first, users[i].status);
    }
    /* Every value a thread set was destroyed at its exit: count them from the values' side. */
    for (i = 0; i < LOCAL_THREADS; i++)
        if (threads[i] && users[i].status == CT_OK) set += LOCALS;
    CHECK_GE(atomic_load(&destroyed), set);
    CHECK_LE(atomic_load(&destroyed), LOCAL_THREADS * LOCALS);
    for (j = 0; j < LOCALS; j++) ct_local_destroy(&locals[j]);
    return first;
}

/* ---- every queue kind, growing past its first allocation ------------------------- */

#define ITEMS 300   /* an unbounded queue starts with 64 slots: grows three times */

static int compare_numbers(const void *a, const void *b)
{
    uintptr_t x = (uintptr_t)a, y = (uintptr_t)b;
    return x < y ? -1 : x > y;
}

static int queue_grows(ct_queue_kind kind)
{
    ct_queue *q = NULL;
    uintptr_t put_sum = 0, got_sum = 0, n, put = 0, got = 0;
    void *item;
    int first = ct_queue_new(&q, kind, 0, kind == CT_QUEUE_PRIORITY ? compare_numbers : NULL);
    if (first != CT_OK) {
        CHECK(q == NULL);
        return first;
    }
    for (n = 1; n <= ITEMS; n++) {
        int status = ct_queue_put(q, (void *)n, 0);
        if (status == CT_OK) {
            put_sum += n;
            put++;
        }
        first = fault_first(first, status);
    }
    CHECK_EQ_U(ct_queue_qsize(q), put);
    while (ct_queue_get(q, &item, 0) == CT_OK) {
        got_sum += (uintptr_t)item;
        got++;
        CHECK_OK(ct_queue_task_done(q));
    }
    CHECK_EQ_U(got, put);          /* nothing lost, nothing twice */
    CHECK_EQ_U(got_sum, put_sum);
    CHECK_OK(ct_queue_join(q, 0));
    ct_queue_shutdown(q, true);
    ct_queue_release(q);
    return first;
}

FAULT_SCENARIO(queue_fifo_grows) { return queue_grows(CT_QUEUE_FIFO); }
FAULT_SCENARIO(queue_lifo_grows) { return queue_grows(CT_QUEUE_LIFO); }
FAULT_SCENARIO(queue_priority_grows) { return queue_grows(CT_QUEUE_PRIORITY); }

/* ---- the thread pool ------------------------------------------------------------ */

#define TASKS 10   /* more than ct_futures_wait keeps on its stack (8) */

static void *double_it(void *arg)
{
    return (void *)((uintptr_t)arg * 2);
}

static void count_callback(ct_future *future, void *arg)
{
    (void)future;
    atomic_fetch_add((atomic_size_t *)arg, 1);
}

FAULT_SCENARIO(pool_submit_wait_shutdown)
{
    ct_pool *pool = NULL;
    ct_future *futures[TASKS] = { NULL }, *submitted[TASKS];
    atomic_size_t callbacks = 0;
    size_t added = 0, n = 0;
    uintptr_t expected = 0, sum = 0;
    int first = ct_pool_new(&pool, 3, NULL), i;
    if (first != CT_OK) return first;
    for (i = 0; i < TASKS; i++) {
        int status = ct_pool_submit(pool, &futures[i], double_it, (void *)(uintptr_t)(i + 1));
        first = fault_first(first, status);
        if (status != CT_OK) {
            CHECK(futures[i] == NULL);
            continue;
        }
        submitted[n++] = futures[i];
        expected += (uintptr_t)(i + 1) * 2;
        status = ct_future_add_done_callback(futures[i], count_callback, &callbacks);
        if (status == CT_OK) added++;
        first = fault_first(first, status);
    }
    if (n > 0) first = fault_first(first, ct_futures_wait(submitted, n, CT_FOREVER, CT_ALL_COMPLETED));
    for (i = 0; i < TASKS; i++) {
        void *result = NULL;
        if (!futures[i]) continue;
        CHECK_OK(ct_future_result(futures[i], &result, CT_FOREVER));
        sum += (uintptr_t)result;
    }
    ct_pool_shutdown(pool, true, false);
    CHECK_EQ_U(sum, expected);         /* every submitted task ran once */
    CHECK_EQ_U(atomic_load(&callbacks), added);      /* every added callback ran once */
    for (i = 0; i < TASKS; i++) ct_future_release(futures[i]);
    ct_pool_release(pool);
    return first;
}

/* ---- 0.2: futures made by hand, completed and cancelled ------------------------- */

#define HAND_FUTURES 10   /* past ct_futures_wait's stack links */

/* Each future's own callback count: exactly once each, never twice. */
static void count_own_callback(ct_future *future, void *arg)
{
    (void)future;
    atomic_fetch_add((atomic_size_t *)arg, 1);
}

/* Even futures are run and finished with set_result, odd ones cancelled. */
static void complete_by_hand(ct_future *f, int i, uintptr_t value)
{
    if (i % 2 == 0) {
        CHECK_OK(ct_future_set_running_or_notify_cancel(f));
        CHECK_STATUS(ct_future_set_running_or_notify_cancel(f), CT_EPERM);
        CHECK_OK(ct_future_set_result(f, (void *)value));
        CHECK_STATUS(ct_future_set_result(f, (void *)value), CT_EPERM);
    } else {
        CHECK(ct_future_cancel(f));
        CHECK_STATUS(ct_future_set_running_or_notify_cancel(f), CT_ECANCELLED);
        CHECK_STATUS(ct_future_set_result(f, (void *)value), CT_EPERM);
    }
}

FAULT_SCENARIO(future_new_result_cancel)
{
    ct_future *futures[HAND_FUTURES] = { NULL }, *made[HAND_FUTURES];
    atomic_size_t calls[HAND_FUTURES];
    size_t added[HAND_FUTURES] = { 0 }, n = 0;
    uintptr_t expected = 0, sum = 0;
    int first = CT_OK, i, k;
    for (i = 0; i < HAND_FUTURES; i++) {
        atomic_init(&calls[i], 0);
        first = fault_first(first, ct_future_new(&futures[i]));
        if (!futures[i]) continue;
        made[n++] = futures[i];
        for (k = 0; k < 2; k++) {   /* two before it is done, in order */
            int status = ct_future_add_done_callback(futures[i], count_own_callback, &calls[i]);
            if (status == CT_OK) added[i]++;
            first = fault_first(first, status);
        }
    }
    /* Not done yet: a waiter links on every future (allocated past 8), and times out. */
    if (n > 0) {
        int status = ct_futures_wait(made, n, 0.001, CT_FIRST_COMPLETED);
        CHECK(status == CT_ETIMEDOUT || status == CT_ENOMEM);
        if (status != CT_ETIMEDOUT) first = fault_first(first, status);
    }
    for (i = 0; i < HAND_FUTURES; i++) {
        if (!futures[i]) continue;
        CHECK_EQ_U(atomic_load(&calls[i]), 0);
        complete_by_hand(futures[i], i, (uintptr_t)(i + 1));
        if (i % 2 == 0) expected += (uintptr_t)(i + 1);
        CHECK_EQ_U(atomic_load(&calls[i]), added[i]);   /* run at completion, once */
    }
    if (n > 0) CHECK_OK(ct_futures_wait(made, n, CT_FOREVER, CT_ALL_COMPLETED));
    for (i = 0; i < HAND_FUTURES; i++) {
        void *result = NULL;
        int status;
        if (!futures[i]) continue;
        /* One more after it is done: runs at once, in this thread. */
        status = ct_future_add_done_callback(futures[i], count_own_callback, &calls[i]);
        if (status == CT_OK) added[i]++;
        first = fault_first(first, status);
        CHECK_EQ_U(atomic_load(&calls[i]), added[i]);
        status = ct_future_result(futures[i], &result, 0.0);
        if (i % 2 == 0) {
            CHECK_OK(status);
            sum += (uintptr_t)result;
        } else {
            CHECK_STATUS(status, CT_ECANCELLED);
            CHECK(ct_future_cancelled(futures[i]));
        }
        ct_future_release(futures[i]);
    }
    CHECK_EQ_U(sum, expected);
    return first;
}

/* ---- 0.2: as_completed over pool work and hand-made futures ------------------ */

#define AC_HAND 4    /* finished before the iterator is made */
#define AC_WORK 6    /* pool work held back by a gate until the iterator exists */

static void *wait_gate_then_double(void *arg)
{
    uintptr_t *item = (uintptr_t *)arg;   /* item[0]: the gate, item[1]: the value */
    CHECK(ct_event_wait((ct_event *)item[0], CT_FOREVER));
    return (void *)(item[1] * 2);
}

/* Every distinct future of array once, and nothing else: its value adds up. */
static int iterate_to_end(ct_as_completed *it, ct_future *const *distinct, size_t n,
                          uintptr_t expected_sum)
{
    bool seen[AC_HAND + AC_WORK] = { false };
    uintptr_t sum = 0;
    size_t yielded = 0, j;
    ct_future *f;
    int status;
    while ((status = ct_as_completed_next(it, &f)) == CT_OK) {
        void *result = NULL;
        for (j = 0; j < n && distinct[j] != f; j++) {}
        CHECK_LT(j, n);
        if (j == n) continue;
        CHECK(!seen[j]);
        seen[j] = true;
        yielded++;
        CHECK(ct_future_done(f));
        CHECK_OK(ct_future_result(f, &result, 0.0));
        sum += (uintptr_t)result;
    }
    CHECK_STATUS(status, CT_EEMPTY);
    CHECK_EQ_U(yielded, n);
    CHECK_EQ_U(sum, expected_sum);
    return CT_OK;
}

FAULT_SCENARIO(as_completed_mixed)
{
    ct_pool *pool = NULL;
    ct_event gate;
    ct_future *distinct[AC_HAND + AC_WORK], *array[2 * (AC_HAND + AC_WORK)];
    ct_as_completed *it = NULL, *early = NULL;
    uintptr_t items[AC_WORK][2], expected = 0;
    size_t n = 0, in_array = 0, i;
    int first = CT_OK, status;
    ct_event_init(&gate);
    for (i = 0; i < AC_HAND; i++) {
        ct_future *f = NULL;
        status = ct_future_new(&f);
        if (status != CT_OK) {
            first = status;
            goto release;
        }
        distinct[n++] = f;
        CHECK_OK(ct_future_set_result(f, (void *)(uintptr_t)(100 + i)));
        expected += 100 + i;
    }
    /* One worker per call, all held at the gate: the worker table grows past 4. */
    first = ct_pool_new(&pool, AC_WORK, NULL);
    if (first != CT_OK) goto release;
    for (i = 0; i < AC_WORK; i++) {
        ct_future *f = NULL;
        items[i][0] = (uintptr_t)&gate;
        items[i][1] = i + 1;
        status = ct_pool_submit(pool, &f, wait_gate_then_double, items[i]);
        first = fault_first(first, status);
        if (status != CT_OK) continue;
        distinct[n++] = f;
        expected += (i + 1) * 2;
    }
    /* Every future twice, finished and unfinished interleaved. */
    for (i = 0; i < n; i++) array[in_array++] = distinct[i];
    for (i = n; i-- > 0;) array[in_array++] = distinct[i];
    status = ct_as_completed_new(&early, array, in_array, CT_FOREVER);
    first = fault_first(first, status);
    if (status == CT_OK) {
        ct_future *f = NULL;
        /* The finished ones come first: one is there without waiting. */
        CHECK_OK(ct_as_completed_next(early, &f));
        CHECK(ct_future_done(f));
        ct_as_completed_release(early);   /* released early, its watches still linked */
    }
    status = ct_as_completed_new(&it, array, in_array, 60.0);
    first = fault_first(first, status);
    ct_event_set(&gate);
    if (status == CT_OK) {
        iterate_to_end(it, distinct, n, expected);
        ct_as_completed_release(it);
    }
release:
    ct_event_set(&gate);
    ct_pool_release(pool);
    for (i = 0; i < n; i++) ct_future_release(distinct[i]);
    return first;
}

/* ---- 0.2: Executor.map ------------------------------------------------------------ */

#define MAP_CALLS 12
#define UNWRITTEN ((void *)(uintptr_t)0xdead)

static void *triple(void *arg)
{
    return (void *)((uintptr_t)arg * 3);
}

/* Results are written in order: a prefix holds 3 * arg, the rest is untouched. */
static size_t check_map_results(void *const *args, void *const *results, size_t n)
{
    size_t written = 0, i;
    while (written < n && results[written] != UNWRITTEN) written++;
    for (i = 0; i < written; i++) CHECK(results[i] == triple(args[i]));
    for (i = written; i < n; i++) CHECK(results[i] == UNWRITTEN);
    return written;
}

static int map_on_pool(size_t buffersize)
{
    ct_pool *pool = NULL;
    void *args[MAP_CALLS], *results[MAP_CALLS];
    size_t i;
    int status = ct_pool_new(&pool, 3, NULL);
    if (status != CT_OK) return status;
    for (i = 0; i < MAP_CALLS; i++) {
        args[i] = (void *)(uintptr_t)(i + 1);
        results[i] = UNWRITTEN;
    }
    status = ct_pool_map(pool, triple, args, results, MAP_CALLS, CT_FOREVER, buffersize);
    if (status == CT_OK) CHECK_EQ_U(check_map_results(args, results, MAP_CALLS), MAP_CALLS);
    else (void)check_map_results(args, results, MAP_CALLS);
    ct_pool_release(pool);
    return status;
}

FAULT_SCENARIO(pool_map_all_at_once) { return map_on_pool(0); }
FAULT_SCENARIO(pool_map_buffersize) { return map_on_pool(4); }

/* Call MAP_STUCK waits for a gate opened only after ct_pool_map has timed out. */
#define MAP_STUCK 5

typedef struct stuck_call {
    ct_event *gate;
    atomic_size_t *ran;
    uintptr_t value;
} stuck_call;

static void *triple_unless_stuck(void *arg)
{
    stuck_call *call = (stuck_call *)arg;
    atomic_fetch_add(call->ran, 1);
    if (call->value == MAP_STUCK) CHECK(ct_event_wait(call->gate, CT_FOREVER));
    return (void *)(call->value * 3);
}

FAULT_SCENARIO(pool_map_timeout)
{
    ct_pool *pool = NULL;
    ct_event gate;
    atomic_size_t ran = 0;
    stuck_call calls[MAP_CALLS];
    void *args[MAP_CALLS], *results[MAP_CALLS];
    size_t i, written;
    int status = ct_pool_new(&pool, 2, NULL);
    if (status != CT_OK) return status;
    ct_event_init(&gate);
    for (i = 0; i < MAP_CALLS; i++) {
        calls[i].gate = &gate;
        calls[i].ran = &ran;
        calls[i].value = i;
        args[i] = &calls[i];
        results[i] = UNWRITTEN;
    }
    status = ct_pool_map(pool, triple_unless_stuck, args, results, MAP_CALLS, 0.05, 3);
    CHECK(status == CT_ETIMEDOUT || status == CT_ENOMEM || status == CT_EAGAIN);
    ct_event_set(&gate);
    ct_pool_shutdown(pool, true, false);   /* what still ran has finished now */
    for (written = 0; written < MAP_CALLS && results[written] != UNWRITTEN; written++)
        CHECK(results[written] == (void *)(written * 3));
    CHECK_LE(written, MAP_STUCK);          /* nothing past the stuck call, nothing late */
    for (i = written; i < MAP_CALLS; i++) CHECK(results[i] == UNWRITTEN);
    CHECK_LE(atomic_load(&ran), MAP_STUCK + 3);   /* buffersize 3: no call beyond the window */
    ct_pool_release(pool);
    return status == CT_ETIMEDOUT ? CT_OK : status;
}

/* ---- 0.2: a pool's initializer, succeeding and failing ---------------------------- */

static int count_init(void *arg)
{
    atomic_fetch_add((atomic_size_t *)arg, 1);
    return 0;
}

static int refuse_init(void *arg)
{
    atomic_fetch_add((atomic_size_t *)arg, 1);
    return 1;
}

static void *count_run(void *arg)
{
    atomic_fetch_add((atomic_size_t *)arg, 1);
    return arg;
}

#define INIT_WORKERS 3

/* Submit TASKS calls of count_run(ran), a callback on each; wait for all of them.
 * Returns the first unexpected status; *made: futures made, *added: callbacks. */
static int submit_counted(ct_pool *pool, ct_future **futures, atomic_size_t *ran,
                          atomic_size_t *callbacks, size_t *made, size_t *added, bool broken_ok)
{
    ct_future *submitted[TASKS];
    int first = CT_OK, i;
    *made = *added = 0;
    for (i = 0; i < TASKS; i++) {
        int status = ct_pool_submit(pool, &futures[i], count_run, ran);
        if (status == CT_EBROKEN && broken_ok) status = CT_OK;
        first = fault_first(first, status);
        if (!futures[i]) continue;
        submitted[(*made)++] = futures[i];
        status = ct_future_add_done_callback(futures[i], count_callback, callbacks);
        if (status == CT_OK) (*added)++;
        first = fault_first(first, status);
    }
    if (*made > 0) first = fault_first(first, ct_futures_wait(submitted, *made, CT_FOREVER, CT_ALL_COMPLETED));
    return first;
}

static ct_pool_options init_options(int (*initializer)(void *), atomic_size_t *inits)
{
    ct_pool_options options = CT_POOL_OPTIONS_INIT;
    options.max_workers = INIT_WORKERS;
    options.thread_name_prefix = "init";
    options.initializer = initializer;
    options.initarg = inits;
    return options;
}

FAULT_SCENARIO(pool_initializer_runs)
{
    ct_pool *pool = NULL;
    ct_future *futures[TASKS] = { NULL };
    atomic_size_t inits = 0, ran = 0, callbacks = 0;
    ct_pool_options options = init_options(count_init, &inits);
    size_t made, added, i;
    int first = ct_pool_new_with_options(&pool, &options);
    if (first != CT_OK) return first;
    first = submit_counted(pool, futures, &ran, &callbacks, &made, &added, false);
    ct_pool_shutdown(pool, true, false);
    CHECK(!ct_pool_broken(pool));
    CHECK_EQ_U(atomic_load(&ran), made);           /* every call made ran once */
    CHECK_EQ_U(atomic_load(&callbacks), added);
    CHECK_LE(atomic_load(&inits), INIT_WORKERS);   /* once per worker */
    if (made > 0) CHECK_GE(atomic_load(&inits), 1);
    for (i = 0; i < TASKS; i++) {
        void *result = NULL;
        if (!futures[i]) continue;
        CHECK_OK(ct_future_result(futures[i], &result, 0.0));
        CHECK(result == &ran);
        ct_future_release(futures[i]);
    }
    ct_pool_release(pool);
    return first;
}

FAULT_SCENARIO(pool_initializer_fails)
{
    ct_pool *pool = NULL;
    ct_future *futures[TASKS] = { NULL };
    atomic_size_t inits = 0, ran = 0, callbacks = 0;
    ct_pool_options options = init_options(refuse_init, &inits);
    void *args[2] = { &ran, &ran }, *results[2] = { UNWRITTEN, UNWRITTEN };
    size_t made, added, i;
    int first = ct_pool_new_with_options(&pool, &options), status;
    if (first != CT_OK) return first;
    first = submit_counted(pool, futures, &ran, &callbacks, &made, &added, true);
    CHECK_EQ_U(atomic_load(&ran), 0);                /* no call runs on a broken pool */
    for (i = 0; i < TASKS; i++) {
        void *result = NULL;
        if (!futures[i]) continue;
        /* CT_FOREVER: the wait above may have been refused memory. */
        CHECK_STATUS(ct_future_result(futures[i], &result, CT_FOREVER), CT_EBROKEN);
        CHECK(!ct_future_cancelled(futures[i]));
    }
    if (made > 0) {
        ct_future *refused = NULL;
        CHECK(ct_pool_broken(pool));
        CHECK_STATUS(ct_pool_submit(pool, &refused, count_run, &ran), CT_EBROKEN);
        CHECK(refused == NULL);
    }
    /* A map on it: broken from the start, or broken by the worker it starts. */
    status = ct_pool_map(pool, count_run, args, results, 2, CT_FOREVER, 0);
    CHECK(status == CT_EBROKEN || status == CT_ENOMEM || status == CT_EAGAIN);
    CHECK(results[0] == UNWRITTEN && results[1] == UNWRITTEN);
    if (status != CT_EBROKEN) first = fault_first(first, status);
    ct_pool_shutdown(pool, true, false);   /* the workers that broke it ran the callbacks */
    CHECK_EQ_U(atomic_load(&ran), 0);
    CHECK_EQ_U(atomic_load(&callbacks), added);      /* each future is done, not lost */
    CHECK_LE(atomic_load(&inits), INIT_WORKERS);
    for (i = 0; i < TASKS; i++) ct_future_release(futures[i]);
    ct_pool_release(pool);
    return first;
}
