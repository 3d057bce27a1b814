/* SPDX-License-Identifier: MIT */
/* concurrent.futures.ThreadPoolExecutor and Future (Python 3.13).
 *
 * The pool keeps its pending futures in an intrusive FIFO list guarded by the
 * pool's lock; workers wait on one condition over that lock. Workers start
 * lazily: submit starts one only when more work is queued than there are idle
 * workers to take it (Python's _adjust_thread_count and its idle semaphore).
 *
 * A future is shared by the pool (until a worker has run or skipped it) and by
 * the caller (until ct_future_release), so it carries a reference count. Its
 * own lock guards its state, its done-callbacks and the ct_futures_wait
 * waiters registered on it; ct_future_result waits on its event.
 *
 * The pool itself is shared by the caller and by every live worker, so a pool
 * released after shutdown(wait=false) is freed by its last worker.
 */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum future_state { PENDING, RUNNING, CANCELLED, FINISHED };

typedef struct done_callback {
    struct done_callback *next;
    void (*fn)(ct_future *future, void *arg);
    void *arg;
} done_callback;

/* ct_futures_wait: one shared record per call, one link per future. */
typedef struct wait_record {
    ct_event event;
    ct_wait_mode mode;
    size_t not_done;       /* ALL_COMPLETED: futures still running, plus one while installing */
} wait_record;

typedef struct wait_link {
    struct wait_link *next, *prev;
    wait_record *record;
    ct_future *future;
} wait_link;

struct ct_future {
    ct_lock lock;
    unsigned char state;   /* written under lock, read with ct_load_u8 */
    ct_event done;
    size_t refs;
    void *(*fn)(void *arg);
    void *arg;
    void *result;
    done_callback *callbacks;        /* in registration order */
    done_callback **callbacks_tail;
    wait_link *waiters;
    ct_future *next_pending;         /* the pool's work list */
};

struct ct_pool {
    ct_lock lock;
    ct_condition work_ready;
    ct_future *first, *last;   /* pending work, oldest first */
    size_t pending;
    size_t idle;               /* atomic: workers not running a work item */
    size_t max_workers;
    size_t thread_count;
    size_t thread_capacity;
    ct_thread **threads;
    bool shutdown;
    size_t refs;               /* atomic: the caller's, one per live worker, one while exiting */
    struct ct_pool *prev_open, *next_open;   /* open_pools, under open_pools_lock */
    bool open;
    char *prefix;
};

static size_t pool_counter;  /* atomic: N of the next "ThreadPoolExecutor-N" */

/* Pools not yet released, shut down at exit by one shutdown hook, as
 * concurrent.futures.thread does with _threads_queues and _python_exit. The
 * hook takes a reference under open_pools_lock, so a pool released meanwhile
 * by another thread stays valid until the hook is done with it. */
static ct_lock open_pools_lock = CT_LOCK_INIT;
static ct_pool *open_pools;
static void shutdown_open_pools(void *unused);
static ct__shutdown_hook exit_hook;
static bool exit_hook_added;   /* under open_pools_lock; cleared when the hook runs */
/* Set once exit has begun: like Python's global _shutdown, it refuses new work,
 * which would otherwise keep idle workers (non-daemon) alive forever. */
static unsigned char exiting;

/* ------------------------------------------------------------------ futures */

static ct_future *future_new(void *(*fn)(void *), void *arg)
{
    ct_future *f = (ct_future *)ct__calloc(1, sizeof *f);
    if (!f) return NULL;
    ct_lock_init(&f->lock);
    ct_event_init(&f->done);
    f->state = PENDING;
    f->refs = 2;  /* the pool's and the caller's */
    f->fn = fn;
    f->arg = arg;
    f->callbacks_tail = &f->callbacks;
    return f;
}

static void future_unref(ct_future *f)
{
    if (ct_fetch_add_size(&f->refs, (size_t)-1) == 1) ct__free(f);
}

