/* SPDX-License-Identifier: MIT */
/* POSIX peers: pthread_mutex_t, the recursive mutex, pthread_cond_t, sem_t,
 * pthread_create, and the textbook bounded queue (a ring under a mutex with
 * two condition variables). Mirrors suite_ct.c body for body. */
#include "common.h"

#include <pthread.h>
#include <semaphore.h>
#include <stdlib.h>

/* ------------------------------------------------------------------- locks */

static void mutex_default_init(pthread_mutex_t *m) { pthread_mutex_init(m, NULL); }
static void mutex_recursive_init(pthread_mutex_t *m)
{
    pthread_mutexattr_t attr;
    pthread_mutexattr_init(&attr);
    pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
    pthread_mutex_init(m, &attr);
    pthread_mutexattr_destroy(&attr);
}

BENCH_LOCK(pmutex, pthread_mutex_t, mutex_default_init, pthread_mutex_lock, pthread_mutex_unlock,
           pthread_mutex_destroy)
BENCH_RLOCK(prmutex, pthread_mutex_t, mutex_recursive_init, pthread_mutex_lock,
            pthread_mutex_unlock, pthread_mutex_destroy)

/* -------------------------------------------------------- rwlock, once */

static void rwlock_default_init(pthread_rwlock_t *l) { pthread_rwlock_init(l, NULL); }

BENCH_RWLOCK(prwlock, pthread_rwlock_t, rwlock_default_init, pthread_rwlock_rdlock,
             pthread_rwlock_unlock, pthread_rwlock_wrlock, pthread_rwlock_unlock,
             pthread_rwlock_destroy)

static pthread_once_t once_control = PTHREAD_ONCE_INIT;
static void once_nothing(void) {}

static void once_setup(bench_state *s)
{
    (void)s;
    pthread_once(&once_control, once_nothing);
}

static void once_done(bench_state *s, int64_t n)
{
    (void)s;
    for (int64_t i = 0; i < n; i++) pthread_once(&once_control, once_nothing);
}

/* ---------------------------------------------------------- cond "events"
 * Python's Event as a C programmer writes it: a flag under a mutex. */

typedef struct cond_event {
    pthread_mutex_t mutex;
    pthread_cond_t cond;
    int flag;
} cond_event;

static void cond_event_init(cond_event *e)
{
    pthread_mutex_init(&e->mutex, NULL);
    pthread_cond_init(&e->cond, NULL);
    e->flag = 0;
}

static void cond_event_destroy(cond_event *e)
{
    pthread_cond_destroy(&e->cond);
    pthread_mutex_destroy(&e->mutex);
}

static void cond_event_set(cond_event *e)
{
    pthread_mutex_lock(&e->mutex);
    e->flag = 1;
    pthread_cond_broadcast(&e->cond);
    pthread_mutex_unlock(&e->mutex);
}

static void cond_event_wait_clear(cond_event *e)
{
    pthread_mutex_lock(&e->mutex);
    while (!e->flag) pthread_cond_wait(&e->cond, &e->mutex);
    e->flag = 0;
    pthread_mutex_unlock(&e->mutex);
}

/* -------------------------------------------------------------- ping-pong */

typedef struct cond_event_pair {
    BENCH_ALIGNED cond_event ping;
    BENCH_ALIGNED cond_event pong;
} cond_event_pair;

static void cond_event_pingpong_setup(bench_state *s)
{
    cond_event_pair *p = (cond_event_pair *)bench_shared(sizeof *p);
    (void)s;
    cond_event_init(&p->ping);
    cond_event_init(&p->pong);
}

static void cond_event_pingpong(bench_state *s, int64_t n)
{
    cond_event_pair *p = (cond_event_pair *)bench_shared_current();
    bench_batch_begin(s);
    if (bench_thread(s) == 0) {
        for (int64_t i = 0; i < n; i++) {
            cond_event_set(&p->ping);
            cond_event_wait_clear(&p->pong);
        }
    } else {
        for (int64_t i = 0; i < n; i++) {
            cond_event_wait_clear(&p->ping);
            cond_event_set(&p->pong);
        }
    }
    bench_batch_end(s, n);
}

static void cond_event_pingpong_teardown(bench_state *s)
{
    cond_event_pair *p = (cond_event_pair *)bench_shared_current();
    cond_event_destroy(&p->ping);
    cond_event_destroy(&p->pong);
    bench_report_span(s, "round_trips_per_s", 2);
}

typedef struct sem_pair {
    BENCH_ALIGNED sem_t ping;
    BENCH_ALIGNED sem_t pong;
} sem_pair;

