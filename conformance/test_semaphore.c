/* SPDX-License-Identifier: MIT */
/* threading.Semaphore and BoundedSemaphore: ct_semaphore_*, ct_bounded_semaphore_init. */
#include "harness.h"

#include <math.h>
#include <string.h>

#define SLACK 0.001

TEST(size_at_most_16)
{
    CHECK_LE(sizeof(ct_semaphore), 16);
}

TEST(static_init)
{
    ct_semaphore sem = CT_SEMAPHORE_INIT(3);
    ct_semaphore empty = CT_SEMAPHORE_INIT(0);
    ct_semaphore bounded = CT_BOUNDED_SEMAPHORE_INIT(1);

    CHECK_EQ(ct_semaphore_value(&sem), 3);
    ct_semaphore_acquire(&sem);
    CHECK_EQ(ct_semaphore_value(&sem), 2);
    CHECK_OK(ct_semaphore_release(&sem, 2));
    CHECK_EQ(ct_semaphore_value(&sem), 4);

    CHECK_EQ(ct_semaphore_value(&empty), 0);
    CHECK_STATUS(ct_semaphore_acquire_timeout(&empty, 0), CT_ETIMEDOUT);
    CHECK_OK(ct_semaphore_release(&empty, 1));
    CHECK_OK(ct_semaphore_acquire_timeout(&empty, 0));

    CHECK_EQ(ct_semaphore_value(&bounded), 1);
    CHECK_STATUS(ct_semaphore_release(&bounded, 1), CT_EINVAL);
    CHECK_EQ(ct_semaphore_value(&bounded), 1);
    CHECK_OK(ct_semaphore_acquire_timeout(&bounded, 0));
    CHECK_EQ(ct_semaphore_value(&bounded), 0);
    CHECK_OK(ct_semaphore_release(&bounded, 1));
    CHECK_EQ(ct_semaphore_value(&bounded), 1);
}

TEST(init)
{
    ct_semaphore sem;
    memset(&sem, 0xA5, sizeof sem);
    CHECK_OK(ct_semaphore_init(&sem, 5));
    CHECK_EQ(ct_semaphore_value(&sem), 5);
    CHECK_OK(ct_semaphore_release(&sem, 10));
    CHECK_EQ(ct_semaphore_value(&sem), 15);

    memset(&sem, 0xA5, sizeof sem);
    CHECK_OK(ct_semaphore_init(&sem, 0));
    CHECK_EQ(ct_semaphore_value(&sem), 0);
    CHECK_STATUS(ct_semaphore_acquire_timeout(&sem, 0), CT_ETIMEDOUT);

    memset(&sem, 0xA5, sizeof sem);
    CHECK_OK(ct_bounded_semaphore_init(&sem, 3));
    CHECK_EQ(ct_semaphore_value(&sem), 3);
    CHECK_STATUS(ct_semaphore_release(&sem, 1), CT_EINVAL);
    CHECK_EQ(ct_semaphore_value(&sem), 3);
}

TEST(init_negative_is_einval)
{
    ct_semaphore sem;
    CHECK_STATUS(ct_semaphore_init(&sem, -1), CT_EINVAL);
    CHECK_STATUS(ct_semaphore_init(&sem, INT64_MIN), CT_EINVAL);
    CHECK_STATUS(ct_bounded_semaphore_init(&sem, -1), CT_EINVAL);
    CHECK_STATUS(ct_bounded_semaphore_init(&sem, INT64_MIN), CT_EINVAL);
    /* A refused init leaves memory a later init can use. */
    CHECK_OK(ct_semaphore_init(&sem, 1));
    CHECK_OK(ct_semaphore_acquire_timeout(&sem, 0));
    CHECK_EQ(ct_semaphore_value(&sem), 0);
    CHECK_OK(ct_bounded_semaphore_init(&sem, 0));
    CHECK_EQ(ct_semaphore_value(&sem), 0);
    CHECK_STATUS(ct_semaphore_release(&sem, 1), CT_EINVAL);
}

TEST(acquire_release_value)
{
    ct_semaphore sem;
    CHECK_OK(ct_semaphore_init(&sem, 2));
    ct_semaphore_acquire(&sem);
    CHECK_EQ(ct_semaphore_value(&sem), 1);
    CHECK_OK(ct_semaphore_acquire_timeout(&sem, 0));
    CHECK_EQ(ct_semaphore_value(&sem), 0);
    CHECK_STATUS(ct_semaphore_acquire_timeout(&sem, 0), CT_ETIMEDOUT);
    CHECK_EQ(ct_semaphore_value(&sem), 0);
    CHECK_OK(ct_semaphore_release(&sem, 1));
    CHECK_EQ(ct_semaphore_value(&sem), 1);
    CHECK_OK(ct_semaphore_acquire_timeout(&sem, CT_FOREVER));
    CHECK_OK(ct_semaphore_release(&sem, 3));
    /* Unbounded: above the initial value is fine. */
    CHECK_EQ(ct_semaphore_value(&sem), 3);
    CHECK_OK(ct_semaphore_acquire_timeout(&sem, 5.0));
    CHECK_EQ(ct_semaphore_value(&sem), 2);
}

