/* SPDX-License-Identifier: MIT */
/* threading.Lock guarding a shared counter: 10 threads add 1,000 each.
 *
 *     counter = 0
 *     lock = threading.Lock()
 *
 *     def increment():
 *         global counter
 *         for _ in range(1000):
 *             with lock:
 *                 counter += 1
 *
 * Without the lock, increments from different threads would be lost.
 */
#include <cthreading.h>
#include <stdio.h>

#define THREAD_COUNT 10
#define INCREMENTS_PER_THREAD 1000

static ct_lock counter_lock = CT_LOCK_INIT;
static long counter;

static void increment(void *arg)
{
    (void)arg;
    for (int i = 0; i < INCREMENTS_PER_THREAD; i++) {
        ct_lock_acquire(&counter_lock);
        counter++;
        ct_lock_release(&counter_lock);
    }
}

int main(void)
{
    ct_thread *threads[THREAD_COUNT];
    for (int i = 0; i < THREAD_COUNT; i++) {
        int status = ct_thread_start(&threads[i], increment, NULL, NULL);
        if (status != CT_OK) {
            fprintf(stderr, "ct_thread_start: %s\n", ct_strerror(status));
            return 1;
        }
    }
    for (int i = 0; i < THREAD_COUNT; i++) {
        ct_thread_join(threads[i], CT_FOREVER);
        ct_thread_release(threads[i]);
    }
    printf("Final counter value: %ld\n", counter);
    return counter == THREAD_COUNT * INCREMENTS_PER_THREAD ? 0 : 1;
}
