/* SPDX-License-Identifier: MIT */
/* fork() in a process with running threads, as Python's threading._after_fork
 * defines it: the child's runtime knows only the thread that forked, which
 * becomes its main thread; the threads the child lacks count as finished; the
 * runtime's own locks work even if a lost thread held one at the fork; and the
 * child can start threads and use every primitive.
 *
 * Each test forks and runs checks in the child: a failed CHECK there ends the
 * child with status 1 (and prints why), which fails the test in the parent.
 * Every child ends with the exit-time join (ct_shutdown), which must not wait
 * for the non-daemon threads that only the parent has. The parent then checks
 * that its own threads were unaffected. */
#define _POSIX_C_SOURCE 200809L   /* fork, waitpid, alarm */

#include "harness.h"
#include "foreign_thread.h"

#include <string.h>

#if defined(_WIN32)

/* Windows has no fork(): every test here ends as skipped. */
static void require_fork(void)
{
    ct_test_skip("no fork() on Win32");
}

static void run_in_child(void (*body)(void *), void *arg)
{
    (void)body;
    (void)arg;
    ct_test_skip("no fork() on Win32");
}

#else

#include <errno.h>
#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

/* The harness's watchdog thread is not in the child: a hung child is ended by
 * SIGALRM instead, and the parent reports it. */
#define CHILD_SECONDS 30

static void require_fork(void) {}

static void run_in_child(void (*body)(void *), void *arg)
{
    pid_t pid, waited;
    int status = 0;
    fflush(NULL);   /* else the child would print the parent's buffered output again */
    pid = fork();
    CHECK_MSG(pid >= 0, "fork failed: %s", strerror(errno));
    if (pid == 0) {
        alarm(CHILD_SECONDS);
        body(arg);
        /* What exit() would do first: the exit-time join, which must not wait
         * for the threads the child lacks. Then _exit: memory that only those
         * threads referenced is unreachable here, and a leak checker run by
         * exit() would report it. */
        ct_shutdown();
        fflush(NULL);
        _exit(0);
    }
    do {
        waited = waitpid(pid, &status, 0);
    } while (waited < 0 && errno == EINTR);
    CHECK_EQ(waited, pid);
    CHECK_MSG(!WIFSIGNALED(status), "the child was killed by signal %d%s", WTERMSIG(status),
              WTERMSIG(status) == SIGALRM ? " (it hung)" : "");
    CHECK_MSG(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the child failed (exit status %d)",
              WEXITSTATUS(status));
}

#endif

/* For a test whose child starts threads. qemu-user (7.2) cannot run such a
 * child: a multithreaded process that forks and then starts a thread aborts
 * inside qemu or deadlocks on a qemu-internal mutex, plain pthread programs
 * as well, so under an emulator the test is skipped, and runs everywhere else. */
static void require_threads_in_child(void)
{
    require_fork();
    if (*ct_test_emulator())
        ct_test_skip("qemu-user cannot start threads in the child of a multithreaded fork");
}

#define WORKERS 3
#define MAX_LISTED 16

/* In the child: the calling thread is the only thread the runtime lists, it is
 * the main thread, and its native id is the child's own. */
static ct_thread *check_alone(uint64_t parent_native_id)
{
    ct_thread *me = ct_current_thread();
    ct_thread *listed[MAX_LISTED];
    size_t n;
    CHECK(me != NULL);
    CHECK(me == ct_main_thread());
    CHECK(ct_thread_is_alive(me));
    CHECK_EQ(ct_active_count(), 1);
    n = ct_enumerate(listed, MAX_LISTED);
    CHECK_EQ(n, 1);
    CHECK(listed[0] == me);
    ct_thread_release(listed[0]);
    CHECK_EQ_U(ct_thread_native_id(me), ct_get_native_id());
    CHECK(ct_get_native_id() != parent_native_id);
    return me;
}

static void wait_event(void *arg)
{
    CHECK(ct_event_wait((ct_event *)arg, 30.0));
}

