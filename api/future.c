/* SPDX-License-Identifier: MIT */
/* concurrent.futures.Future and wait() (Python 3.14 _base.py).
 *
 * A future is shared by whoever completes it (a pool until a worker has run or
 * skipped it, an as_completed iterator while it watches it) and by the caller
 * (until ct_future_release), so it carries a reference count. Its own lock
 * guards its state, its done-callbacks and the waiters linked on it;
 * ct_future_result waits on its event.
 */
#include "future.h"

static ct_future *future_alloc(size_t refs)
{
    ct_future *f = (ct_future *)ct__calloc(1, sizeof *f);
    if (!f) return NULL;
    ct_lock_init(&f->lock);
    ct_event_init(&f->done);
    f->state = CT__PENDING;
    f->refs = refs;
    return f;
}

ct_future *ct__future_new_work(void *(*fn)(void *), void *arg)
{
    ct_future *f = future_alloc(2);  /* the pool's and the caller's */
    if (!f) return NULL;
    f->fn = fn;
    f->arg = arg;
    return f;
}

int ct_future_new(ct_future **future)
{
    if (!future) return CT_EINVAL;
    *future = future_alloc(1);
    return *future ? CT_OK : CT_ENOMEM;
}

void ct__future_ref(ct_future *f)
{
    ct_fetch_add_size(&f->refs, 1);
}

void ct__future_unref(ct_future *f)
{
    if (ct_fetch_add_size(&f->refs, (size_t)-1) == 1) ct__free(f);
}

static bool state_done(unsigned char state)
{
    return state == CT__CANCELLED || state == CT__FINISHED;
}

void ct__future_run_callbacks(ct_future *f, ct__list callbacks)
{
    ct__link *link;
    while ((link = ct__list_pop_front(&callbacks))) {
        ct__done_callback *callback = CT__CONTAINER(link, ct__done_callback, link);
        callback->fn(f, callback->arg);
        ct__free(callback);
    }
}

ct__list ct__future_settle_locked(ct_future *f, unsigned char state, void *result, int error)
{
    ct__list callbacks = ct__list_take(&f->callbacks);
    ct__link *link;
    f->result = result;
    f->error = error;
    ct_store_u8(&f->state, state);
    for (link = f->waiters.head; link; link = link->next) {
        ct__future_waiter *waiter = CT__CONTAINER(link, ct__future_waiter, link);
        waiter->notify(waiter);
    }
    ct_event_set(&f->done);
    return callbacks;
}

/* Settle f if its state is in accepted (bits 1 << state), then run its callbacks. */
static bool settle_from(ct_future *f, unsigned accepted, unsigned char state, void *result, int error)
{
    ct__list callbacks;
    ct_lock_acquire(&f->lock);
    if (!(accepted & (1u << f->state))) {
        ct_lock_release(&f->lock);
        return false;
    }
    callbacks = ct__future_settle_locked(f, state, result, error);
    ct_lock_release(&f->lock);
    ct__future_run_callbacks(f, callbacks);
    return true;
}

int ct__future_finish(ct_future *f, void *result, int error)
{
    unsigned not_done = 1u << CT__PENDING | 1u << CT__RUNNING;
    return settle_from(f, not_done, CT__FINISHED, result, error) ? CT_OK : CT_EPERM;
}

bool ct__future_start_running(ct_future *f)
{
    bool run;
    ct_lock_acquire(&f->lock);
    run = f->state == CT__PENDING;
    if (run) ct_store_u8(&f->state, CT__RUNNING);
    ct_lock_release(&f->lock);
    return run;
}

int ct_future_set_running_or_notify_cancel(ct_future *future)
{
    int status = CT_EPERM;
    if (!future) return CT_EINVAL;
    ct_lock_acquire(&future->lock);
    if (future->state == CT__PENDING) {
        ct_store_u8(&future->state, CT__RUNNING);
        status = CT_OK;
    } else if (future->state == CT__CANCELLED && !future->cancel_notified) {
        /* Waiters and callbacks were told at the cancel itself; Python's
         * CANCELLED_AND_NOTIFIED only makes a second call an error. */
        future->cancel_notified = true;
        status = CT_ECANCELLED;
    }
    ct_lock_release(&future->lock);
    return status;
}

int ct_future_set_result(ct_future *future, void *result)
{
    if (!future) return CT_EINVAL;
    return ct__future_finish(future, result, CT_OK);
}

bool ct_future_cancel(ct_future *future)
{
    if (!future) return false;
    /* Not pending any more: running or finished stay so, cancelled stays cancelled. */
    return settle_from(future, 1u << CT__PENDING, CT__CANCELLED, NULL, CT_ECANCELLED) ||
           ct_future_cancelled(future);
}

bool ct_future_cancelled(ct_future *future)
{
    return future && ct_load_u8(&future->state) == CT__CANCELLED;
}

bool ct_future_running(ct_future *future)
{
    return future && ct_load_u8(&future->state) == CT__RUNNING;
}

bool ct_future_done(ct_future *future)
{
    return future && state_done(ct_load_u8(&future->state));
}