TEST(release_zero_or_negative_is_einval)
{
    ct_semaphore sem = CT_SEMAPHORE_INIT(1);
    ct_semaphore bounded = CT_BOUNDED_SEMAPHORE_INIT(2);
    CHECK_STATUS(ct_semaphore_release(&sem, 0), CT_EINVAL);
    CHECK_STATUS(ct_semaphore_release(&sem, -1), CT_EINVAL);
    CHECK_STATUS(ct_semaphore_release(&sem, INT64_MIN), CT_EINVAL);
    CHECK_EQ(ct_semaphore_value(&sem), 1);
    ct_semaphore_acquire(&bounded);
    CHECK_STATUS(ct_semaphore_release(&bounded, 0), CT_EINVAL);
    CHECK_STATUS(ct_semaphore_release(&bounded, -1), CT_EINVAL);
    CHECK_EQ(ct_semaphore_value(&bounded), 1);
    CHECK_OK(ct_semaphore_release(&bounded, 1));
    CHECK_EQ(ct_semaphore_value(&bounded), 2);
}

TEST(release_beyond_limit_is_eoverflow)
{
    ct_semaphore sem = CT_SEMAPHORE_INIT(0);
    CHECK_STATUS(ct_semaphore_release(&sem, INT64_MAX), CT_EOVERFLOW);
    CHECK_EQ(ct_semaphore_value(&sem), 0);
    CHECK_OK(ct_semaphore_release(&sem, 1));
    CHECK_STATUS(ct_semaphore_release(&sem, INT64_MAX), CT_EOVERFLOW);
    CHECK_EQ(ct_semaphore_value(&sem), 1);
    CHECK_OK(ct_semaphore_acquire_timeout(&sem, 0));
}

TEST(bounded_release_too_often)
{
    ct_semaphore sem;
    CHECK_OK(ct_bounded_semaphore_init(&sem, 2));
    CHECK_STATUS(ct_semaphore_release(&sem, 1), CT_EINVAL);
    CHECK_EQ(ct_semaphore_value(&sem), 2);
    ct_semaphore_acquire(&sem);
    ct_semaphore_acquire(&sem);
    CHECK_EQ(ct_semaphore_value(&sem), 0);
    /* All or nothing: a release(n) that would pass the bound adds nothing. */
    CHECK_STATUS(ct_semaphore_release(&sem, 3), CT_EINVAL);
    CHECK_EQ(ct_semaphore_value(&sem), 0);
    CHECK_OK(ct_semaphore_release(&sem, 1));
    CHECK_STATUS(ct_semaphore_release(&sem, 2), CT_EINVAL);
    CHECK_EQ(ct_semaphore_value(&sem), 1);
    CHECK_OK(ct_semaphore_release(&sem, 1));
    CHECK_EQ(ct_semaphore_value(&sem), 2);
    CHECK_STATUS(ct_semaphore_release(&sem, 1), CT_EINVAL);
    CHECK_EQ(ct_semaphore_value(&sem), 2);
    ct_semaphore_acquire(&sem);
    ct_semaphore_acquire(&sem);
    CHECK_OK(ct_semaphore_release(&sem, 2));
    CHECK_EQ(ct_semaphore_value(&sem), 2);
}

TEST(timed_acquire_times_out)
{
    ct_semaphore sem = CT_SEMAPHORE_INIT(0);
    double start = ct_monotonic(), elapsed;
    CHECK_STATUS(ct_semaphore_acquire_timeout(&sem, 0.1), CT_ETIMEDOUT);
    elapsed = ct_monotonic() - start;
    CHECK_GE_D(elapsed, 0.1 - SLACK);
    CHECK_LE_D(elapsed, 5.0);
    CHECK_EQ(ct_semaphore_value(&sem), 0);
    start = ct_monotonic();
    CHECK_STATUS(ct_semaphore_acquire_timeout(&sem, 0), CT_ETIMEDOUT);
    CHECK_LE_D(ct_monotonic() - start, 1.0);
}

static void check_bad_timeouts(ct_semaphore *sem)
{
    int64_t before = ct_semaphore_value(sem);
    CHECK_STATUS(ct_semaphore_acquire_timeout(sem, NAN), CT_EINVAL);
    CHECK_STATUS(ct_semaphore_acquire_timeout(sem, -0.5), CT_EINVAL);
    CHECK_STATUS(ct_semaphore_acquire_timeout(sem, -2.0), CT_EINVAL);
    CHECK_STATUS(ct_semaphore_acquire_timeout(sem, -INFINITY), CT_EINVAL);
    CHECK_STATUS(ct_semaphore_acquire_timeout(sem, CT_TIMEOUT_MAX * 2), CT_EOVERFLOW);
    CHECK_STATUS(ct_semaphore_acquire_timeout(sem, INFINITY), CT_EOVERFLOW);
    CHECK_EQ(ct_semaphore_value(sem), before);
}