static ct_thread *start_named(void (*fn)(void *), void *arg, const char *name, int daemon)
{
    ct_thread_options options = CT_THREAD_OPTIONS_INIT;
    ct_thread *thread = NULL;
    options.name = name;
    options.daemon = daemon;
    CHECK_OK(ct_thread_start(&thread, fn, arg, &options));
    return thread;
}

/* ------------------------------------------------ the child's thread registry */

typedef struct lost_threads {
    ct_thread *workers[WORKERS];
    ct_thread *daemon;
    ct_thread *main_before;
    uint64_t parent_native_id;
} lost_threads;

static void child_sees_only_itself(void *arg)
{
    lost_threads *lost = (lost_threads *)arg;
    ct_thread *me = check_alone(lost->parent_native_id);
    CHECK(me == lost->main_before);
    CHECK(strcmp(ct_thread_name(me), "MainThread") == 0);
    CHECK(!ct_thread_is_daemon(me));
    /* The parent's other threads are finished here: joins return at once. */
    for (int i = 0; i < WORKERS; i++) {
        CHECK(!ct_thread_is_alive(lost->workers[i]));
        CHECK_OK(ct_thread_join(lost->workers[i], 0));
        CHECK_OK(ct_thread_join(lost->workers[i], CT_FOREVER));
        CHECK(ct_thread_native_id(lost->workers[i]) != ct_get_native_id());
    }
    CHECK(!ct_thread_is_alive(lost->daemon));
    CHECK_OK(ct_thread_join(lost->daemon, 5.0));
}

TEST(child_sees_only_the_forking_thread)
{
    ct_event go = CT_EVENT_INIT;
    lost_threads lost;
    size_t before;
    require_fork();
    before = ct_active_count();
    for (int i = 0; i < WORKERS; i++) lost.workers[i] = start_named(wait_event, &go, NULL, 0);
    lost.daemon = start_named(wait_event, &go, "sleeping daemon", 1);
    lost.main_before = ct_main_thread();
    lost.parent_native_id = ct_get_native_id();
    CHECK(ct_current_thread() == lost.main_before);
    CHECK_EQ(ct_active_count(), before + WORKERS + 1);

    run_in_child(child_sees_only_itself, &lost);

    CHECK_EQ(ct_active_count(), before + WORKERS + 1);
    for (int i = 0; i < WORKERS; i++) CHECK(ct_thread_is_alive(lost.workers[i]));
    CHECK(ct_thread_is_alive(lost.daemon));
    CHECK_EQ_U(ct_thread_native_id(ct_main_thread()), ct_get_native_id());
    ct_event_set(&go);
    for (int i = 0; i < WORKERS; i++) ct_test_join(lost.workers[i]);
    ct_test_join(lost.daemon);
}

/* ------------------------------------------ primitives and threads in the child */

#define COUNTERS 4
#define INCREMENTS 20000

typedef struct counted {
    ct_lock lock;
    long count;
    ct_semaphore ready;
    ct_event go;
} counted;

static void count_under_lock(void *arg)
{
    counted *c = (counted *)arg;
    CHECK_OK(ct_semaphore_release(&c->ready, 1));
    CHECK(ct_event_wait(&c->go, 30.0));
    for (int i = 0; i < INCREMENTS; i++) {
        ct_lock_acquire(&c->lock);
        c->count++;
        CHECK_OK(ct_lock_release(&c->lock));
    }
}

/* Threads contend on a lock (so they park), wait on an event and a semaphore. */
static void check_threads_and_locks_work(void)
{
    counted c;
    ct_thread *threads[COUNTERS];
    ct_lock_init(&c.lock);
    c.count = 0;
    CHECK_OK(ct_semaphore_init(&c.ready, 0));
    ct_event_init(&c.go);
    for (int i = 0; i < COUNTERS; i++) threads[i] = ct_test_start(count_under_lock, &c);
    for (int i = 0; i < COUNTERS; i++) CHECK_OK(ct_semaphore_acquire_timeout(&c.ready, 30.0));
    ct_event_set(&c.go);
    for (int i = 0; i < COUNTERS; i++) ct_test_join(threads[i]);
    CHECK_EQ(c.count, (long)COUNTERS * INCREMENTS);
}

