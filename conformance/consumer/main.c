/* SPDX-License-Identifier: MIT */
/* A consumer of the installed library: the header's inline lock fast path
 * (which calls exported ct__ slow paths), threads, a queue and a thread pool,
 * and the version macros checked against the version the package reports
 * (EXPECTED_VERSION, from find_package or pkg-config --modversion). */
#include <cthreading.h>

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define THREADS 4
#define INCREMENTS 10000

static ct_lock lock = CT_LOCK_INIT;
static long counter;

static void increment(void *arg)
{
    (void)arg;
    for (int i = 0; i < INCREMENTS; i++) {
        ct_lock_acquire(&lock);
        counter++;
        ct_lock_release(&lock);
    }
}

static void *twice(void *arg)
{
    return (void *)((uintptr_t)arg * 2);
}

static int fail(const char *what)
{
    fprintf(stderr, "consumer: %s\n", what);
    return 1;
}

int main(void)
{
    char version[32];
    ct_thread *threads[THREADS];
    ct_queue *queue = NULL;
    ct_pool *pool = NULL;
    ct_future *future = NULL;
    void *item = NULL, *result = NULL;

    snprintf(version, sizeof version, "%d.%d.%d", CT_VERSION_MAJOR, CT_VERSION_MINOR, CT_VERSION_PATCH);
    if (strcmp(version, EXPECTED_VERSION) != 0) {
        fprintf(stderr, "consumer: the header says %s, the package %s\n", version, EXPECTED_VERSION);
        return 1;
    }
    if (CT_VERSION != CT_VERSION_MAJOR * 10000 + CT_VERSION_MINOR * 100 + CT_VERSION_PATCH)
        return fail("CT_VERSION does not match its parts");

    for (int i = 0; i < THREADS; i++)
        if (ct_thread_start(&threads[i], increment, NULL, NULL) != CT_OK) return fail("ct_thread_start");
    for (int i = 0; i < THREADS; i++) {
        if (ct_thread_join(threads[i], CT_FOREVER) != CT_OK) return fail("ct_thread_join");
        ct_thread_release(threads[i]);
    }
    if (counter != (long)THREADS * INCREMENTS) return fail("the counter lost increments");

    if (ct_queue_new(&queue, CT_QUEUE_FIFO, 0, NULL) != CT_OK) return fail("ct_queue_new");
    if (ct_queue_put(queue, &counter, 1.0) != CT_OK || ct_queue_get(queue, &item, 1.0) != CT_OK ||
        item != &counter)
        return fail("the queue");
    ct_queue_release(queue);

    if (ct_pool_new(&pool, 2, NULL) != CT_OK) return fail("ct_pool_new");
    if (ct_pool_submit(pool, &future, twice, (void *)21) != CT_OK) return fail("ct_pool_submit");
    if (ct_future_result(future, &result, 30.0) != CT_OK || (uintptr_t)result != 42)
        return fail("the future's result");
    ct_future_release(future);
    ct_pool_release(pool);

    printf("consumer: cthreading %s works (%s)\n", version, ct_strerror(CT_OK));
    return 0;
}