int ct__future_result_until(ct_future *f, void **result, int64_t deadline)
{
    /* The state first: waiters (as_completed, futures_wait) are told before
     * done is set, and a future they saw done must not time out here. */
    if (!state_done(ct_load_u8(&f->state)) && !ct__event_wait_until(&f->done, deadline))
        return CT_ETIMEDOUT;
    if (f->error != CT_OK) return f->error;
    *result = f->result;
    return CT_OK;
}

int ct_future_result(ct_future *future, void **result, double timeout)
{
    int64_t deadline;
    int status;
    if (!future || !result) return CT_EINVAL;
    status = ct__deadline(timeout, &deadline);
    if (status != CT_OK) return status;
    return ct__future_result_until(future, result, deadline);
}

int ct_future_add_done_callback(ct_future *future, void (*fn)(ct_future *, void *), void *arg)
{
    ct__done_callback *callback;
    bool done;
    if (!future || !fn) return CT_EINVAL;
    callback = (ct__done_callback *)ct__malloc(sizeof *callback);
    if (!callback) return CT_ENOMEM;
    callback->fn = fn;
    callback->arg = arg;
    ct_lock_acquire(&future->lock);
    done = state_done(future->state);
    if (!done) ct__list_push_back(&future->callbacks, &callback->link);
    ct_lock_release(&future->lock);
    if (done) {
        fn(future, arg);
        ct__free(callback);
    }
    return CT_OK;
}

void ct_future_release(ct_future *future)
{
    if (future) ct__future_unref(future);
}

/* ------------------------------------------------------------------ waiters */

bool ct__future_waiter_add(ct_future *f, ct__future_waiter *waiter, void (*notify)(ct__future_waiter *))
{
    bool linked;
    waiter->notify = notify;
    waiter->future = NULL;
    ct_lock_acquire(&f->lock);
    linked = !state_done(f->state);
    if (linked) {
        waiter->future = f;
        ct__list_push_front(&f->waiters, &waiter->link);
    }
    ct_lock_release(&f->lock);
    return linked;
}

void ct__future_waiter_remove(ct__future_waiter *waiter)
{
    ct_future *f = waiter->future;
    if (!f) return;
    ct_lock_acquire(&f->lock);
    ct__list_remove(&f->waiters, &waiter->link);
    ct_lock_release(&f->lock);
    waiter->future = NULL;
}

/* ------------------------------------------------------------- futures_wait */

/* ct_futures_wait: one shared record per call, one waiter per future. */
typedef struct wait_record {
    ct_event event;
    ct_wait_mode mode;
    size_t not_done;       /* ALL_COMPLETED: futures still running, plus one while installing */
} wait_record;

typedef struct wait_link {
    ct__future_waiter waiter;
    wait_record *record;
} wait_link;

static void count_done(wait_record *record)
{
    if (record->mode == CT_FIRST_COMPLETED || ct_fetch_add_size(&record->not_done, (size_t)-1) == 1)
        ct_event_set(&record->event);
}

static void notify_wait(ct__future_waiter *waiter)
{
    count_done(CT__CONTAINER(waiter, wait_link, waiter)->record);
}

static bool wait_satisfied(ct_future *const *futures, size_t n, ct_wait_mode mode)
{
    size_t i, done = 0;
    for (i = 0; i < n; i++)
        if (ct_future_done(futures[i])) done++;
    return mode == CT_FIRST_COMPLETED ? done > 0 : done == n;
}

int ct_futures_wait(ct_future *const *futures, size_t n, double timeout, ct_wait_mode mode)
{
    wait_link local_links[8];
    wait_link *links = local_links;
    wait_record record;
    int64_t deadline;
    size_t i;
    int status;
    if (n > 0 && !futures) return CT_EINVAL;
    if (mode != CT_FIRST_COMPLETED && mode != CT_ALL_COMPLETED) return CT_EINVAL;
    for (i = 0; i < n; i++)
        if (!futures[i]) return CT_EINVAL;
    status = ct__deadline(timeout, &deadline);
    if (status != CT_OK) return status;
    if (n == 0 || wait_satisfied(futures, n, mode)) return CT_OK;
    if (deadline == 0) return CT_ETIMEDOUT;
    if (n > sizeof local_links / sizeof local_links[0]) {
        links = (wait_link *)ct__malloc(n * sizeof *links);
        if (!links) return CT_ENOMEM;
    }
    ct_event_init(&record.event);
    record.mode = mode;
    record.not_done = n + 1;
    for (i = 0; i < n; i++) {
        links[i].record = &record;
        if (!ct__future_waiter_add(futures[i], &links[i].waiter, notify_wait)) count_done(&record);
    }
    if (mode == CT_ALL_COMPLETED) count_done(&record);
    (void)ct__event_wait_until(&record.event, deadline);
    /* Once unlinked under each future's lock, no completing thread touches record. */
    for (i = 0; i < n; i++) ct__future_waiter_remove(&links[i].waiter);
    if (links != local_links) ct__free(links);
    return wait_satisfied(futures, n, mode) ? CT_OK : CT_ETIMEDOUT;
}