static int destructor_runs;

static void count_destructor(void *value)
{
    (void)value;
    destructor_runs++;
}

static void set_local(void *arg)
{
    static int value;
    CHECK_OK(ct_local_set((ct_local *)arg, &value));
    CHECK(ct_local_get((ct_local *)arg) == &value);
}

static void child_uses_everything(void *arg)
{
    ct_local local;
    int mine = 1;
    (void)arg;
    check_threads_and_locks_work();
    /* thread-locals: the slot table, and a destructor at a child thread's exit */
    CHECK_OK(ct_local_init(&local, count_destructor));
    CHECK_OK(ct_local_set(&local, &mine));
    ct_test_join(ct_test_start(set_local, &local));
    CHECK_EQ(destructor_runs, 1);
    CHECK(ct_local_get(&local) == &mine);
    ct_local_destroy(&local);
    CHECK_EQ(ct_active_count(), 1);
}

TEST(child_starts_threads_and_uses_primitives)
{
    ct_event go = CT_EVENT_INIT;
    ct_thread *waiter;
    require_threads_in_child();
    waiter = start_named(wait_event, &go, NULL, 0);
    run_in_child(child_uses_everything, NULL);
    CHECK(ct_thread_is_alive(waiter));
    check_threads_and_locks_work();
    ct_event_set(&go);
    ct_test_join(waiter);
}

/* ------------------------------------------- a lock held by a thread that is lost */

#define BLOCKED 2

typedef struct held_lock {
    ct_lock lock;
    ct_event holding;    /* the holder has the lock */
    ct_event let_go;     /* the holder may release it */
    ct_semaphore got;    /* one unit per blocked thread that got the lock in the end */
} held_lock;

static void hold_until_told(void *arg)
{
    held_lock *h = (held_lock *)arg;
    ct_lock_acquire(&h->lock);
    ct_event_set(&h->holding);
    CHECK(ct_event_wait(&h->let_go, 30.0));
    CHECK_OK(ct_lock_release(&h->lock));
}

static void block_on_lock(void *arg)
{
    held_lock *h = (held_lock *)arg;
    ct_lock_acquire(&h->lock);
    CHECK_OK(ct_lock_release(&h->lock));
    CHECK_OK(ct_semaphore_release(&h->got, 1));
}

CT_NO_THREAD_SAFETY_ANALYSIS static void child_releases_lost_lock(void *arg)
{
    held_lock *h = (held_lock *)arg;
    /* Held by a thread the child does not have, with lost threads parked on it:
     * a Lock has no owner, so the child may release it, and it then works. */
    CHECK(ct_lock_locked(&h->lock));
    CHECK_STATUS(ct_lock_acquire_timeout(&h->lock, 0.05), CT_ETIMEDOUT);
    CHECK_OK(ct_lock_release(&h->lock));
    CHECK(!ct_lock_locked(&h->lock));
    CHECK_OK(ct_lock_acquire_timeout(&h->lock, 0));
    CHECK_OK(ct_lock_release(&h->lock));
    check_threads_and_locks_work();
}

