/* SPDX-License-Identifier: MIT */
/* cthreading's side of every suite. Each peer file mirrors these bodies with
 * its own primitives, so a suite's rows differ only in the library called. */
#include "common.h"

#include <cthreading.h>
#include <stdlib.h>

/* ------------------------------------------------------------------- locks */

static void ct_lock_nothing(ct_lock *lock) { (void)lock; }
static void ct_rlock_nothing(ct_rlock *rlock) { (void)rlock; }

BENCH_LOCK(ctlock, ct_lock, ct_lock_init, ct_lock_acquire, ct_lock_release, ct_lock_nothing)
BENCH_RLOCK(ctrlock, ct_rlock, ct_rlock_init, ct_rlock_acquire, ct_rlock_release, ct_rlock_nothing)

/* ------------------------------------------------------- read-write lock, once */

static void ct_rwlock_nothing(ct_rwlock *rwlock) { (void)rwlock; }

BENCH_RWLOCK(ctrwlock, ct_rwlock, ct_rwlock_init, ct_rwlock_acquire_read, ct_rwlock_release_read,
             ct_rwlock_acquire_write, ct_rwlock_release_write, ct_rwlock_nothing)

static void once_setup(bench_state *s)
{
    ct_once *once = (ct_once *)bench_shared(sizeof *once);
    if (ct_call_once(once, bench_once_fn, NULL) != CT_OK) bench_fail(s, "ct_call_once failed");
}

static void once_done(bench_state *s, int64_t n)
{
    ct_once *once = (ct_once *)bench_shared_current();
    for (int64_t i = 0; i < n; i++)
        if (ct_call_once(once, bench_once_fn, NULL) != CT_OK) bench_fail(s, "ct_call_once failed");
}

/* -------------------------------------------------------------- ping-pong
 * Thread 0 sends, thread 1 answers: one operation is one round trip. */

typedef struct event_pair {
    BENCH_ALIGNED ct_event ping;
    BENCH_ALIGNED ct_event pong;
} event_pair;

static void event_pingpong_setup(bench_state *s)
{
    event_pair *p = (event_pair *)bench_shared(sizeof *p);
    (void)s;
    ct_event_init(&p->ping);
    ct_event_init(&p->pong);
}

static void event_pingpong(bench_state *s, int64_t n)
{
    event_pair *p = (event_pair *)bench_shared_current();
    bench_batch_begin(s);
    if (bench_thread(s) == 0) {
        for (int64_t i = 0; i < n; i++) {
            ct_event_set(&p->ping);
            ct_event_wait(&p->pong, CT_FOREVER);
            ct_event_clear(&p->pong);
        }
    } else {
        for (int64_t i = 0; i < n; i++) {
            ct_event_wait(&p->ping, CT_FOREVER);
            ct_event_clear(&p->ping);
            ct_event_set(&p->pong);
        }
    }
    bench_batch_end(s, n);
}

typedef struct semaphore_pair {
    BENCH_ALIGNED ct_semaphore ping;
    BENCH_ALIGNED ct_semaphore pong;
} semaphore_pair;

static void semaphore_pingpong_setup(bench_state *s)
{
    semaphore_pair *p = (semaphore_pair *)bench_shared(sizeof *p);
    (void)s;
    ct_semaphore_init(&p->ping, 0);
    ct_semaphore_init(&p->pong, 0);
}

static void semaphore_pingpong(bench_state *s, int64_t n)
{
    semaphore_pair *p = (semaphore_pair *)bench_shared_current();
    bench_batch_begin(s);
    if (bench_thread(s) == 0) {
        for (int64_t i = 0; i < n; i++) {
            ct_semaphore_release(&p->ping, 1);
            ct_semaphore_acquire(&p->pong);
        }
    } else {
        for (int64_t i = 0; i < n; i++) {
            ct_semaphore_acquire(&p->ping);
            ct_semaphore_release(&p->pong, 1);
        }
    }
    bench_batch_end(s, n);
}

/* Both threads wait on one condition for their turn. */
typedef struct turns {
    BENCH_ALIGNED ct_lock lock;
    ct_condition cond;
    int turn;
} turns;

static void condition_pingpong_setup(bench_state *s)
{
    turns *t = (turns *)bench_shared(sizeof *t);
    (void)s;
    ct_lock_init(&t->lock);
    ct_condition_init_lock(&t->cond, &t->lock);
}

