/* SPDX-License-Identifier: MIT */
/* Several threads started together and joined, results read after the joins.
 *
 *     def square(i):
 *         time.sleep(0.01 * (5 - i))   # finish in reverse order
 *         results[i] = i * i
 *
 *     threads = [threading.Thread(target=square, args=(i,)) for i in range(5)]
 *     for t in threads: t.start()
 *     for t in threads: t.join()
 *
 * Output is printed only after every join, so it does not depend on scheduling.
 */
#include <cthreading.h>
#include <stdio.h>

#define THREAD_COUNT 5

struct job {
    int input;
    int result;
};

static void square(void *arg)
{
    struct job *job = arg;
    ct_sleep(0.01 * (THREAD_COUNT - job->input));
    job->result = job->input * job->input;
}

int main(void)
{
    struct job jobs[THREAD_COUNT];
    ct_thread *threads[THREAD_COUNT];

    for (int i = 0; i < THREAD_COUNT; i++) {
        jobs[i].input = i;
        jobs[i].result = -1;
        int status = ct_thread_start(&threads[i], square, &jobs[i], NULL);
        if (status != CT_OK) {
            fprintf(stderr, "ct_thread_start: %s\n", ct_strerror(status));
            return 1;
        }
    }
    for (int i = 0; i < THREAD_COUNT; i++)
        ct_thread_join(threads[i], CT_FOREVER);

    for (int i = 0; i < THREAD_COUNT; i++) {
        printf("%s: %d squared is %d (alive: %s)\n", ct_thread_name(threads[i]), jobs[i].input,
               jobs[i].result, ct_thread_is_alive(threads[i]) ? "yes" : "no");
        ct_thread_release(threads[i]);
    }
    printf("All %d threads finished\n", THREAD_COUNT);
    return 0;
}
