/* SPDX-License-Identifier: MIT */
/* What differs between CPUs: the layout of the public structs on 32-bit CPUs,
 * and timed waits that must sleep, not spin, whatever the size of time_t. */
#define _POSIX_C_SOURCE 200809L   /* clock_gettime(CLOCK_PROCESS_CPUTIME_ID) */
#include "harness.h"

#include <stdalign.h>
#include <stddef.h>

#if defined(_WIN32)
#  include <windows.h>
static double process_cpu_seconds(void)
{
    FILETIME created, exited, kernel, user;
    CHECK(GetProcessTimes(GetCurrentProcess(), &created, &exited, &kernel, &user));
    return ((double)kernel.dwLowDateTime + (double)kernel.dwHighDateTime * 4294967296.0 +
            (double)user.dwLowDateTime + (double)user.dwHighDateTime * 4294967296.0) / 1e7;
}
#else
#  include <time.h>
static double process_cpu_seconds(void)
{
    struct timespec ts;
    CHECK(clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts) == 0);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}
#endif

/* 64-bit atomic fields on 8-byte boundaries. i386 aligns a plain 64-bit field
 * to 4: an atomic on one that straddles a cache line is a split lock (slow,
 * and SIGBUS under strict split-lock detection), and its load can tear. */
TEST(atomic_fields_are_8_byte_aligned)
{
    CHECK_GE(alignof(ct_rlock), 8);
    CHECK_EQ(offsetof(ct_rlock, owner) % 8, 0);
    CHECK_GE(alignof(ct_semaphore), 8);
    CHECK_EQ(offsetof(ct_semaphore, word) % 8, 0);
    CHECK_GE(alignof(ct_condition), 8);
    CHECK_EQ(offsetof(ct_condition, own) % 8, 0);
}

/* A timed wait sleeps until its deadline. A deadline passed to the kernel in
 * the wrong layout (a 64-bit time_t read as the old 32-bit timespec) loses its
 * fraction of a second, and the wait spins through it instead: about 1 s of
 * CPU for these 1.2 s of waits. Each wait ends at another point in a second. */
#define WAITS 6
#define WAIT_SECONDS 0.2
TEST_TIMEOUT(timed_waits_sleep, 20)
{
    ct_event never = CT_EVENT_INIT;
    double start = ct_monotonic(), cpu_start = process_cpu_seconds(), waited, cpu;
    for (int i = 0; i < WAITS; i++) CHECK(!ct_event_wait(&never, WAIT_SECONDS));
    waited = ct_monotonic() - start;
    cpu = process_cpu_seconds() - cpu_start;
    printf("waited %.3f s, on %.3f s of CPU\n", waited, cpu);
    CHECK_GE_D(waited, WAITS * WAIT_SECONDS - 0.01);
    CHECK_LE_D(cpu, 0.25 * WAITS * WAIT_SECONDS);
}
