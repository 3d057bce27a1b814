/* SPDX-License-Identifier: MIT */
/* GLib peers: GMutex, GRecMutex, GCond, g_thread_new, GAsyncQueue and
 * GThreadPool. Built only where pkg-config finds glib-2.0. */
#include "common.h"

#include <glib.h>

/* ------------------------------------------------------------------- locks */

BENCH_LOCK(gmutex, GMutex, g_mutex_init, g_mutex_lock, g_mutex_unlock, g_mutex_clear)
BENCH_RLOCK(grecmutex, GRecMutex, g_rec_mutex_init, g_rec_mutex_lock, g_rec_mutex_unlock,
            g_rec_mutex_clear)
BENCH_RWLOCK(grwlock, GRWLock, g_rw_lock_init, g_rw_lock_reader_lock, g_rw_lock_reader_unlock,
             g_rw_lock_writer_lock, g_rw_lock_writer_unlock, g_rw_lock_clear)

/* ----------------------------------------------------------- GCond events */

typedef struct gcond_event {
    GMutex mutex;
    GCond cond;
    int flag;
} gcond_event;

static void gcond_event_init(gcond_event *e)
{
    g_mutex_init(&e->mutex);
    g_cond_init(&e->cond);
    e->flag = 0;
}

static void gcond_event_clear(gcond_event *e)
{
    g_cond_clear(&e->cond);
    g_mutex_clear(&e->mutex);
}

static void gcond_event_set(gcond_event *e)
{
    g_mutex_lock(&e->mutex);
    e->flag = 1;
    g_cond_broadcast(&e->cond);
    g_mutex_unlock(&e->mutex);
}

static void gcond_event_wait_clear(gcond_event *e)
{
    g_mutex_lock(&e->mutex);
    while (!e->flag) g_cond_wait(&e->cond, &e->mutex);
    e->flag = 0;
    g_mutex_unlock(&e->mutex);
}

/* -------------------------------------------------------------- ping-pong */

typedef struct gcond_event_pair {
    BENCH_ALIGNED gcond_event ping;
    BENCH_ALIGNED gcond_event pong;
} gcond_event_pair;

static void event_pingpong_setup(bench_state *s)
{
    gcond_event_pair *p = (gcond_event_pair *)bench_shared(sizeof *p);
    (void)s;
    gcond_event_init(&p->ping);
    gcond_event_init(&p->pong);
}

static void event_pingpong(bench_state *s, int64_t n)
{
    gcond_event_pair *p = (gcond_event_pair *)bench_shared_current();
    bench_batch_begin(s);
    if (bench_thread(s) == 0) {
        for (int64_t i = 0; i < n; i++) {
            gcond_event_set(&p->ping);
            gcond_event_wait_clear(&p->pong);
        }
    } else {
        for (int64_t i = 0; i < n; i++) {
            gcond_event_wait_clear(&p->ping);
            gcond_event_set(&p->pong);
        }
    }
    bench_batch_end(s, n);
}

static void event_pingpong_teardown(bench_state *s)
{
    gcond_event_pair *p = (gcond_event_pair *)bench_shared_current();
    gcond_event_clear(&p->ping);
    gcond_event_clear(&p->pong);
    bench_report_span(s, "round_trips_per_s", 2);
}

typedef struct gcond_turns {
    BENCH_ALIGNED GMutex mutex;
    GCond cond;
    int turn;
} gcond_turns;

static void condition_pingpong_setup(bench_state *s)
{
    gcond_turns *t = (gcond_turns *)bench_shared(sizeof *t);
    (void)s;
    g_mutex_init(&t->mutex);
    g_cond_init(&t->cond);
}

static void condition_pingpong(bench_state *s, int64_t n)
{
    gcond_turns *t = (gcond_turns *)bench_shared_current();
    int me = bench_thread(s);
    bench_batch_begin(s);
    for (int64_t i = 0; i < n; i++) {
        g_mutex_lock(&t->mutex);
        while (t->turn != me) g_cond_wait(&t->cond, &t->mutex);
        t->turn = !me;
        g_cond_signal(&t->cond);
        g_mutex_unlock(&t->mutex);
    }
    bench_batch_end(s, n);
}

static void condition_pingpong_teardown(bench_state *s)
{
    gcond_turns *t = (gcond_turns *)bench_shared_current();
    g_cond_clear(&t->cond);
    g_mutex_clear(&t->mutex);
    bench_report_span(s, "round_trips_per_s", 2);
}

/* ---------------------------------------------------- with nobody waiting */

typedef struct idle_objects {
    gcond_event event;
    GMutex mutex;
    GCond cond;
} idle_objects;

static void idle_setup(bench_state *s)
{
    idle_objects *o = (idle_objects *)bench_shared(sizeof *o);
    (void)s;
    gcond_event_init(&o->event);
    g_mutex_init(&o->mutex);
    g_cond_init(&o->cond);
    g_mutex_lock(&o->mutex);
}

