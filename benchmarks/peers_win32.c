/* SPDX-License-Identifier: MIT */
/* Windows peers: SRWLOCK (exclusive, and shared for the read-write lock),
 * CRITICAL_SECTION and InitOnceExecuteOnce. Compiled only in a Windows
 * build (benchmarks/CMakeLists.txt picks this file). */
#include "common.h"

#include <windows.h>

static void srw_init(SRWLOCK *l) { InitializeSRWLock(l); }
static void srw_nothing(SRWLOCK *l) { (void)l; }

BENCH_LOCK(srwlock, SRWLOCK, srw_init, AcquireSRWLockExclusive, ReleaseSRWLockExclusive,
           srw_nothing)
BENCH_RWLOCK(srwshared, SRWLOCK, srw_init, AcquireSRWLockShared, ReleaseSRWLockShared,
             AcquireSRWLockExclusive, ReleaseSRWLockExclusive, srw_nothing)
BENCH_LOCK(critsec, CRITICAL_SECTION, InitializeCriticalSection, EnterCriticalSection,
           LeaveCriticalSection, DeleteCriticalSection)

static INIT_ONCE init_once = INIT_ONCE_STATIC_INIT;

static BOOL CALLBACK once_nothing(INIT_ONCE *once, void *arg, void **context)
{
    (void)once;
    (void)arg;
    (void)context;
    return TRUE;
}

static void once_setup(bench_state *s)
{
    (void)s;
    InitOnceExecuteOnce(&init_once, once_nothing, NULL, NULL);
}

static void once_done(bench_state *s, int64_t n)
{
    (void)s;
    for (int64_t i = 0; i < n; i++) InitOnceExecuteOnce(&init_once, once_nothing, NULL, NULL);
}

BENCH_REGISTER(register_win32)
{
    srwshared_register("win32_srwlock");
    bench_add("once_done", "win32_init_once", once_done, once_setup, NULL, NULL, NULL, 1000, NULL);
    srwlock_register("win32_srwlock");
    critsec_register("win32_critical_section");
    bench_size("SRWLOCK", sizeof(SRWLOCK));
    bench_size("CRITICAL_SECTION", sizeof(CRITICAL_SECTION));
}
