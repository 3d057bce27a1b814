/* SPDX-License-Identifier: MIT */
/* queue.Queue, LifoQueue, PriorityQueue: ct_queue_*. */
#include "harness.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define SLACK 0.001

static void *as_item(uintptr_t n) { return (void *)n; }
static uintptr_t as_number(void *item) { return (uintptr_t)item; }

static int compare_numbers(const void *a, const void *b)
{
    uintptr_t x = (uintptr_t)a, y = (uintptr_t)b;
    return x < y ? -1 : x > y;
}

static ct_queue *new_queue(ct_queue_kind kind, size_t maxsize)
{
    ct_queue *q = NULL;
    CHECK_OK(ct_queue_new(&q, kind, maxsize, kind == CT_QUEUE_PRIORITY ? compare_numbers : NULL));
    CHECK(q != NULL);
    return q;
}

static uintptr_t get_number(ct_queue *q)
{
    void *item = NULL;
    CHECK_OK(ct_queue_get(q, &item, 0));
    return as_number(item);
}

/* ------------------------------------------------------------- creation */

TEST(new_rejects_bad_arguments)
{
    ct_queue *q = as_item(1);
    CHECK_STATUS(ct_queue_new(NULL, CT_QUEUE_FIFO, 0, NULL), CT_EINVAL);
    CHECK_STATUS(ct_queue_new(&q, CT_QUEUE_FIFO, 0, compare_numbers), CT_EINVAL);
    CHECK(q == NULL);
    CHECK_STATUS(ct_queue_new(&q, CT_QUEUE_LIFO, 4, compare_numbers), CT_EINVAL);
    CHECK_STATUS(ct_queue_new(&q, CT_QUEUE_PRIORITY, 0, NULL), CT_EINVAL);
    CHECK_STATUS(ct_queue_new(&q, (ct_queue_kind)3, 0, NULL), CT_EINVAL);
    CHECK_STATUS(ct_queue_new(&q, (ct_queue_kind)-1, 0, NULL), CT_EINVAL);
    CHECK(q == NULL);
    ct_queue_release(NULL);
}

TEST(new_queue_is_empty)
{
    ct_queue_kind kinds[] = { CT_QUEUE_FIFO, CT_QUEUE_LIFO, CT_QUEUE_PRIORITY };
    for (size_t k = 0; k < 3; k++) {
        ct_queue *q = new_queue(kinds[k], 0);
        void *item = as_item(7);
        CHECK_EQ_U(ct_queue_qsize(q), 0);
        CHECK(ct_queue_empty(q));
        CHECK(!ct_queue_full(q));
        CHECK_STATUS(ct_queue_get(q, &item, 0), CT_EEMPTY);
        CHECK(item == as_item(7));
        CHECK_OK(ct_queue_join(q, 0));
        ct_queue_release(q);
    }
}

/* ------------------------------------------------------------- ordering */

TEST(fifo_order)
{
    ct_queue *q = new_queue(CT_QUEUE_FIFO, 0);
    for (uintptr_t i = 1; i <= 5; i++) CHECK_OK(ct_queue_put(q, as_item(i), 0));
    for (uintptr_t i = 1; i <= 5; i++) CHECK_EQ_U(get_number(q), i);
    ct_queue_release(q);
}

TEST(lifo_order)
{
    ct_queue *q = new_queue(CT_QUEUE_LIFO, 0);
    for (uintptr_t i = 1; i <= 5; i++) CHECK_OK(ct_queue_put(q, as_item(i), 0));
    for (uintptr_t i = 5; i >= 1; i--) CHECK_EQ_U(get_number(q), i);
    ct_queue_release(q);
}

TEST(null_items_are_items)
{
    ct_queue *q = new_queue(CT_QUEUE_FIFO, 1);
    void *item = as_item(9);
    CHECK_OK(ct_queue_put(q, NULL, 0));
    CHECK(ct_queue_full(q));
    CHECK_OK(ct_queue_get(q, &item, 0));
    CHECK(item == NULL);
    ct_queue_release(q);
}

TEST(priority_smallest_first)
{
    static const uintptr_t input[] = { 5, 3, 9, 1, 7, 2, 8, 6, 4 };
    ct_queue *q = new_queue(CT_QUEUE_PRIORITY, 0);
    for (size_t i = 0; i < sizeof input / sizeof input[0]; i++)
        CHECK_OK(ct_queue_put(q, as_item(input[i]), 0));
    for (uintptr_t i = 1; i <= 9; i++) CHECK_EQ_U(get_number(q), i);
    ct_queue_release(q);
}

