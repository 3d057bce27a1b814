/* SPDX-License-Identifier: MIT */
/* A contention profile: which locks does this program wait on, and how long?
 * Python has no such hook (Abseil has RegisterMutexTracer, Go has
 * SetMutexProfileFraction); ct_set_contention_hook is called after every wait
 * that slept, with the primitive and the seconds waited.
 *
 * Four threads share a hot lock, held for a millisecond at a time, and a cold
 * lock, held for an instant. The hook adds up the waits per lock, and the
 * program prints the locks by total wait: the hot lock comes first.
 */
#include <cthreading.h>
#include <stdio.h>

#define THREAD_COUNT 4
#define ROUNDS 25
#define MAX_LOCKS 8

typedef struct lock_profile {
    const void *lock;
    long waits;
    double total;
} lock_profile;

static ct_lock profile_lock = CT_LOCK_INIT;
static lock_profile profiles[MAX_LOCKS] CT_GUARDED_BY(profile_lock);
static int profile_count CT_GUARDED_BY(profile_lock);

static ct_lock hot = CT_LOCK_INIT;
static ct_lock cold = CT_LOCK_INIT;
static long hot_work CT_GUARDED_BY(hot);
static long cold_work CT_GUARDED_BY(cold);

/* Runs in the thread that waited, holding the lock it waited for. */
static void on_contention(const void *lock, double waited, void *ctx)
{
    (void)ctx;
    ct_lock_acquire(&profile_lock);
    int i = 0;
    while (i < profile_count && profiles[i].lock != lock) i++;
    if (i == profile_count && profile_count < MAX_LOCKS) {
        profiles[i].lock = lock;
        profile_count++;
    }
    if (i < profile_count) {
        profiles[i].waits++;
        profiles[i].total += waited;
    }
    ct_lock_release(&profile_lock);
}

static void worker(void *arg)
{
    (void)arg;
    for (int round = 0; round < ROUNDS; round++) {
        ct_lock_acquire(&hot);
        hot_work++;
        ct_sleep(0.001);
        ct_lock_release(&hot);

        ct_lock_acquire(&cold);
        cold_work++;
        ct_lock_release(&cold);
    }
}

static const char *name_of(const void *lock)
{
    return lock == &hot ? "hot" : lock == &cold ? "cold" : "other";
}

static void print_profile(void) CT_EXCLUDES(profile_lock);
static void print_profile(void)
{
    ct_lock_acquire(&profile_lock);
    /* Selection sort by total wait, longest first. */
    for (int i = 0; i < profile_count; i++) {
        int longest = i;
        for (int j = i + 1; j < profile_count; j++)
            if (profiles[j].total > profiles[longest].total) longest = j;
        lock_profile swap = profiles[i];
        profiles[i] = profiles[longest];
        profiles[longest] = swap;
    }
    printf("Top locks by total wait:\n");
    for (int i = 0; i < profile_count; i++) {
        printf("#%d: %s\n", i + 1, name_of(profiles[i].lock));
        printf("    %ld waits, %.3f s in all\n", profiles[i].waits, profiles[i].total);
    }
    ct_lock_release(&profile_lock);
}

int main(void)
{
    ct_thread *threads[THREAD_COUNT];
    ct_set_contention_hook(on_contention, NULL);
    for (int i = 0; i < THREAD_COUNT; i++) {
        int status = ct_thread_start(&threads[i], worker, NULL, NULL);
        if (status != CT_OK) {
            fprintf(stderr, "ct_thread_start: %s\n", ct_strerror(status));
            return 1;
        }
    }
    for (int i = 0; i < THREAD_COUNT; i++) {
        ct_thread_join(threads[i], CT_FOREVER);
        ct_thread_release(threads[i]);
    }
    ct_set_contention_hook(NULL, NULL);
    print_profile();
    return 0;
}