TEST(child_releases_a_lock_held_by_a_lost_thread)
{
    held_lock h;
    ct_thread *holder, *blocked[BLOCKED];
    require_threads_in_child();
    ct_lock_init(&h.lock);
    ct_event_init(&h.holding);
    ct_event_init(&h.let_go);
    CHECK_OK(ct_semaphore_init(&h.got, 0));
    holder = ct_test_start(hold_until_told, &h);
    CHECK(ct_event_wait(&h.holding, 30.0));
    for (int i = 0; i < BLOCKED; i++) blocked[i] = ct_test_start(block_on_lock, &h);
    ct_sleep(0.1);   /* long enough for the blocked threads to park, usually */

    run_in_child(child_releases_lost_lock, &h);

    CHECK(ct_lock_locked(&h.lock));
    CHECK_STATUS(ct_semaphore_acquire_timeout(&h.got, 0), CT_ETIMEDOUT);
    ct_event_set(&h.let_go);
    for (int i = 0; i < BLOCKED; i++) CHECK_OK(ct_semaphore_acquire_timeout(&h.got, 30.0));
    ct_test_join(holder);
    for (int i = 0; i < BLOCKED; i++) ct_test_join(blocked[i]);
    CHECK(!ct_lock_locked(&h.lock));
}

/* ------------------------------------ forks while threads park and unpark hard */

#define FORKS 25
#define PING_PONG_PAIRS 2

typedef struct churn {
    ct_lock lock;
    long count;
    bool stop;                     /* under lock */
    long done_by_hammers;          /* under lock */
    ct_semaphore ping[PING_PONG_PAIRS], pong[PING_PONG_PAIRS];
    uint64_t parent_native_id;
} churn;

static bool churn_stopping(churn *c)
{
    bool stop;
    ct_lock_acquire(&c->lock);
    stop = c->stop;
    ct_lock_release(&c->lock);
    return stop;
}

static void hammer(void *arg)
{
    churn *c = (churn *)arg;
    long mine = 0;
    while (!churn_stopping(c)) {
        for (int i = 0; i < 100; i++) {
            ct_lock_acquire(&c->lock);
            c->count++;
            ct_lock_release(&c->lock);
            mine++;
        }
    }
    ct_lock_acquire(&c->lock);
    c->done_by_hammers += mine;
    ct_lock_release(&c->lock);
}

typedef struct pair_arg {
    churn *c;
    int pair;
    bool last_ping;   /* written by the pinger before its last ping, read by the ponger after it */
} pair_arg;

static void pinger(void *arg)
{
    pair_arg *p = (pair_arg *)arg;
    while (!churn_stopping(p->c)) {
        CHECK_OK(ct_semaphore_release(&p->c->ping[p->pair], 1));
        CHECK_OK(ct_semaphore_acquire_timeout(&p->c->pong[p->pair], 30.0));
    }
    p->last_ping = true;
    CHECK_OK(ct_semaphore_release(&p->c->ping[p->pair], 1));
}

static void ponger(void *arg)
{
    pair_arg *p = (pair_arg *)arg;
    for (;;) {
        CHECK_OK(ct_semaphore_acquire_timeout(&p->c->ping[p->pair], 30.0));
        if (p->last_ping) return;
        CHECK_OK(ct_semaphore_release(&p->c->pong[p->pair], 1));
    }
}

static void nothing(void *arg)
{
    (void)arg;
}

/* Starts and joins short threads: the registry lock changes hands constantly. */
static void spawner(void *arg)
{
    churn *c = (churn *)arg;
    while (!churn_stopping(c)) ct_test_join(ct_test_start(nothing, NULL));
}

CT_NO_THREAD_SAFETY_ANALYSIS static void child_after_churn(void *arg)
{
    churn *c = (churn *)arg;
    check_alone(c->parent_native_id);
    /* The lock may have been held by a lost hammer at the fork. */
    if (ct_lock_locked(&c->lock)) CHECK_OK(ct_lock_release(&c->lock));
    check_threads_and_locks_work();
}

