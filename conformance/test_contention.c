/* SPDX-License-Identifier: MIT */
/* ct_set_contention_hook: called in a thread that slept for a Lock, RLock,
 * RWLock, Semaphore or a Condition's lock, after it got it, with the primitive's
 * address and the seconds waited; never for an acquisition that did not wait. */
#include "harness.h"

#define HELD 0.2     /* how long the holder keeps the primitive */

typedef struct call {
    const void *primitive;
    double waited;
    uint64_t ident;
} call;

#define KEPT 8

typedef struct hook_log {
    ct_lock lock;
    size_t calls;
    call first;
    call kept[KEPT];   /* the first KEPT calls */
} hook_log;

static void record(const void *primitive, double waited, void *ctx)
{
    hook_log *l = (hook_log *)ctx;
    call c = { primitive, waited, ct_get_ident() };
    ct_lock_acquire(&l->lock);
    if (l->calls == 0) l->first = c;
    if (l->calls < KEPT) l->kept[l->calls] = c;
    l->calls++;
    ct_lock_release(&l->lock);
}

/* How many calls came from the thread with this ident; *last: the last one kept. */
static size_t calls_from(const hook_log *l, uint64_t ident, call *last)
{
    size_t n = 0;
    for (size_t i = 0; i < l->calls && i < KEPT; i++) {
        if (l->kept[i].ident != ident) continue;
        n++;
        *last = l->kept[i];
    }
    return n;
}

static size_t calls_of(hook_log *l)
{
    ct_lock_acquire(&l->lock);
    size_t calls = l->calls;
    ct_lock_release(&l->lock);
    return calls;
}

/* One contender: it starts, finds the primitive held for HELD seconds, and
 * sleeps until it gets it. */
typedef struct contender {
    void (*take)(void *primitive);
    void (*give)(void *primitive);
    void *primitive;
    ct_event started;
    uint64_t ident;
} contender;

static void contend(void *arg)
{
    contender *c = (contender *)arg;
    c->ident = ct_get_ident();
    ct_event_set(&c->started);
    c->take(c->primitive);
    c->give(c->primitive);
}

CT_NO_THREAD_SAFETY_ANALYSIS static void take_lock(void *p) { ct_lock_acquire((ct_lock *)p); }
CT_NO_THREAD_SAFETY_ANALYSIS static void give_lock(void *p) { CHECK_OK(ct_lock_release((ct_lock *)p)); }
CT_NO_THREAD_SAFETY_ANALYSIS static void take_rlock(void *p) { ct_rlock_acquire((ct_rlock *)p); }
CT_NO_THREAD_SAFETY_ANALYSIS static void give_rlock(void *p) { CHECK_OK(ct_rlock_release((ct_rlock *)p)); }
CT_NO_THREAD_SAFETY_ANALYSIS static void take_read(void *p) { ct_rwlock_acquire_read((ct_rwlock *)p); }
CT_NO_THREAD_SAFETY_ANALYSIS static void give_read(void *p) { CHECK_OK(ct_rwlock_release_read((ct_rwlock *)p)); }
CT_NO_THREAD_SAFETY_ANALYSIS static void take_write(void *p) { ct_rwlock_acquire_write((ct_rwlock *)p); }
CT_NO_THREAD_SAFETY_ANALYSIS static void give_write(void *p) { CHECK_OK(ct_rwlock_release_write((ct_rwlock *)p)); }
static void take_sem(void *p) { ct_semaphore_acquire((ct_semaphore *)p); }
static void give_sem(void *p) { CHECK_OK(ct_semaphore_release((ct_semaphore *)p, 1)); }

/* The holder has it; a contender waits HELD seconds for it; exactly one call,
 * in the contender, for that primitive, with about that wait. */
static void check_one_contended_wait(void (*take)(void *), void (*give)(void *), void *primitive,
                                     bool held_already)
{
    hook_log l = { CT_LOCK_INIT, 0, { NULL, 0, 0 }, { { NULL, 0, 0 } } };
    contender c = { take, give, primitive, CT_EVENT_INIT, 0 };
    if (!held_already) take(primitive);
    ct_set_contention_hook(record, &l);
    ct_thread *t = ct_test_start(contend, &c);
    CHECK(ct_event_wait(&c.started, 30.0));
    ct_sleep(HELD);
    CHECK_EQ(calls_of(&l), 0);   /* not before it got the primitive */
    give(primitive);
    ct_test_join(t);
    ct_set_contention_hook(NULL, NULL);
    CHECK_EQ(l.calls, 1);
    CHECK(l.first.primitive == primitive);
    CHECK_EQ_U(l.first.ident, c.ident);
    CHECK_GE_D(l.first.waited, HELD / 2);
    CHECK_LE_D(l.first.waited, 30.0);
}

