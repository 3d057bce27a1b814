/* SPDX-License-Identifier: MIT */
/* Threads: the registry of live threads (started here, the main thread, and
 * Dummy records for threads started elsewhere), names, idents, join, and the
 * daemon contract at exit. */
#include "internal.h"
#include "parking_lot.h"
#include "thread_shared.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum thread_kind { STARTED_HERE, MAIN, DUMMY };

struct ct_thread {
    size_t refs;
    struct ct_thread *prev, *next;   /* registry links, under registry_lock */
    char *name;
    uint64_t ident;
    uint64_t native_id;   /* published by the thread itself, then `started` is set */
    ct_event started;
    ct_event finished;
    enum thread_kind kind;
    bool daemon;
    void (*target)(void *);
    void *arg;
    ct__local_table locals;
};

static ct_lock registry_lock = CT_LOCK_INIT;
static ct_thread *registry_head;
static size_t registry_count;
static ct_thread *main_record;

static uint64_t last_ident;
static size_t last_thread_number;
static size_t last_dummy_number;
static size_t default_stack_size;

static CT_THREAD_LOCAL ct_thread *self;
CT_THREAD_LOCAL uint64_t ct__self_ident;

static ct_lock hooks_lock = CT_LOCK_INIT;
static ct__shutdown_hook *hooks_head;

/* ---------------------------------------------------------------- registry */

/* These hand the lock to their callers, which -Wthread-safety cannot follow. */
CT_NO_THREAD_SAFETY_ANALYSIS void ct__registry_lock(void) { ct_lock_acquire(&registry_lock); }
CT_NO_THREAD_SAFETY_ANALYSIS void ct__registry_unlock(void) { ct_lock_release(&registry_lock); }

static void registry_add(ct_thread *t)
{
    ct__registry_lock();
    t->prev = NULL;
    t->next = registry_head;
    if (registry_head) registry_head->prev = t;
    registry_head = t;
    registry_count++;
    ct__registry_unlock();
}

static void registry_remove(ct_thread *t)
{
    ct__registry_lock();
    if (t->prev) t->prev->next = t->next;
    else registry_head = t->next;
    if (t->next) t->next->prev = t->prev;
    registry_count--;
    ct__registry_unlock();
}

void ct__registry_each_table(void (*fn)(ct__local_table *table, void *arg), void *arg)
{
    ct__registry_lock();
    for (ct_thread *t = registry_head; t; t = t->next) fn(&t->locals, arg);
    ct__registry_unlock();
}

/* ---------------------------------------------------------------- records */

static char *copy_string(const char *s)
{
    size_t n = strlen(s) + 1;
    char *copy = (char *)ct__malloc(n);
    if (copy) memcpy(copy, s, n);
    return copy;
}

static char *numbered_name(const char *prefix, size_t *counter)
{
    char buf[48];
    snprintf(buf, sizeof buf, "%s-%zu", prefix, ct_fetch_add_size(counter, 1) + 1);
    return copy_string(buf);
}

static ct_thread *record_new(enum thread_kind kind, char *name, bool daemon, size_t refs)
{
    ct_thread *t;
    if (!name) return NULL;
    t = (ct_thread *)ct__calloc(1, sizeof *t);
    if (!t) {
        ct__free(name);
        return NULL;
    }
    t->refs = refs;
    t->name = name;
    t->kind = kind;
    t->daemon = daemon;
    ct_event_init(&t->started);
    ct_event_init(&t->finished);
    return t;
}

static void record_release(ct_thread *t)
{
    if (ct_fetch_add_size(&t->refs, (size_t)-1) != 1) return;
    ct__free(t->name);
    ct__free(t);
}

/* Called in the thread the record describes, once it runs. */
static void record_adopt_current(ct_thread *t)
{
    self = t;
    ct__self_ident = t->ident;
    ct_store_u64(&t->native_id, ctb_native_id());
    ct_event_set(&t->started);
}

/* The end of every thread with a record: its locals' destructors run while it
 * still counts as alive (as threading.local's do), then it leaves the registry
 * and joiners are released. */
