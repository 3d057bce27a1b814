/* SPDX-License-Identifier: MIT */
/* ThreadPoolExecutor(max_workers=3) running 5 workers:
 *
 *     def worker(n):
 *         time.sleep(0.05 * (5 - n))    # later workers finish first
 *         return n * n
 *
 *     with ThreadPoolExecutor(max_workers=3) as executor:
 *         futures = [executor.submit(worker, n) for n in range(5)]
 *         for n, future in enumerate(futures):
 *             print(f'worker {n} returned {future.result()}')
 *     # leaving the with block is executor.shutdown(wait=True)
 *
 * Results are printed in submission order, whichever worker finishes first;
 * each worker also notes which pool thread ran it, to show that no more than
 * three threads ever ran.
 */
#include <cthreading.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define WORKER_COUNT 5
#define MAX_WORKERS 3

struct job {
    int n;
    char thread_name[64];
};

static void *worker(void *arg)
{
    struct job *job = arg;
    ct_sleep(0.05 * (WORKER_COUNT - job->n));
    snprintf(job->thread_name, sizeof job->thread_name, "%s", ct_thread_name(ct_current_thread()));
    return (void *)(intptr_t)(job->n * job->n);
}

int main(void)
{
    ct_pool *executor;
    ct_future *futures[WORKER_COUNT];
    struct job jobs[WORKER_COUNT];
    int distinct_threads = 0;
    int status = ct_pool_new(&executor, MAX_WORKERS, "pool");
    if (status != CT_OK) {
        fprintf(stderr, "ct_pool_new: %s\n", ct_strerror(status));
        return 1;
    }
    for (int n = 0; n < WORKER_COUNT; n++) {
        jobs[n].n = n;
        status = ct_pool_submit(executor, &futures[n], worker, &jobs[n]);
        if (status != CT_OK) {
            fprintf(stderr, "ct_pool_submit: %s\n", ct_strerror(status));
            return 1;
        }
    }
    for (int n = 0; n < WORKER_COUNT; n++) {
        void *result;
        ct_future_result(futures[n], &result, CT_FOREVER);
        printf("worker %d returned %d\n", n, (int)(intptr_t)result);
        ct_future_release(futures[n]);
    }
    ct_pool_shutdown(executor, true, false);
    ct_pool_release(executor);

    for (int n = 0; n < WORKER_COUNT; n++) {
        int seen_before = 0;
        for (int m = 0; m < n; m++) seen_before |= strcmp(jobs[m].thread_name, jobs[n].thread_name) == 0;
        distinct_threads += !seen_before;
    }
    printf("%d workers ran on %d pool threads\n", WORKER_COUNT, distinct_threads);
    return 0;
}