TEST(bad_timeouts)
{
    ct_semaphore sem = CT_SEMAPHORE_INIT(0);
    double start = ct_monotonic();
    check_bad_timeouts(&sem);
    CHECK_OK(ct_semaphore_release(&sem, 1));
    /* Refused even when a unit is there to take. */
    check_bad_timeouts(&sem);
    CHECK_LE_D(ct_monotonic() - start, 2.0);
    CHECK_OK(ct_semaphore_acquire_timeout(&sem, CT_TIMEOUT_MAX));
    CHECK_EQ(ct_semaphore_value(&sem), 0);
    CHECK_OK(ct_semaphore_release(&sem, 1));
    CHECK_OK(ct_semaphore_acquire_timeout(&sem, CT_FOREVER));
    CHECK_EQ(ct_semaphore_value(&sem), 0);
}

/* ---------------------------------------------------------------- waiters */

typedef struct gate {
    ct_semaphore sem;
    ct_lock lock;      /* guards passed */
    int passed;
    double timeout;
} gate;

static void pass_gate(void *arg)
{
    gate *g = (gate *)arg;
    if (g->timeout == CT_FOREVER)
        ct_semaphore_acquire(&g->sem);
    else
        CHECK_OK(ct_semaphore_acquire_timeout(&g->sem, g->timeout));
    ct_lock_acquire(&g->lock);
    g->passed++;
    CHECK_OK(ct_lock_release(&g->lock));
}

static int gate_passed(gate *g)
{
    int passed;
    ct_lock_acquire(&g->lock);
    passed = g->passed;
    CHECK_OK(ct_lock_release(&g->lock));
    return passed;
}

/* Wait for `want` to have passed, then give stragglers time to overshoot. */
static void settle_at(gate *g, int want)
{
    double deadline = ct_monotonic() + 10.0;
    while (gate_passed(g) < want && ct_monotonic() < deadline) ct_sleep(0.005);
    ct_sleep(0.2);
    CHECK_EQ(gate_passed(g), want);
}

static void check_release_n_wakes_n(double timeout)
{
    enum { WAITERS = 5 };
    gate g;
    ct_thread *threads[WAITERS];
    int i;
    CHECK_OK(ct_semaphore_init(&g.sem, 0));
    ct_lock_init(&g.lock);
    g.passed = 0;
    g.timeout = timeout;
    for (i = 0; i < WAITERS; i++) threads[i] = ct_test_start(pass_gate, &g);
    ct_sleep(0.1);
    CHECK_EQ(gate_passed(&g), 0);

    CHECK_OK(ct_semaphore_release(&g.sem, 3));
    settle_at(&g, 3);
    CHECK_EQ(ct_semaphore_value(&g.sem), 0);

    CHECK_OK(ct_semaphore_release(&g.sem, 1));
    settle_at(&g, 4);
    CHECK_EQ(ct_semaphore_value(&g.sem), 0);

    CHECK_OK(ct_semaphore_release(&g.sem, 2));
    for (i = 0; i < WAITERS; i++) ct_test_join(threads[i]);
    CHECK_EQ(g.passed, WAITERS);
    CHECK_EQ(ct_semaphore_value(&g.sem), 1);
}

TEST(release_n_wakes_n)
{
    check_release_n_wakes_n(CT_FOREVER);
}

TEST(release_n_wakes_n_timed)
{
    check_release_n_wakes_n(30.0);
}

TEST(bounded_waiters)
{
    gate g;
    ct_thread *threads[2];
    int i;
    CHECK_OK(ct_bounded_semaphore_init(&g.sem, 2));
    ct_lock_init(&g.lock);
    g.passed = 0;
    g.timeout = 30.0;
    ct_semaphore_acquire(&g.sem);
    ct_semaphore_acquire(&g.sem);
    for (i = 0; i < 2; i++) threads[i] = ct_test_start(pass_gate, &g);
    ct_sleep(0.05);
    CHECK_EQ(gate_passed(&g), 0);
    CHECK_STATUS(ct_semaphore_release(&g.sem, 3), CT_EINVAL);
    CHECK_OK(ct_semaphore_release(&g.sem, 2));
    for (i = 0; i < 2; i++) ct_test_join(threads[i]);
    CHECK_EQ(g.passed, 2);
    CHECK_EQ(ct_semaphore_value(&g.sem), 0);
    /* The units the waiters took count against the bound. */
    CHECK_OK(ct_semaphore_release(&g.sem, 2));
    CHECK_STATUS(ct_semaphore_release(&g.sem, 1), CT_EINVAL);
}