TEST(forks_while_threads_park_and_start)
{
    churn c;
    pair_arg pairs[PING_PONG_PAIRS];
    ct_thread *threads[2 + 2 * PING_PONG_PAIRS + 1];
    size_t n = 0;
    long counted_at_end;
    require_threads_in_child();
    memset(&c, 0, sizeof c);
    ct_lock_init(&c.lock);
    c.parent_native_id = ct_get_native_id();
    for (int i = 0; i < PING_PONG_PAIRS; i++) {
        CHECK_OK(ct_semaphore_init(&c.ping[i], 0));
        CHECK_OK(ct_semaphore_init(&c.pong[i], 0));
        pairs[i].c = &c;
        pairs[i].pair = i;
        pairs[i].last_ping = false;
    }
    threads[n++] = ct_test_start(hammer, &c);
    threads[n++] = ct_test_start(hammer, &c);
    for (int i = 0; i < PING_PONG_PAIRS; i++) {
        threads[n++] = ct_test_start(pinger, &pairs[i]);
        threads[n++] = ct_test_start(ponger, &pairs[i]);
    }
    threads[n++] = ct_test_start(spawner, &c);

    for (int i = 0; i < FORKS; i++) {
        ct_sleep(0.002);
        run_in_child(child_after_churn, &c);
    }

    ct_lock_acquire(&c.lock);
    c.stop = true;
    ct_lock_release(&c.lock);
    for (size_t i = 0; i < n; i++) ct_test_join(threads[i]);
    ct_lock_acquire(&c.lock);
    counted_at_end = c.count;
    CHECK_EQ(c.count, c.done_by_hammers);
    ct_lock_release(&c.lock);
    CHECK_GT(counted_at_end, 0);
}

/* ------------------------------------------------ forking from other threads */

typedef struct forker_view {
    ct_thread *main_before;
    ct_thread *forker;          /* the forking thread's record before the fork, if it had one */
    const char *child_name;     /* the name it must have in the child */
    uint64_t parent_native_id;
    bool dummy;                 /* a foreign thread that makes itself a Dummy first */
} forker_view;

static void child_of_forker(void *arg)
{
    forker_view *view = (forker_view *)arg;
    ct_thread *me = check_alone(view->parent_native_id);
    /* The forking thread is the child's main thread; the old main is finished. */
    CHECK(me != view->main_before);
    CHECK(!ct_thread_is_alive(view->main_before));
    CHECK_OK(ct_thread_join(view->main_before, 5.0));
    CHECK(!ct_thread_is_daemon(me));
    if (view->forker) CHECK(me == view->forker);
    CHECK_MSG(strcmp(ct_thread_name(me), view->child_name) == 0, "named '%s', expected '%s'",
              ct_thread_name(me), view->child_name);
    check_threads_and_locks_work();
}

static void fork_from_here(forker_view *view)
{
    view->parent_native_id = ct_get_native_id();
    run_in_child(child_of_forker, view);
}

static void started_fork(void *arg)
{
    forker_view *view = (forker_view *)arg;
    view->forker = ct_current_thread();
    fork_from_here(view);
}

TEST(fork_from_a_started_thread)
{
    forker_view view;
    ct_thread *forker;
    ct_event go = CT_EVENT_INIT;
    ct_thread *bystander;
    require_fork();
    memset(&view, 0, sizeof view);
    view.main_before = ct_main_thread();
    view.child_name = "Forker";   /* Python keeps a Thread's name when it becomes the main thread */
    bystander = start_named(wait_event, &go, NULL, 0);
    forker = start_named(started_fork, &view, "Forker", 0);
    ct_test_join(forker);
    CHECK(view.forker == forker);
    CHECK(ct_thread_is_alive(ct_main_thread()));
    CHECK(ct_main_thread() == view.main_before);
    ct_event_set(&go);
    ct_test_join(bystander);
}

static void foreign_fork(void *arg)
{
    forker_view *view = (forker_view *)arg;
    if (view->dummy) {
        view->forker = ct_current_thread();
        CHECK(view->forker != NULL);
        CHECK(ct_thread_is_daemon(view->forker));
    }
    fork_from_here(view);
}

