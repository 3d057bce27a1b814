/* SPDX-License-Identifier: MIT */
/* The parking lot: threads wait in FIFO queues keyed by an address, spread over
 * a fixed table of buckets, as in WebKit's ParkingLot and CPython 3.13's
 * Python/parking_lot.c. Primitives keep one "someone may be parked" bit in
 * their own memory and only come here when it is set, so a lock, event or
 * semaphore nobody waits on costs no system call and owns no OS object. */
#include "internal.h"

#define BUCKETS 251   /* prime: addresses are aligned, so spread them by a modulus */
#define SPINS_BEFORE_YIELD 64
/* A thread that released something in before_sleep (a Condition wait) is
 * usually notified within microseconds by the thread that takes it next: it
 * watches for that this long before it sleeps, so that neither side makes a
 * system call when both are running (benchmarks/: Condition ping-pong). */
#define NOTIFY_SPIN_NS 20000

typedef struct bucket {
    unsigned char lock;   /* a spin lock: held only for a few list operations */
    ct__waiter *head, *tail;
    void *waking;         /* see ct__waking_set */
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

static void enqueue(bucket *b, ct__waiter *w)
{
    w->next = NULL;
    w->prev = b->tail;
    if (b->tail) b->tail->next = w;
    else b->head = w;
    b->tail = w;
    /* Relaxed: read unlocked only by wait_for_unpark, as a hint to stop
     * spinning; what the unparker hands over (token) is read after the
     * parker's permit, whose wake is the release. */
    ct_store_relaxed_u8((unsigned char *)&w->queued, 1);
}

static void enqueue_first(bucket *b, ct__waiter *w)
{
    w->prev = NULL;
    w->next = b->head;
    if (b->head) b->head->prev = w;
    else b->tail = w;
    b->head = w;
    ct_store_relaxed_u8((unsigned char *)&w->queued, 1);   /* relaxed: as in enqueue */
}

static void dequeue(bucket *b, ct__waiter *w)
{
    if (w->prev) w->prev->next = w->next;
    else b->head = w->next;
    if (w->next) w->next->prev = w->prev;
    else b->tail = w->prev;
    ct_store_relaxed_u8((unsigned char *)&w->queued, 0);   /* relaxed: as in enqueue */
}

static ct__waiter *first_for(bucket *b, const void *key, ct__waiter *after)
{
    ct__waiter *w = after ? after->next : b->head;
    while (w && w->key != key) w = w->next;
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

static int park(const void *key, int64_t deadline, bool (*validate)(void *ctx),
                void (*before_sleep)(void *ctx), void *ctx, uintptr_t *token, bool first)
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
    if (first) enqueue_first(b, &self);
    else enqueue(b, &self);
    bucket_unlock(b);

    if (before_sleep) {
        before_sleep(ctx);
        wait_for_unpark(&self, deadline);
    }

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

int ct__park(const void *key, int64_t deadline, bool (*validate)(void *ctx),
             void (*before_sleep)(void *ctx), void *ctx, uintptr_t *token)
{
    return park(key, deadline, validate, before_sleep, ctx, token, false);
}

int ct__park_first(const void *key, int64_t deadline, bool (*validate)(void *ctx), void *ctx,
                   uintptr_t *token)
{
    return park(key, deadline, validate, NULL, ctx, token, true);
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
        uintptr_t token = decide(arg, w, first_for(b, key, w) != NULL);
        if (token != CT__LEAVE_PARKED) {
            dequeue(b, w);
            w->token = token;
            parker = w->parker;   /* w lives on the sleeper's stack: read it before unlocking */
        }
    } else {
        decide(arg, NULL, false);
    }
    bucket_unlock(b);
    if (parker) ctb_parker_wake(parker);
}

void ct__waking_set(const void *key)
{
    ct_store_ptr(&bucket_for(key)->waking, (void *)(uintptr_t)key);
}

void ct__waking_clear(const void *key)
{
    void *expected = (void *)(uintptr_t)key;
    ct_cas_ptr(&bucket_for(key)->waking, &expected, NULL);
}

bool ct__waking(const void *key)
{
    return ct_load_ptr(&bucket_for(key)->waking) == key;
}

bool ct__parked(const void *key)
{
    bucket *b = bucket_for(key);
    bool any;
    bucket_lock(b);
    any = first_for(b, key, NULL) != NULL;
    bucket_unlock(b);
    return any;
}

bool ct__still_waking(const void *key)
{
    /* A read-modify-write reads the latest mark: if it is still there, the
     * woken thread's clear comes after it and synchronizes with it. */
    void *expected = (void *)(uintptr_t)key;
    return ct_cas_ptr(&bucket_for(key)->waking, &expected, expected);
}

/* Wake outside the bucket lock; a woken waiter may return (and its node
 * vanish) as soon as its parker is woken, so read next first. */
static void wake_list(ct__waiter *woken)
{
    ct__waiter *w, *next;
    for (w = woken; w; w = next) {
        next = w->next;
        ctb_parker_wake(w->parker);
    }
}

/* Take w off the queue with token and append it to the list *tail ends. */
static void take(bucket *b, ct__waiter *w, uintptr_t token, ct__waiter ***tail)
{
    dequeue(b, w);
    w->token = token;
    w->next = NULL;
    **tail = w;
    *tail = &w->next;
}

size_t ct__unpark(const void *key, size_t n, uintptr_t token)
{
    bucket *b = bucket_for(key);
    ct__waiter *woken = NULL, **tail = &woken, *w, *next;
    size_t count = 0;
    bucket_lock(b);
    for (w = first_for(b, key, NULL); w && count < n; w = next) {
        next = first_for(b, key, w);
        take(b, w, token, &tail);
        count++;
    }
    bucket_unlock(b);
    wake_list(woken);
    return count;
}

size_t ct__unpark_picked(const void *key, void (*survey)(void *arg, const ct__waiter *waiter),
                         uintptr_t (*pick)(void *arg, const ct__waiter *waiter), void *arg)
{
    bucket *b = bucket_for(key);
    ct__waiter *woken = NULL, **tail = &woken, *w, *next;
    size_t count = 0;
    bucket_lock(b);
    for (w = first_for(b, key, NULL); w; w = first_for(b, key, w)) survey(arg, w);
    survey(arg, NULL);
    for (w = first_for(b, key, NULL); w; w = next) {
        uintptr_t token = pick(arg, w);
        next = first_for(b, key, w);
        if (token == CT__LEAVE_PARKED) continue;
        take(b, w, token, &tail);
        count++;
    }
    bucket_unlock(b);
    wake_list(woken);
    return count;
}

void ct__parking_lot_after_fork(void)
{
    memset(buckets, 0, sizeof buckets);
    spinners = 0;   /* the parent's spinning threads are not here */
}
