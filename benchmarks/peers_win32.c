/* SPDX-License-Identifier: MIT */
/* Windows peers: SRWLOCK and CRITICAL_SECTION. Compiled only in a Windows
 * build (benchmarks/CMakeLists.txt picks this file). */
#include "common.h"

#include <windows.h>

static void srw_init(SRWLOCK *l) { InitializeSRWLock(l); }
static void srw_nothing(SRWLOCK *l) { (void)l; }

BENCH_LOCK(srwlock, SRWLOCK, srw_init, AcquireSRWLockExclusive, ReleaseSRWLockExclusive,
           srw_nothing)
BENCH_LOCK(critsec, CRITICAL_SECTION, InitializeCriticalSection, EnterCriticalSection,
           LeaveCriticalSection, DeleteCriticalSection)

BENCH_REGISTER(register_win32)
{
    srwlock_register("win32_srwlock");
    critsec_register("win32_critical_section");
    bench_size("SRWLOCK", sizeof(SRWLOCK));
    bench_size("CRITICAL_SECTION", sizeof(CRITICAL_SECTION));
}