static void fork_from_foreign(bool dummy)
{
    forker_view view;
    foreign_thread thread;
    size_t before = ct_active_count();
    memset(&view, 0, sizeof view);
    view.main_before = ct_main_thread();
    view.child_name = "MainThread";
    view.dummy = dummy;
    CHECK_EQ(foreign_thread_start(&thread, foreign_fork, &view), 0);
    foreign_thread_join(&thread);
    CHECK_EQ(ct_active_count(), before);
    CHECK(ct_current_thread() == view.main_before);
}

/* A thread started elsewhere, unknown to the runtime, forks: in the child it is
 * the main thread, under a new "MainThread" record, as in Python. */
TEST(fork_from_a_foreign_thread)
{
    require_fork();
    fork_from_foreign(false);
}

/* A foreign thread with a Dummy record forks: the Dummy becomes the child's
 * main thread, renamed "MainThread" and no longer a daemon. */
TEST(fork_from_a_dummy_thread)
{
    require_fork();
    fork_from_foreign(true);
}

/* ------------------------------------------------------------- queue and pool */

#define JOBS 8

static void consume_one(void *arg)
{
    void *item = NULL;
    CHECK_OK(ct_queue_get((ct_queue *)arg, &item, 30.0));
    CHECK(item == (void *)arg);
}

static void *square(void *arg)
{
    uintptr_t n = (uintptr_t)arg;
    return (void *)(n * n);
}

static void child_uses_queue_and_pool(void *arg)
{
    ct_queue *queue = (ct_queue *)arg;
    ct_pool *pool = NULL;
    ct_future *futures[JOBS];
    static int marker;
    void *item = NULL;
    /* A lost thread was blocked in get on this queue: it still works. */
    CHECK_OK(ct_queue_put(queue, &marker, 1.0));
    CHECK_OK(ct_queue_get(queue, &item, 1.0));
    CHECK(item == &marker);
    CHECK(ct_queue_empty(queue));

    CHECK_OK(ct_pool_new(&pool, 2, "child"));
    for (uintptr_t i = 0; i < JOBS; i++) CHECK_OK(ct_pool_submit(pool, &futures[i], square, (void *)i));
    for (uintptr_t i = 0; i < JOBS; i++) {
        void *result = NULL;
        CHECK_OK(ct_future_result(futures[i], &result, 30.0));
        CHECK_EQ_U((uintptr_t)result, i * i);
        ct_future_release(futures[i]);
    }
    ct_pool_release(pool);
    CHECK_EQ(ct_active_count(), 1);
}

/* The parent also has a pool with idle workers: the child forgets that pool
 * at the fork (as concurrent.futures does), so its exit-time join must not
 * wait for the lost workers; the parent's pool keeps working. */
TEST(child_uses_a_queue_and_a_new_pool)
{
    ct_queue *queue = NULL;
    ct_pool *parent_pool = NULL;
    ct_future *future = NULL;
    void *result = NULL;
    ct_thread *consumer;
    require_threads_in_child();
    CHECK_OK(ct_queue_new(&queue, CT_QUEUE_FIFO, 0, NULL));
    consumer = ct_test_start(consume_one, queue);
    CHECK_OK(ct_pool_new(&parent_pool, 2, "parent"));
    CHECK_OK(ct_pool_submit(parent_pool, &future, square, (void *)3));
    CHECK_OK(ct_future_result(future, &result, 30.0));
    ct_future_release(future);
    ct_sleep(0.05);   /* the consumer is usually blocked in get by now */

    run_in_child(child_uses_queue_and_pool, queue);

    CHECK(ct_thread_is_alive(consumer));
    CHECK_OK(ct_queue_put(queue, queue, 1.0));
    ct_test_join(consumer);
    ct_queue_release(queue);
    CHECK_OK(ct_pool_submit(parent_pool, &future, square, (void *)4));
    CHECK_OK(ct_future_result(future, &result, 30.0));
    CHECK_EQ_U((uintptr_t)result, 16);
    ct_future_release(future);
    ct_pool_release(parent_pool);
}
