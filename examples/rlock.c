/* SPDX-License-Identifier: MIT */
/* threading.RLock: a lock its owner may take again, so a recursive function
 * can hold it at every level; it is free once every level has released it.
 *
 *     rlock = threading.RLock()
 *
 *     def countdown(n):
 *         with rlock:
 *             if n > 0:
 *                 print(f"Level {n}: holding the RLock")
 *                 countdown(n - 1)
 *
 * A plain Lock would deadlock on the second level.
 */
#include <cthreading.h>
#include <stdio.h>

#define THREAD_COUNT 4
#define SUM_DEPTH 100

static ct_rlock rlock = CT_RLOCK_INIT;
static long total;

static void countdown(int n)
{
    ct_rlock_acquire(&rlock);
    if (n > 0) {
        printf("Level %d: holding the RLock\n", n);
        countdown(n - 1);
    } else {
        printf("Level 0: bottom reached\n");
    }
    ct_rlock_release(&rlock);
}

/* Adds depth + (depth - 1) + ... + 1 to the total, taking the RLock at every level. */
static void add_recursively(int depth)
{
    ct_rlock_acquire(&rlock);
    if (depth > 0) {
        total += depth;
        add_recursively(depth - 1);
    }
    ct_rlock_release(&rlock);
}

static void summing_thread(void *arg)
{
    (void)arg;
    add_recursively(SUM_DEPTH);
}

/* A mistake on purpose, which clang's -Wthread-safety would catch. */
CT_NO_THREAD_SAFETY_ANALYSIS static int release_not_owned(void)
{
    return ct_rlock_release(&rlock);
}

int main(void)
{
    countdown(3);
    printf("RLock still locked after the recursion: %s\n", ct_rlock_locked(&rlock) ? "yes" : "no");

    ct_thread *threads[THREAD_COUNT];
    for (int i = 0; i < THREAD_COUNT; i++) {
        int status = ct_thread_start(&threads[i], summing_thread, NULL, NULL);
        if (status != CT_OK) {
            fprintf(stderr, "ct_thread_start: %s\n", ct_strerror(status));
            return 1;
        }
    }
    for (int i = 0; i < THREAD_COUNT; i++) {
        ct_thread_join(threads[i], CT_FOREVER);
        ct_thread_release(threads[i]);
    }
    printf("Total from %d threads: %ld\n", THREAD_COUNT, total);

    int status = release_not_owned();
    printf("Releasing an RLock this thread does not own: %s\n",
           status == CT_EPERM ? "CT_EPERM (RuntimeError)" : ct_strerror(status));
    return 0;
}