TEST(lock_wait_reported)
{
    ct_lock lock = CT_LOCK_INIT;
    check_one_contended_wait(take_lock, give_lock, &lock, false);
}

TEST(rlock_wait_reported_with_the_rlock_address)
{
    ct_rlock rlock = CT_RLOCK_INIT;
    check_one_contended_wait(take_rlock, give_rlock, &rlock, false);
}

TEST(semaphore_wait_reported)
{
    ct_semaphore sem = CT_SEMAPHORE_INIT(0);
    check_one_contended_wait(take_sem, give_sem, &sem, true);
}

/* The contender and the holder use different modes here: take and give
 * are the contender's; the holder holds the other mode. */
static void check_rwlock_wait(void (*take)(void *), void (*give)(void *),
                              void (*hold)(void *), void (*unhold)(void *))
{
    ct_rwlock rw = CT_RWLOCK_INIT;
    hook_log l = { CT_LOCK_INIT, 0, { NULL, 0, 0 }, { { NULL, 0, 0 } } };
    contender c = { take, give, &rw, CT_EVENT_INIT, 0 };
    hold(&rw);
    ct_set_contention_hook(record, &l);
    ct_thread *t = ct_test_start(contend, &c);
    CHECK(ct_event_wait(&c.started, 30.0));
    ct_sleep(HELD);
    CHECK_EQ(calls_of(&l), 0);
    unhold(&rw);
    ct_test_join(t);
    ct_set_contention_hook(NULL, NULL);
    CHECK_EQ(l.calls, 1);
    CHECK(l.first.primitive == &rw);
    CHECK_EQ_U(l.first.ident, c.ident);
    CHECK_GE_D(l.first.waited, HELD / 2);
}

TEST(rwlock_read_wait_reported)
{
    check_rwlock_wait(take_read, give_read, take_write, give_write);
}

TEST(rwlock_write_wait_reported)
{
    check_rwlock_wait(take_write, give_write, take_read, give_read);
}

/* A Condition's waiter is notified while the notifier keeps the lock for
 * HELD seconds: getting the lock back is a wait on the Condition's lock. */
typedef struct cond_case {
    ct_condition cond;
    ct_event started;
    bool ready;
    uint64_t ident;
} cond_case;

static bool is_ready(void *arg)
{
    return ((cond_case *)arg)->ready;
}

static void wait_ready(void *arg)
{
    cond_case *c = (cond_case *)arg;
    c->ident = ct_get_ident();
    ct_condition_acquire(&c->cond);
    ct_event_set(&c->started);
    CHECK_OK(ct_condition_wait_for(&c->cond, is_ready, c, 30.0));
    CHECK_OK(ct_condition_release(&c->cond));
}

static void check_condition_lock_wait(cond_case *c, const void *lock)
{
    hook_log l = { CT_LOCK_INIT, 0, { NULL, 0, 0 }, { { NULL, 0, 0 } } };
    ct_event_init(&c->started);
    c->ready = false;
    ct_set_contention_hook(record, &l);
    ct_thread *t = ct_test_start(wait_ready, c);
    CHECK(ct_event_wait(&c->started, 30.0));
    ct_condition_acquire(&c->cond);
    c->ready = true;
    CHECK_OK(ct_condition_notify(&c->cond, 1));
    ct_sleep(HELD);
    CHECK_OK(ct_condition_release(&c->cond));
    ct_test_join(t);
    ct_set_contention_hook(NULL, NULL);
    /* This thread may have waited too, for the waiter to reach its wait. */
    call waiter = { NULL, 0, 0 }, mine = { NULL, 0, 0 };
    CHECK_LE(l.calls, 2);
    CHECK_EQ(calls_from(&l, c->ident, &waiter), 1);
    CHECK_EQ(1 + calls_from(&l, ct_get_ident(), &mine), l.calls);
    CHECK(waiter.primitive == lock);
    CHECK(l.calls == 1 || mine.primitive == lock);
    CHECK_GE_D(waiter.waited, HELD / 2);
}

TEST(condition_lock_wait_reported)
{
    cond_case c;
    ct_lock lock = CT_LOCK_INIT;
    ct_condition_init_lock(&c.cond, &lock);
    check_condition_lock_wait(&c, &lock);
}

TEST(condition_rlock_wait_reported)
{
    cond_case c;
    ct_rlock rlock = CT_RLOCK_INIT;
    ct_condition_init_rlock(&c.cond, &rlock);
    check_condition_lock_wait(&c, &rlock);
}

TEST(condition_own_rlock_wait_reported_as_the_condition)
{
    cond_case c;
    ct_condition_init(&c.cond);
    check_condition_lock_wait(&c, &c.cond);
}

/* Taken without waiting, however often, and timed tries that fail at once:
 * never a call. */
