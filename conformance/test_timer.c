/* SPDX-License-Identifier: MIT */
/* threading.Timer: ct_timer_*. */
#include "harness.h"

#include <math.h>
#include <string.h>

#define SLACK 0.001

typedef struct firing {
    int runs;
    double fired_at;
    uint64_t ident;
    bool daemon;
    char name[64];
    ct_event fired;
} firing;

static void firing_init(firing *f)
{
    memset(f, 0, sizeof *f);
    ct_event_init(&f->fired);
}

static void fire(void *arg)
{
    firing *f = (firing *)arg;
    ct_thread *self = ct_current_thread();
    f->fired_at = ct_monotonic();
    f->runs++;
    f->ident = ct_get_ident();
    f->daemon = ct_thread_is_daemon(self);
    CHECK(strlen(ct_thread_name(self)) < sizeof f->name);
    strcpy(f->name, ct_thread_name(self));
    ct_event_set(&f->fired);
}

static ct_timer *start_timer(double interval, firing *f, const ct_thread_options *options)
{
    ct_timer *timer = NULL;
    CHECK_OK(ct_timer_start(&timer, interval, fire, f, options));
    CHECK(timer != NULL);
    return timer;
}

TEST(fires_after_interval)
{
    firing f;
    double start;
    ct_timer *timer;
    firing_init(&f);
    start = ct_monotonic();
    timer = start_timer(0.2, &f, NULL);
    CHECK_OK(ct_timer_join(timer, CT_FOREVER));
    CHECK_EQ(f.runs, 1);
    CHECK_GE_D(f.fired_at - start, 0.2 - SLACK);
    CHECK_LE_D(f.fired_at - start, 10.0);
    CHECK(f.ident != 0 && f.ident != ct_get_ident());
    CHECK(!ct_timer_cancel(timer)); /* too late: it ran */
    CHECK_EQ(f.runs, 1);
    ct_timer_release(timer);
}

TEST(zero_interval_fires_promptly)
{
    firing f;
    ct_timer *timer;
    double start = ct_monotonic();
    firing_init(&f);
    timer = start_timer(0, &f, NULL);
    CHECK(ct_event_wait(&f.fired, 10.0));
    CHECK_OK(ct_timer_join(timer, 10.0));
    CHECK_EQ(f.runs, 1);
    CHECK_LE_D(ct_monotonic() - start, 10.0);
    ct_timer_release(timer);
}

TEST(cancel_before_firing)
{
    const double interval = 2.0;
    firing f;
    ct_timer *timer;
    double start;
    firing_init(&f);
    start = ct_monotonic();
    timer = start_timer(interval, &f, NULL);
    CHECK(ct_timer_cancel(timer));
    /* Cancelled long before the interval: the function never runs. */
    CHECK_LE_D(ct_monotonic() - start, interval - 0.5);
    CHECK_OK(ct_timer_join(timer, 30.0));
    CHECK(!ct_event_wait(&f.fired, start + interval + 0.3 - ct_monotonic()));
    CHECK_EQ(f.runs, 0);
    ct_timer_release(timer);
}

TEST(join_with_timeout)
{
    firing f;
    ct_timer *timer;
    double start, elapsed;
    firing_init(&f);
    timer = start_timer(0.5, &f, NULL);
    start = ct_monotonic();
    CHECK_STATUS(ct_timer_join(timer, 0.1), CT_ETIMEDOUT);
    elapsed = ct_monotonic() - start;
    CHECK_GE_D(elapsed, 0.1 - SLACK);
    CHECK_STATUS(ct_timer_join(timer, 0), CT_ETIMEDOUT);
    CHECK_OK(ct_timer_join(timer, 30.0));
    CHECK_EQ(f.runs, 1);
    CHECK_OK(ct_timer_join(timer, 0));
    CHECK_OK(ct_timer_join(timer, CT_FOREVER));
    ct_timer_release(timer);
}

TEST(join_bad_timeouts)
{
    firing f;
    ct_timer *timer;
    firing_init(&f);
    timer = start_timer(10.0, &f, NULL);
    CHECK_STATUS(ct_timer_join(timer, -0.5), CT_EINVAL);
    CHECK_STATUS(ct_timer_join(timer, NAN), CT_EINVAL);
    CHECK_STATUS(ct_timer_join(timer, CT_TIMEOUT_MAX * 2), CT_EOVERFLOW);
    CHECK(ct_timer_cancel(timer));
    CHECK_OK(ct_timer_join(timer, CT_FOREVER));
    CHECK_EQ(f.runs, 0);
    ct_timer_release(timer);
}

TEST(options_name_and_daemon)
{
    ct_thread_options options = CT_THREAD_OPTIONS_INIT;
    firing named, plain;
    ct_timer *named_timer, *plain_timer;
    char name[32];
    firing_init(&named);
    firing_init(&plain);
    strcpy(name, "tick-timer");
    options.name = name;
    options.daemon = 1;
    named_timer = start_timer(0.01, &named, &options);
    strcpy(name, "overwritten");
    options.name = NULL;
    options.daemon = 0;
    plain_timer = start_timer(0.01, &plain, &options);

    CHECK_OK(ct_timer_join(named_timer, CT_FOREVER));
    CHECK_OK(ct_timer_join(plain_timer, CT_FOREVER));
    CHECK_MSG(strcmp(named.name, "tick-timer") == 0, "timer thread named '%s'", named.name);
    CHECK(named.daemon);
    CHECK(!plain.daemon);
    CHECK_MSG(strcmp(plain.name, "tick-timer") != 0 && plain.name[0] != '\0',
              "unnamed timer thread named '%s'", plain.name);
    ct_timer_release(named_timer);
    ct_timer_release(plain_timer);
}

/* As for threads, releasing the handle does not stop the timer. */
TEST(release_before_firing)
{
    static firing f;
    double start = ct_monotonic();
    firing_init(&f);
    ct_timer_release(start_timer(0.05, &f, NULL));
    CHECK(ct_event_wait(&f.fired, 30.0));
    CHECK_GE_D(f.fired_at - start, 0.05 - SLACK);
}

TEST(release_after_cancel)
{
    static firing f;
    ct_timer *timer;
    firing_init(&f);
    timer = start_timer(0.5, &f, NULL);
    CHECK(ct_timer_cancel(timer));
    ct_timer_release(timer);
    CHECK(!ct_event_wait(&f.fired, 0.8));
    CHECK_EQ(f.runs, 0);
}

TEST(bad_interval_is_einval)
{
    firing f;
    ct_timer *timer = NULL;
    firing_init(&f);
    CHECK_STATUS(ct_timer_start(&timer, -0.5, fire, &f, NULL), CT_EINVAL);
    CHECK_STATUS(ct_timer_start(&timer, -INFINITY, fire, &f, NULL), CT_EINVAL);
    CHECK_STATUS(ct_timer_start(&timer, NAN, fire, &f, NULL), CT_EINVAL);
    CHECK(!ct_event_wait(&f.fired, 0.1));
    CHECK_EQ(f.runs, 0);
}

/* issue 10 item 5: NULL handles are refused, as ct_thread_* and _release do. */
TEST(null_handles)
{
    CHECK(!ct_timer_cancel(NULL));
    CHECK_STATUS(ct_timer_join(NULL, 0), CT_EINVAL);
    CHECK_STATUS(ct_timer_join(NULL, CT_FOREVER), CT_EINVAL);
    ct_timer_release(NULL);
}
