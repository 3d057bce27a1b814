/* SPDX-License-Identifier: MIT */
/* Barrier: Python's threading.Barrier state machine over a Condition on the
 * barrier's own Lock. state: 0 filling, 1 draining (a cycle completed, threads
 * leaving), -1 resetting, -2 broken. The action runs in the last thread to
 * arrive, under the lock, before anyone is released. */
#include "internal.h"

enum { FILLING = 0, DRAINING = 1, RESETTING = -1, BROKEN = -2 };

int ct_barrier_init(ct_barrier *barrier, size_t parties, void (*action)(void *), void *arg)
{
    if (parties == 0) return CT_EINVAL;
    ct_lock_init(&barrier->lock);
    ct_condition_init_lock(&barrier->cond, &barrier->lock);
    barrier->parties = parties;
    barrier->count = 0;
    barrier->state = FILLING;
    barrier->action = action;
    barrier->arg = arg;
    return CT_OK;
}

static void break_barrier(ct_barrier *barrier)
{
    barrier->state = BROKEN;
    ct_condition_notify_all(&barrier->cond);
}

static bool not_filling(void *arg)
{
    return ((ct_barrier *)arg)->state != FILLING;
}

/* Wait until a previous cycle has drained or a reset has finished. */
static int enter(ct_barrier *barrier)
{
    while (barrier->state == DRAINING || barrier->state == RESETTING)
        ct__condition_wait_until(&barrier->cond, CTB_NEVER);
    return barrier->state == BROKEN ? CT_EBROKEN : CT_OK;
}

static int wait_for_cycle(ct_barrier *barrier, int64_t deadline)
{
    int status = ct__condition_wait_for_until(&barrier->cond, not_filling, barrier, deadline);
    if (status == CT_ETIMEDOUT) {
        break_barrier(barrier);
        return CT_ETIMEDOUT;
    }
    return barrier->state == BROKEN || barrier->state == RESETTING ? CT_EBROKEN : CT_OK;
}

/* The last thread out of a draining or resetting barrier opens it for the next cycle. */
static void leave(ct_barrier *barrier)
{
    if (--barrier->count == 0 && (barrier->state == DRAINING || barrier->state == RESETTING)) {
        barrier->state = FILLING;
        ct_condition_notify_all(&barrier->cond);
    }
}

int ct_barrier_wait(ct_barrier *barrier, double timeout)
{
    int64_t deadline;
    int status = ct__deadline(timeout, &deadline);
    size_t index;
    if (status != CT_OK) return status;   /* validated before anything changes */
    ct_lock_acquire(&barrier->lock);
    if ((status = enter(barrier)) != CT_OK) {
        ct_lock_release(&barrier->lock);
        return status;
    }
    index = barrier->count++;
    if (index + 1 == barrier->parties) {
        if (barrier->action) barrier->action(barrier->arg);
        barrier->state = DRAINING;
        ct_condition_notify_all(&barrier->cond);
    } else {
        status = wait_for_cycle(barrier, deadline);
    }
    leave(barrier);
    ct_lock_release(&barrier->lock);
    return status == CT_OK ? (int)index : status;
}

void ct_barrier_reset(ct_barrier *barrier)
{
    ct_lock_acquire(&barrier->lock);
    if (barrier->count > 0) {
        if (barrier->state == FILLING || barrier->state == BROKEN) barrier->state = RESETTING;
    } else {
        barrier->state = FILLING;
    }
    ct_condition_notify_all(&barrier->cond);
    ct_lock_release(&barrier->lock);
}

void ct_barrier_abort(ct_barrier *barrier)
{
    ct_lock_acquire(&barrier->lock);
    break_barrier(barrier);
    ct_lock_release(&barrier->lock);
}

bool ct_barrier_broken(const ct_barrier *barrier)
{
    ct_barrier *b = (ct_barrier *)barrier;
    bool broken;
    ct_lock_acquire(&b->lock);
    broken = b->state == BROKEN;
    ct_lock_release(&b->lock);
    return broken;
}

size_t ct_barrier_parties(const ct_barrier *barrier)
{
    return barrier->parties;
}

size_t ct_barrier_n_waiting(const ct_barrier *barrier)
{
    ct_barrier *b = (ct_barrier *)barrier;
    size_t n;
    ct_lock_acquire(&b->lock);
    n = b->state == FILLING ? b->count : 0;
    ct_lock_release(&b->lock);
    return n;
}
