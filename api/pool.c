/* SPDX-License-Identifier: MIT */
/* concurrent.futures.ThreadPoolExecutor (Python 3.13); futures are future.c's.
 *
 * The pool keeps its pending futures in an intrusive FIFO list guarded by the
 * pool's lock; workers wait on one condition over that lock. Workers start
 * lazily: submit starts one only when more work is queued than there are idle
 * workers to take it (Python's _adjust_thread_count and its idle semaphore).
 *
 * Wake-ups cost more than an empty task (a system call, and on 2 cores a
 * switch away from the submitter), so the pool makes few, as Go's scheduler
 * does with its spinning threads: a worker that finds no work polls for a few
 * microseconds (where a core is spare) before it sleeps, and a sleeper is
 * woken only while no worker is searching, polling or woken and not yet back
 * at the list. A searcher that takes work and sees more wakes the next one, so
 * a burst of work wakes sleepers one after another, not all from submit.
 *
 * The pool itself is shared by the caller and by every live worker, so a pool
 * released after shutdown(wait=false) is freed by its last worker.
 */
#include "future.h"
#include "parking_lot.h"
#include "thread_shared.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct ct_pool {
    ct_lock lock;
    ct_condition work_ready;
    ct__list pending_work;     /* of ct_future, by ct_future.pending; oldest first */
    size_t pending;            /* written under lock, read with ct_load_relaxed_size */
    size_t searching;          /* under lock: workers polling, or woken and not back at the list */
    size_t idle;               /* atomic: workers not running a work item */
    size_t max_workers;
    size_t thread_count;
    size_t thread_capacity;
    ct_thread **threads;
    bool shutdown;
    unsigned char broken;      /* an initializer failed; written under lock */
    int (*initializer)(void *arg);
    void *initarg;
    size_t refs;               /* atomic: the caller's, one per live worker, one while exiting */
    ct__link open_link;        /* on open_pools, under open_pools_lock */
    bool open;
    char *prefix;
};

static size_t pool_counter;  /* atomic: N of the next "ThreadPoolExecutor-N" */

/* Pools not yet released, shut down at exit by one shutdown hook, as
 * concurrent.futures.thread does with _threads_queues and _python_exit. The
 * hook takes a reference under open_pools_lock, so a pool released meanwhile
 * by another thread stays valid until the hook is done with it. */
static ct_lock open_pools_lock = CT_LOCK_INIT;
static ct__list open_pools;
static void shutdown_open_pools(void *unused);
static ct__shutdown_hook exit_hook;
static bool exit_hook_added;   /* under open_pools_lock; cleared when the hook runs */
/* Set once exit has begun: like Python's global _shutdown, it refuses new work,
 * which would otherwise keep idle workers (non-daemon) alive forever. */
static unsigned char exiting;

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
    ct__list callbacks = { NULL, NULL };
    void *result;
    bool idle_now;
    if (!ct__future_start_running(f)) {
        ct_fetch_add_size(&pool->idle, 1);
        ct__future_unref(f);
        return;
    }
    result = f->fn(f->arg);
    ct_lock_acquire(&f->lock);
    idle_now = ct__list_empty(&f->callbacks);
    if (idle_now) ct_fetch_add_size(&pool->idle, 1);
    /* Not running any more if ct_future_set_result finished it meanwhile. */
    if (f->state == CT__RUNNING) callbacks = ct__future_settle_locked(f, CT__FINISHED, result, CT_OK);
    ct_lock_release(&f->lock);
    if (!idle_now) {
        ct__future_run_callbacks(f, callbacks);
        ct_fetch_add_size(&pool->idle, 1);
    }
    ct__future_unref(f);
}

/* Under pool->lock: unqueue every pending future, oldest first. */
static ct__list take_pending(ct_pool *pool)
{
    ct_store_relaxed_size(&pool->pending, 0);
    return ct__list_take(&pool->pending_work);
}

/* Under pool->lock: the oldest pending future, unqueued, or NULL. */
static ct_future *pop_pending(ct_pool *pool)
{
    ct__link *link = ct__list_pop_front(&pool->pending_work);
    if (!link) return NULL;
    ct_store_relaxed_size(&pool->pending, pool->pending - 1);
    return CT__CONTAINER(link, ct_future, pending);
}