static void condition_pingpong(bench_state *s, int64_t n)
{
    turns *t = (turns *)bench_shared_current();
    int me = bench_thread(s);
    bench_batch_begin(s);
    for (int64_t i = 0; i < n; i++) {
        ct_condition_acquire(&t->cond);
        while (t->turn != me) ct_condition_wait(&t->cond, CT_FOREVER);
        t->turn = !me;
        ct_condition_notify(&t->cond, 1);
        ct_condition_release(&t->cond);
    }
    bench_batch_end(s, n);
}

static void pingpong_teardown(bench_state *s)
{
    bench_report_span(s, "round_trips_per_s", 2);
}

/* ---------------------------------------------------- with nobody waiting */

typedef struct idle_objects {
    ct_event event;
    ct_semaphore semaphore;
    ct_lock lock;
    ct_condition condition;
} idle_objects;

static void idle_setup(bench_state *s)
{
    idle_objects *o = (idle_objects *)bench_shared(sizeof *o);
    (void)s;
    ct_event_init(&o->event);
    ct_semaphore_init(&o->semaphore, 0);
    ct_lock_init(&o->lock);
    ct_condition_init_lock(&o->condition, &o->lock);
    ct_condition_acquire(&o->condition);   /* notify requires the lock */
}

static void idle_teardown(bench_state *s)
{
    idle_objects *o = (idle_objects *)bench_shared_current();
    (void)s;
    ct_condition_release(&o->condition);
}

static void idle_event_set(bench_state *s, int64_t n)
{
    idle_objects *o = (idle_objects *)bench_shared_current();
    (void)s;
    for (int64_t i = 0; i < n; i++) ct_event_set(&o->event);
}

static void idle_condition_notify(bench_state *s, int64_t n)
{
    idle_objects *o = (idle_objects *)bench_shared_current();
    (void)s;
    for (int64_t i = 0; i < n; i++) ct_condition_notify(&o->condition, 1);
}

static void idle_semaphore_release(bench_state *s, int64_t n)
{
    idle_objects *o = (idle_objects *)bench_shared_current();
    (void)s;
    for (int64_t i = 0; i < n; i++) ct_semaphore_release(&o->semaphore, 1);
}

/* ---------------------------------------------------------------- threads */

static void thread_nothing(void *arg)
{
    (void)arg;
}

static void thread_start_join(bench_state *s, int64_t n)
{
    for (int64_t i = 0; i < n; i++) {
        ct_thread *t;
        if (ct_thread_start(&t, thread_nothing, NULL, NULL) != CT_OK) {
            bench_fail(s, "ct_thread_start failed");
            return;
        }
        ct_thread_join(t, CT_FOREVER);
        ct_thread_release(t);
    }
}

/* ------------------------------------------------------------------ queue
 * Even threads put, odd threads get, the same number each. */

static void queue_setup(bench_state *s)
{
    ct_queue **q = (ct_queue **)bench_shared(sizeof *q);
    if (ct_queue_new(q, CT_QUEUE_FIFO, *(const size_t *)bench_arg(s), NULL) != CT_OK)
        bench_fail(s, "ct_queue_new failed");
}

static void queue_transfer(bench_state *s, int64_t n)
{
    ct_queue *q = *(ct_queue **)bench_shared_current();
    bench_batch_begin(s);
    if (bench_thread(s) % 2 == 0) {
        for (int64_t i = 0; i < n; i++) ct_queue_put(q, (void *)(uintptr_t)(i + 1), CT_FOREVER);
    } else {
        void *item;
        for (int64_t i = 0; i < n; i++) ct_queue_get(q, &item, CT_FOREVER);
    }
    bench_batch_end(s, n);
}

static void queue_teardown(bench_state *s)
{
    ct_queue_release(*(ct_queue **)bench_shared_current());
    bench_report_span(s, "items_per_s", 2);
}

/* ------------------------------------------------------------------- pool */

typedef struct pool_run {
    ct_pool *pool;
    ct_future *futures[BENCH_POOL_TASKS];
} pool_run;

static void *task_nothing(void *arg)
{
    return arg;
}

static void pool_setup(bench_state *s)
{
    pool_run *r = (pool_run *)malloc(sizeof *r);
    void *result;
    *(pool_run **)bench_shared(sizeof r) = r;
    if (!r || ct_pool_new(&r->pool, (size_t)bench_pool_workers(), NULL) != CT_OK) {
        bench_fail(s, "ct_pool_new failed");
        return;
    }
    /* Start one worker before timing, as the peers' pools are started. */
    ct_pool_submit(r->pool, &r->futures[0], task_nothing, NULL);
    ct_future_result(r->futures[0], &result, CT_FOREVER);
    ct_future_release(r->futures[0]);
}