/* Items compared by priority only; id records insertion order. */
typedef struct job {
    int priority;
    int id;
} job;

static int compare_jobs(const void *a, const void *b)
{
    const job *x = (const job *)a, *y = (const job *)b;
    return (x->priority > y->priority) - (x->priority < y->priority);
}

TEST(priority_fifo_among_equals)
{
    enum { N = 2000 };
    static job jobs[N];
    ct_queue *q = NULL;
    void *item;
    int last_priority = -1, last_id = -1;
    CHECK_OK(ct_queue_new(&q, CT_QUEUE_PRIORITY, 0, compare_jobs));
    srand(12345);
    for (int i = 0; i < N; i++) {
        jobs[i].priority = rand() % 5;
        jobs[i].id = i;
        CHECK_OK(ct_queue_put(q, &jobs[i], 0));
    }
    for (int i = 0; i < N; i++) {
        const job *j;
        CHECK_OK(ct_queue_get(q, &item, 0));
        j = (const job *)item;
        CHECK_GE(j->priority, last_priority);
        if (j->priority == last_priority) CHECK_GT(j->id, last_id);
        last_priority = j->priority;
        last_id = j->id;
    }
    CHECK(ct_queue_empty(q));
    ct_queue_release(q);
}

TEST(priority_interleaved_with_gets)
{
    /* Heap order must hold while it is being drained and refilled. */
    ct_queue *q = new_queue(CT_QUEUE_PRIORITY, 64);
    uintptr_t next = 1000;
    srand(777);
    for (int round = 0; round < 200; round++) {
        uintptr_t got;
        while (!ct_queue_full(q)) CHECK_OK(ct_queue_put(q, as_item((uintptr_t)(rand() % 100000) + 1), 0));
        CHECK_STATUS(ct_queue_put(q, as_item(next), 0), CT_EFULL);
        got = get_number(q);
        for (int i = 0; i < 63; i++) {
            uintptr_t n = get_number(q);
            CHECK_GE(n, got);
            got = n;
        }
        CHECK(ct_queue_empty(q));
    }
    ct_queue_release(q);
}

TEST(fifo_ring_wraps_around)
{
    ct_queue *q = new_queue(CT_QUEUE_FIFO, 7);
    uintptr_t put = 0, got = 0;
    for (int round = 0; round < 1000; round++) {
        int puts = 1 + round % 7, gets;
        for (int i = 0; i < puts && !ct_queue_full(q); i++) CHECK_OK(ct_queue_put(q, as_item(put++), 0));
        gets = 1 + (round * 3) % 7;
        for (int i = 0; i < gets && !ct_queue_empty(q); i++) CHECK_EQ_U(get_number(q), got++);
    }
    while (!ct_queue_empty(q)) CHECK_EQ_U(get_number(q), got++);
    CHECK_EQ_U(got, put);
    ct_queue_release(q);
}

TEST(unbounded_grows_and_shrinks_keeping_order)
{
    enum { N = 100000 };
    ct_queue *q = new_queue(CT_QUEUE_FIFO, 0);
    uintptr_t got = 0;
    /* Half out before the rest goes in, so the ring has wrapped when it grows. */
    for (uintptr_t i = 0; i < N / 2; i++) CHECK_OK(ct_queue_put(q, as_item(i), 0));
    for (uintptr_t i = 0; i < N / 4; i++) CHECK_EQ_U(get_number(q), got++);
    for (uintptr_t i = N / 2; i < N; i++) CHECK_OK(ct_queue_put(q, as_item(i), 0));
    CHECK_EQ_U(ct_queue_qsize(q), N - N / 4);
    CHECK(!ct_queue_full(q));
    while (got < N) CHECK_EQ_U(get_number(q), got++);
    CHECK(ct_queue_empty(q));
    CHECK_OK(ct_queue_put(q, as_item(1), 0));
    CHECK_EQ_U(get_number(q), 1);
    ct_queue_release(q);
}

TEST(large_bound_fills_exactly)
{
    /* A bound above what is preallocated still holds exactly maxsize items. */
    enum { MAX = 200000 };
    ct_queue_kind kinds[] = { CT_QUEUE_FIFO, CT_QUEUE_LIFO, CT_QUEUE_PRIORITY };
    for (size_t k = 0; k < 3; k++) {
        ct_queue *q = new_queue(kinds[k], MAX);
        for (uintptr_t i = 0; i < MAX; i++) CHECK_OK(ct_queue_put(q, as_item(i + 1), 0));
        CHECK(ct_queue_full(q));
        CHECK_STATUS(ct_queue_put(q, as_item(1), 0), CT_EFULL);
        CHECK_EQ_U(ct_queue_qsize(q), MAX);
        CHECK_EQ_U(get_number(q), kinds[k] == CT_QUEUE_LIFO ? MAX : 1);
        CHECK(!ct_queue_full(q));
        ct_queue_release(q);
    }
}

