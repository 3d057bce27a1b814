/* SPDX-License-Identifier: MIT */
/* What the pool (pool.c) and as_completed (as_completed.c) need from futures
 * (future.c), as thread.py needs _base.py: the Future's layout, so that a
 * worker can run its call, the calls that move it through its states, and
 * waiters (_base.py's _Waiter) that a finishing future tells. Not installed. */
#ifndef CT_FUTURE_H
#define CT_FUTURE_H

#include "internal.h"
#include "list.h"

enum ct__future_state { CT__PENDING, CT__RUNNING, CT__CANCELLED, CT__FINISHED };

typedef struct ct__done_callback {
    ct__link link;       /* on future->callbacks */
    void (*fn)(ct_future *future, void *arg);
    void *arg;
} ct__done_callback;

/* A waiter on one future: notify(waiter) runs under the future's lock, once,
 * when it finishes or is cancelled. It stays linked until removed. */
typedef struct ct__future_waiter {
    ct__link link;       /* on future->waiters */
    ct_future *future;   /* the future it is linked on; NULL when not linked */
    void (*notify)(struct ct__future_waiter *waiter);
} ct__future_waiter;

struct ct_future {
    ct_lock lock;
    unsigned char state;   /* written under lock, read with ct_load_u8 */
    bool cancel_notified;  /* set_running_or_notify_cancel saw the cancel */
    ct_event done;
    size_t refs;
    void *(*fn)(void *arg);
    void *arg;
    void *result;
    int error;             /* FINISHED: what ct_future_result returns (CT_OK, CT_EBROKEN) */
    ct__list callbacks;                  /* of ct__done_callback, in registration order */
    ct__list waiters;                    /* of ct__future_waiter */
    ct__link pending;                    /* on the pool's work list while queued */
};

/* A pending future for fn(arg), with two references: the pool's and the caller's. */
ct_future *ct__future_new_work(void *(*fn)(void *), void *arg);
void ct__future_ref(ct_future *f);
void ct__future_unref(ct_future *f);
/* set_running_or_notify_cancel for a worker: false if f was cancelled while pending. */
bool ct__future_start_running(ct_future *f);
/* Under f->lock, f pending or running: moves f to its final state (error: what
 * ct_future_result returns for FINISHED), wakes result() and every waiter, and
 * returns the callbacks to run once unlocked. */
ct__list ct__future_settle_locked(ct_future *f, unsigned char state, void *result, int error);
/* Run and free callbacks (what ct__future_settle_locked returned), in order. */
void ct__future_run_callbacks(ct_future *f, ct__list callbacks);
/* Finish f (pending or running) with result, or with error for ct_future_result:
 * waiters woken, then its callbacks run in the calling thread. A future already
 * done (cancelled, or finished by ct_future_set_result) stays as it is: CT_EPERM. */
int ct__future_finish(ct_future *f, void *result, int error);
/* ct_future_result with a deadline on ctb_monotonic_ns; *result written only on CT_OK. */
int ct__future_result_until(ct_future *f, void **result, int64_t deadline);
/* Link waiter on f: true, or false (not linked) when f is done already. */
bool ct__future_waiter_add(ct_future *f, ct__future_waiter *waiter, void (*notify)(ct__future_waiter *));
/* Unlink waiter if it is linked: afterwards no finishing future touches it. */
void ct__future_waiter_remove(ct__future_waiter *waiter);

#endif /* CT_FUTURE_H */
