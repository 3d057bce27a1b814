/* SPDX-License-Identifier: MIT */
/* Daemon threads: the process does not wait for them at exit.
 *
 *     def heartbeat():                 # runs forever
 *         while True:
 *             print("daemon: heartbeat"); time.sleep(0.1)
 *
 *     def worker():                    # finishes after main returns
 *         main_returning.wait(); time.sleep(0.2)
 *         print("worker: finished after main returned")
 *
 *     threading.Thread(target=heartbeat, daemon=True).start()
 *     threading.Thread(target=worker).start()
 *     print("main: returning without joining either thread")
 *
 * When main returns, the runtime waits for the non-daemon worker (as Python
 * does at interpreter exit), then the process ends and takes the heartbeat
 * thread with it.
 */
#include <cthreading.h>
#include <stdio.h>

static ct_event main_returning = CT_EVENT_INIT;

static void heartbeat(void *arg)
{
    (void)arg;
    for (int beat = 1;; beat++) {
        printf("daemon: heartbeat %d\n", beat);
        ct_sleep(0.1);
    }
}

static void worker(void *arg)
{
    (void)arg;
    ct_event_wait(&main_returning, CT_FOREVER);
    ct_sleep(0.2);
    printf("worker: finished after main returned\n");
}

static int start(void (*target)(void *), const char *name, int daemon)
{
    ct_thread_options options = CT_THREAD_OPTIONS_INIT;
    options.name = name;
    options.daemon = daemon;
    ct_thread *thread;
    int status = ct_thread_start(&thread, target, NULL, &options);
    if (status != CT_OK) {
        fprintf(stderr, "ct_thread_start: %s\n", ct_strerror(status));
        return status;
    }
    printf("%s thread is a daemon: %s\n", ct_thread_name(thread),
           ct_thread_is_daemon(thread) ? "yes" : "no");
    /* Dropping the handle neither stops the thread nor hides it from the exit wait. */
    ct_thread_release(thread);
    return CT_OK;
}

int main(void)
{
    if (start(heartbeat, "heartbeat", 1) != CT_OK || start(worker, "worker", 0) != CT_OK)
        return 1;
    printf("main: returning without joining either thread\n");
    ct_event_set(&main_returning);
    return 0;
}