/* ----------------------------------------------------- size and bounds */

TEST(qsize_empty_full)
{
    ct_queue_kind kinds[] = { CT_QUEUE_FIFO, CT_QUEUE_LIFO, CT_QUEUE_PRIORITY };
    for (size_t k = 0; k < 3; k++) {
        ct_queue *q = new_queue(kinds[k], 3);
        CHECK(ct_queue_empty(q));
        CHECK_OK(ct_queue_put(q, as_item(1), 0));
        CHECK(!ct_queue_empty(q));
        CHECK(!ct_queue_full(q));
        CHECK_OK(ct_queue_put(q, as_item(2), 0));
        CHECK_OK(ct_queue_put(q, as_item(3), CT_FOREVER));
        CHECK_EQ_U(ct_queue_qsize(q), 3);
        CHECK(ct_queue_full(q));
        CHECK_STATUS(ct_queue_put(q, as_item(4), 0), CT_EFULL);
        CHECK_EQ_U(ct_queue_qsize(q), 3);
        (void)get_number(q);
        CHECK(!ct_queue_full(q));
        CHECK_EQ_U(ct_queue_qsize(q), 2);
        ct_queue_release(q);
    }
}

TEST(unbounded_is_never_full)
{
    ct_queue *q = new_queue(CT_QUEUE_LIFO, 0);
    for (uintptr_t i = 0; i < 1000; i++) CHECK_OK(ct_queue_put(q, as_item(i), 0));
    CHECK(!ct_queue_full(q));
    CHECK_EQ_U(ct_queue_qsize(q), 1000);
    ct_queue_release(q);
}

/* ----------------------------------------------------------- timeouts */

TEST(invalid_timeouts)
{
    ct_queue *q = new_queue(CT_QUEUE_FIFO, 1);
    void *item;
    CHECK_STATUS(ct_queue_put(q, as_item(1), -0.5), CT_EINVAL);
    CHECK_STATUS(ct_queue_put(q, as_item(1), NAN), CT_EINVAL);
    CHECK_STATUS(ct_queue_put(q, as_item(1), CT_TIMEOUT_MAX * 2), CT_EOVERFLOW);
    CHECK_EQ_U(ct_queue_qsize(q), 0);
    CHECK_STATUS(ct_queue_get(q, &item, -2.0), CT_EINVAL);
    CHECK_STATUS(ct_queue_get(q, &item, NAN), CT_EINVAL);
    CHECK_STATUS(ct_queue_get(q, &item, CT_TIMEOUT_MAX * 2), CT_EOVERFLOW);
    CHECK_STATUS(ct_queue_get(q, NULL, 0), CT_EINVAL);
    CHECK_STATUS(ct_queue_join(q, -3.0), CT_EINVAL);
    CHECK_STATUS(ct_queue_join(q, NAN), CT_EINVAL);
    CHECK_STATUS(ct_queue_join(q, CT_TIMEOUT_MAX * 2), CT_EOVERFLOW);
    /* CT_TIMEOUT_MAX itself is accepted. */
    CHECK_OK(ct_queue_put(q, as_item(1), CT_TIMEOUT_MAX));
    CHECK_OK(ct_queue_get(q, &item, CT_TIMEOUT_MAX));
    CHECK_OK(ct_queue_task_done(q));
    CHECK_OK(ct_queue_join(q, CT_TIMEOUT_MAX));
    ct_queue_release(q);
}

TEST(put_nowait_on_full_and_get_nowait_on_empty)
{
    ct_queue *q = new_queue(CT_QUEUE_FIFO, 1);
    void *item = NULL;
    double start = ct_monotonic();
    CHECK_STATUS(ct_queue_get(q, &item, 0), CT_EEMPTY);
    CHECK_OK(ct_queue_put(q, as_item(1), 0));
    CHECK_STATUS(ct_queue_put(q, as_item(2), 0), CT_EFULL);
    CHECK_LE_D(ct_monotonic() - start, 1.0);
    CHECK_EQ_U(get_number(q), 1);
    ct_queue_release(q);
}