static void record_finish(ct_thread *t)
{
    ct__local_table_finish(&t->locals);
    registry_remove(t);
    ct_event_set(&t->finished);
    if (self == t) self = NULL;
    record_release(t);
}

/* A record whose thread the OS refused ends as a finished one does: another
 * thread (ct_enumerate, the exit-time join) may hold a reference taken while
 * it was in the registry, and a ct_thread_native_id caller waits for `started`. */
static void record_refused(ct_thread *t)
{
    registry_remove(t);
    ct_event_set(&t->started);
    ct_event_set(&t->finished);
    record_release(t);   /* the thread's reference */
    record_release(t);   /* the caller's */
}

void ct__thread_exited(void *record)
{
    record_finish((ct_thread *)record);
}

/* ---------------------------------------------------------------- runtime */

static void at_exit(void)
{
    ct_shutdown();
}

/* The main thread is the one that loads the library (its constructor runs
 * there), or, if a function runs before the constructor, the first caller. */
static unsigned char runtime_state;   /* 0 new, 1 starting, 2 ready */

static void fork_prepare(void);
static void fork_parent(void);
static void fork_child(void);

static void runtime_start(void)
{
    ct_thread *t = record_new(MAIN, copy_string("MainThread"), false, 1);
    if (!t) ctb_fatal("cannot allocate the main thread's record", 0);
    t->ident = ct_get_ident();
    registry_add(t);
    record_adopt_current(t);
    main_record = t;
    if (ctb_at_exit(at_exit) != CT_OK) ctb_fatal("cannot register the exit-time join", 0);
    if (ctb_at_fork(fork_prepare, fork_parent, fork_child) != CT_OK)
        ctb_fatal("cannot register the fork handlers", 0);
}

static void runtime_ensure(void)
{
    unsigned char state = ct_load_u8(&runtime_state);
    if (state == 2) return;
    if (state == 0 && ct_cas_u8(&runtime_state, &state, 1)) {
        runtime_start();
        ct_store_u8(&runtime_state, 2);
        return;
    }
    while (ct_load_u8(&runtime_state) != 2) ctb_yield();
}

CT_CONSTRUCTOR(runtime_constructor)
{
    runtime_ensure();
}

/* ---------------------------------------------------------------- fork
 * The child of a fork() has one thread: the one that called fork. As Python's
 * threading._after_fork does, the child's runtime forgets every other thread
 * and makes the forking thread its main thread. Internal locks that another
 * thread may have held are reset: the registry and hooks locks are taken
 * around the fork, so their lists are whole in the child; the parking lot's
 * queues hold only threads the child does not have, so they are emptied. */

/* The fork handlers hold the locks across fork(): taken in one, released in another. */
CT_NO_THREAD_SAFETY_ANALYSIS static void fork_prepare(void)
{
    runtime_ensure();   /* a runtime half started by another thread would never finish in the child */
    ct__pools_fork_prepare();
    ct_lock_acquire(&hooks_lock);
    ct__registry_lock();
}

CT_NO_THREAD_SAFETY_ANALYSIS static void fork_parent(void)
{
    ct__registry_unlock();
    ct_lock_release(&hooks_lock);
    ct__pools_fork_parent();
}

/* The forking thread's record, which becomes the main thread's. As in Python,
 * a thread without one gets a new "MainThread", and a Dummy turns into the
 * main thread: named "MainThread", no longer a daemon. Its OS id is new. */
static ct_thread *forking_thread_record(void)
{
    ct_thread *t = self;
    if (!t) {
        t = record_new(MAIN, copy_string("MainThread"), false, 1);
        if (!t) ctb_fatal("cannot allocate the main thread's record after fork", 0);
        t->ident = ct_get_ident();
        registry_add(t);
        record_adopt_current(t);
        return t;
    }
    if (t->kind == DUMMY) {
        char *name = copy_string("MainThread");
        if (name) {   /* else it keeps its Dummy name: a name is only a label */
            ct__free(t->name);
            t->name = name;
        }
        t->kind = MAIN;
        t->daemon = false;
    }
    ct_store_u64(&t->native_id, ctb_native_id());
    return t;
}