TEST_TIMEOUT(uncontended_never_reported, 120)
{
    hook_log l = { CT_LOCK_INIT, 0, { NULL, 0, 0 }, { { NULL, 0, 0 } } };
    ct_lock lock = CT_LOCK_INIT;
    ct_rlock rlock = CT_RLOCK_INIT;
    ct_semaphore sem = CT_SEMAPHORE_INIT(1);
    ct_rwlock rw = CT_RWLOCK_INIT;
    ct_condition cond;
    ct_condition_init(&cond);
    ct_set_contention_hook(record, &l);
    for (int i = 0; i < 10000; i++) {
        ct_lock_acquire(&lock);
        CHECK_STATUS(ct_lock_acquire_timeout(&lock, 0), CT_ETIMEDOUT);
        CHECK_OK(ct_lock_release(&lock));
        CHECK_OK(ct_lock_acquire_timeout(&lock, 1.0));
        CHECK_OK(ct_lock_release(&lock));
        ct_rlock_acquire(&rlock);
        ct_rlock_acquire(&rlock);
        CHECK_OK(ct_rlock_release(&rlock));
        CHECK_OK(ct_rlock_release(&rlock));
        ct_semaphore_acquire(&sem);
        CHECK_STATUS(ct_semaphore_acquire_timeout(&sem, 0), CT_ETIMEDOUT);
        CHECK_OK(ct_semaphore_release(&sem, 1));
        ct_condition_acquire(&cond);
        CHECK_OK(ct_condition_notify(&cond, 1));
        CHECK_OK(ct_condition_release(&cond));
        ct_rwlock_acquire_read(&rw);
        ct_rwlock_acquire_read(&rw);
        CHECK_STATUS(ct_rwlock_acquire_write_timeout(&rw, 0), CT_ETIMEDOUT);
        CHECK_OK(ct_rwlock_release_read(&rw));
        CHECK_OK(ct_rwlock_release_read(&rw));
        ct_rwlock_acquire_write(&rw);
        CHECK_STATUS(ct_rwlock_acquire_read_timeout(&rw, 0), CT_ETIMEDOUT);
        CHECK_OK(ct_rwlock_release_write(&rw));
    }
    /* A timed wait that runs out slept, but never got the primitive. */
    ct_lock_acquire(&lock);
    ct_semaphore_acquire(&sem);
    CHECK_STATUS(ct_lock_acquire_timeout(&lock, 0.05), CT_ETIMEDOUT);
    CHECK_STATUS(ct_semaphore_acquire_timeout(&sem, 0.05), CT_ETIMEDOUT);
    CHECK_OK(ct_lock_release(&lock));
    ct_set_contention_hook(NULL, NULL);
    CHECK_EQ(l.calls, 0);
}

TEST(null_turns_it_off)
{
    hook_log l = { CT_LOCK_INIT, 0, { NULL, 0, 0 }, { { NULL, 0, 0 } } };
    ct_lock lock = CT_LOCK_INIT;
    contender c = { take_lock, give_lock, &lock, CT_EVENT_INIT, 0 };
    ct_set_contention_hook(record, &l);
    ct_set_contention_hook(NULL, &l);
    ct_lock_acquire(&lock);
    ct_thread *t = ct_test_start(contend, &c);
    CHECK(ct_event_wait(&c.started, 30.0));
    ct_sleep(HELD);
    CHECK_OK(ct_lock_release(&lock));
    ct_test_join(t);
    CHECK_EQ(l.calls, 0);
}

/* A hook that itself waits (here: for its own statistics lock, held by
 * another thread) is not called again for that wait. */
typedef struct nested_case {
    hook_log l;
    ct_lock lock;
    ct_event in_hook;
} nested_case;

static void slow_record(const void *primitive, double waited, void *ctx)
{
    nested_case *n = (nested_case *)ctx;
    ct_event_set(&n->in_hook);
    record(primitive, waited, &n->l);
}

TEST(waits_inside_the_hook_not_reported)
{
    nested_case n = { { CT_LOCK_INIT, 0, { NULL, 0, 0 }, { { NULL, 0, 0 } } }, CT_LOCK_INIT, CT_EVENT_INIT };
    contender c = { take_lock, give_lock, &n.lock, CT_EVENT_INIT, 0 };
    ct_lock_acquire(&n.lock);
    ct_lock_acquire(&n.l.lock);   /* the hook will wait for this */
    ct_set_contention_hook(slow_record, &n);
    ct_thread *t = ct_test_start(contend, &c);
    CHECK(ct_event_wait(&c.started, 30.0));
    ct_sleep(HELD);
    CHECK_OK(ct_lock_release(&n.lock));
    CHECK(ct_event_wait(&n.in_hook, 30.0));
    ct_sleep(HELD);
    CHECK_OK(ct_lock_release(&n.l.lock));
    ct_test_join(t);
    ct_set_contention_hook(NULL, NULL);
    CHECK_EQ(n.l.calls, 1);
    CHECK(n.l.first.primitive == &n.lock);
}
