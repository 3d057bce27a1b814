/* SPDX-License-Identifier: MIT */
/* threading.Event: worker threads wait until the main thread says "go".
 *
 *     go = threading.Event()
 *
 *     def worker(i):
 *         results[i] = go.wait()
 *
 *     ...start the workers...
 *     go.wait(timeout=0.05)   # False: nobody has set it yet
 *     go.set()                # wakes every waiter at once
 */
#include <cthreading.h>
#include <stdbool.h>
#include <stdio.h>

#define WORKER_COUNT 3

static ct_event go = CT_EVENT_INIT;

struct worker {
    int index;
    bool saw_event;
};

static void worker(void *arg)
{
    struct worker *self = arg;
    self->saw_event = ct_event_wait(&go, CT_FOREVER);
}

static const char *yes_no(bool value)
{
    return value ? "yes" : "no";
}

int main(void)
{
    printf("Event set at start: %s\n", yes_no(ct_event_is_set(&go)));

    struct worker workers[WORKER_COUNT];
    ct_thread *threads[WORKER_COUNT];
    for (int i = 0; i < WORKER_COUNT; i++) {
        workers[i].index = i + 1;
        workers[i].saw_event = false;
        int status = ct_thread_start(&threads[i], worker, &workers[i], NULL);
        if (status != CT_OK) {
            fprintf(stderr, "ct_thread_start: %s\n", ct_strerror(status));
            return 1;
        }
    }

    bool early = ct_event_wait(&go, 0.05);
    printf("Main waited 0.05 s before setting it: wait returned %s\n", early ? "true" : "false");

    printf("Main: setting the event\n");
    ct_event_set(&go);
    for (int i = 0; i < WORKER_COUNT; i++) {
        ct_thread_join(threads[i], CT_FOREVER);
        ct_thread_release(threads[i]);
    }
    for (int i = 0; i < WORKER_COUNT; i++)
        printf("Worker %d: wait returned %s\n", workers[i].index,
               workers[i].saw_event ? "true" : "false");

    ct_event_clear(&go);
    printf("Event set after clear: %s\n", yes_no(ct_event_is_set(&go)));
    return 0;
}
