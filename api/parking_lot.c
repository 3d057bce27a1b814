/* SPDX-License-Identifier: MIT */
/* The parking lot's queues (the contract is parking_lot.h's): a fixed table
 * of buckets, each a spin lock and one FIFO queue that the keys hashing to it
 * share. */
#include "parking_lot.h"
#include "atomics.h"

#include <string.h>

#define BUCKETS 251   /* prime: addresses are aligned, so spread them by a modulus */
#define SPINS_BEFORE_YIELD 64
/* How long CT__PARK_SPIN watches for the unpark (benchmarks/: Condition
 * ping-pong, where the notifier comes within microseconds). */
#define NOTIFY_SPIN_NS 20000

typedef struct bucket {
    unsigned char lock;   /* a spin lock: held only for a few list operations */
    ct__list queue;       /* of ct__waiter, every key of this bucket mixed */
} bucket;

struct ct__queue {
    bucket *bucket;
    const void *key;
    ct__list woken;       /* taken off, to wake once the bucket is unlocked */
    size_t count;
};

static bucket buckets[BUCKETS];

static bucket *bucket_for(const void *key)
{
    return &buckets[((uintptr_t)key >> 2) % BUCKETS];
}

static void bucket_lock(bucket *b)
{
    unsigned spins = 0;
    for (;;) {
        unsigned char free_state = 0;
        /* Relaxed: a look that keeps the line shared; the CAS acquires. */
        if (ct_load_relaxed_u8(&b->lock) == 0 && ct_cas_u8(&b->lock, &free_state, 1)) return;
        if (++spins < SPINS_BEFORE_YIELD) ct_cpu_relax();
        else ctb_yield();   /* the holder may be preempted: let it run */
    }
}

static void bucket_unlock(bucket *b)
{
    ct_store_u8(&b->lock, 0);
}

static ct__waiter *waiter_of(ct__link *link)
{
    return link ? CT__CONTAINER(link, ct__waiter, link) : NULL;
}

static void enqueue(bucket *b, ct__waiter *w, unsigned flags)
{
    if (flags & CT__PARK_FIRST) ct__list_push_front(&b->queue, &w->link);
    else ct__list_push_back(&b->queue, &w->link);
    /* Relaxed: read unlocked only by wait_for_unpark, as a hint to stop
     * spinning; what the unparker hands over (token) is read after the
     * parker's permit, whose wake is the release. */
    ct_store_relaxed_u8((unsigned char *)&w->queued, 1);
}

static void dequeue(bucket *b, ct__waiter *w)
{
    ct__list_remove(&b->queue, &w->link);
    ct_store_relaxed_u8((unsigned char *)&w->queued, 0);   /* relaxed: as in enqueue */
}

static ct__waiter *next_for(bucket *b, const void *key, const ct__waiter *after)
{
    ct__waiter *w = waiter_of(after ? after->link.next : b->queue.head);
    while (w && w->key != key) w = waiter_of(w->link.next);
    return w;
}

/* Threads in wait_for_unpark now. Spinning pays only while a core is free
 * for it: with more spinners than cores, idle pool workers would take the
 * processor from the thread that submits their work. */
static size_t spinners;
static size_t max_spinners = SIZE_MAX;   /* cpus - 1; SIZE_MAX until first needed */

static bool start_spinning(void)
{
    /* Relaxed: a tuning number that every thread computes the same. */
    size_t limit = ct_load_relaxed_size(&max_spinners);
    if (limit == SIZE_MAX) {
        unsigned cpus = ctb_cpu_count();
        limit = cpus > 1 ? cpus - 1 : 0;
        ct_store_relaxed_size(&max_spinners, limit);
    }
    if (ct_fetch_add_size(&spinners, 1) < limit) return true;
    ct_fetch_add_size(&spinners, (size_t)-1);
    return false;
}

bool ct__poll(bool (*done)(const void *arg), const void *arg, int64_t limit_ns, int64_t deadline)
{
    int64_t start = ctb_monotonic_ns();
    int64_t stop = deadline < start + limit_ns ? deadline : start + limit_ns;
    for (unsigned i = 1;; i++) {
        if (done(arg)) return true;
        ct_cpu_relax();
        if (i % 64 == 0 && ctb_monotonic_ns() >= stop) return false;
    }
}