TEST(put_on_full_times_out)
{
    ct_queue_kind kinds[] = { CT_QUEUE_FIFO, CT_QUEUE_LIFO, CT_QUEUE_PRIORITY };
    for (size_t k = 0; k < 3; k++) {
        ct_queue *q = new_queue(kinds[k], 2);
        double start, elapsed;
        CHECK_OK(ct_queue_put(q, as_item(1), 0));
        CHECK_OK(ct_queue_put(q, as_item(2), 0));
        start = ct_monotonic();
        CHECK_STATUS(ct_queue_put(q, as_item(3), 0.1), CT_EFULL);
        elapsed = ct_monotonic() - start;
        CHECK_GE_D(elapsed, 0.1 - SLACK);
        CHECK_LE_D(elapsed, 5.0);
        CHECK_EQ_U(ct_queue_qsize(q), 2);
        ct_queue_release(q);
    }
}

TEST(get_on_empty_times_out)
{
    ct_queue_kind kinds[] = { CT_QUEUE_FIFO, CT_QUEUE_LIFO, CT_QUEUE_PRIORITY };
    for (size_t k = 0; k < 3; k++) {
        ct_queue *q = new_queue(kinds[k], 0);
        void *item = as_item(5);
        double start = ct_monotonic(), elapsed;
        CHECK_STATUS(ct_queue_get(q, &item, 0.1), CT_EEMPTY);
        elapsed = ct_monotonic() - start;
        CHECK_GE_D(elapsed, 0.1 - SLACK);
        CHECK_LE_D(elapsed, 5.0);
        CHECK(item == as_item(5));
        ct_queue_release(q);
    }
}

/* --------------------------------------------------- blocking hand-offs */

typedef struct actor {
    ct_queue *q;
    double timeout;
    uintptr_t value;
    int status;
    double woke_at;
    ct_event started;
} actor;

static void getter(void *arg)
{
    actor *a = (actor *)arg;
    void *item = NULL;
    ct_event_set(&a->started);
    a->status = ct_queue_get(a->q, &item, a->timeout);
    a->value = as_number(item);
    a->woke_at = ct_monotonic();
}

static void putter(void *arg)
{
    actor *a = (actor *)arg;
    ct_event_set(&a->started);
    a->status = ct_queue_put(a->q, as_item(a->value), a->timeout);
    a->woke_at = ct_monotonic();
}

static void joiner(void *arg)
{
    actor *a = (actor *)arg;
    ct_event_set(&a->started);
    a->status = ct_queue_join(a->q, a->timeout);
    a->woke_at = ct_monotonic();
}

static ct_thread *start_actor(void (*fn)(void *), actor *a, ct_queue *q, double timeout,
                              uintptr_t value)
{
    ct_thread *t;
    memset(a, 0, sizeof *a);
    a->q = q;
    a->timeout = timeout;
    a->value = value;
    a->status = 1;
    ct_event_init(&a->started);
    t = ct_test_start(fn, a);
    CHECK(ct_event_wait(&a->started, 10.0));
    /* Let it block; the test's result does not depend on whether it has. */
    ct_sleep(0.05);
    return t;
}

TEST(blocked_get_wakes_on_put)
{
    ct_queue *q = new_queue(CT_QUEUE_FIFO, 0);
    actor a;
    ct_thread *t = start_actor(getter, &a, q, CT_FOREVER, 0);
    double put_at;
    CHECK(ct_thread_is_alive(t));
    put_at = ct_monotonic();
    CHECK_OK(ct_queue_put(q, as_item(42), 0));
    ct_test_join(t);
    CHECK_OK(a.status);
    CHECK_EQ_U(a.value, 42);
    CHECK_LE_D(a.woke_at - put_at, 5.0);
    ct_queue_release(q);
}

TEST(blocked_get_with_timeout_wakes_on_put)
{
    ct_queue *q = new_queue(CT_QUEUE_LIFO, 0);
    actor a;
    ct_thread *t = start_actor(getter, &a, q, 30.0, 0);
    CHECK_OK(ct_queue_put(q, as_item(43), 0));
    ct_test_join(t);
    CHECK_OK(a.status);
    CHECK_EQ_U(a.value, 43);
    ct_queue_release(q);
}

TEST(blocked_put_wakes_on_get)
{
    ct_queue *q = new_queue(CT_QUEUE_FIFO, 1);
    actor a;
    ct_thread *t;
    CHECK_OK(ct_queue_put(q, as_item(1), 0));
    t = start_actor(putter, &a, q, CT_FOREVER, 2);
    CHECK(ct_thread_is_alive(t));
    CHECK_EQ_U(get_number(q), 1);
    ct_test_join(t);
    CHECK_OK(a.status);
    CHECK_EQ_U(get_number(q), 2);
    ct_queue_release(q);
}