/* thread.py's _initializer_failed: the pool refuses work from now on, and the
 * work no worker has started finishes with CT_EBROKEN (BrokenThreadPool). */
static void break_pool(ct_pool *pool)
{
    ct__list work;
    ct__link *link;
    ct_lock_acquire(&pool->lock);
    ct_store_u8(&pool->broken, 1);
    work = take_pending(pool);
    ct_lock_release(&pool->lock);
    while ((link = ct__list_pop_front(&work))) {
        ct_future *f = CT__CONTAINER(link, ct_future, pending);
        /* CT_EPERM: the caller settled it first (cancel, set_result), and so it stays. */
        (void)ct__future_finish(f, NULL, CT_EBROKEN);
        ct__future_unref(f);
    }
}

#define POLL_NS 5000

static bool has_pending(const void *pool)
{
    return ct_load_relaxed_size(&((const ct_pool *)pool)->pending) != 0;
}

/* Under pool->lock: wake at most n sleeping workers, who search from then on. */
static void wake_workers(ct_pool *pool, size_t n)
{
    size_t asleep = pool->work_ready.waiters;
    ct_condition_notify(&pool->work_ready, n);
    pool->searching += asleep - pool->work_ready.waiters;
}

/* Under pool->lock: work is pending; a searcher will come for it, or is woken. */
static void ensure_searcher(ct_pool *pool)
{
    if (pool->searching == 0) wake_workers(pool, 1);
}

/* Under pool->lock, released while polling. A searching worker takes the lock
 * again and looks at the list before it sleeps, so no work waits on it. */
static void poll_for_work(ct_pool *pool) CT_REQUIRES(pool->lock)
{
    ct_lock_release(&pool->lock);
    (void)ct__poll_spare_cpu(has_pending, pool, POLL_NS, CTB_NEVER);
    ct_lock_acquire(&pool->lock);
}