static void sem_pingpong_setup(bench_state *s)
{
    sem_pair *p = (sem_pair *)bench_shared(sizeof *p);
    (void)s;
    sem_init(&p->ping, 0, 0);
    sem_init(&p->pong, 0, 0);
}

static void sem_pingpong(bench_state *s, int64_t n)
{
    sem_pair *p = (sem_pair *)bench_shared_current();
    bench_batch_begin(s);
    if (bench_thread(s) == 0) {
        for (int64_t i = 0; i < n; i++) {
            sem_post(&p->ping);
            while (sem_wait(&p->pong) != 0) {
            }
        }
    } else {
        for (int64_t i = 0; i < n; i++) {
            while (sem_wait(&p->ping) != 0) {
            }
            sem_post(&p->pong);
        }
    }
    bench_batch_end(s, n);
}

static void sem_pingpong_teardown(bench_state *s)
{
    sem_pair *p = (sem_pair *)bench_shared_current();
    sem_destroy(&p->ping);
    sem_destroy(&p->pong);
    bench_report_span(s, "round_trips_per_s", 2);
}

typedef struct cond_turns {
    BENCH_ALIGNED pthread_mutex_t mutex;
    pthread_cond_t cond;
    int turn;
} cond_turns;

static void cond_pingpong_setup(bench_state *s)
{
    cond_turns *t = (cond_turns *)bench_shared(sizeof *t);
    (void)s;
    pthread_mutex_init(&t->mutex, NULL);
    pthread_cond_init(&t->cond, NULL);
}

static void cond_pingpong(bench_state *s, int64_t n)
{
    cond_turns *t = (cond_turns *)bench_shared_current();
    int me = bench_thread(s);
    bench_batch_begin(s);
    for (int64_t i = 0; i < n; i++) {
        pthread_mutex_lock(&t->mutex);
        while (t->turn != me) pthread_cond_wait(&t->cond, &t->mutex);
        t->turn = !me;
        pthread_cond_signal(&t->cond);
        pthread_mutex_unlock(&t->mutex);
    }
    bench_batch_end(s, n);
}

static void cond_pingpong_teardown(bench_state *s)
{
    cond_turns *t = (cond_turns *)bench_shared_current();
    pthread_cond_destroy(&t->cond);
    pthread_mutex_destroy(&t->mutex);
    bench_report_span(s, "round_trips_per_s", 2);
}

/* ---------------------------------------------------- with nobody waiting */

typedef struct idle_objects {
    cond_event event;
    sem_t semaphore;
    pthread_mutex_t mutex;
    pthread_cond_t cond;
} idle_objects;

static void idle_setup(bench_state *s)
{
    idle_objects *o = (idle_objects *)bench_shared(sizeof *o);
    (void)s;
    cond_event_init(&o->event);
    sem_init(&o->semaphore, 0, 0);
    pthread_mutex_init(&o->mutex, NULL);
    pthread_cond_init(&o->cond, NULL);
    pthread_mutex_lock(&o->mutex);   /* as the cthreading row holds its lock */
}

static void idle_teardown(bench_state *s)
{
    idle_objects *o = (idle_objects *)bench_shared_current();
    (void)s;
    pthread_mutex_unlock(&o->mutex);
    pthread_cond_destroy(&o->cond);
    pthread_mutex_destroy(&o->mutex);
    sem_destroy(&o->semaphore);
    cond_event_destroy(&o->event);
}

static void idle_event_set(bench_state *s, int64_t n)
{
    idle_objects *o = (idle_objects *)bench_shared_current();
    (void)s;
    for (int64_t i = 0; i < n; i++) cond_event_set(&o->event);
}

static void idle_cond_signal(bench_state *s, int64_t n)
{
    idle_objects *o = (idle_objects *)bench_shared_current();
    (void)s;
    for (int64_t i = 0; i < n; i++) pthread_cond_signal(&o->cond);
}

static void idle_sem_post(bench_state *s, int64_t n)
{
    idle_objects *o = (idle_objects *)bench_shared_current();
    (void)s;
    for (int64_t i = 0; i < n; i++) sem_post(&o->semaphore);
}

/* ---------------------------------------------------------------- threads */

static void *thread_nothing(void *arg)
{
    return arg;
}

static void thread_start_join(bench_state *s, int64_t n)
{
    for (int64_t i = 0; i < n; i++) {
        pthread_t t;
        if (pthread_create(&t, NULL, thread_nothing, NULL) != 0) {
            bench_fail(s, "pthread_create failed");
            return;
        }
        pthread_join(t, NULL);
    }
}

/* --------------------------------------------------- bounded queue (ring) */

