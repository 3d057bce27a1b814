/* SPDX-License-Identifier: MIT */
/* threading.Thread(target=worker): start a thread running a function, then join it.
 *
 *     def worker():
 *         print("Worker thread is running")
 *
 *     t = threading.Thread(target=worker)
 *     t.start()
 *     t.join()
 *     print("Worker thread has finished")
 */
#include <cthreading.h>
#include <stdio.h>

static void worker(void *arg)
{
    (void)arg;
    printf("Worker thread is running\n");
}

int main(void)
{
    ct_thread *thread;
    int status = ct_thread_start(&thread, worker, NULL, NULL);
    if (status != CT_OK) {
        fprintf(stderr, "ct_thread_start: %s\n", ct_strerror(status));
        return 1;
    }
    ct_thread_join(thread, CT_FOREVER);
    printf("Worker thread has finished\n");
    ct_thread_release(thread);
    return 0;
}
