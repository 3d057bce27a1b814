/* SPDX-License-Identifier: MIT */
/* Clang's -Wthread-safety over code that uses cthreading.h's annotations
 * (conformance/tools/CMakeLists.txt compiles it, never links it). Built as it
 * is, it is correct and must compile without a diagnostic, as C11 and as
 * C++11; with -DMISUSE=n it holds one mistake that must be diagnosed. */
#include "cthreading.h"

static ct_lock lock = CT_LOCK_INIT;
static long counter CT_GUARDED_BY(lock);
static ct_rlock rlock = CT_RLOCK_INIT;
static long *shared CT_PT_GUARDED_BY(rlock);

static ct_rwlock rwlock = CT_RWLOCK_INIT;
static long table CT_GUARDED_BY(rwlock);

static long read_table(void) CT_REQUIRES_SHARED(rwlock);
static long read_table(void)
{
    return table;
}

static void bump(void) CT_REQUIRES(lock);
static void bump(void)
{
    counter++;
}

static long read_shared(void) CT_REQUIRES_SHARED(rlock);
static long read_shared(void)
{
    return *shared;
}

static void bump_locked(void) CT_EXCLUDES(lock);
static void bump_locked(void)
{
    ct_lock_acquire(&lock);
    bump();
    ct_lock_release(&lock);
}

long correct(void);
long correct(void)
{
    long seen = 0;
    bump_locked();
    /* The timed acquires return CT_OK (0) when they got the lock. Clang reads
     * only a literal in the test (clang 14 to 19 at least): `== 0` or `!`. */
    if (ct_lock_acquire_timeout(&lock, 1.0) == 0) {
        seen = counter;
        ct_lock_release(&lock);
    }
    ct_rlock_acquire(&rlock);
    seen += read_shared();
    ct_rlock_release(&rlock);
    if (!ct_rlock_acquire_timeout(&rlock, 0)) {
        *shared = seen;
        ct_rlock_release(&rlock);
    }
    ct_rwlock_acquire_read(&rwlock);
    seen += read_table();
    ct_rwlock_release_read(&rwlock);
    if (!ct_rwlock_acquire_read_timeout(&rwlock, 1.0)) {
        seen += table;
        ct_rwlock_release_read(&rwlock);
    }
    ct_rwlock_acquire_write(&rwlock);
    table = seen;
    ct_rwlock_release_write(&rwlock);
    if (!ct_rwlock_acquire_write_timeout(&rwlock, 0)) {
        table++;
        ct_rwlock_release_write(&rwlock);
    }
    return seen;
}

#if MISUSE == 1
/* expected: reading variable 'counter' requires holding mutex 'lock' */
long unguarded_read(void);
long unguarded_read(void) { return counter; }
#elif MISUSE == 2
/* expected: mutex 'lock' is still held at the end of function */
void never_released(void);
void never_released(void) { ct_lock_acquire(&lock); }
#elif MISUSE == 3
/* expected: calling function 'bump' requires holding mutex 'lock' exclusively */
void unlocked_call(void);
void unlocked_call(void) { bump(); }
#elif MISUSE == 4
/* expected: writing variable 'counter' requires holding mutex 'lock' exclusively
 * (the timed acquire failed: CT_ETIMEDOUT) */
void timed_out_write(void);
void timed_out_write(void)
{
    if (ct_lock_acquire_timeout(&lock, 1.0) != 0) counter++;
    else ct_lock_release(&lock);
}
#elif MISUSE == 5
/* expected: reading the value pointed to by 'shared' requires holding mutex 'rlock' */
long unguarded_deref(void);
long unguarded_deref(void) { return *shared; }
#elif MISUSE == 6
/* expected: releasing mutex 'lock' that was not held */
void released_twice(void);
void released_twice(void)
{
    ct_lock_acquire(&lock);
    ct_lock_release(&lock);
    ct_lock_release(&lock);
}
#elif MISUSE == 7
/* expected: cannot call function 'bump_locked' while mutex 'lock' is held */
void excluded_call(void);
void excluded_call(void)
{
    ct_lock_acquire(&lock);
    bump_locked();
    ct_lock_release(&lock);
}
#elif MISUSE == 8
/* expected: writing variable 'table' requires holding mutex 'rwlock' exclusively */
void write_under_read_lock(void);
void write_under_read_lock(void)
{
    ct_rwlock_acquire_read(&rwlock);
    table++;
    ct_rwlock_release_read(&rwlock);
}
#elif MISUSE == 9
/* expected: releasing mutex 'rwlock' using exclusive access, expected shared access */
void released_in_the_wrong_mode(void);
void released_in_the_wrong_mode(void)
{
    ct_rwlock_acquire_read(&rwlock);
    ct_rwlock_release_write(&rwlock);
}
#endif