TEST(blocked_put_with_timeout_wakes_on_get)
{
    ct_queue *q = new_queue(CT_QUEUE_PRIORITY, 1);
    actor a;
    ct_thread *t;
    CHECK_OK(ct_queue_put(q, as_item(5), 0));
    t = start_actor(putter, &a, q, 30.0, 3);
    CHECK_EQ_U(get_number(q), 5);
    ct_test_join(t);
    CHECK_OK(a.status);
    CHECK_EQ_U(get_number(q), 3);
    ct_queue_release(q);
}

/* ------------------------------------------------------ task_done / join */

TEST(task_done_too_often)
{
    ct_queue *q = new_queue(CT_QUEUE_FIFO, 0);
    CHECK_STATUS(ct_queue_task_done(q), CT_EINVAL);
    CHECK_OK(ct_queue_put(q, as_item(1), 0));
    CHECK_OK(ct_queue_put(q, as_item(2), 0));
    /* task_done counts puts, not gets, as Python does. */
    CHECK_OK(ct_queue_task_done(q));
    CHECK_OK(ct_queue_task_done(q));
    CHECK_STATUS(ct_queue_task_done(q), CT_EINVAL);
    CHECK_OK(ct_queue_join(q, 0));
    ct_queue_release(q);
}

TEST(join_times_out_while_tasks_unfinished)
{
    ct_queue *q = new_queue(CT_QUEUE_FIFO, 0);
    double start, elapsed;
    for (uintptr_t i = 0; i < 3; i++) CHECK_OK(ct_queue_put(q, as_item(i), 0));
    CHECK_STATUS(ct_queue_join(q, 0), CT_ETIMEDOUT);
    start = ct_monotonic();
    CHECK_STATUS(ct_queue_join(q, 0.1), CT_ETIMEDOUT);
    elapsed = ct_monotonic() - start;
    CHECK_GE_D(elapsed, 0.1 - SLACK);
    CHECK_LE_D(elapsed, 5.0);
    for (int i = 0; i < 3; i++) {
        (void)get_number(q);
        CHECK_STATUS(ct_queue_join(q, 0), CT_ETIMEDOUT);
    }
    /* Gotten but not done still counts. */
    CHECK_STATUS(ct_queue_join(q, 0.01), CT_ETIMEDOUT);
    CHECK_OK(ct_queue_task_done(q));
    CHECK_OK(ct_queue_task_done(q));
    CHECK_STATUS(ct_queue_join(q, 0), CT_ETIMEDOUT);
    CHECK_OK(ct_queue_task_done(q));
    CHECK_OK(ct_queue_join(q, 0));
    CHECK_OK(ct_queue_join(q, CT_FOREVER));
    ct_queue_release(q);
}

typedef struct worker_state {
    ct_queue *q;
    size_t handled;
} worker_state;

static void task_worker(void *arg)
{
    worker_state *w = (worker_state *)arg;
    void *item;
    for (;;) {
        int status = ct_queue_get(w->q, &item, CT_FOREVER);
        if (status == CT_ESHUTDOWN) return;
        CHECK_OK(status);
        ct_sleep(0.001);
        w->handled++;
        CHECK_OK(ct_queue_task_done(w->q));
    }
}

TEST(join_waits_for_consumers)
{
    ct_queue *q = new_queue(CT_QUEUE_FIFO, 0);
    worker_state w = { q, 0 };
    ct_thread *t = ct_test_start(task_worker, &w);
    for (uintptr_t i = 0; i < 20; i++) CHECK_OK(ct_queue_put(q, as_item(i), 0));
    CHECK_OK(ct_queue_join(q, CT_FOREVER));
    /* join returned only after the 20th task_done, which follows handled++. */
    CHECK_EQ_U(w.handled, 20);
    ct_queue_shutdown(q, false);
    ct_test_join(t);
    ct_queue_release(q);
}

/* ------------------------------------------------------------- shutdown */