static bool state_done(unsigned char state)
{
    return state == CANCELLED || state == FINISHED;
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

static void run_callbacks(ct_future *f, done_callback *callbacks)
{
    while (callbacks) {
        done_callback *next = callbacks->next;
        callbacks->fn(f, callbacks->arg);
        ct__free(callbacks);
        callbacks = next;
    }
}

/* Under f->lock: moves f to its final state, wakes result() and
 * ct_futures_wait callers, and returns the callbacks to run once unlocked. */
static done_callback *settle_locked(ct_future *f, unsigned char state, void *result)
{
    done_callback *callbacks = f->callbacks;
    f->callbacks = NULL;
    f->callbacks_tail = &f->callbacks;
    f->result = result;
    ct_store_u8(&f->state, state);
    notify_waiters(f);
    ct_event_set(&f->done);
    return callbacks;
}

/* set_running_or_notify_cancel: false if f was cancelled while pending. */
static bool future_start_running(ct_future *f)
{
    bool run;
    ct_lock_acquire(&f->lock);
    run = f->state == PENDING;
    if (run) ct_store_u8(&f->state, RUNNING);
    ct_lock_release(&f->lock);
    return run;
}

bool ct_future_cancel(ct_future *future)
{
    done_callback *callbacks;
    ct_lock_acquire(&future->lock);
    if (future->state != PENDING) {
        bool cancelled = future->state == CANCELLED;
        ct_lock_release(&future->lock);
        return cancelled;
    }
    callbacks = settle_locked(future, CANCELLED, NULL);
    ct_lock_release(&future->lock);
    run_callbacks(future, callbacks);
    return true;
}

bool ct_future_cancelled(ct_future *future)
{
    return ct_load_u8(&future->state) == CANCELLED;
}

bool ct_future_running(ct_future *future)
{
    return ct_load_u8(&future->state) == RUNNING;
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
    if (ct_load_u8(&future->state) == CANCELLED) return CT_ECANCELLED;
    *result = future->result;
    return CT_OK;
}

int ct_future_add_done_callback(ct_future *future, void (*fn)(ct_future *, void *), void *arg)
{
    done_callback *callback;
    if (!future || !fn) return CT_EINVAL;
    callback = (done_callback *)ct__malloc(sizeof *callback);
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
    run_callbacks(future, callback);
    return CT_OK;
}

void ct_future_release(ct_future *future)
{
    if (future) future_unref(future);
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

/* -------------------------------------------------------------------- pool */

static void pool_unref(ct_pool *pool)
{
    size_t i;
    if (ct_fetch_add_size(&pool->refs, (size_t)-1) != 1) return;
    for (i = 0; i < pool->thread_count; i++) ct_thread_release(pool->threads[i]);
    ct__free(pool->threads);
    ct__free(pool->prefix);
    ct__free(pool);
}

/* The worker counts as idle again before anyone can see f done when no
 * callback is to run: a caller that waits for f and then submits finds it idle
 * instead of starting another worker. With callbacks it counts as idle only
 * once they have run, since they may block (even on this pool). */
static void run_work_item(ct_pool *pool, ct_future *f)
{
    done_callback *callbacks;
    void *result;
    if (!future_start_running(f)) {
        ct_fetch_add_size(&pool->idle, 1);
        future_unref(f);
        return;
    }
    result = f->fn(f->arg);
    ct_lock_acquire(&f->lock);
    if (f->callbacks == NULL) ct_fetch_add_size(&pool->idle, 1);
    callbacks = settle_locked(f, FINISHED, result);
    ct_lock_release(&f->lock);
    if (callbacks) {
        run_callbacks(f, callbacks);
        ct_fetch_add_size(&pool->idle, 1);
    }
    future_unref(f);
}

static void worker_main(void *arg)
{
    ct_pool *pool = (ct_pool *)arg;
    ct_lock_acquire(&pool->lock);
    for (;;) {
        ct_future *f = pool->first;
        if (!f) {
            if (pool->shutdown) break;
            ct_condition_wait(&pool->work_ready, CT_FOREVER);
            continue;
        }
        pool->first = f->next_pending;
        if (!pool->first) pool->last = NULL;
        pool->pending--;
        ct_fetch_add_size(&pool->idle, (size_t)-1);
        ct_lock_release(&pool->lock);
        run_work_item(pool, f);
        ct_lock_acquire(&pool->lock);
    }
    ct_fetch_add_size(&pool->idle, (size_t)-1);
    ct_lock_release(&pool->lock);
    pool_unref(pool);
}

/* Under pool->lock. The new worker counts as idle until it takes an item. */
static int start_worker(ct_pool *pool)
{
    ct_thread_options options = CT_THREAD_OPTIONS_INIT;
    size_t name_size = strlen(pool->prefix) + 24;
    char *name;
    ct_thread *thread;
    int status;
    if (pool->thread_count == pool->thread_capacity) {
        size_t capacity = pool->thread_capacity ? pool->thread_capacity * 2 : 4;
        ct_thread **threads;
        if (capacity > pool->max_workers) capacity = pool->max_workers;
        threads = (ct_thread **)ct__realloc(pool->threads, capacity * sizeof *threads);
        if (!threads) return CT_ENOMEM;
        pool->threads = threads;
        pool->thread_capacity = capacity;
    }
    name = (char *)ct__malloc(name_size);
    if (!name) return CT_ENOMEM;
    snprintf(name, name_size, "%s_%zu", pool->prefix, pool->thread_count);
    options.name = name;
    options.daemon = 0;
    ct_fetch_add_size(&pool->refs, 1);
    ct_fetch_add_size(&pool->idle, 1);
    status = ct_thread_start(&thread, worker_main, pool, &options);
    ct__free(name);
    if (status != CT_OK) {
        ct_fetch_add_size(&pool->idle, (size_t)-1);
        ct_fetch_add_size(&pool->refs, (size_t)-1);
        return status;
    }
    pool->threads[pool->thread_count++] = thread;
    return CT_OK;
}

/* Under open_pools_lock. */
static void unlink_open(ct_pool *pool)
{
    if (!pool->open) return;
    if (pool->prev_open) pool->prev_open->next_open = pool->next_open;
    else open_pools = pool->next_open;
    if (pool->next_open) pool->next_open->prev_open = pool->prev_open;
    pool->open = false;
}

static void register_open(ct_pool *pool)
{
    ct_lock_acquire(&open_pools_lock);
    pool->prev_open = NULL;
    pool->next_open = open_pools;
    if (open_pools) open_pools->prev_open = pool;
    open_pools = pool;
    pool->open = true;
    /* Added again if a pool is made after the hook ran: ct_shutdown runs it too. */
    if (!exit_hook_added) {
        exit_hook_added = true;
        exit_hook.fn = shutdown_open_pools;
        ct__shutdown_hook_add(&exit_hook);
    }
    ct_lock_release(&open_pools_lock);
}

static void shutdown_open_pools(void *unused)
{
    (void)unused;
    ct_store_u8(&exiting, 1);
    ct_lock_acquire(&open_pools_lock);
    exit_hook_added = false;
    ct_lock_release(&open_pools_lock);
    for (;;) {
        ct_pool *pool;
        ct_lock_acquire(&open_pools_lock);
        pool = open_pools;
        if (pool) {
            unlink_open(pool);
            ct_fetch_add_size(&pool->refs, 1);
        }
        ct_lock_release(&open_pools_lock);
        if (!pool) return;
        ct_pool_shutdown(pool, true, false);
        pool_unref(pool);
    }
}

/* fork(): the child has none of the parent's workers. As concurrent.futures
 * does after a fork, it forgets the parent's pools, so that its exit neither
 * waits on workers it lacks nor takes a pool lock that a lost worker may have
 * held; the registry of open pools itself is kept whole across the fork. */
CT_NO_THREAD_SAFETY_ANALYSIS void ct__pools_fork_prepare(void)
{
    ct_lock_acquire(&open_pools_lock);
}

CT_NO_THREAD_SAFETY_ANALYSIS void ct__pools_fork_parent(void)
{
    ct_lock_release(&open_pools_lock);
}

void ct__pools_fork_child(void)
{
    for (ct_pool *pool = open_pools; pool; pool = pool->next_open) pool->open = false;
    open_pools = NULL;
    ct_lock_init(&open_pools_lock);
}

int ct_pool_new(ct_pool **pool, size_t max_workers, const char *thread_name_prefix)
{
    ct_pool *p;
    if (!pool) return CT_EINVAL;
    *pool = NULL;
    p = (ct_pool *)ct__calloc(1, sizeof *p);
    if (!p) return CT_ENOMEM;
    if (thread_name_prefix && thread_name_prefix[0]) {
        size_t size = strlen(thread_name_prefix) + 1;
        p->prefix = (char *)ct__malloc(size);
        if (p->prefix) memcpy(p->prefix, thread_name_prefix, size);
    } else {
        /* Python: thread_name_prefix or "ThreadPoolExecutor-%d" % counter() */
        p->prefix = (char *)ct__malloc(48);
        if (p->prefix)
            snprintf(p->prefix, 48, "ThreadPoolExecutor-%zu", ct_fetch_add_size(&pool_counter, 1));
    }
    if (!p->prefix) {
        ct__free(p);
        return CT_ENOMEM;
    }
    if (max_workers == 0) {
        unsigned cpus = ctb_cpu_count();
        max_workers = cpus + 4 < 32 ? (size_t)cpus + 4 : 32;
    }
    p->max_workers = max_workers;
    p->refs = 1;
    ct_lock_init(&p->lock);
    ct_condition_init_lock(&p->work_ready, &p->lock);
    register_open(p);
    *pool = p;
    return CT_OK;
}

int ct_pool_submit(ct_pool *pool, ct_future **future, void *(*fn)(void *), void *arg)
{
    ct_future *f;
    int status = CT_OK;
    if (!pool || !future || !fn) return CT_EINVAL;
    *future = NULL;
    f = future_new(fn, arg);
    if (!f) return CT_ENOMEM;
    ct_lock_acquire(&pool->lock);
    if (pool->shutdown || ct_load_u8(&exiting)) {
        ct_lock_release(&pool->lock);
        ct__free(f);
        return CT_ESHUTDOWN;
    }
    if (pool->pending + 1 > ct_load_size(&pool->idle) && pool->thread_count < pool->max_workers) {
        status = start_worker(pool);
        /* Without any worker nobody would ever run f; with some, it only waits longer. */
        if (status != CT_OK && pool->thread_count == 0) {
            ct_lock_release(&pool->lock);
            ct__free(f);
            return status;
        }
    }
    if (pool->last) pool->last->next_pending = f;
    else pool->first = f;
    pool->last = f;
    pool->pending++;
    ct_condition_notify(&pool->work_ready, 1);
    ct_lock_release(&pool->lock);
    *future = f;
    return CT_OK;
}

void ct_pool_shutdown(ct_pool *pool, bool wait, bool cancel_futures)
{
    ct_future *cancelled = NULL;
    size_t i, thread_count;
    ct_lock_acquire(&pool->lock);
    pool->shutdown = true;
    if (cancel_futures) {
        cancelled = pool->first;
        pool->first = pool->last = NULL;
        pool->pending = 0;
    }
    thread_count = pool->thread_count;
    ct_condition_notify_all(&pool->work_ready);
    ct_lock_release(&pool->lock);
    while (cancelled) {
        ct_future *next = cancelled->next_pending;
        (void)ct_future_cancel(cancelled);
        future_unref(cancelled);
        cancelled = next;
    }
    if (!wait) return;
    /* thread_count no longer changes once shut down. A worker shutting down its
     * own pool cannot join itself (CT_EDEADLK), as Python's t.join() refuses. */
    for (i = 0; i < thread_count; i++) (void)ct_thread_join(pool->threads[i], CT_FOREVER);
}

void ct_pool_release(ct_pool *pool)
{
    bool shut_down;
    if (!pool) return;
    ct_lock_acquire(&open_pools_lock);
    unlink_open(pool);
    ct_lock_release(&open_pools_lock);
    ct_lock_acquire(&pool->lock);
    shut_down = pool->shutdown;
    ct_lock_release(&pool->lock);
    if (!shut_down) ct_pool_shutdown(pool, true, false);
    pool_unref(pool);
}