static void idle_teardown(bench_state *s)
{
    idle_objects *o = (idle_objects *)bench_shared_current();
    (void)s;
    g_mutex_unlock(&o->mutex);
    g_cond_clear(&o->cond);
    g_mutex_clear(&o->mutex);
    gcond_event_clear(&o->event);
}

static void idle_event_set(bench_state *s, int64_t n)
{
    idle_objects *o = (idle_objects *)bench_shared_current();
    (void)s;
    for (int64_t i = 0; i < n; i++) gcond_event_set(&o->event);
}

static void idle_cond_signal(bench_state *s, int64_t n)
{
    idle_objects *o = (idle_objects *)bench_shared_current();
    (void)s;
    for (int64_t i = 0; i < n; i++) g_cond_signal(&o->cond);
}

/* ---------------------------------------------------------------- threads */

static gpointer thread_nothing(gpointer arg)
{
    return arg;
}

static void thread_start_join(bench_state *s, int64_t n)
{
    (void)s;
    for (int64_t i = 0; i < n; i++) g_thread_join(g_thread_new(NULL, thread_nothing, NULL));
}

/* ------------------------------------------------------------------ queues */

static void async_queue_setup(bench_state *s)
{
    GAsyncQueue **q = (GAsyncQueue **)bench_shared(sizeof *q);
    (void)s;
    *q = g_async_queue_new();
}

static void async_queue_transfer(bench_state *s, int64_t n)
{
    GAsyncQueue *q = *(GAsyncQueue **)bench_shared_current();
    bench_batch_begin(s);
    if (bench_thread(s) % 2 == 0) {
        for (int64_t i = 0; i < n; i++) g_async_queue_push(q, (gpointer)(uintptr_t)(i + 1));
    } else {
        for (int64_t i = 0; i < n; i++) (void)g_async_queue_pop(q);
    }
    bench_batch_end(s, n);
}

static void async_queue_teardown(bench_state *s)
{
    g_async_queue_unref(*(GAsyncQueue **)bench_shared_current());
    bench_report_span(s, "items_per_s", 2);
}

/* GAsyncQueue has no bound: the bounded rows use GLib's mutex and conditions
 * around a ring, the queue a GLib user writes for that. */
#define RING_SIZE 16

typedef struct ring_queue {
    GMutex mutex;
    GCond not_empty, not_full;
    size_t head, count;
    void *items[RING_SIZE];
} ring_queue;

static void ring_setup(bench_state *s)
{
    ring_queue *q = (ring_queue *)bench_shared(sizeof *q);
    (void)s;
    g_mutex_init(&q->mutex);
    g_cond_init(&q->not_empty);
    g_cond_init(&q->not_full);
}

static void ring_transfer(bench_state *s, int64_t n)
{
    ring_queue *q = (ring_queue *)bench_shared_current();
    bench_batch_begin(s);
    for (int64_t i = 0; i < n; i++) {
        g_mutex_lock(&q->mutex);
        if (bench_thread(s) % 2 == 0) {
            while (q->count == RING_SIZE) g_cond_wait(&q->not_full, &q->mutex);
            q->items[(q->head + q->count++) % RING_SIZE] = (void *)(uintptr_t)(i + 1);
            g_cond_signal(&q->not_empty);
        } else {
            while (q->count == 0) g_cond_wait(&q->not_empty, &q->mutex);
            q->head = (q->head + 1) % RING_SIZE;
            q->count--;
            g_cond_signal(&q->not_full);
        }
        g_mutex_unlock(&q->mutex);
    }
    bench_batch_end(s, n);
}

static void ring_teardown(bench_state *s)
{
    ring_queue *q = (ring_queue *)bench_shared_current();
    g_cond_clear(&q->not_full);
    g_cond_clear(&q->not_empty);
    g_mutex_clear(&q->mutex);
    bench_report_span(s, "items_per_s", 2);
}

/* -------------------------------------------------------------------- pool
 * GThreadPool has no futures: a task's "result" is its completion, counted
 * down to a GCond for the batch, or pushed to a reply queue for a round trip. */

typedef struct gpool_run {
    GThreadPool *pool;
    GAsyncQueue *replies;
    gint remaining;
    GMutex mutex;
    GCond all_done;
} gpool_run;

static void count_down_task(gpointer data, gpointer user)
{
    gpool_run *r = (gpool_run *)user;
    (void)data;
    if (g_atomic_int_dec_and_test(&r->remaining)) {
        g_mutex_lock(&r->mutex);
        g_cond_signal(&r->all_done);
        g_mutex_unlock(&r->mutex);
    }
}

static void reply_task(gpointer data, gpointer user)
{
    g_async_queue_push(((gpool_run *)user)->replies, data);
}

static void gpool_setup(bench_state *s, GFunc task)
{
    gpool_run *r = (gpool_run *)bench_shared(sizeof *r);
    r->replies = g_async_queue_new();
    g_mutex_init(&r->mutex);
    g_cond_init(&r->all_done);
    r->pool = g_thread_pool_new(task, r, bench_pool_workers(), FALSE, NULL);
    if (!r->pool) bench_fail(s, "g_thread_pool_new failed");
}

