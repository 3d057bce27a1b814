/* SPDX-License-Identifier: MIT */
/* queue.Queue, LifoQueue and PriorityQueue (Python 3.13, shutdown included).
 *
 * One lock and three conditions over it, exactly as queue.py: not_empty wakes
 * getters, not_full wakes putters, all_tasks_done wakes joiners. Items live in
 * one array: a ring for FIFO, a stack for LIFO, a binary heap for PRIORITY
 * (each heap entry carries an insertion number, so equal items leave in FIFO
 * order). A bounded queue preallocates its whole capacity up to
 * PREALLOC_LIMIT items, so put and get never allocate; larger and unbounded
 * queues grow and shrink geometrically.
 */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

#define PREALLOC_LIMIT ((size_t)1 << 16)
#define MIN_CAPACITY ((size_t)64)

typedef struct heap_entry {
    void *item;
    uint64_t seq;
} heap_entry;

struct ct_queue {
    ct_lock mutex;
    ct_condition not_empty;
    ct_condition not_full;
    ct_condition all_tasks_done;
    ct_queue_kind kind;
    bool is_shutdown;
    size_t maxsize;
    int (*compare)(const void *item_a, const void *item_b);
    size_t unfinished_tasks;
    size_t count;
    size_t head;            /* FIFO: index of the oldest item */
    size_t capacity;
    size_t base_capacity;   /* never shrink below this */
    uint64_t next_seq;      /* PRIORITY: insertion number of the next put */
    void **items;           /* FIFO and LIFO */
    heap_entry *heap;       /* PRIORITY */
};

/* ------------------------------------------------------------------ storage */

static size_t entry_size(const ct_queue *q)
{
    return q->kind == CT_QUEUE_PRIORITY ? sizeof(heap_entry) : sizeof(void *);
}

static int allocate_storage(ct_queue *q, size_t capacity)
{
    void *storage;
    if (capacity > SIZE_MAX / entry_size(q)) return CT_ENOMEM;
    storage = ct__malloc(capacity * entry_size(q));
    if (!storage) return CT_ENOMEM;
    if (q->kind == CT_QUEUE_PRIORITY) q->heap = (heap_entry *)storage;
    else q->items = (void **)storage;
    q->capacity = capacity;
    return CT_OK;
}

/* Moves the items into a buffer of new_capacity, unrolling the FIFO ring. */
static int resize(ct_queue *q, size_t new_capacity)
{
    void **old_items = q->items;
    heap_entry *old_heap = q->heap;
    size_t old_capacity = q->capacity;
    size_t first_part;
    int status = allocate_storage(q, new_capacity);
    if (status != CT_OK) return status;
    if (q->kind == CT_QUEUE_PRIORITY) {
        memcpy(q->heap, old_heap, q->count * sizeof *old_heap);
        ct__free(old_heap);
        return CT_OK;
    }
    first_part = old_capacity - q->head < q->count ? old_capacity - q->head : q->count;
    memcpy(q->items, old_items + q->head, first_part * sizeof *old_items);
    memcpy(q->items + first_part, old_items, (q->count - first_part) * sizeof *old_items);
    q->head = 0;
    ct__free(old_items);
    return CT_OK;
}

static int make_room(ct_queue *q)
{
    size_t wanted;
    if (q->count < q->capacity) return CT_OK;
    wanted = q->capacity > SIZE_MAX / 2 ? SIZE_MAX : q->capacity * 2;
    if (q->maxsize > 0 && wanted > q->maxsize) wanted = q->maxsize;
    return resize(q, wanted);
}

/* Gives memory back after a burst; failing to shrink is harmless. */
static void maybe_shrink(ct_queue *q)
{
    if (q->capacity > q->base_capacity && q->count <= q->capacity / 4) {
        size_t smaller = q->capacity / 2;
        (void)resize(q, smaller > q->base_capacity ? smaller : q->base_capacity);
    }
}

/* --------------------------------------------------------------------- heap */

