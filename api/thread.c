/* SPDX-License-Identifier: MIT */
/* Threads: the registry of live threads (started here, the main thread, and
 * Dummy records for threads started elsewhere), names, idents, join, and the
 * daemon contract at exit. */
#include "internal.h"
#include "parking_lot.h"
#include "thread_shared.h"

#include <stdlib.h>
#include <string.h>

enum thread_kind { STARTED_HERE, MAIN, DUMMY };

/* Who frees the OS thread of a record: nobody here (OS_NONE: the main thread,
 * Dummies, a refused start); once the creator has published its handle
 * (OS_JOINABLE), either the first CT_FOREVER joiner, which waits for it to be
 * gone (OS_JOINER_WAITS), or the thread itself at its end (OS_DETACHED). The
 * joiner then sleeps in the OS's own wait for the thread's end, which the
 * exiting thread's kernel wakes, instead of being woken by the thread and
 * leaving it to detach afterwards: one wake and one context switch less. */
enum os_thread_owner { OS_NONE, OS_STARTING, OS_JOINABLE, OS_JOINER_WAITS, OS_DETACHED };

/* "Thread-N" and most names given fit here: a start allocates only the record. */
#define INLINE_NAME_SIZE 32

struct ct_thread {
    size_t refs;
    ct__link registry_link;   /* under registry_lock */
    char *name;               /* inline_name, or allocated when longer */
    uint64_t ident;
    uint64_t native_id;   /* published by the thread itself, then `started` is set */
    ct_event started;
    ct_event finished;
    enum thread_kind kind;
    bool daemon;
    unsigned char os_owner;   /* enum os_thread_owner */
    ctb_thread os_thread;     /* set by the creator before OS_JOINABLE */
    void (*target)(void *);
    void *arg;
    ct__local_table locals;
    char inline_name[INLINE_NAME_SIZE];
};

static ct_lock registry_lock = CT_LOCK_INIT;
static ct__list registry;
static size_t registry_count;
static ct_thread *main_record;

static uint64_t last_ident;
static size_t last_thread_number;
static size_t last_dummy_number;
static size_t default_stack_size;

static CT_THREAD_LOCAL ct_thread *self;
CT_THREAD_LOCAL uint64_t ct__self_ident;

static ct_lock hooks_lock = CT_LOCK_INIT;
static ct__list hooks;

/* ---------------------------------------------------------------- registry */

/* These hand the lock to their callers, which -Wthread-safety cannot follow. */
CT_NO_THREAD_SAFETY_ANALYSIS void ct__registry_lock(void) { ct_lock_acquire(&registry_lock); }
CT_NO_THREAD_SAFETY_ANALYSIS void ct__registry_unlock(void) { ct_lock_release(&registry_lock); }

static ct_thread *registry_thread(ct__link *link)
{
    return CT__CONTAINER(link, ct_thread, registry_link);
}

static void registry_add(ct_thread *t)
{
    ct__registry_lock();
    ct__list_push_front(&registry, &t->registry_link);
    registry_count++;
    ct__registry_unlock();
}

static void registry_remove(ct_thread *t)
{
    ct__registry_lock();
    ct__list_remove(&registry, &t->registry_link);
    registry_count--;
    ct__registry_unlock();
}

void ct__registry_each_table(void (*fn)(ct__local_table *table, void *arg), void *arg)
{
    ct__registry_lock();
    for (ct__link *l = registry.head; l; l = l->next) fn(&registry_thread(l)->locals, arg);
    ct__registry_unlock();
}

/* ---------------------------------------------------------------- records */

/* t->name becomes a copy of the n bytes at s. */
static bool record_name(ct_thread *t, const char *s, size_t n)
{
    char *name = n < sizeof t->inline_name ? t->inline_name : (char *)ct__malloc(n + 1);
    if (!name) return false;
    memcpy(name, s, n);
    name[n] = '\0';
    t->name = name;
    return true;
}

/* "prefix-N", N the counter's next value, with the digits written here rather
 * than by snprintf: this runs on every start of an unnamed thread. */