#define RING_SIZE 16

typedef struct ring_queue {
    pthread_mutex_t mutex;
    pthread_cond_t not_empty, not_full;
    size_t head, count;
    void *items[RING_SIZE];
} ring_queue;

static void ring_setup(bench_state *s)
{
    ring_queue *q = (ring_queue *)bench_shared(sizeof *q);
    (void)s;
    pthread_mutex_init(&q->mutex, NULL);
    pthread_cond_init(&q->not_empty, NULL);
    pthread_cond_init(&q->not_full, NULL);
}

static void ring_put(ring_queue *q, void *item)
{
    pthread_mutex_lock(&q->mutex);
    while (q->count == RING_SIZE) pthread_cond_wait(&q->not_full, &q->mutex);
    q->items[(q->head + q->count++) % RING_SIZE] = item;
    pthread_cond_signal(&q->not_empty);
    pthread_mutex_unlock(&q->mutex);
}

static void *ring_get(ring_queue *q)
{
    void *item;
    pthread_mutex_lock(&q->mutex);
    while (q->count == 0) pthread_cond_wait(&q->not_empty, &q->mutex);
    item = q->items[q->head];
    q->head = (q->head + 1) % RING_SIZE;
    q->count--;
    pthread_cond_signal(&q->not_full);
    pthread_mutex_unlock(&q->mutex);
    return item;
}

static void ring_transfer(bench_state *s, int64_t n)
{
    ring_queue *q = (ring_queue *)bench_shared_current();
    bench_batch_begin(s);
    if (bench_thread(s) % 2 == 0) {
        for (int64_t i = 0; i < n; i++) ring_put(q, (void *)(uintptr_t)(i + 1));
    } else {
        for (int64_t i = 0; i < n; i++) (void)ring_get(q);
    }
    bench_batch_end(s, n);
}

static void ring_teardown(bench_state *s)
{
    ring_queue *q = (ring_queue *)bench_shared_current();
    pthread_cond_destroy(&q->not_full);
    pthread_cond_destroy(&q->not_empty);
    pthread_mutex_destroy(&q->mutex);
    bench_report_span(s, "items_per_s", 2);
}

/* ----------------------------------------------------------- registration */

BENCH_REGISTER(register_posix)
{
    pmutex_register("pthread_mutex");
    prmutex_register("pthread_mutex_recursive");
    prwlock_register("pthread_rwlock");
    bench_add("once_done", "pthread_once", once_done, once_setup, NULL, NULL, NULL, 1000, NULL);

    bench_add("pingpong_event", "pthread_cond", cond_event_pingpong, cond_event_pingpong_setup,
              NULL, cond_event_pingpong_teardown, NULL, 64, bench_threads_pair);
    bench_add("pingpong_event", "sem_t", sem_pingpong, sem_pingpong_setup, NULL,
              sem_pingpong_teardown, NULL, 64, bench_threads_pair);
    bench_add("pingpong_semaphore", "sem_t", sem_pingpong, sem_pingpong_setup, NULL,
              sem_pingpong_teardown, NULL, 64, bench_threads_pair);
    bench_add("pingpong_condition", "pthread_cond", cond_pingpong, cond_pingpong_setup, NULL,
              cond_pingpong_teardown, NULL, 64, bench_threads_pair);

    bench_add("idle_event_set", "pthread_cond", idle_event_set, idle_setup, NULL, idle_teardown,
              NULL, 1000, NULL);
    bench_add("idle_condition_notify", "pthread_cond", idle_cond_signal, idle_setup, NULL,
              idle_teardown, NULL, 1000, NULL);
    bench_add("idle_semaphore_release", "sem_t", idle_sem_post, idle_setup, NULL, idle_teardown,
              NULL, 1000, NULL);

    bench_add("thread_start_join", "pthread", thread_start_join, NULL, NULL, NULL, NULL, 1, NULL);

    bench_add("queue_1p1c_bounded16", "pthread_cond_ring", ring_transfer, ring_setup, NULL,
              ring_teardown, NULL, 256, bench_threads_pair);
    bench_add("queue_4p4c_bounded16", "pthread_cond_ring", ring_transfer, ring_setup, NULL,
              ring_teardown, NULL, 256, bench_threads_4x4);

    bench_size("pthread_mutex_t", sizeof(pthread_mutex_t));
    bench_size("pthread_cond_t", sizeof(pthread_cond_t));
    bench_size("sem_t", sizeof(sem_t));
    bench_size("pthread_rwlock_t", sizeof(pthread_rwlock_t));
    bench_size("pthread_once_t", sizeof(pthread_once_t));
}