/* A thread the child does not have: finished, so joins return at once, and
 * gone from the registry. Its locals' destructors do not run: the values
 * belong to a thread that no longer exists, as POSIX drops such a thread's
 * thread-specific data without destructors. The old main record is kept:
 * ct_main_thread() lent it out for the life of the process. */
static void record_vanish(ct_thread *t)
{
    registry_remove(t);
    ct__free(t->locals.values);
    t->locals.values = NULL;
    t->locals.capacity = 0;
    ct_event_set(&t->started);
    ct_event_set(&t->finished);
    if (t != main_record) record_release(t);
}

static void fork_child(void)
{
    ct_thread *current, *t, *next;
    ct__parking_lot_after_fork();
    ct_lock_init(&registry_lock);
    ct_lock_init(&hooks_lock);
    ct__pools_fork_child();
    current = forking_thread_record();
    for (t = registry_head; t; t = next) {
        next = t->next;
        if (t != current) record_vanish(t);
    }
    main_record = current;
}

/* ---------------------------------------------------------------- threads */

void ct__thread_main(void *record)
{
    ct_thread *t = (ct_thread *)record;
    record_adopt_current(t);
    ctb_thread_set_name(t->name);
    /* If the target ends the thread itself (pthread_exit, _endthreadex), the
     * backend still finishes the record (ctb_thread_create says how). */
    t->target(t->arg);
    ctb_thread_returned();
    record_finish(t);
}

static bool current_daemon(void)
{
    /* A thread with no record was started elsewhere: a Dummy, and Dummies are daemons. */
    return self ? self->daemon : true;
}

int ct_thread_start(ct_thread **thread, void (*target)(void *), void *arg,
                    const ct_thread_options *options)
{
    ct_thread_options defaults = CT_THREAD_OPTIONS_INIT;
    const ct_thread_options *o = options ? options : &defaults;
    size_t stack_size;
    ct_thread *t;
    int status;
    if (!thread || !target) return CT_EINVAL;
    if (o->daemon != CT_INHERIT && o->daemon != 0 && o->daemon != 1) return CT_EINVAL;
    runtime_ensure();
    t = record_new(STARTED_HERE,
                   o->name ? copy_string(o->name) : numbered_name("Thread", &last_thread_number),
                   o->daemon == CT_INHERIT ? current_daemon() : o->daemon == 1, 2);
    if (!t) return CT_ENOMEM;
    t->ident = ct_fetch_add_u64(&last_ident, 1) + 1;
    t->target = target;
    t->arg = arg;
    stack_size = o->stack_size ? ctb_stack_size_fit(o->stack_size) : ct_load_size(&default_stack_size);
    registry_add(t);
    status = ct__fault_now() ? CT_EAGAIN : ctb_thread_create(t, stack_size);
    if (status != CT_OK) {
        record_refused(t);
        return status;
    }
    *thread = t;
    return CT_OK;
}

int ct_thread_join(ct_thread *thread, double timeout)
{
    int64_t deadline;
    int status;
    if (!thread) return CT_EINVAL;
    if (thread == self) return CT_EDEADLK;
    if ((status = ct__deadline(timeout, &deadline)) != CT_OK) return status;
    return ct__event_sleep_until(&thread->finished, deadline) ? CT_OK : CT_ETIMEDOUT;
}

bool ct_thread_is_alive(const ct_thread *thread)
{
    return thread && !ct_event_is_set(&thread->finished);
}

bool ct_thread_is_daemon(const ct_thread *thread)
{
    return thread && thread->daemon;
}

const char *ct_thread_name(const ct_thread *thread)
{
    return thread ? thread->name : NULL;
}

uint64_t ct_thread_ident(const ct_thread *thread)
{
    return thread ? thread->ident : 0;
}

uint64_t ct_thread_native_id(const ct_thread *thread)
{
    if (!thread) return 0;
    /* A thread just started may not have run yet: its id exists once it has. */
    ct__event_wait_until((ct_event *)&thread->started, CTB_NEVER);
    return ct_load_u64(&thread->native_id);
}