TEST(shutdown_refuses_puts_and_drains_gets)
{
    ct_queue_kind kinds[] = { CT_QUEUE_FIFO, CT_QUEUE_LIFO, CT_QUEUE_PRIORITY };
    for (size_t k = 0; k < 3; k++) {
        ct_queue *q = new_queue(kinds[k], 0);
        void *item;
        CHECK_OK(ct_queue_put(q, as_item(1), 0));
        CHECK_OK(ct_queue_put(q, as_item(2), 0));
        ct_queue_shutdown(q, false);
        CHECK_STATUS(ct_queue_put(q, as_item(3), 0), CT_ESHUTDOWN);
        CHECK_STATUS(ct_queue_put(q, as_item(3), CT_FOREVER), CT_ESHUTDOWN);
        CHECK_EQ_U(ct_queue_qsize(q), 2);
        CHECK_OK(ct_queue_get(q, &item, CT_FOREVER));
        CHECK_OK(ct_queue_get(q, &item, 0));
        CHECK_STATUS(ct_queue_get(q, &item, 0), CT_ESHUTDOWN);
        CHECK_STATUS(ct_queue_get(q, &item, CT_FOREVER), CT_ESHUTDOWN);
        CHECK_STATUS(ct_queue_get(q, &item, 1.0), CT_ESHUTDOWN);
        /* A plain shutdown discards nothing: both tasks still count. */
        CHECK_STATUS(ct_queue_join(q, 0), CT_ETIMEDOUT);
        CHECK_OK(ct_queue_task_done(q));
        CHECK_OK(ct_queue_task_done(q));
        CHECK_OK(ct_queue_join(q, 0));
        ct_queue_shutdown(q, false);   /* again: harmless */
        ct_queue_release(q);
    }
}

TEST(shutdown_wakes_blocked_getters)
{
    enum { N = 4 };
    ct_queue *q = new_queue(CT_QUEUE_FIFO, 0);
    actor a[N];
    ct_thread *t[N];
    double shutdown_at;
    for (int i = 0; i < N; i++) t[i] = start_actor(getter, &a[i], q, i % 2 ? 60.0 : CT_FOREVER, 0);
    shutdown_at = ct_monotonic();
    ct_queue_shutdown(q, false);
    for (int i = 0; i < N; i++) {
        ct_test_join(t[i]);
        CHECK_STATUS(a[i].status, CT_ESHUTDOWN);
        CHECK_LE_D(a[i].woke_at - shutdown_at, 5.0);
    }
    ct_queue_release(q);
}

TEST(shutdown_wakes_blocked_putters)
{
    for (int immediate = 0; immediate <= 1; immediate++) {
        enum { N = 3 };
        ct_queue *q = new_queue(CT_QUEUE_FIFO, 1);
        actor a[N];
        ct_thread *t[N];
        void *item;
        CHECK_OK(ct_queue_put(q, as_item(100), 0));
        for (int i = 0; i < N; i++) t[i] = start_actor(putter, &a[i], q, i % 2 ? 60.0 : CT_FOREVER, (uintptr_t)i);
        ct_queue_shutdown(q, immediate != 0);
        for (int i = 0; i < N; i++) {
            ct_test_join(t[i]);
            CHECK_STATUS(a[i].status, CT_ESHUTDOWN);
        }
        if (immediate) {
            CHECK_EQ_U(ct_queue_qsize(q), 0);
            CHECK_STATUS(ct_queue_get(q, &item, 0), CT_ESHUTDOWN);
        } else {
            /* Only the item put before shutdown is there. */
            CHECK_EQ_U(get_number(q), 100);
            CHECK_STATUS(ct_queue_get(q, &item, 0), CT_ESHUTDOWN);
        }
        ct_queue_release(q);
    }
}

TEST(shutdown_immediate_discards_and_releases_join)
{
    ct_queue *q = new_queue(CT_QUEUE_PRIORITY, 10);
    actor a[2];
    ct_thread *t[2];
    void *item;
    for (uintptr_t i = 1; i <= 5; i++) CHECK_OK(ct_queue_put(q, as_item(i), 0));
    t[0] = start_actor(joiner, &a[0], q, CT_FOREVER, 0);
    t[1] = start_actor(joiner, &a[1], q, 60.0, 0);
    CHECK(ct_thread_is_alive(t[0]));
    ct_queue_shutdown(q, true);
    for (int i = 0; i < 2; i++) {
        ct_test_join(t[i]);
        CHECK_OK(a[i].status);
    }
    CHECK_EQ_U(ct_queue_qsize(q), 0);
    CHECK(ct_queue_empty(q));
    CHECK_STATUS(ct_queue_get(q, &item, 0), CT_ESHUTDOWN);
    CHECK_STATUS(ct_queue_put(q, as_item(1), 0), CT_ESHUTDOWN);
    CHECK_STATUS(ct_queue_task_done(q), CT_EINVAL);
    CHECK_OK(ct_queue_join(q, 0));
    ct_queue_release(q);
}

