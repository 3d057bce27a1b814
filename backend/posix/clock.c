/* SPDX-License-Identifier: MIT */
#include "backend.h"

#include <errno.h>
#include <sched.h>
#include <time.h>

int64_t ctb_monotonic_ns(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
        ctb_fatal("clock_gettime(CLOCK_MONOTONIC)", errno);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

void ctb_sleep_until(int64_t deadline)
{
    for (;;) {
        int64_t left = deadline - ctb_monotonic_ns();
        struct timespec ts;
        if (left <= 0) return;
        ts.tv_sec = (time_t)(left / 1000000000);
        ts.tv_nsec = (long)(left % 1000000000);
        /* nanosleep is relative: EINTR and early wakes loop on the monotonic clock. */
        nanosleep(&ts, NULL);
    }
}

void ctb_yield(void)
{
    sched_yield();
}