static void worker_main(void *arg)
{
    ct_pool *pool = (ct_pool *)arg;
    bool polled = false, searching = false;
    if (pool->initializer && pool->initializer(pool->initarg) != 0) {
        break_pool(pool);
        ct_fetch_add_size(&pool->idle, (size_t)-1);
        pool_unref(pool);
        return;
    }
    ct_lock_acquire(&pool->lock);
    for (;;) {
        ct_future *f = pop_pending(pool);
        if (searching) pool->searching--;
        searching = false;
        if (!f) {
            if (pool->shutdown) break;
            if (polled) {
                ct_condition_wait(&pool->work_ready, CT_FOREVER);   /* the waker counted us */
            } else {
                pool->searching++;
                poll_for_work(pool);
            }
            searching = true;
            polled = !polled;
            continue;
        }
        polled = false;
        if (pool->pending > 0) ensure_searcher(pool);
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
    ct__list_remove(&open_pools, &pool->open_link);
    pool->open = false;
}

static void register_open(ct_pool *pool)
{
    ct_lock_acquire(&open_pools_lock);
    ct__list_push_front(&open_pools, &pool->open_link);
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
        ct_pool *pool = NULL;
        ct_lock_acquire(&open_pools_lock);
        if (!ct__list_empty(&open_pools)) {
            pool = CT__CONTAINER(open_pools.head, ct_pool, open_link);
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
    for (ct__link *link = open_pools.head; link; link = link->next)
        CT__CONTAINER(link, ct_pool, open_link)->open = false;
    (void)ct__list_take(&open_pools);
    ct_lock_init(&open_pools_lock);
}

int ct_pool_new(ct_pool **pool, size_t max_workers, const char *thread_name_prefix)
{
    ct_pool_options options = CT_POOL_OPTIONS_INIT;
    options.max_workers = max_workers;
    options.thread_name_prefix = thread_name_prefix;
    return ct_pool_new_with_options(pool, &options);
}

int ct_pool_new_with_options(ct_pool **pool, const ct_pool_options *options)
{
    static const ct_pool_options defaults = CT_POOL_OPTIONS_INIT;
    const char *thread_name_prefix;
    size_t max_workers;
    ct_pool *p;
    if (!pool) return CT_EINVAL;
    if (!options) options = &defaults;
    thread_name_prefix = options->thread_name_prefix;
    max_workers = options->max_workers;
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
    p->initializer = options->initializer;
    p->initarg = options->initarg;
    p->refs = 1;
    ct_lock_init(&p->lock);
    ct_condition_init_lock(&p->work_ready, &p->lock);
    register_open(p);
    *pool = p;
    return CT_OK;
}

/* Under pool->lock: CT_OK, or why submit refuses work (broken first, as thread.py). */
static int accepting_work(ct_pool *pool)
{
    if (pool->broken) return CT_EBROKEN;
    if (pool->shutdown || ct_load_u8(&exiting)) return CT_ESHUTDOWN;
    return CT_OK;
}

int ct_pool_submit(ct_pool *pool, ct_future **future, void *(*fn)(void *), void *arg)
{
    ct_future *f;
    int status = CT_OK;
    if (!pool || !future || !fn) return CT_EINVAL;
    *future = NULL;
    /* Refused before allocating, as thread.py raises before it makes the
     * Future: a broken or shut-down pool says so whatever memory is left. */
    ct_lock_acquire(&pool->lock);
    status = accepting_work(pool);
    f = status == CT_OK ? ct__future_new_work(fn, arg) : NULL;
    if (!f) {
        ct_lock_release(&pool->lock);
        return status != CT_OK ? status : CT_ENOMEM;
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
    ct__list_push_back(&pool->pending_work, &f->pending);
    ct_store_relaxed_size(&pool->pending, pool->pending + 1);
    ensure_searcher(pool);
    ct_lock_release(&pool->lock);
    *future = f;
    return CT_OK;
}

void ct_pool_shutdown(ct_pool *pool, bool wait, bool cancel_futures)
{
    ct__list cancelled = { NULL, NULL };
    ct__link *link;
    size_t i, thread_count;
    if (!pool) return;
    ct_lock_acquire(&pool->lock);
    pool->shutdown = true;
    if (cancel_futures) cancelled = take_pending(pool);
    thread_count = pool->thread_count;
    wake_workers(pool, SIZE_MAX);
    ct_lock_release(&pool->lock);
    while ((link = ct__list_pop_front(&cancelled))) {
        ct_future *f = CT__CONTAINER(link, ct_future, pending);
        (void)ct_future_cancel(f);
        ct__future_unref(f);
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

bool ct_pool_broken(ct_pool *pool)
{
    return pool && ct_load_u8(&pool->broken);
}

/* The futures of calls submitted but not collected, at most width of them:
 * call i's future is slots[i % width]. */
typedef struct map_window {
    ct_future **slots;
    size_t width, submitted, collected;
} map_window;

/* Python's finally in Executor.map: what has not started never will. */
static void map_abandon(map_window *w)
{
    for (; w->collected < w->submitted; w->collected++) {
        ct_future *f = w->slots[w->collected % w->width];
        (void)ct_future_cancel(f);   /* false: it runs on, in the background */
        ct_future_release(f);
    }
}

/* Executor.map gathered into results. Every result is read and stored by the
 * calling thread, as Python's generator yields it, so nothing writes to
 * results once ct_pool_map has returned, however late a call finishes. */
int ct_pool_map(ct_pool *pool, void *(*fn)(void *), void *const *args, void **results,
                size_t n, double timeout, size_t buffersize)
{
    map_window w = { NULL, 0, 0, 0 };
    int64_t deadline;
    int status;
    if (!pool || !fn || (n > 0 && (!args || !results))) return CT_EINVAL;
    status = ct__deadline(timeout, &deadline);
    if (status != CT_OK) return status;
    ct_lock_acquire(&pool->lock);
    status = accepting_work(pool);
    ct_lock_release(&pool->lock);
    if (status != CT_OK || n == 0) return status;
    w.width = buffersize == 0 || buffersize > n ? n : buffersize;
    w.slots = (ct_future **)ct__malloc(w.width * sizeof *w.slots);
    if (!w.slots) return CT_ENOMEM;
    while (w.collected < n) {
        ct_future *f;
        while (w.submitted < n && w.submitted - w.collected < w.width) {
            status = ct_pool_submit(pool, &w.slots[w.submitted % w.width], fn, args[w.submitted]);
            if (status != CT_OK) break;
            w.submitted++;
        }
        if (status != CT_OK) break;
        f = w.slots[w.collected % w.width];
        status = ct__future_result_until(f, &results[w.collected], deadline);
        if (status != CT_OK) break;
        ct_future_release(f);
        w.collected++;
    }
    map_abandon(&w);
    ct__free(w.slots);
    return status;
}