static bool record_name_numbered(ct_thread *t, const char *prefix, size_t *counter)
{
    char name[INLINE_NAME_SIZE], digits[24];
    size_t number = ct_fetch_add_size(counter, 1) + 1;
    size_t n = strlen(prefix), count = 0;
    do {
        digits[count++] = (char)('0' + number % 10);
        number /= 10;
    } while (number != 0);
    memcpy(name, prefix, n);
    name[n++] = '-';
    while (count > 0) name[n++] = digits[--count];
    return record_name(t, name, n);
}

static void record_name_free(ct_thread *t)
{
    if (t->name != t->inline_name) ct__free(t->name);
}

static void record_init(ct_thread *t, enum thread_kind kind, bool daemon, size_t refs)
{
    t->refs = refs;
    t->registry_link.next = t->registry_link.prev = NULL;
    t->name = t->inline_name;
    t->ident = 0;
    t->native_id = 0;
    ct_event_init(&t->started);
    ct_event_init(&t->finished);
    t->kind = kind;
    t->daemon = daemon;
    t->os_owner = OS_NONE;
    t->os_thread = 0;
    t->target = NULL;
    t->arg = NULL;
    t->locals.values = NULL;
    t->locals.capacity = 0;
}

/* A record named name, or, without one, "Thread-N" or "Dummy-N" as its kind
 * counts. NULL when memory runs out. */
static ct_thread *record_new(enum thread_kind kind, const char *name, bool daemon, size_t refs)
{
    ct_thread *t = (ct_thread *)ct__malloc(sizeof *t);
    bool named;
    if (!t) return NULL;
    record_init(t, kind, daemon, refs);
    if (name) named = record_name(t, name, strlen(name));
    else if (kind == DUMMY) named = record_name_numbered(t, "Dummy", &last_dummy_number);
    else named = record_name_numbered(t, "Thread", &last_thread_number);
    if (!named) {
        ct__free(t);
        return NULL;
    }
    return t;
}

static void record_release(ct_thread *t)
{
    if (ct_fetch_add_size(&t->refs, (size_t)-1) != 1) return;
    record_name_free(t);
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

/* In the ending thread: unless a joiner has claimed the OS thread, it frees itself. */
static void os_thread_let_go(ct_thread *t)
{
    if (ct_load_u8(&t->os_owner) == OS_NONE) return;
    if (ct_exchange_u8(&t->os_owner, OS_DETACHED) != OS_JOINER_WAITS) ctb_thread_detach_self();
}

/* The end of every thread with a record: its locals' destructors run while it
 * still counts as alive (as threading.local's do), then it leaves the registry
 * and joiners are released. */
static void record_finish(ct_thread *t)
{
    if (t->locals.values) ct__local_table_finish(&t->locals);
    registry_remove(t);
    ct_event_set(&t->finished);
    if (self == t) self = NULL;
    os_thread_let_go(t);
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
    ct_thread *t = record_new(MAIN, "MainThread", false, 1);
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
        t = record_new(MAIN, "MainThread", false, 1);
        if (!t) ctb_fatal("cannot allocate the main thread's record after fork", 0);
        t->ident = ct_get_ident();
        registry_add(t);
        record_adopt_current(t);
        return t;
    }
    if (t->kind == DUMMY) {
        char *dummy_name = t->name;
        (void)record_name(t, "MainThread", strlen("MainThread"));   /* fits inline */
        if (dummy_name != t->inline_name) ct__free(dummy_name);
        t->kind = MAIN;
        t->daemon = false;
    }
    /* Its OS thread is the child's first one now, which, as a process's
     * first thread, nobody frees: no joiner claims it, it detaches nothing
     * (ThreadSanitizer's child does not know it as a thread to detach). */
    ct_store_u8(&t->os_owner, OS_NONE);
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
    ct_store_u8(&t->os_owner, OS_NONE);
    ct_event_set(&t->started);
    ct_event_set(&t->finished);
    if (t != main_record) record_release(t);
}

