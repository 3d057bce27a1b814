/* The parking lot: threads wait in FIFO queues keyed by an address, spread over
 * a fixed table of buckets, as in WebKit's ParkingLot and CPython 3.13's
 * Python/parking_lot.c. Primitives keep one "someone may be parked" bit in
 * their own memory and only come here when it is set, so a lock, event or
 * semaphore nobody waits on costs no system call and owns no OS object. */
#include "internal.h"

#define BUCKETS 251   /* prime: addresses are aligned, so spread them by a modulus */
#define SPINS_BEFORE_YIELD 64

typedef struct bucket {
    unsigned char lock;   /* a spin lock: held only for a few list operations */
    ct__waiter *head, *tail;
} bucket;

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
        if (ct_load_relaxed_u8(&b->lock) == 0 && ct_cas_u8(&b->lock, &free_state, 1)) return;
        if (++spins < SPINS_BEFORE_YIELD) ct_cpu_relax();
        else ctb_yield();   /* the holder may be preempted: let it run */
    }
}

static void bucket_unlock(bucket *b)
{
    ct_store_u8(&b->lock, 0);
}

static void enqueue(bucket *b, ct__waiter *w)
{
    w->next = NULL;
    w->prev = b->tail;
    if (b->tail) b->tail->next = w;
    else b->head = w;
    b->tail = w;
    w->queued = true;
}

static void dequeue(bucket *b, ct__waiter *w)
{
    if (w->prev) w->prev->next = w->next;
    else b->head = w->next;
    if (w->next) w->next->prev = w->prev;
    else b->tail = w->prev;
    w->queued = false;
}

static ct__waiter *first_for(bucket *b, const void *key, ct__waiter *after)
{
    ct__waiter *w = after ? after->next : b->head;
    while (w && w->key != key) w = w->next;
    return w;
}

int ct__park(const void *key, int64_t deadline, bool (*validate)(void *ctx),
             void (*before_sleep)(void *ctx), void *ctx, uintptr_t *token)
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
    enqueue(b, &self);
    bucket_unlock(b);

    if (before_sleep) before_sleep(ctx);

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

void ct__unpark_one(const void *key, uintptr_t (*decide)(void *arg, ct__waiter *waiter, bool more),
                    void *arg)
{
    bucket *b = bucket_for(key);
    ct__waiter *w;
    ctb_parker *parker = NULL;
    bucket_lock(b);
    w = first_for(b, key, NULL);
    if (w) {
        dequeue(b, w);
        w->token = decide(arg, w, first_for(b, key, NULL) != NULL);
        parker = w->parker;   /* w lives on the sleeper's stack: read it before unlocking */
    } else {
        decide(arg, NULL, false);
    }
    bucket_unlock(b);
    if (parker) ctb_parker_wake(parker);
}

size_t ct__unpark(const void *key, size_t n, uintptr_t token)
{
    bucket *b = bucket_for(key);
    ct__waiter *woken = NULL, **tail = &woken, *w, *next;
    size_t count = 0;
    bucket_lock(b);
    for (w = first_for(b, key, NULL); w && count < n; w = next) {
        next = first_for(b, key, w);
        dequeue(b, w);
        w->token = token;
        w->next = NULL;
        *tail = w;
        tail = &w->next;
        count++;
    }
    bucket_unlock(b);
    /* Wake outside the bucket lock; a woken waiter may return (and its node
     * vanish) as soon as its parker is woken, so read next first. */
    for (w = woken; w; w = next) {
        next = w->next;
        ctb_parker_wake(w->parker);
    }
    return count;
}

void ct__parking_lot_after_fork(void)
{
    memset(buckets, 0, sizeof buckets);
}
