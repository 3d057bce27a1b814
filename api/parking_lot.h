/* SPDX-License-Identifier: MIT */
/* The parking lot (parking_lot.c): threads wait in FIFO queues keyed by an
 * address, as in WebKit's ParkingLot and CPython 3.13's Python/parking_lot.c.
 * Every blocking primitive keeps its whole state in its own word and comes
 * here only to sleep ("validate, then sleep") and to wake sleepers; the lot
 * knows nothing of any primitive, so one nobody waits on never enters the OS. */
#ifndef CT_PARKING_LOT_H
#define CT_PARKING_LOT_H

#include "backend.h"
#include "list.h"

/* A parked thread, on its own stack. Callbacks read ctx, and nothing else. */
typedef struct ct__waiter {
    ct__link link;      /* in its bucket's queue */
    const void *key;
    ctb_parker *parker;
    void *ctx;          /* the parker's context */
    uintptr_t token;    /* what the unparker handed over */
    bool queued;
} ct__waiter;

/* ct__park's flags. */
#define CT__PARK_FIRST 1u   /* queue ahead of every thread parked on key: for a
                               woken thread that lost the race, back to its place */
#define CT__PARK_SPIN 2u    /* after before_sleep, watch a few microseconds for
                               the unpark before sleeping, while a processor is
                               spare: for a wait whose waker usually comes at
                               once (a Condition's notifier) */

/* Park the calling thread on key. Under the key's bucket lock, validate(ctx)
 * (if not NULL) decides whether to sleep at all: false gives CT_EAGAIN at once.
 * Once the thread is queued, before_sleep(ctx) (if not NULL) runs without that
 * lock. Returns CT_OK once unparked (*token, if not NULL, is what the
 * unparker handed over), or CT_ETIMEDOUT at deadline. */
int ct__park(const void *key, int64_t deadline, bool (*validate)(void *ctx),
             void (*before_sleep)(void *ctx), void *ctx, unsigned flags, uintptr_t *token);

/* Wake up to n threads parked on key, oldest first, each with token. Returns
 * how many were woken. */
size_t ct__unpark(const void *key, size_t n, uintptr_t token);

/* The queue of one key, as ct__unpark_with's choose sees it. */
typedef struct ct__queue ct__queue;

/* Wake the threads parked on key that the primitive chooses: choose(arg,
 * queue) runs under the bucket lock, so no thread queues on key or leaves it
 * meanwhile, and is where the primitive rewrites its word knowing who waits.
 * Returns how many were woken. */
size_t ct__unpark_with(const void *key, void (*choose)(void *arg, ct__queue *queue), void *arg);

/* In choose: the waiter parked on key after after, oldest first (the first
 * when after is NULL), or NULL. */
ct__waiter *ct__queue_next(ct__queue *queue, const ct__waiter *after);

/* In choose: take waiter off the queue, to be woken with token once the
 * bucket lock is released. Returns the waiter that was after it. */
ct__waiter *ct__queue_wake(ct__queue *queue, ct__waiter *waiter, uintptr_t token);

/* Poll done(arg) with a pause between looks, for at most limit_ns and never
 * past deadline: true as soon as it holds. Before parking, it catches a wake
 * that comes within microseconds without either side entering the OS. */
bool ct__poll(bool (*done)(const void *arg), const void *arg, int64_t limit_ns, int64_t deadline);

/* ct__poll, but only while fewer threads poll this way than there are other
 * processors (false at once otherwise): with more threads than cores, a
 * poller would take the processor from the very thread it waits for. */
bool ct__poll_spare_cpu(bool (*done)(const void *arg), const void *arg, int64_t limit_ns,
                        int64_t deadline);

/* In the child after fork(): empty every queue and free every bucket lock.
 * Only the forking thread lives on there, and it is parked nowhere, so every
 * queued waiter, and any bucket lock held at the fork, belonged to a thread
 * that the child does not have. */
void ct__parking_lot_after_fork(void);

#endif /* CT_PARKING_LOT_H */
