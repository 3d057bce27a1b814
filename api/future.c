/* SPDX-License-Identifier: MIT */
/* concurrent.futures.Future and wait() (Python 3.13 _base.py).
 *
 * A future is shared by the pool (until a worker has run or skipped it) and by
 * the caller (until ct_future_release), so it carries a reference count. Its
 * own lock guards its state, its done-callbacks and the ct_futures_wait
 * waiters registered on it; ct_future_result waits on its event.
 */
#include "future.h"

/* ct_futures_wait: one shared record per call, one link per future. */
typedef struct wait_record {
    ct_event event;
    ct_wait_mode mode;
    size_t not_done;       /* ALL_COMPLETED: futures still running, plus one while installing */
} wait_record;

typedef struct ct__wait_link {
    struct ct__wait_link *next, *prev;
    wait_record *record;
    ct_future *future;
} wait_link;

ct_future *ct__future_new_work(void *(*fn)(void *), void *arg)
{
    ct_future *f = (ct_future *)ct__calloc(1, sizeof *f);
    if (!f) return NULL;
    ct_lock_init(&f->lock);
    ct_event_init(&f->done);
    f->state = CT__PENDING;
    f->refs = 2;  /* the pool's and the caller's */
    f->fn = fn;
    f->arg = arg;
    f->callbacks_tail = &f->callbacks;
    return f;
}

void ct__future_unref(ct_future *f)
{
    if (ct_fetch_add_size(&f->refs, (size_t)-1) == 1) ct__free(f);
}

static bool state_done(unsigned char state)
{
    return state == CT__CANCELLED || state == CT__FINISHED;
}

/* Under f->lock: tell every ct_futures_wait caller waiting on f. */
static void notify_waiters(ct_future *f)
{
    wait_link *link;
    for (link = f->waiters; link; link = link->next) {
        wait_record *record = link->record;
        if (record->mode == CT_FIRST_COMPLETED || ct_fetch_add_size(&record->not_done, (size_t)-1) == 1)
            ct_event_set(&record->event);
    }
}

void ct__future_run_callbacks(ct_future *f, ct__done_callback *callbacks)
{
    while (callbacks) {
        ct__done_callback *next = callbacks->next;
        callbacks->fn(f, callbacks->arg);
        ct__free(callbacks);
        callbacks = next;
    }
}

ct__done_callback *ct__future_settle_locked(ct_future *f, unsigned char state, void *result)
{
    ct__done_callback *callbacks = f->callbacks;
    f->callbacks = NULL;
    f->callbacks_tail = &f->callbacks;
    f->result = result;
    ct_store_u8(&f->state, state);
    notify_waiters(f);
    ct_event_set(&f->done);
    return callbacks;
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

bool ct_future_cancel(ct_future *future)
{
    ct__done_callback *callbacks;
    ct_lock_acquire(&future->lock);
    if (future->state != CT__PENDING) {
        bool cancelled = future->state == CT__CANCELLED;
        ct_lock_release(&future->lock);
        return cancelled;
    }
    callbacks = ct__future_settle_locked(future, CT__CANCELLED, NULL);
    ct_lock_release(&future->lock);
    ct__future_run_callbacks(future, callbacks);
    return true;
}

bool ct_future_cancelled(ct_future *future)
{
    return ct_load_u8(&future->state) == CT__CANCELLED;
}

bool ct_future_running(ct_future *future)
{
    return ct_load_u8(&future->state) == CT__RUNNING;
}

bool ct_future_done(ct_future *future)
{
    return state_done(ct_load_u8(&future->state));
}

int ct_future_result(ct_future *future, void **result, double timeout)
{
    int64_t deadline;
    int status;
    if (!future || !result) return CT_EINVAL;
    status = ct__deadline(timeout, &deadline);
    if (status != CT_OK) return status;
    if (!ct__event_wait_until(&future->done, deadline)) return CT_ETIMEDOUT;
    if (ct_load_u8(&future->state) == CT__CANCELLED) return CT_ECANCELLED;
    *result = future->result;
    return CT_OK;
}

int ct_future_add_done_callback(ct_future *future, void (*fn)(ct_future *, void *), void *arg)
{
    ct__done_callback *callback;
    if (!future || !fn) return CT_EINVAL;
    callback = (ct__done_callback *)ct__malloc(sizeof *callback);
    if (!callback) return CT_ENOMEM;
    callback->next = NULL;
    callback->fn = fn;
    callback->arg = arg;
    ct_lock_acquire(&future->lock);
    if (!state_done(future->state)) {
        *future->callbacks_tail = callback;
        future->callbacks_tail = &callback->next;
        ct_lock_release(&future->lock);
        return CT_OK;
    }
    ct_lock_release(&future->lock);
    ct__future_run_callbacks(future, callback);
    return CT_OK;
}

void ct_future_release(ct_future *future)
{
    if (future) ct__future_unref(future);
}

/* ------------------------------------------------------------- futures_wait */

static bool wait_satisfied(ct_future *const *futures, size_t n, ct_wait_mode mode)
{
    size_t i, done = 0;
    for (i = 0; i < n; i++)
        if (ct_future_done(futures[i])) done++;
    return mode == CT_FIRST_COMPLETED ? done > 0 : done == n;
}

static void install_link(wait_link *link, ct_future *f, wait_record *record)
{
    link->record = record;
    link->future = f;
    link->prev = NULL;
    ct_lock_acquire(&f->lock);
    if (state_done(f->state)) {
        link->future = NULL;
        if (record->mode == CT_FIRST_COMPLETED) ct_event_set(&record->event);
        else ct_fetch_add_size(&record->not_done, (size_t)-1);
    } else {
        link->next = f->waiters;
        if (f->waiters) f->waiters->prev = link;
        f->waiters = link;
    }
    ct_lock_release(&f->lock);
}

static void remove_link(wait_link *link)
{
    ct_future *f = link->future;
    if (!f) return;
    ct_lock_acquire(&f->lock);
    if (link->prev) link->prev->next = link->next;
    else f->waiters = link->next;
    if (link->next) link->next->prev = link->prev;
    ct_lock_release(&f->lock);
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
    for (i = 0; i < n; i++) install_link(&links[i], futures[i], &record);
    if (mode == CT_ALL_COMPLETED && ct_fetch_add_size(&record.not_done, (size_t)-1) == 1)
        ct_event_set(&record.event);
    (void)ct__event_wait_until(&record.event, deadline);
    /* Once unlinked under each future's lock, no completing thread touches record. */
    for (i = 0; i < n; i++) remove_link(&links[i]);
    if (links != local_links) ct__free(links);
    return wait_satisfied(futures, n, mode) ? CT_OK : CT_ETIMEDOUT;
}

