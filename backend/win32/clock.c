/* SPDX-License-Identifier: MIT */
#include "win32.h"
#include "atomics.h"

/* QueryPerformanceFrequency never changes while the system runs; racing threads
 * all store the same value. */
static int64_t counter_frequency(void)
{
    static int64_t frequency;
    int64_t seen = ct_load_relaxed_i64(&frequency);
    if (seen == 0) {
        LARGE_INTEGER f;
        QueryPerformanceFrequency(&f);   /* cannot fail since Windows XP */
        seen = f.QuadPart;
        ct_store_relaxed_i64(&frequency, seen);
    }
    return seen;
}

/* Whole seconds and the remainder apart: counter * 1e9 would overflow int64 after
 * about 15 minutes of uptime at a 10 MHz counter. */
int64_t ctb_monotonic_ns(void)
{
    LARGE_INTEGER counter;
    int64_t frequency = counter_frequency();
    QueryPerformanceCounter(&counter);
    return counter.QuadPart / frequency * 1000000000
           + (int64_t)((uint64_t)(counter.QuadPart % frequency) * 1000000000u / (uint64_t)frequency);
}

DWORD ctb__timeout_ms(int64_t deadline, int64_t now)
{
    int64_t left, ms;
    if (deadline == CTB_NEVER) return INFINITE;
    left = deadline - now;
    if (left <= 0) return 0;
    ms = left / 1000000 + (left % 1000000 != 0);
    return ms >= (int64_t)INFINITE ? INFINITE - 1 : (DWORD)ms;
}

void ctb_sleep_until(int64_t deadline)
{
    for (;;) {
        int64_t now = ctb_monotonic_ns();
        if (now >= deadline) return;
        /* Sleep may end a tick early by the performance counter: loop on it. */
        Sleep(ctb__timeout_ms(deadline, now));
    }
}

/* SwitchToThread, not Sleep(0): it also yields to ready threads of lower priority. */
void ctb_yield(void)
{
    SwitchToThread();
}
