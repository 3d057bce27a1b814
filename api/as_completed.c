/* SPDX-License-Identifier: MIT */
/* concurrent.futures.as_completed (Python 3.14 _base.py).
 *
 * As _base.py installs one _AsCompletedWaiter on every future, the iterator
 * links one waiter (a watch) on each distinct future; a finishing future
 * appends its watch to the iterator's finished list, so a next call only pops
 * that list or sleeps on the iterator's event: n next calls cost O(n) in all,
 * where a loop of ct_futures_wait(FIRST_COMPLETED) would rescan every future.
 * The iterator holds a reference on every future it watches, so the caller
 * may release a future it has been handed while the iterator still lives.
 */
#include "future.h"

typedef struct watch {
    ct__future_waiter waiter;
    struct ct_as_completed *it;
    ct_future *future;           /* a reference, dropped by ct_as_completed_release */
    ct__link finished_link;      /* on it->finished */
} watch;

struct ct_as_completed {
    ct_lock lock;                /* guards finished and unyielded */
    ct_event ready;              /* set whenever a watch is appended to the list */
    ct__list finished;           /* of watch: not yet yielded, in finishing order */
    size_t unyielded;
    int64_t deadline;
    size_t count;
    watch watches[];
};

/* Under the finishing future's lock (or before the iterator is handed out). */
static void append_finished(watch *w)
{
    struct ct_as_completed *it = w->it;
    ct_lock_acquire(&it->lock);
    ct__list_push_back(&it->finished, &w->finished_link);
    ct_event_set(&it->ready);
    ct_lock_release(&it->lock);
}

static void notify_finished(ct__future_waiter *waiter)
{
    append_finished(CT__CONTAINER(waiter, watch, waiter));
}

/* Open addressing over a power-of-two table: true if f was not in it yet. */
static bool insert_distinct(ct_future **slots, size_t mask, ct_future *f)
{
    size_t i = (size_t)(((uintptr_t)f >> 4) * (uintptr_t)0x9E3779B97F4A7C15ull) & mask;
    while (slots[i]) {
        if (slots[i] == f) return false;
        i = (i + 1) & mask;
    }
    slots[i] = f;
    return true;
}

/* Fill it->watches with the distinct futures of the array, in array order. */
static int collect_distinct(struct ct_as_completed *it, ct_future *const *futures, size_t n)
{
    size_t capacity = 2, i;
    ct_future **slots;
    while (capacity < 2 * n) capacity *= 2;
    slots = (ct_future **)ct__calloc(capacity, sizeof *slots);
    if (!slots) return CT_ENOMEM;
    for (i = 0; i < n; i++)
        if (insert_distinct(slots, capacity - 1, futures[i])) it->watches[it->count++].future = futures[i];
    ct__free(slots);
    return CT_OK;
}

int ct_as_completed_new(ct_as_completed **it, ct_future *const *futures, size_t n, double timeout)
{
    struct ct_as_completed *self;
    int64_t deadline;
    size_t i;
    int status;
    if (!it) return CT_EINVAL;
    *it = NULL;
    if (n > 0 && !futures) return CT_EINVAL;
    for (i = 0; i < n; i++)
        if (!futures[i]) return CT_EINVAL;
    status = ct__deadline(timeout, &deadline);
    if (status != CT_OK) return status;
    if (n > (SIZE_MAX - sizeof *self) / sizeof(watch) / 2) return CT_ENOMEM;
    self = (struct ct_as_completed *)ct__calloc(1, sizeof *self + n * sizeof(watch));
    if (!self) return CT_ENOMEM;
    status = collect_distinct(self, futures, n);
    if (status != CT_OK) {
        ct__free(self);
        return status;
    }
    ct_lock_init(&self->lock);
    ct_event_init(&self->ready);
    self->deadline = deadline;
    self->unyielded = self->count;
    for (i = 0; i < self->count; i++) {
        watch *w = &self->watches[i];
        w->it = self;
        ct__future_ref(w->future);
        if (!ct__future_waiter_add(w->future, &w->waiter, notify_finished)) append_finished(w);
    }
    *it = self;
    return CT_OK;
}

int ct_as_completed_next(ct_as_completed *it, ct_future **future)
{
    if (!it || !future) return CT_EINVAL;
    for (;;) {
        ct__link *link;
        ct_lock_acquire(&it->lock);
        link = ct__list_pop_front(&it->finished);
        if (link) {
            it->unyielded--;
        } else if (it->unyielded == 0) {
            ct_lock_release(&it->lock);
            return CT_EEMPTY;
        } else {
            /* Cleared under the lock that appends, so no append is missed. */
            ct_event_clear(&it->ready);
        }
        ct_lock_release(&it->lock);
        if (link) {
            *future = CT__CONTAINER(link, watch, finished_link)->future;
            return CT_OK;
        }
        if (it->deadline != CTB_NEVER && ctb_monotonic_ns() >= it->deadline) return CT_ETIMEDOUT;
        (void)ct__event_wait_until(&it->ready, it->deadline);
    }
}

void ct_as_completed_release(ct_as_completed *it)
{
    size_t i;
    if (!it) return;
    for (i = 0; i < it->count; i++) {
        ct__future_waiter_remove(&it->watches[i].waiter);
        ct__future_unref(it->watches[i].future);
    }
    ct__free(it);
}