typedef struct blocked {
    ct_semaphore sem;
    ct_event started;
    ct_event acquired;
} blocked;

static void acquire_then_signal(void *arg)
{
    blocked *b = (blocked *)arg;
    ct_event_set(&b->started);
    CHECK_OK(ct_semaphore_acquire_timeout(&b->sem, 30.0));
    ct_event_set(&b->acquired);
}

TEST(timed_acquire_succeeds_when_released)
{
    blocked b;
    ct_thread *thread;
    CHECK_OK(ct_semaphore_init(&b.sem, 0));
    ct_event_init(&b.started);
    ct_event_init(&b.acquired);
    thread = ct_test_start(acquire_then_signal, &b);
    CHECK(ct_event_wait(&b.started, 10.0));
    CHECK(!ct_event_wait(&b.acquired, 0.1));
    CHECK_OK(ct_semaphore_release(&b.sem, 1));
    CHECK(ct_event_wait(&b.acquired, 10.0));
    ct_test_join(thread);
    CHECK_EQ(ct_semaphore_value(&b.sem), 0);
}

/* ------------------------------------------------------- concurrency limit */

typedef struct room {
    ct_semaphore sem;
    ct_lock lock;     /* guards inside, max_inside */
    int inside;
    int max_inside;
} room;

static void enter_room(void *arg)
{
    room *r = (room *)arg;
    int i;
    for (i = 0; i < 40; i++) {
        if (i % 2)
            ct_semaphore_acquire(&r->sem);
        else
            CHECK_OK(ct_semaphore_acquire_timeout(&r->sem, 30.0));
        ct_lock_acquire(&r->lock);
        r->inside++;
        if (r->inside > r->max_inside) r->max_inside = r->inside;
        CHECK_OK(ct_lock_release(&r->lock));
        ct_sleep(0.001);
        ct_lock_acquire(&r->lock);
        r->inside--;
        CHECK_OK(ct_lock_release(&r->lock));
        CHECK_OK(ct_semaphore_release(&r->sem, 1));
    }
}

static void check_room(int bounded)
{
    enum { THREADS = 5 };
    room r;
    ct_thread *threads[THREADS];
    int i;
    if (bounded)
        CHECK_OK(ct_bounded_semaphore_init(&r.sem, 2));
    else
        CHECK_OK(ct_semaphore_init(&r.sem, 2));
    ct_lock_init(&r.lock);
    r.inside = r.max_inside = 0;
    for (i = 0; i < THREADS; i++) threads[i] = ct_test_start(enter_room, &r);
    for (i = 0; i < THREADS; i++) ct_test_join(threads[i]);
    CHECK_EQ(r.inside, 0);
    CHECK_LE(r.max_inside, 2);
    CHECK_EQ(r.max_inside, 2);
    CHECK_EQ(ct_semaphore_value(&r.sem), 2);
}

TEST(at_most_value_inside)
{
    check_room(0);
}

TEST(bounded_at_most_value_inside)
{
    check_room(1);
}

/* ------------------------------------------------------------- as a mutex */

typedef struct counter {
    ct_semaphore sem;
    long iterations;
    long value;
    ct_event go;   /* set once every thread is started, so they contend */
} counter;

static void count(void *arg)
{
    counter *c = (counter *)arg;
    long i;
    CHECK(ct_event_wait(&c->go, 30.0));
    for (i = 0; i < c->iterations; i++) {
        if (i % 4 == 3)
            CHECK_OK(ct_semaphore_acquire_timeout(&c->sem, 30.0));
        else
            ct_semaphore_acquire(&c->sem);
        c->value++;
        CHECK_OK(ct_semaphore_release(&c->sem, 1));
    }
}

static void run_counters(counter *c, size_t n_threads)
{
    ct_thread *threads[16];
    size_t i;
    CHECK(n_threads <= 16);
    for (i = 0; i < n_threads; i++) threads[i] = ct_test_start(count, c);
    ct_event_set(&c->go);
    for (i = 0; i < n_threads; i++) ct_test_join(threads[i]);
    CHECK_EQ(ct_semaphore_value(&c->sem), 1);
}

TEST(counter_10_threads)
{
    counter c = { CT_SEMAPHORE_INIT(1), 1000, 0, CT_EVENT_INIT };
    run_counters(&c, 10);
    CHECK_EQ(c.value, 10000);
}

TEST_TIMEOUT(counter_2_threads_million, 240)
{
    counter c = { CT_BOUNDED_SEMAPHORE_INIT(1), 1000000, 0, CT_EVENT_INIT };
    run_counters(&c, 2);
    CHECK_EQ(c.value, 2000000);
}