TEST(shutdown_immediate_keeps_gotten_tasks_unfinished)
{
    /* Items already gotten are not discarded: join still waits for their task_done. */
    ct_queue *q = new_queue(CT_QUEUE_FIFO, 0);
    actor a;
    ct_thread *t;
    for (uintptr_t i = 1; i <= 4; i++) CHECK_OK(ct_queue_put(q, as_item(i), 0));
    CHECK_EQ_U(get_number(q), 1);
    CHECK_EQ_U(get_number(q), 2);
    t = start_actor(joiner, &a, q, CT_FOREVER, 0);
    ct_queue_shutdown(q, true);
    ct_sleep(0.05);
    CHECK(ct_thread_is_alive(t));
    CHECK_STATUS(ct_queue_join(q, 0.01), CT_ETIMEDOUT);
    CHECK_OK(ct_queue_task_done(q));
    CHECK_STATUS(ct_queue_join(q, 0), CT_ETIMEDOUT);
    CHECK_OK(ct_queue_task_done(q));
    ct_test_join(t);
    CHECK_OK(a.status);
    CHECK_STATUS(ct_queue_task_done(q), CT_EINVAL);
    ct_queue_release(q);
}

TEST(shutdown_immediate_wakes_blocked_getters)
{
    ct_queue *q = new_queue(CT_QUEUE_LIFO, 0);
    actor a;
    ct_thread *t = start_actor(getter, &a, q, CT_FOREVER, 0);
    ct_queue_shutdown(q, true);
    ct_test_join(t);
    CHECK_STATUS(a.status, CT_ESHUTDOWN);
    ct_queue_release(q);
}

/* --------------------------------------------------------------- stress */

#define STRESS_PRODUCERS 8
#define STRESS_CONSUMERS 8

typedef struct stress {
    ct_queue *q;
    size_t items;
} stress;

typedef struct producer {
    stress *s;
    size_t first, end;
} producer;

typedef struct consumer {
    stress *s;
    unsigned char *seen;   /* one bit per item, this consumer's own */
    size_t got;
    size_t last[STRESS_PRODUCERS];   /* 1 + the last index got from each producer */
    bool out_of_order;
} consumer;

static size_t stress_item_count(void)
{
    /* CT_TEST_SCALE (e.g. 0.05 under ThreadSanitizer) scales the item count down. */
    const char *scale = getenv("CT_TEST_SCALE");
    double factor = scale ? atof(scale) : 1.0;
    size_t items;
    if (!(factor > 0.0) || factor > 1.0) factor = 1.0;
    items = (size_t)(1000000 * factor);
    return items < 1000 ? 1000 : items;
}

static void stress_produce(void *arg)
{
    producer *p = (producer *)arg;
    for (size_t i = p->first; i < p->end; i++) CHECK_OK(ct_queue_put(p->s->q, as_item(i), CT_FOREVER));
}

static void stress_consume(void *arg)
{
    consumer *c = (consumer *)arg;
    size_t per_producer = c->s->items / STRESS_PRODUCERS;
    for (;;) {
        void *item;
        size_t i, from;
        int status = ct_queue_get(c->s->q, &item, CT_FOREVER);
        if (status == CT_ESHUTDOWN) return;
        CHECK_OK(status);
        i = (size_t)as_number(item);
        CHECK_LT(i, c->s->items);
        c->seen[i / 8] |= (unsigned char)(1u << (i % 8));
        c->got++;
        /* FIFO: items of one producer reach any one consumer in the order put. */
        from = i / per_producer;
        if (i + 1 <= c->last[from]) c->out_of_order = true;
        c->last[from] = i + 1;
        CHECK_OK(ct_queue_task_done(c->s->q));
    }
}

