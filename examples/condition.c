/* SPDX-License-Identifier: MIT */
/* threading.Condition: a producer and a consumer sharing a bounded buffer.
 *
 *     condition = threading.Condition()
 *
 *     def producer():
 *         for item in range(1, 11):
 *             with condition:
 *                 while len(buffer) == CAPACITY:
 *                     condition.wait()
 *                 buffer.append(item)
 *                 condition.notify()
 *
 *     def consumer():
 *         while True:
 *             with condition:
 *                 condition.wait_for(lambda: buffer or finished)
 *                 ...
 *
 * The consumer's lines come out in order; the producer's interleave with them.
 */
#include <cthreading.h>
#include <stdbool.h>
#include <stdio.h>

#define CAPACITY 3
#define ITEM_COUNT 10

static ct_condition condition = CT_CONDITION_INIT;
static int buffer[CAPACITY];
static int buffer_head;
static int buffer_count;
static bool finished;

static int consumed_count;
static int consumed_sum;

static bool item_ready_or_finished(void *arg)
{
    (void)arg;
    return buffer_count > 0 || finished;
}

static void producer(void *arg)
{
    (void)arg;
    for (int item = 1; item <= ITEM_COUNT; item++) {
        ct_condition_acquire(&condition);
        while (buffer_count == CAPACITY)
            ct_condition_wait(&condition, CT_FOREVER);
        buffer[(buffer_head + buffer_count) % CAPACITY] = item;
        buffer_count++;
        printf("Produced item %d\n", item);
        ct_condition_notify(&condition, 1);
        ct_condition_release(&condition);
    }
    ct_condition_acquire(&condition);
    finished = true;
    ct_condition_notify_all(&condition);
    ct_condition_release(&condition);
}

static void consumer(void *arg)
{
    (void)arg;
    for (;;) {
        ct_condition_acquire(&condition);
        ct_condition_wait_for(&condition, item_ready_or_finished, NULL, CT_FOREVER);
        if (buffer_count == 0) {
            ct_condition_release(&condition);
            return;
        }
        int item = buffer[buffer_head];
        buffer_head = (buffer_head + 1) % CAPACITY;
        buffer_count--;
        ct_condition_notify(&condition, 1);
        ct_condition_release(&condition);

        printf("Consumed item %d\n", item);
        consumed_count++;
        consumed_sum += item;
    }
}

int main(void)
{
    ct_thread *consumer_thread, *producer_thread;
    int status = ct_thread_start(&consumer_thread, consumer, NULL, NULL);
    if (status == CT_OK)
        status = ct_thread_start(&producer_thread, producer, NULL, NULL);
    if (status != CT_OK) {
        fprintf(stderr, "ct_thread_start: %s\n", ct_strerror(status));
        return 1;
    }
    ct_thread_join(producer_thread, CT_FOREVER);
    ct_thread_join(consumer_thread, CT_FOREVER);
    ct_thread_release(producer_thread);
    ct_thread_release(consumer_thread);
    printf("Consumer received %d items, sum %d\n", consumed_count, consumed_sum);
    return 0;
}
