/* SPDX-License-Identifier: MIT */
/* threading.Event: ct_event_*. */
#include "harness.h"

#include <math.h>
#include <string.h>

#define SLACK 0.001

TEST(size_at_most_4)
{
    CHECK_LE(sizeof(ct_event), 4);
}

TEST(static_init)
{
    ct_event event = CT_EVENT_INIT;
    CHECK(!ct_event_is_set(&event));
    ct_event_set(&event);
    CHECK(ct_event_is_set(&event));
    ct_event_clear(&event);
    CHECK(!ct_event_is_set(&event));
}

TEST(init_over_garbage)
{
    ct_event event;
    memset(&event, 0xA5, sizeof event);
    ct_event_init(&event);
    CHECK(!ct_event_is_set(&event));
    CHECK(!ct_event_wait(&event, 0));
    ct_event_set(&event);
    CHECK(ct_event_is_set(&event));
    CHECK(ct_event_wait(&event, 0));
}

TEST(set_and_clear_are_idempotent)
{
    ct_event event = CT_EVENT_INIT;
    ct_event_clear(&event);
    CHECK(!ct_event_is_set(&event));
    ct_event_set(&event);
    ct_event_set(&event);
    CHECK(ct_event_is_set(&event));
    ct_event_clear(&event);
    ct_event_clear(&event);
    CHECK(!ct_event_is_set(&event));
}

TEST(wait_on_set_returns_at_once)
{
    ct_event event = CT_EVENT_INIT;
    double start;
    ct_event_set(&event);
    start = ct_monotonic();
    CHECK(ct_event_wait(&event, 0));
    CHECK(ct_event_wait(&event, 30.0));
    CHECK(ct_event_wait(&event, CT_FOREVER));
    CHECK(ct_event_wait(&event, CT_TIMEOUT_MAX));
    CHECK_LE_D(ct_monotonic() - start, 2.0);
    /* Waiting does not consume the flag. */
    CHECK(ct_event_is_set(&event));
}

TEST(wait_zero_on_unset)
{
    ct_event event = CT_EVENT_INIT;
    double start = ct_monotonic();
    CHECK(!ct_event_wait(&event, 0));
    CHECK_LE_D(ct_monotonic() - start, 1.0);
    CHECK(!ct_event_is_set(&event));
}

TEST(wait_times_out)
{
    ct_event event = CT_EVENT_INIT;
    double start = ct_monotonic(), elapsed;
    CHECK(!ct_event_wait(&event, 0.1));
    elapsed = ct_monotonic() - start;
    CHECK_GE_D(elapsed, 0.1 - SLACK);
    CHECK_LE_D(elapsed, 5.0);
    CHECK(!ct_event_is_set(&event));
}

TEST(clear_makes_wait_block_again)
{
    ct_event event = CT_EVENT_INIT;
    double start, elapsed;
    ct_event_set(&event);
    CHECK(ct_event_wait(&event, 0));
    ct_event_clear(&event);
    start = ct_monotonic();
    CHECK(!ct_event_wait(&event, 0.05));
    elapsed = ct_monotonic() - start;
    CHECK_GE_D(elapsed, 0.05 - SLACK);
    CHECK(!ct_event_wait(&event, 0));
}

/* Invalid timeouts count as 0 for a call that returns bool. */
TEST(invalid_timeout_is_zero)
{
    ct_event event = CT_EVENT_INIT;
    double start = ct_monotonic();
    CHECK(!ct_event_wait(&event, NAN));
    CHECK(!ct_event_wait(&event, -5.0));
    CHECK(!ct_event_wait(&event, -0.5));
    CHECK(!ct_event_wait(&event, -INFINITY));
    CHECK_LE_D(ct_monotonic() - start, 1.0);
    ct_event_set(&event);
    CHECK(ct_event_wait(&event, NAN));
    CHECK(ct_event_wait(&event, -5.0));
    CHECK(ct_event_wait(&event, -0.5));
    CHECK(ct_event_wait(&event, -INFINITY));
    CHECK(ct_event_is_set(&event));
}

/* ---------------------------------------------------------------- waiters */

enum { MAX_WAITERS = 10 };

typedef struct crowd {
    ct_event event;
    ct_lock lock;      /* guards started, returned, got_true */
    int started;
    int returned;
    int got_true;
    double timeout;
} crowd;

static void crowd_init(crowd *c, double timeout)
{
    ct_event_init(&c->event);
    ct_lock_init(&c->lock);
    c->started = c->returned = c->got_true = 0;
    c->timeout = timeout;
}

static int crowd_read(crowd *c, const int *field)
{
    int value;
    ct_lock_acquire(&c->lock);
    value = *field;
    CHECK_OK(ct_lock_release(&c->lock));
    return value;
}

static void wait_in_crowd(void *arg)
{
    crowd *c = (crowd *)arg;
    bool got;
    ct_lock_acquire(&c->lock);
    c->started++;
    CHECK_OK(ct_lock_release(&c->lock));
    got = ct_event_wait(&c->event, c->timeout);
    ct_lock_acquire(&c->lock);
    c->returned++;
    if (got) c->got_true++;
    CHECK_OK(ct_lock_release(&c->lock));
}