static void fork_child(void)
{
    ct_thread *current;
    ct__link *link, *next;
    ct__parking_lot_after_fork();
    ct_lock_init(&registry_lock);
    ct_lock_init(&hooks_lock);
    ct__pools_fork_child();
    current = forking_thread_record();
    for (link = registry.head; link; link = next) {
        next = link->next;
        if (registry_thread(link) != current) record_vanish(registry_thread(link));
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

/* The thread may have ended and let itself go already: then there is nothing to join. */
static void os_thread_publish(ct_thread *t, ctb_thread os_thread)
{
    unsigned char starting = OS_STARTING;
    t->os_thread = os_thread;
    (void)ct_cas_u8(&t->os_owner, &starting, OS_JOINABLE);
}

/* The first CT_FOREVER joiner of a published OS thread claims it. */
static bool os_thread_claim(ct_thread *t)
{
    unsigned char joinable = OS_JOINABLE;
    return ct_cas_u8(&t->os_owner, &joinable, OS_JOINER_WAITS);
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
    ctb_thread os_thread = 0;   /* set by a successful create */
    ct_thread *t;
    int status;
    if (!thread || !target) return CT_EINVAL;
    if (o->daemon != CT_INHERIT && o->daemon != 0 && o->daemon != 1) return CT_EINVAL;
    runtime_ensure();
    t = record_new(STARTED_HERE, o->name, o->daemon == CT_INHERIT ? current_daemon() : o->daemon == 1, 2);
    if (!t) return CT_ENOMEM;
    t->ident = ct_fetch_add_u64(&last_ident, 1) + 1;
    t->target = target;
    t->arg = arg;
    stack_size = o->stack_size ? ctb_stack_size_fit(o->stack_size) : ct_load_size(&default_stack_size);
    t->os_owner = OS_STARTING;
    registry_add(t);
    status = ct__fault_now() ? CT_EAGAIN : ctb_thread_create(t, stack_size, &os_thread);
    if (status != CT_OK) {
        ct_store_u8(&t->os_owner, OS_NONE);
        record_refused(t);
        return status;
    }
    os_thread_publish(t, os_thread);
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
    if (deadline == CTB_NEVER && os_thread_claim(thread)) {
        ctb_thread_wait_gone(thread->os_thread);
        return CT_OK;
    }
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
    t = record_new(DUMMY, NULL, true, 1);
    if (!t) return NULL;
    t->ident = ct_get_ident();
    if (ct__fault_now() || ctb_thread_exit_hook(t) != CT_OK) {
        record_release(t);
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
    for (ct__link *l = registry.head; l; l = l->next, n++) {
        if (n < capacity) {
            ct_fetch_add_size(&registry_thread(l)->refs, 1);
            out[n] = registry_thread(l);
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
    ct__list_push_front(&hooks, &hook->link);
    hook->linked = true;
    ct_lock_release(&hooks_lock);
}

void ct__shutdown_hook_remove(ct__shutdown_hook *hook)
{
    ct_lock_acquire(&hooks_lock);
    if (hook->linked) ct__list_remove(&hooks, &hook->link);
    hook->linked = false;
    ct_lock_release(&hooks_lock);
}

static void run_shutdown_hooks(void)
{
    for (;;) {
        ct__link *link;
        ct__shutdown_hook *hook;
        ct_lock_acquire(&hooks_lock);
        link = ct__list_pop_front(&hooks);
        if (link) CT__CONTAINER(link, ct__shutdown_hook, link)->linked = false;
        ct_lock_release(&hooks_lock);
        if (!link) return;
        hook = CT__CONTAINER(link, ct__shutdown_hook, link);
        hook->fn(hook->arg);
    }
}

/* A live non-daemon thread started here, other than the caller, with a new reference. */
static ct_thread *next_to_join(void)
{
    ct_thread *found = NULL;
    ct__registry_lock();
    for (ct__link *l = registry.head; l; l = l->next) {
        ct_thread *t = registry_thread(l);
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