static void gpool_many_setup(bench_state *s)
{
    gpool_setup(s, count_down_task);
    gpool_run *r = (gpool_run *)bench_shared_current();
    g_atomic_int_set(&r->remaining, 1);   /* start one worker before timing */
    g_thread_pool_push(r->pool, GINT_TO_POINTER(1), NULL);
    g_mutex_lock(&r->mutex);
    while (g_atomic_int_get(&r->remaining) != 0) g_cond_wait(&r->all_done, &r->mutex);
    g_mutex_unlock(&r->mutex);
}

static void gpool_round_trip_setup(bench_state *s)
{
    gpool_setup(s, reply_task);
    gpool_run *r = (gpool_run *)bench_shared_current();
    g_thread_pool_push(r->pool, GINT_TO_POINTER(1), NULL);
    (void)g_async_queue_pop(r->replies);
}

static void gpool_teardown(bench_state *s)
{
    gpool_run *r = (gpool_run *)bench_shared_current();
    if (r->pool) g_thread_pool_free(r->pool, FALSE, TRUE);
    g_async_queue_unref(r->replies);
    g_cond_clear(&r->all_done);
    g_mutex_clear(&r->mutex);
    bench_report_span(s, "tasks_per_s", 1);
}

static void gpool_many_tasks(bench_state *s, int64_t n)
{
    gpool_run *r = (gpool_run *)bench_shared_current();
    bench_batch_begin(s);
    for (int64_t i = 0; i < n; i++) {
        g_atomic_int_set(&r->remaining, BENCH_POOL_TASKS);
        for (int k = 0; k < BENCH_POOL_TASKS; k++)
            g_thread_pool_push(r->pool, GINT_TO_POINTER(k + 1), NULL);
        g_mutex_lock(&r->mutex);
        while (g_atomic_int_get(&r->remaining) != 0) g_cond_wait(&r->all_done, &r->mutex);
        g_mutex_unlock(&r->mutex);
    }
    bench_batch_end(s, n * BENCH_POOL_TASKS);
}

static void gpool_round_trip(bench_state *s, int64_t n)
{
    gpool_run *r = (gpool_run *)bench_shared_current();
    bench_batch_begin(s);
    for (int64_t i = 0; i < n; i++) {
        g_thread_pool_push(r->pool, GINT_TO_POINTER(1), NULL);
        (void)g_async_queue_pop(r->replies);
    }
    bench_batch_end(s, n);
}

/* ----------------------------------------------------------- registration */

BENCH_REGISTER(register_glib)
{
    gmutex_register("glib_gmutex");
    grecmutex_register("glib_grecmutex");
    grwlock_register("glib_grwlock");

    bench_add("pingpong_event", "glib_gcond", event_pingpong, event_pingpong_setup, NULL,
              event_pingpong_teardown, NULL, 64, bench_threads_pair);
    bench_add("pingpong_condition", "glib_gcond", condition_pingpong, condition_pingpong_setup,
              NULL, condition_pingpong_teardown, NULL, 64, bench_threads_pair);

    bench_add("idle_event_set", "glib_gcond", idle_event_set, idle_setup, NULL, idle_teardown,
              NULL, 1000, NULL);
    bench_add("idle_condition_notify", "glib_gcond", idle_cond_signal, idle_setup, NULL,
              idle_teardown, NULL, 1000, NULL);

    bench_add("thread_start_join", "glib_gthread", thread_start_join, NULL, NULL, NULL, NULL, 1,
              NULL);

    bench_add("queue_1p1c_unbounded", "glib_gasyncqueue", async_queue_transfer, async_queue_setup,
              NULL, async_queue_teardown, NULL, 256, bench_threads_pair);
    bench_add("queue_4p4c_unbounded", "glib_gasyncqueue", async_queue_transfer, async_queue_setup,
              NULL, async_queue_teardown, NULL, 256, bench_threads_4x4);
    bench_add("queue_1p1c_bounded16", "glib_gcond_ring", ring_transfer, ring_setup, NULL,
              ring_teardown, NULL, 256, bench_threads_pair);
    bench_add("queue_4p4c_bounded16", "glib_gcond_ring", ring_transfer, ring_setup, NULL,
              ring_teardown, NULL, 256, bench_threads_4x4);

    bench_add("pool_100k_tasks", "glib_gthreadpool", gpool_many_tasks, gpool_many_setup, NULL,
              gpool_teardown, NULL, 1, NULL);
    bench_add("pool_round_trip", "glib_gthreadpool", gpool_round_trip, gpool_round_trip_setup,
              NULL, gpool_teardown, NULL, 16, NULL);

    bench_size("GMutex", sizeof(GMutex));
    bench_size("GRecMutex", sizeof(GRecMutex));
    bench_size("GCond", sizeof(GCond));
}
