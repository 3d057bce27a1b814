/* SPDX-License-Identifier: MIT */
/* A read-mostly cache behind a ct_rwlock: many readers look prices up at
 * once; a writer now and then takes the lock alone to update them. Python has
 * no read-write lock (a Lock would let one reader in at a time); this is the
 * pthread_rwlock_t / SRWLOCK pattern, on the same parking lot as ct_lock.
 *
 * A reader must not take the read lock again while it holds it: with a writer
 * waiting, the second acquire waits for the writer, which waits for the first.
 */
#include <cthreading.h>
#include <stdio.h>

#define ITEMS 4
#define READERS 6
#define LOOKUPS 20000
#define UPDATES 100

static ct_rwlock cache_lock = CT_RWLOCK_INIT;
static long prices[ITEMS] = { 100, 200, 300, 400 };   /* guarded by cache_lock */
static long version;                                  /* guarded by cache_lock */

static long torn_reads;   /* each reader adds its own count under result_lock */
static ct_lock result_lock = CT_LOCK_INIT;

static void reader(void *arg)
{
    long torn = 0;
    (void)arg;
    for (int i = 0; i < LOOKUPS; i++) {
        ct_rwlock_acquire_read(&cache_lock);
        /* Every update moves all prices together: a reader never sees half of one. */
        for (int item = 1; item < ITEMS; item++)
            if (prices[item] - prices[0] != 100 * item) torn++;
        ct_rwlock_release_read(&cache_lock);
    }
    ct_lock_acquire(&result_lock);
    torn_reads += torn;
    ct_lock_release(&result_lock);
}

static void writer(void *arg)
{
    (void)arg;
    for (int i = 0; i < UPDATES; i++) {
        ct_rwlock_acquire_write(&cache_lock);
        for (int item = 0; item < ITEMS; item++) prices[item] += 1;
        version++;
        ct_rwlock_release_write(&cache_lock);
        ct_sleep(0.0005);
    }
}

int main(void)
{
    ct_thread *threads[READERS + 1];
    for (int i = 0; i < READERS + 1; i++) {
        int status = ct_thread_start(&threads[i], i == 0 ? writer : reader, NULL, NULL);
        if (status != CT_OK) {
            fprintf(stderr, "ct_thread_start: %s\n", ct_strerror(status));
            return 1;
        }
    }
    for (int i = 0; i < READERS + 1; i++) {
        ct_thread_join(threads[i], CT_FOREVER);
        ct_thread_release(threads[i]);
    }
    printf("%d readers did %d lookups each; torn reads: %ld\n", READERS, LOOKUPS, torn_reads);
    printf("Cache version after the writer: %ld\n", version);
    printf("Prices: %ld %ld %ld %ld\n", prices[0], prices[1], prices[2], prices[3]);

    /* A timed acquire gives up (like Lock.acquire(timeout=...)) while a reader holds it. */
    ct_rwlock_acquire_read(&cache_lock);
    int status = ct_rwlock_acquire_write_timeout(&cache_lock, 0.01);
    printf("Write lock while a reader holds it: %s\n",
           status == CT_ETIMEDOUT ? "CT_ETIMEDOUT" : ct_strerror(status));
    ct_rwlock_release_read(&cache_lock);

    status = ct_rwlock_release_write(&cache_lock);
    printf("Releasing a write lock nobody holds: %s\n",
           status == CT_EPERM ? "CT_EPERM (RuntimeError)" : ct_strerror(status));
    return 0;
}
