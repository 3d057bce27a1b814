/* SPDX-License-Identifier: MIT */
/* What the pool (pool.c) needs from futures (future.c), as thread.py needs
 * _base.py: the Future's layout, so that a worker can run its call, and the
 * calls that move it through its states. Not installed. */
#ifndef CT_FUTURE_H
#define CT_FUTURE_H

#include "internal.h"

enum ct__future_state { CT__PENDING, CT__RUNNING, CT__CANCELLED, CT__FINISHED };

typedef struct ct__done_callback {
    struct ct__done_callback *next;
    void (*fn)(ct_future *future, void *arg);
    void *arg;
} ct__done_callback;

struct ct__wait_link;

struct ct_future {
    ct_lock lock;
    unsigned char state;   /* written under lock, read with ct_load_u8 */
    ct_event done;
    size_t refs;
    void *(*fn)(void *arg);
    void *arg;
    void *result;
    ct__done_callback *callbacks;        /* in registration order */
    ct__done_callback **callbacks_tail;
    struct ct__wait_link *waiters;
    ct_future *next_pending;             /* the pool's work list */
};

/* A pending future for fn(arg), with two references: the pool's and the caller's. */
ct_future *ct__future_new_work(void *(*fn)(void *), void *arg);
void ct__future_unref(ct_future *f);
/* set_running_or_notify_cancel: false if f was cancelled while pending. */
bool ct__future_start_running(ct_future *f);
/* Under f->lock: moves f to its final state, wakes result() and
 * ct_futures_wait callers, and returns the callbacks to run once unlocked. */
ct__done_callback *ct__future_settle_locked(ct_future *f, unsigned char state, void *result);
void ct__future_run_callbacks(ct_future *f, ct__done_callback *callbacks);

#endif /* CT_FUTURE_H */