static bool heap_before(const ct_queue *q, const heap_entry *a, const heap_entry *b)
{
    int order = q->compare(a->item, b->item);
    return order < 0 || (order == 0 && a->seq < b->seq);
}

static void heap_push(ct_queue *q, void *item)
{
    heap_entry entry = { item, q->next_seq++ };
    size_t i = q->count++;
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (!heap_before(q, &entry, &q->heap[parent])) break;
        q->heap[i] = q->heap[parent];
        i = parent;
    }
    q->heap[i] = entry;
}

static void *heap_pop(ct_queue *q)
{
    void *top = q->heap[0].item;
    heap_entry last = q->heap[--q->count];
    size_t i = 0;
    for (;;) {
        size_t child = 2 * i + 1;
        if (child >= q->count) break;
        if (child + 1 < q->count && heap_before(q, &q->heap[child + 1], &q->heap[child])) child++;
        if (!heap_before(q, &q->heap[child], &last)) break;
        q->heap[i] = q->heap[child];
        i = child;
    }
    if (q->count > 0) q->heap[i] = last;
    return top;
}

/* ---------------------------------------------------- _put / _get / _qsize */

static int store_item(ct_queue *q, void *item)
{
    int status = make_room(q);
    if (status != CT_OK) return status;
    switch (q->kind) {
    case CT_QUEUE_FIFO: {
        size_t tail = q->head + q->count;
        if (tail >= q->capacity) tail -= q->capacity;
        q->items[tail] = item;
        q->count++;
        break;
    }
    case CT_QUEUE_LIFO:
        q->items[q->count++] = item;
        break;
    case CT_QUEUE_PRIORITY:
        heap_push(q, item);
        break;
    }
    return CT_OK;
}

static void *take_item(ct_queue *q)
{
    void *item = NULL;
    switch (q->kind) {
    case CT_QUEUE_FIFO:
        item = q->items[q->head];
        if (++q->head == q->capacity) q->head = 0;
        q->count--;
        break;
    case CT_QUEUE_LIFO:
        item = q->items[--q->count];
        break;
    case CT_QUEUE_PRIORITY:
        item = heap_pop(q);
        break;
    }
    if (q->count == 0) q->head = 0;
    maybe_shrink(q);
    return item;
}

static bool is_full(const ct_queue *q)
{
    return q->maxsize > 0 && q->count >= q->maxsize;
}

/* ----------------------------------------------------------------- public */

int ct_queue_new(ct_queue **queue, ct_queue_kind kind, size_t maxsize,
                 int (*compare)(const void *item_a, const void *item_b))
{
    ct_queue *q;
    size_t capacity;
    if (!queue) return CT_EINVAL;
    *queue = NULL;
    if (kind != CT_QUEUE_FIFO && kind != CT_QUEUE_LIFO && kind != CT_QUEUE_PRIORITY)
        return CT_EINVAL;
    if ((kind == CT_QUEUE_PRIORITY) != (compare != NULL)) return CT_EINVAL;
    q = (ct_queue *)ct__calloc(1, sizeof *q);
    if (!q) return CT_ENOMEM;
    q->kind = kind;
    q->maxsize = maxsize;
    q->compare = compare;
    capacity = maxsize > 0 && maxsize <= PREALLOC_LIMIT ? maxsize : MIN_CAPACITY;
    if (maxsize > 0 && capacity > maxsize) capacity = maxsize;
    q->base_capacity = capacity;
    if (allocate_storage(q, capacity) != CT_OK) {
        ct__free(q);
        return CT_ENOMEM;
    }
    ct_lock_init(&q->mutex);
    ct_condition_init_lock(&q->not_empty, &q->mutex);
    ct_condition_init_lock(&q->not_full, &q->mutex);
    ct_condition_init_lock(&q->all_tasks_done, &q->mutex);
    *queue = q;
    return CT_OK;
}