TEST_TIMEOUT(stress_8_producers_8_consumers, 600)
{
    stress s;
    producer producers[STRESS_PRODUCERS];
    consumer consumers[STRESS_CONSUMERS];
    ct_thread *threads[STRESS_PRODUCERS + STRESS_CONSUMERS];
    size_t per_producer, total = 0;
    s.items = stress_item_count();
    s.items -= s.items % STRESS_PRODUCERS;
    per_producer = s.items / STRESS_PRODUCERS;
    s.q = new_queue(CT_QUEUE_FIFO, 16);
    for (int c = 0; c < STRESS_CONSUMERS; c++) {
        memset(&consumers[c], 0, sizeof consumers[c]);
        consumers[c].s = &s;
        consumers[c].seen = (unsigned char *)calloc(s.items / 8 + 1, 1);
        CHECK(consumers[c].seen != NULL);
        threads[STRESS_PRODUCERS + c] = ct_test_start(stress_consume, &consumers[c]);
    }
    for (int p = 0; p < STRESS_PRODUCERS; p++) {
        producers[p].s = &s;
        producers[p].first = (size_t)p * per_producer;
        producers[p].end = producers[p].first + per_producer;
        threads[p] = ct_test_start(stress_produce, &producers[p]);
    }
    for (int p = 0; p < STRESS_PRODUCERS; p++) ct_test_join(threads[p]);
    /* Every item put has been task_done'd once join returns. */
    CHECK_OK(ct_queue_join(s.q, CT_FOREVER));
    CHECK_EQ_U(ct_queue_qsize(s.q), 0);
    ct_queue_shutdown(s.q, false);
    for (int c = 0; c < STRESS_CONSUMERS; c++) ct_test_join(threads[STRESS_PRODUCERS + c]);

    for (int c = 0; c < STRESS_CONSUMERS; c++) {
        CHECK(!consumers[c].out_of_order);
        total += consumers[c].got;
    }
    CHECK_EQ_U(total, s.items);
    for (size_t i = 0; i < s.items; i++) {
        int owners = 0;
        for (int c = 0; c < STRESS_CONSUMERS; c++)
            owners += (consumers[c].seen[i / 8] >> (i % 8)) & 1;
        CHECK_MSG(owners == 1, "item %zu arrived %d times", i, owners);
    }
    for (int c = 0; c < STRESS_CONSUMERS; c++) free(consumers[c].seen);
    ct_queue_release(s.q);
}

typedef struct timed_getter {
    ct_queue *q;
    size_t got;
    ct_event stop;
} timed_getter;

static void timed_get_loop(void *arg)
{
    timed_getter *g = (timed_getter *)arg;
    void *item;
    while (!ct_event_is_set(&g->stop)) {
        int status = ct_queue_get(g->q, &item, 0.0005);
        if (status == CT_OK) g->got++;
        else CHECK_STATUS(status, CT_EEMPTY);
    }
    while (ct_queue_get(g->q, &item, 0) == CT_OK) g->got++;
}

TEST(timed_gets_lose_nothing)
{
    /* Getters whose waits keep timing out while items arrive: a wake-up consumed
     * by a timing-out getter must not strand an item. */
    enum { GETTERS = 4, ITEMS = 20000 };
    ct_queue *q = new_queue(CT_QUEUE_FIFO, 4);
    timed_getter g[GETTERS];
    ct_thread *t[GETTERS];
    size_t total = 0;
    for (int i = 0; i < GETTERS; i++) {
        g[i].q = q;
        g[i].got = 0;
        ct_event_init(&g[i].stop);
        t[i] = ct_test_start(timed_get_loop, &g[i]);
    }
    for (uintptr_t i = 0; i < ITEMS; i++) {
        int status;
        while ((status = ct_queue_put(q, as_item(i), 0.001)) == CT_EFULL) {}
        CHECK_OK(status);
    }
    for (int i = 0; i < GETTERS; i++) ct_event_set(&g[i].stop);
    for (int i = 0; i < GETTERS; i++) {
        ct_test_join(t[i]);
        total += g[i].got;
    }
    CHECK_EQ_U(total, ITEMS);
    ct_queue_release(q);
}

/* issue 10 item 5: NULL handles are refused, as ct_thread_* and _release do. */
TEST(null_handles)
{
    void *item = as_item(7);
    CHECK_STATUS(ct_queue_put(NULL, item, 0), CT_EINVAL);
    CHECK_STATUS(ct_queue_put(NULL, item, CT_FOREVER), CT_EINVAL);
    CHECK_STATUS(ct_queue_get(NULL, &item, 0), CT_EINVAL);
    CHECK_STATUS(ct_queue_get(NULL, &item, CT_FOREVER), CT_EINVAL);
    CHECK(as_number(item) == 7);
    CHECK_STATUS(ct_queue_task_done(NULL), CT_EINVAL);
    CHECK_STATUS(ct_queue_join(NULL, CT_FOREVER), CT_EINVAL);
    CHECK_EQ_U(ct_queue_qsize(NULL), 0);
    CHECK(!ct_queue_empty(NULL));
    CHECK(!ct_queue_full(NULL));
    ct_queue_shutdown(NULL, false);
    ct_queue_shutdown(NULL, true);
    ct_queue_release(NULL);
}
