/* SPDX-License-Identifier: MIT */
/* Producer and consumer around a bounded queue.Queue, with task_done/join and
 * Python 3.13's shutdown to stop the consumer:
 *
 *     q = queue.Queue(maxsize=3)
 *
 *     def producer():
 *         for item in range(10):
 *             q.put(item)              # blocks while 3 items wait
 *
 *     def consumer():
 *         while True:
 *             try:
 *                 item = q.get()
 *             except queue.ShutDown:
 *                 break
 *             print(f'Working on {item}')
 *             print(f'Finished {item}')
 *             q.task_done()
 *
 *     c = threading.Thread(target=consumer); c.start()
 *     p = threading.Thread(target=producer); p.start()
 *     p.join()
 *     q.join()                         # every item put has been task_done()
 *     print('All work completed')
 *     q.shutdown()
 *     c.join()
 *
 * One consumer takes items in FIFO order, so the output is deterministic.
 */
#include <cthreading.h>
#include <stdint.h>
#include <stdio.h>

#define ITEM_COUNT 10

static void producer(void *arg)
{
    ct_queue *q = arg;
    for (uintptr_t item = 0; item < ITEM_COUNT; item++) ct_queue_put(q, (void *)item, CT_FOREVER);
}

static void consumer(void *arg)
{
    ct_queue *q = arg;
    void *item;
    while (ct_queue_get(q, &item, CT_FOREVER) != CT_ESHUTDOWN) {
        printf("Working on %d\n", (int)(uintptr_t)item);
        printf("Finished %d\n", (int)(uintptr_t)item);
        ct_queue_task_done(q);
    }
    printf("Consumer saw the queue shut down\n");
}

int main(void)
{
    ct_queue *q;
    ct_thread *consumer_thread, *producer_thread;
    int status = ct_queue_new(&q, CT_QUEUE_FIFO, 3, NULL);
    if (status != CT_OK) {
        fprintf(stderr, "ct_queue_new: %s\n", ct_strerror(status));
        return 1;
    }
    if ((status = ct_thread_start(&consumer_thread, consumer, q, NULL)) != CT_OK ||
        (status = ct_thread_start(&producer_thread, producer, q, NULL)) != CT_OK) {
        fprintf(stderr, "ct_thread_start: %s\n", ct_strerror(status));
        return 1;
    }
    ct_thread_join(producer_thread, CT_FOREVER);
    ct_queue_join(q, CT_FOREVER);
    printf("All work completed\n");
    fflush(stdout);
    ct_queue_shutdown(q, false);
    ct_thread_join(consumer_thread, CT_FOREVER);
    ct_thread_release(producer_thread);
    ct_thread_release(consumer_thread);
    ct_queue_release(q);
    return 0;
}
