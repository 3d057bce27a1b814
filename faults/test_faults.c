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