/* All threads counted themselves and had `settle` seconds to get into wait. */
static void await_started_settle(crowd *c, int n, double settle)
{
    double deadline = ct_monotonic() + 10.0;
    while (crowd_read(c, &c->started) < n) {
        CHECK_MSG(ct_monotonic() < deadline, "only %d of %d waiters started",
                  crowd_read(c, &c->started), n);
        ct_sleep(0.005);
    }
    ct_sleep(settle);
}

static void await_started(crowd *c, int n)
{
    await_started_settle(c, n, 0.1);
}

static void check_one_set_releases_all(int n, double timeout)
{
    crowd c;
    ct_thread *threads[MAX_WAITERS];
    int i;
    CHECK(n <= MAX_WAITERS);
    crowd_init(&c, timeout);
    for (i = 0; i < n; i++) threads[i] = ct_test_start(wait_in_crowd, &c);
    await_started(&c, n);
    CHECK_EQ(crowd_read(&c, &c.returned), 0);
    ct_event_set(&c.event);
    for (i = 0; i < n; i++) ct_test_join(threads[i]);
    CHECK_EQ(c.returned, n);
    CHECK_EQ(c.got_true, n);
    CHECK(ct_event_is_set(&c.event));
}

TEST(waiters_block_until_set)
{
    check_one_set_releases_all(3, CT_FOREVER);
}

TEST(one_set_releases_many)
{
    check_one_set_releases_all(MAX_WAITERS, CT_FOREVER);
}

TEST(one_set_releases_many_timed)
{
    check_one_set_releases_all(MAX_WAITERS, 30.0);
}

TEST(cleared_event_blocks_new_waiters)
{
    crowd c;
    ct_thread *thread;
    crowd_init(&c, 30.0);
    ct_event_set(&c.event);
    ct_event_clear(&c.event);
    thread = ct_test_start(wait_in_crowd, &c);
    await_started(&c, 1);
    CHECK_EQ(crowd_read(&c, &c.returned), 0);
    ct_event_set(&c.event);
    ct_test_join(thread);
    CHECK_EQ(c.got_true, 1);
}

TEST(timed_waiters_time_out_unset)
{
    crowd c;
    ct_thread *threads[3];
    int i;
    crowd_init(&c, 0.1);
    for (i = 0; i < 3; i++) threads[i] = ct_test_start(wait_in_crowd, &c);
    for (i = 0; i < 3; i++) ct_test_join(threads[i]);
    CHECK_EQ(c.returned, 3);
    CHECK_EQ(c.got_true, 0);
}

/* Event.wait's promise: a set during the wait counts, even if a clear follows
 * before the waiter gets to run. */
static void check_set_then_clear(double timeout)
{
    enum { ROUNDS = 4, WAITERS = 3 };
    int round;
    for (round = 0; round < ROUNDS; round++) {
        crowd c;
        ct_thread *threads[WAITERS];
        int i;
        crowd_init(&c, timeout);
        for (i = 0; i < WAITERS; i++) threads[i] = ct_test_start(wait_in_crowd, &c);
        /* A waiter still on its way into wait when the clear comes would
         * rightly miss the set: give them ample time to get there. */
        await_started_settle(&c, WAITERS, 0.25);
        CHECK_EQ(crowd_read(&c, &c.returned), 0);
        ct_event_set(&c.event);
        ct_event_clear(&c.event);
        for (i = 0; i < WAITERS; i++) ct_test_join(threads[i]);
        CHECK_EQ(c.returned, WAITERS);
        CHECK_EQ(c.got_true, WAITERS);
        CHECK(!ct_event_is_set(&c.event));
    }
}

TEST(set_then_clear_during_wait_counts)
{
    check_set_then_clear(CT_FOREVER);
}

TEST(set_then_clear_during_timed_wait_counts)
{
    check_set_then_clear(30.0);
}

typedef struct toggler {
    ct_event *event;
    double delay;
} toggler;

static void set_later(void *arg)
{
    toggler *t = (toggler *)arg;
    ct_sleep(t->delay);
    ct_event_set(t->event);
}

TEST(timed_wait_returns_true_when_set)
{
    ct_event event = CT_EVENT_INIT;
    toggler t = { &event, 0.05 };
    ct_thread *thread = ct_test_start(set_later, &t);
    double start = ct_monotonic();
    CHECK(ct_event_wait(&event, 30.0));
    CHECK_LE_D(ct_monotonic() - start, 10.0);
    ct_test_join(thread);
    CHECK(ct_event_is_set(&event));
}

/* Waiters and set/clear in a loop: every wait ends, none hangs. */
static void pulse_until_done(void *arg)
{
    crowd *c = (crowd *)arg;
    while (crowd_read(c, &c->returned) < MAX_WAITERS) {
        ct_event_set(&c->event);
        ct_event_clear(&c->event);
        ct_sleep(0.001);
    }
}

TEST(set_clear_storm)
{
    crowd c;
    ct_thread *threads[MAX_WAITERS];
    ct_thread *pulser;
    int i;
    crowd_init(&c, 30.0);
    for (i = 0; i < MAX_WAITERS; i++) threads[i] = ct_test_start(wait_in_crowd, &c);
    pulser = ct_test_start(pulse_until_done, &c);
    for (i = 0; i < MAX_WAITERS; i++) ct_test_join(threads[i]);
    ct_test_join(pulser);
    CHECK_EQ(c.got_true, MAX_WAITERS);
}
