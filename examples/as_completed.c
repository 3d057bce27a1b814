/* SPDX-License-Identifier: MIT */
/* as_completed: collect results as the tasks finish, not in submit order.
 *
 *     def task(n):
 *         ...                       # task n finishes only after task n + 1
 *         return n * n
 *
 *     with ThreadPoolExecutor(max_workers=5) as executor:
 *         futures = {executor.submit(task, n): n for n in range(5)}
 *         for future in as_completed(futures):
 *             print(f'task {futures[future]} returned {future.result()}')
 *     print('all tasks complete')
 *
 * To make the output the same on every run, task n waits until task n + 1's
 * future is done (a done-callback opens its gate), so they finish 4, 3, 2, 1,
 * 0: as_completed hands them out in exactly that order. The last task waits
 * for a start gate that opens once the iterator exists: futures already done
 * when it is made would come first, in the array's order.
 */
#include <cthreading.h>
#include <stdint.h>
#include <stdio.h>

#define TASKS 5

struct task {
    int n;
    ct_event *after;   /* the gate of task n + 1, or the start gate for the last task */
    ct_event gate;     /* opened once this task's future is done */
};

static void *task(void *arg)
{
    struct task *t = arg;
    ct_event_wait(t->after, CT_FOREVER);
    return (void *)(intptr_t)(t->n * t->n);
}

static void open_gate(ct_future *future, void *arg)
{
    (void)future;
    ct_event_set(arg);
}

int main(void)
{
    ct_pool *executor;
    ct_future *futures[TASKS], *future;
    struct task tasks[TASKS];
    ct_as_completed *it;
    ct_event start = CT_EVENT_INIT;
    int status = ct_pool_new(&executor, TASKS, NULL);
    if (status != CT_OK) {
        fprintf(stderr, "ct_pool_new: %s\n", ct_strerror(status));
        return 1;
    }
    for (int n = 0; n < TASKS; n++) {
        tasks[n].n = n;
        tasks[n].after = n + 1 < TASKS ? &tasks[n + 1].gate : &start;
        ct_event_init(&tasks[n].gate);
    }
    for (int n = 0; n < TASKS; n++) {
        status = ct_pool_submit(executor, &futures[n], task, &tasks[n]);
        if (status == CT_OK) status = ct_future_add_done_callback(futures[n], open_gate, &tasks[n].gate);
        if (status != CT_OK) {
            fprintf(stderr, "ct_pool_submit: %s\n", ct_strerror(status));
            return 1;
        }
    }
    status = ct_as_completed_new(&it, futures, TASKS, CT_FOREVER);
    if (status != CT_OK) {
        fprintf(stderr, "ct_as_completed_new: %s\n", ct_strerror(status));
        return 1;
    }
    ct_event_set(&start);
    while (ct_as_completed_next(it, &future) == CT_OK) {
        void *result;
        int n = 0;
        while (futures[n] != future) n++;   /* futures[future] */
        ct_future_result(future, &result, CT_FOREVER);
        printf("task %d returned %d\n", n, (int)(intptr_t)result);
    }
    ct_as_completed_release(it);
    for (int n = 0; n < TASKS; n++) ct_future_release(futures[n]);
    ct_pool_release(executor);
    printf("all tasks complete\n");
    return 0;
}