int ct_queue_put(ct_queue *queue, void *item, double timeout)
{
    int64_t deadline;
    int status;
    if (!queue) return CT_EINVAL;
    status = ct__deadline(timeout, &deadline);
    if (status != CT_OK) return status;
    ct_lock_acquire(&queue->mutex);
    while (!queue->is_shutdown && is_full(queue)) {
        if (ct__deadline_passed(deadline)) {
            ct_lock_release(&queue->mutex);
            return CT_EFULL;
        }
        ct__condition_wait_until(&queue->not_full, deadline);
    }
    if (queue->is_shutdown) {
        ct_lock_release(&queue->mutex);
        return CT_ESHUTDOWN;
    }
    status = store_item(queue, item);
    if (status == CT_OK) {
        queue->unfinished_tasks++;
        ct_condition_notify(&queue->not_empty, 1);
    }
    ct_lock_release(&queue->mutex);
    return status;
}

int ct_queue_get(ct_queue *queue, void **item, double timeout)
{
    int64_t deadline;
    int status;
    if (!queue || !item) return CT_EINVAL;
    status = ct__deadline(timeout, &deadline);
    if (status != CT_OK) return status;
    ct_lock_acquire(&queue->mutex);
    while (queue->count == 0) {
        if (queue->is_shutdown) {
            ct_lock_release(&queue->mutex);
            return CT_ESHUTDOWN;
        }
        if (ct__deadline_passed(deadline)) {
            ct_lock_release(&queue->mutex);
            return CT_EEMPTY;
        }
        ct__condition_wait_until(&queue->not_empty, deadline);
    }
    *item = take_item(queue);
    ct_condition_notify(&queue->not_full, 1);
    ct_lock_release(&queue->mutex);
    return CT_OK;
}

int ct_queue_task_done(ct_queue *queue)
{
    int status = CT_OK;
    if (!queue) return CT_EINVAL;
    ct_lock_acquire(&queue->mutex);
    if (queue->unfinished_tasks == 0) {
        status = CT_EINVAL;
    } else if (--queue->unfinished_tasks == 0) {
        ct_condition_notify_all(&queue->all_tasks_done);
    }
    ct_lock_release(&queue->mutex);
    return status;
}

int ct_queue_join(ct_queue *queue, double timeout)
{
    int64_t deadline;
    int status;
    if (!queue) return CT_EINVAL;
    status = ct__deadline(timeout, &deadline);
    if (status != CT_OK) return status;
    ct_lock_acquire(&queue->mutex);
    while (queue->unfinished_tasks > 0) {
        if (ct__deadline_passed(deadline)) {
            status = CT_ETIMEDOUT;
            break;
        }
        ct__condition_wait_until(&queue->all_tasks_done, deadline);
    }
    ct_lock_release(&queue->mutex);
    return status;
}

size_t ct_queue_qsize(ct_queue *queue)
{
    size_t count;
    if (!queue) return 0;
    ct_lock_acquire(&queue->mutex);
    count = queue->count;
    ct_lock_release(&queue->mutex);
    return count;
}

bool ct_queue_empty(ct_queue *queue)
{
    return queue && ct_queue_qsize(queue) == 0;
}

bool ct_queue_full(ct_queue *queue)
{
    bool full;
    if (!queue) return false;
    ct_lock_acquire(&queue->mutex);
    full = is_full(queue);
    ct_lock_release(&queue->mutex);
    return full;
}

void ct_queue_shutdown(ct_queue *queue, bool immediate)
{
    if (!queue) return;
    ct_lock_acquire(&queue->mutex);
    queue->is_shutdown = true;
    if (immediate) {
        size_t discarded = queue->count;
        queue->unfinished_tasks -= discarded < queue->unfinished_tasks ? discarded
                                                                      : queue->unfinished_tasks;
        queue->count = 0;
        queue->head = 0;
        maybe_shrink(queue);
        ct_condition_notify_all(&queue->all_tasks_done);
    }
    ct_condition_notify_all(&queue->not_empty);
    ct_condition_notify_all(&queue->not_full);
    ct_lock_release(&queue->mutex);
}

void ct_queue_release(ct_queue *queue)
{
    if (!queue) return;
    ct__free(queue->items);
    ct__free(queue->heap);
    ct__free(queue);
}
