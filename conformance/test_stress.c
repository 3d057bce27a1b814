/* SPDX-License-Identifier: MIT */
/* Many threads at once: 200 threads hammering one Lock, 200 threads alive
 * together in the registry. */
#include "harness.h"

#include <string.h>

#define HAMMER_THREADS 200
#define ROUNDS 2000
#define HOLD_EVERY 200

typedef struct hammer_shared {
    ct_lock lock;
    ct_event go;
    long counter;
    int holders;      /* threads inside the critical section: never above 1 */
} hammer_shared;

typedef struct hammer {
    hammer_shared *shared;
    int id;
    long acquired;
    long timeouts;
} hammer;

/* Every other round, alternating by thread, takes the lock with a short timed
 * acquire and retries on CT_ETIMEDOUT; the others block. */
CT_NO_THREAD_SAFETY_ANALYSIS static void hammer_lock(void *arg)
{
    hammer *self = (hammer *)arg;
    hammer_shared *shared = self->shared;
    int round, status;
    long counter_before;
    CHECK(ct_event_wait(&shared->go, 60.0));
    for (round = 0; round < ROUNDS; round++) {
        if ((round + self->id) % 2 == 0) {
            ct_lock_acquire(&shared->lock);
        } else {
            double timeout = 0.0005 * (1 + round % 4);
            while ((status = ct_lock_acquire_timeout(&shared->lock, timeout)) == CT_ETIMEDOUT)
                self->timeouts++;
            CHECK_OK(status);
        }
        CHECK_EQ(shared->holders, 0);
        shared->holders++;
        counter_before = shared->counter;
        /* Now and then hold the lock across a sleep, so that the others
         * really queue up, park, time out and get the lock handed over. */
        if (round % HOLD_EVERY == HOLD_EVERY - 1) ct_sleep(0.0001);
        shared->counter = counter_before + 1;
        self->acquired++;
        shared->holders--;
        CHECK_OK(ct_lock_release(&shared->lock));
    }
}

TEST_TIMEOUT(lock_200_threads, 300)
{
    static hammer_shared shared;
    static hammer hammers[HAMMER_THREADS];
    static ct_thread *threads[HAMMER_THREADS];
    ct_thread_options options = CT_THREAD_OPTIONS_INIT;
    long timeouts = 0;
    double start;
    int i;

    memset(&shared, 0, sizeof shared);
    ct_lock_init(&shared.lock);
    ct_event_init(&shared.go);
    options.stack_size = 256 * 1024;
    for (i = 0; i < HAMMER_THREADS; i++) {
        hammers[i].shared = &shared;
        hammers[i].id = i;
        hammers[i].acquired = hammers[i].timeouts = 0;
        CHECK_OK(ct_thread_start(&threads[i], hammer_lock, &hammers[i], &options));
    }
    start = ct_monotonic();
    ct_event_set(&shared.go);
    for (i = 0; i < HAMMER_THREADS; i++) ct_test_join(threads[i]);

    CHECK(!ct_lock_locked(&shared.lock));
    CHECK_EQ(shared.counter, (long)HAMMER_THREADS * ROUNDS);
    for (i = 0; i < HAMMER_THREADS; i++) {
        CHECK_MSG(hammers[i].acquired == ROUNDS, "thread %d got the lock %ld times of %d", i,
                  hammers[i].acquired, ROUNDS);
        timeouts += hammers[i].timeouts;
    }
    printf("%d threads x %d rounds in %.3f s, %ld timed acquires ran out\n", HAMMER_THREADS,
           ROUNDS, ct_monotonic() - start, timeouts);
}

#define ALIVE_THREADS 200

static void wait_for_go(void *arg)
{
    CHECK(ct_event_wait((ct_event *)arg, 60.0));
}

TEST_TIMEOUT(threads_200_alive_together, 300)
{
    static ct_thread *threads[ALIVE_THREADS];
    static ct_thread *listed[ALIVE_THREADS + 64];
    ct_thread_options options = CT_THREAD_OPTIONS_INIT;
    ct_event go = CT_EVENT_INIT;
    size_t baseline = ct_active_count(), total, i, j;

    options.stack_size = 256 * 1024;
    for (i = 0; i < ALIVE_THREADS; i++)
        CHECK_OK(ct_thread_start(&threads[i], wait_for_go, &go, &options));
    CHECK_EQ_U(ct_active_count(), baseline + ALIVE_THREADS);
    total = ct_enumerate(listed, ALIVE_THREADS + 64);
    CHECK_EQ_U(total, baseline + ALIVE_THREADS);
    for (i = 0; i < ALIVE_THREADS; i++) {
        uint64_t ident = ct_thread_ident(threads[i]);
        bool found = false;
        CHECK(ident != 0);
        for (j = 0; j < total; j++) found = found || ct_thread_ident(listed[j]) == ident;
        CHECK_MSG(found, "thread %d missing from ct_enumerate", (int)i);
        for (j = 0; j < i; j++) CHECK(ct_thread_ident(threads[j]) != ident);
    }
    for (j = 0; j < total; j++) ct_thread_release(listed[j]);

    ct_event_set(&go);
    for (i = 0; i < ALIVE_THREADS; i++) ct_test_join(threads[i]);
    CHECK_EQ_U(ct_active_count(), baseline);
}
