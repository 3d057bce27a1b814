/* SPDX-License-Identifier: MIT */
/* Timer: a thread that waits on its `finished` event until the deadline, then
 * runs the function unless cancel() won the race for `state` first. */
#include "internal.h"

#include <stdlib.h>

enum { WAITING = 0, FIRED = 1, CANCELLED = 2 };

struct ct_timer {
    size_t refs;               /* the caller's handle and the timer thread */
    ct_thread *thread;
    ct_event finished;
    unsigned char state;
    int64_t deadline;
    void (*function)(void *);
    void *arg;
};

static void timer_release_ref(ct_timer *timer)
{
    if (ct_fetch_add_size(&timer->refs, (size_t)-1) == 1) ct__free(timer);
}

static void timer_main(void *arg)
{
    ct_timer *timer = (ct_timer *)arg;
    unsigned char waiting = WAITING;
    if (!ct__event_wait_until(&timer->finished, timer->deadline) &&
        ct_cas_u8(&timer->state, &waiting, FIRED))
        timer->function(timer->arg);
    ct_event_set(&timer->finished);
    timer_release_ref(timer);
}

int ct_timer_start(ct_timer **timer, double interval, void (*function)(void *), void *arg,
                   const ct_thread_options *options)
{
    ct_timer *t;
    int status;
    if (!timer || !function) return CT_EINVAL;
    t = (ct_timer *)ct__calloc(1, sizeof *t);
    if (!t) return CT_ENOMEM;
    if ((status = ct__deadline(interval, &t->deadline)) != CT_OK) {
        ct__free(t);
        return status;
    }
    t->refs = 2;
    t->function = function;
    t->arg = arg;
    ct_event_init(&t->finished);
    if ((status = ct_thread_start(&t->thread, timer_main, t, options)) != CT_OK) {
        ct__free(t);
        return status;
    }
    *timer = t;
    return CT_OK;
}

bool ct_timer_cancel(ct_timer *timer)
{
    unsigned char waiting = WAITING;
    bool stopped;
    if (!timer) return false;
    stopped = ct_cas_u8(&timer->state, &waiting, CANCELLED);
    ct_event_set(&timer->finished);
    return stopped;
}

int ct_timer_join(ct_timer *timer, double timeout)
{
    return timer ? ct_thread_join(timer->thread, timeout) : CT_EINVAL;
}

void ct_timer_release(ct_timer *timer)
{
    if (!timer) return;
    ct_thread_release(timer->thread);
    timer_release_ref(timer);
}