static void pool_teardown(bench_state *s)
{
    pool_run *r = *(pool_run **)bench_shared_current();
    if (!r) return;
    if (r->pool) ct_pool_release(r->pool);
    free(r);
    bench_report_span(s, "tasks_per_s", 1);
}

static void pool_many_tasks(bench_state *s, int64_t n)
{
    pool_run *r = *(pool_run **)bench_shared_current();
    bench_batch_begin(s);
    for (int64_t i = 0; i < n; i++) {
        for (int k = 0; k < BENCH_POOL_TASKS; k++)
            ct_pool_submit(r->pool, &r->futures[k], task_nothing, NULL);
        for (int k = 0; k < BENCH_POOL_TASKS; k++) {
            void *result;
            ct_future_result(r->futures[k], &result, CT_FOREVER);
            ct_future_release(r->futures[k]);
        }
    }
    bench_batch_end(s, n * BENCH_POOL_TASKS);
}

static void pool_round_trip(bench_state *s, int64_t n)
{
    pool_run *r = *(pool_run **)bench_shared_current();
    bench_batch_begin(s);
    for (int64_t i = 0; i < n; i++) {
        ct_future *f;
        void *result;
        ct_pool_submit(r->pool, &f, task_nothing, NULL);
        ct_future_result(f, &result, CT_FOREVER);
        ct_future_release(f);
    }
    bench_batch_end(s, n);
}

/* ----------------------------------------------------------- registration */

static const size_t unbounded = 0, bounded16 = 16;

BENCH_REGISTER(register_cthreading)
{
    const char *me = "cthreading";
    ctlock_register(me);
    ctrlock_register(me);
    ctrwlock_register(me);
    bench_add("once_done", me, once_done, once_setup, NULL, NULL, NULL, 1000, NULL);

    bench_add("pingpong_event", me, event_pingpong, event_pingpong_setup, NULL,
              pingpong_teardown, NULL, 64, bench_threads_pair);
    bench_add("pingpong_semaphore", me, semaphore_pingpong, semaphore_pingpong_setup, NULL,
              pingpong_teardown, NULL, 64, bench_threads_pair);
    bench_add("pingpong_condition", me, condition_pingpong, condition_pingpong_setup, NULL,
              pingpong_teardown, NULL, 64, bench_threads_pair);

    bench_add("idle_event_set", me, idle_event_set, idle_setup, NULL, idle_teardown, NULL, 1000, NULL);
    bench_add("idle_condition_notify", me, idle_condition_notify, idle_setup, NULL, idle_teardown,
              NULL, 1000, NULL);
    bench_add("idle_semaphore_release", me, idle_semaphore_release, idle_setup, NULL,
              idle_teardown, NULL, 1000, NULL);

    bench_add("thread_start_join", me, thread_start_join, NULL, NULL, NULL, NULL, 1, NULL);

    bench_add("queue_1p1c_unbounded", me, queue_transfer, queue_setup, NULL, queue_teardown,
              &unbounded, 256, bench_threads_pair);
    bench_add("queue_1p1c_bounded16", me, queue_transfer, queue_setup, NULL, queue_teardown,
              &bounded16, 256, bench_threads_pair);
    bench_add("queue_4p4c_unbounded", me, queue_transfer, queue_setup, NULL, queue_teardown,
              &unbounded, 256, bench_threads_4x4);
    bench_add("queue_4p4c_bounded16", me, queue_transfer, queue_setup, NULL, queue_teardown,
              &bounded16, 256, bench_threads_4x4);

    bench_add("pool_100k_tasks", me, pool_many_tasks, pool_setup, NULL, pool_teardown, NULL, 1, NULL);
    bench_add("pool_round_trip", me, pool_round_trip, pool_setup, NULL, pool_teardown, NULL, 16, NULL);

    bench_size("ct_lock", sizeof(ct_lock));
    bench_size("ct_rlock", sizeof(ct_rlock));
    bench_size("ct_rwlock", sizeof(ct_rwlock));
    bench_size("ct_once", sizeof(ct_once));
    bench_size("ct_event", sizeof(ct_event));
    bench_size("ct_semaphore", sizeof(ct_semaphore));
    bench_size("ct_condition", sizeof(ct_condition));
    bench_size("ct_barrier", sizeof(ct_barrier));
}