void ct_thread_release(ct_thread *thread)
{
    if (thread) record_release(thread);
}

ct_thread *ct_current_thread(void)
{
    ct_thread *t;
    if (self) return self;
    runtime_ensure();
    if (self) return self;
    t = record_new(DUMMY, numbered_name("Dummy", &last_dummy_number), true, 1);
    if (!t) return NULL;
    t->ident = ct_get_ident();
    if (ct__fault_now() || ctb_thread_exit_hook(t) != CT_OK) {
        ct__free(t->name);
        ct__free(t);
        return NULL;
    }
    registry_add(t);
    record_adopt_current(t);
    return t;
}

ct_thread *ct_main_thread(void)
{
    runtime_ensure();
    return main_record;
}

size_t ct_active_count(void)
{
    size_t n;
    runtime_ensure();
    ct__registry_lock();
    n = registry_count;
    ct__registry_unlock();
    return n;
}

size_t ct_enumerate(ct_thread **out, size_t capacity)
{
    size_t n = 0;
    runtime_ensure();
    ct__registry_lock();
    for (ct_thread *t = registry_head; t; t = t->next, n++) {
        if (n < capacity) {
            ct_fetch_add_size(&t->refs, 1);
            out[n] = t;
        }
    }
    ct__registry_unlock();
    return n;
}

uint64_t ct_get_ident(void)
{
    if (CT_UNLIKELY(ct__self_ident == 0)) ct__self_ident = ct_fetch_add_u64(&last_ident, 1) + 1;
    return ct__self_ident;
}

uint64_t ct_get_native_id(void)
{
    return ctb_native_id();
}

size_t ct_stack_size(size_t size)
{
    return ct_exchange_size(&default_stack_size, ctb_stack_size_fit(size));
}

ct__local_table *ct__current_local_table(bool create)
{
    ct_thread *t = create ? ct_current_thread() : self;
    return t ? &t->locals : NULL;
}

/* ---------------------------------------------------------------- shutdown */

void ct__shutdown_hook_add(ct__shutdown_hook *hook)
{
    ct_lock_acquire(&hooks_lock);
    hook->prev = NULL;
    hook->next = hooks_head;
    if (hooks_head) hooks_head->prev = hook;
    hooks_head = hook;
    hook->linked = true;
    ct_lock_release(&hooks_lock);
}

static void hook_unlink(ct__shutdown_hook *hook)
{
    if (hook->prev) hook->prev->next = hook->next;
    else hooks_head = hook->next;
    if (hook->next) hook->next->prev = hook->prev;
    hook->linked = false;
}

void ct__shutdown_hook_remove(ct__shutdown_hook *hook)
{
    ct_lock_acquire(&hooks_lock);
    if (hook->linked) hook_unlink(hook);
    ct_lock_release(&hooks_lock);
}

static void run_shutdown_hooks(void)
{
    for (;;) {
        ct__shutdown_hook *hook;
        ct_lock_acquire(&hooks_lock);
        hook = hooks_head;
        if (hook) hook_unlink(hook);
        ct_lock_release(&hooks_lock);
        if (!hook) return;
        hook->fn(hook->arg);
    }
}

/* A live non-daemon thread started here, other than the caller, with a new reference. */
static ct_thread *next_to_join(void)
{
    ct_thread *found = NULL;
    ct__registry_lock();
    for (ct_thread *t = registry_head; t; t = t->next) {
        if (t->kind == STARTED_HERE && !t->daemon && t != self) {
            ct_fetch_add_size(&t->refs, 1);
            found = t;
            break;
        }
    }
    ct__registry_unlock();
    return found;
}

/* As CPython's threading._shutdown, the main thread counts as finished before
 * the wait: a non-daemon thread joining it (test_1_join_on_shutdown) returns
 * instead of being waited for forever. */
void ct_shutdown(void)
{
    ct_thread *t;
    runtime_ensure();
    if (self == main_record) ct_event_set(&main_record->finished);
    run_shutdown_hooks();
    while ((t = next_to_join()) != NULL) {
        ct__event_sleep_until(&t->finished, CTB_NEVER);
        record_release(t);
    }
}