bool ct__poll_spare_cpu(bool (*done)(const void *arg), const void *arg, int64_t limit_ns,
                        int64_t deadline)
{
    bool seen;
    if (!start_spinning()) return false;
    seen = ct__poll(done, arg, limit_ns, deadline);
    ct_fetch_add_size(&spinners, (size_t)-1);
    return seen;
}

static bool dequeued(const void *self)
{
    return !ct_load_u8((const unsigned char *)&((const ct__waiter *)self)->queued);
}

/* Polls until an unparker has taken self off its queue, for at most
 * NOTIFY_SPIN_NS and never past deadline. The wake follows the dequeue at
 * once, so a thread that saw it finds its permit waiting. */
static void wait_for_unpark(ct__waiter *self, int64_t deadline)
{
    (void)ct__poll_spare_cpu(dequeued, self, NOTIFY_SPIN_NS, deadline);
}

int ct__park(const void *key, int64_t deadline, bool (*validate)(void *ctx),
             void (*before_sleep)(void *ctx), void *ctx, unsigned flags, uintptr_t *token)
{
    bucket *b = bucket_for(key);
    ct__waiter self;
    self.key = key;
    self.parker = ctb_parker_current();
    self.ctx = ctx;
    self.token = 0;

    bucket_lock(b);
    if (validate && !validate(ctx)) {
        bucket_unlock(b);
        return CT_EAGAIN;
    }
    enqueue(b, &self, flags);
    bucket_unlock(b);

    if (before_sleep) before_sleep(ctx);
    if (flags & CT__PARK_SPIN) wait_for_unpark(&self, deadline);

    if (ctb_parker_wait(self.parker, deadline) == CT_ETIMEDOUT) {
        bucket_lock(b);
        if (self.queued) {
            dequeue(b, &self);
            bucket_unlock(b);
            return CT_ETIMEDOUT;
        }
        bucket_unlock(b);
        /* An unparker took us off the queue as the deadline passed: its wake is
         * on the way and must be consumed here, or it would cut short this
         * thread's next wait. What it handed over (a lock, say) is ours now. */
        ctb_parker_wait(self.parker, CTB_NEVER);
    }
    if (token) *token = self.token;
    return CT_OK;
}

ct__waiter *ct__queue_next(ct__queue *queue, const ct__waiter *after)
{
    return next_for(queue->bucket, queue->key, after);
}

ct__waiter *ct__queue_wake(ct__queue *queue, ct__waiter *waiter, uintptr_t token)
{
    ct__waiter *next = next_for(queue->bucket, queue->key, waiter);
    dequeue(queue->bucket, waiter);
    waiter->token = token;
    ct__list_push_back(&queue->woken, &waiter->link);
    queue->count++;
    return next;
}

/* Wake outside the bucket lock; a woken waiter may return (and its record
 * vanish) as soon as its parker is woken, so read the next one first. */
static size_t wake_taken(ct__queue *queue)
{
    ct__link *link, *next;
    for (link = queue->woken.head; link; link = next) {
        next = link->next;
        ctb_parker_wake(waiter_of(link)->parker);
    }
    return queue->count;
}

size_t ct__unpark_with(const void *key, void (*choose)(void *arg, ct__queue *queue), void *arg)
{
    ct__queue queue = { bucket_for(key), key, { NULL, NULL }, 0 };
    bucket_lock(queue.bucket);
    choose(arg, &queue);
    bucket_unlock(queue.bucket);
    return wake_taken(&queue);
}

size_t ct__unpark(const void *key, size_t n, uintptr_t token)
{
    ct__queue queue = { bucket_for(key), key, { NULL, NULL }, 0 };
    ct__waiter *w;
    bucket_lock(queue.bucket);
    for (w = ct__queue_next(&queue, NULL); w && queue.count < n;) w = ct__queue_wake(&queue, w, token);
    bucket_unlock(queue.bucket);
    return wake_taken(&queue);
}

void ct__parking_lot_after_fork(void)
{
    memset(buckets, 0, sizeof buckets);
    spinners = 0;   /* the parent's spinning threads are not here */
}
