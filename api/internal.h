/* SPDX-License-Identifier: MIT */
/* Declarations shared by the backend-neutral sources in api/. Not installed. */
#ifndef CT_INTERNAL_H
#define CT_INTERNAL_H

#include "atomics.h"
/* cthreading.h's lock fast paths, spelled with this library's atomics (which
 * tell valgrind's tools about every hand-over, atomics.h). */
#define CT__CAS_BYTE(p, expected, desired, order) ct_cas_u8((p), &(expected), (desired))
#define CT__ACQUIRE 0
#define CT__RELEASE 0
#include "cthreading.h"
#include "backend.h"
#include "compiler.h"

#include <stdlib.h>
#include <string.h>

/* --- fault injection (alloc.c): see fault_injection.h; never fails outside
 * a CT_FAULT_INJECTION build, where it compiles away. -------------------------- */
#if defined(CT_FAULT_INJECTION)
#  include "fault_injection.h"
#else
static inline bool ct__fault_now(void) { return false; }
#endif

/* --- time (time.c) ----------------------------------------------------------- */

/* A timeout in seconds as a deadline on ctb_monotonic_ns: CT_FOREVER gives
 * CTB_NEVER, 0 gives 0 (already past). CT_OK, CT_EINVAL (NaN or negative) or
 * CT_EOVERFLOW (above CT_TIMEOUT_MAX). */
int ct__deadline(double timeout, int64_t *deadline);

/* Whether deadline (from ct__deadline) has come. */
static inline bool ct__deadline_passed(int64_t deadline)
{
    return deadline != CTB_NEVER && ctb_monotonic_ns() >= deadline;
}

/* --- what tools are told (contention.c, tsan.c) ------------------------------------ */

/* A thread got primitive after sleeping since since_ns (ctb_monotonic_ns):
 * tell the contention hook, if one is installed. Slow paths only. */
void ct__contended(const void *primitive, int64_t since_ns);

/* ThreadSanitizer's model of the locks (tsan.c), in TSan builds only;
 * elsewhere these are empty and compile away. lock: the primitive's address;
 * how: CT__TSAN_TRY (a timed acquire), CT__TSAN_READ (a read hold); begin
 * returns how the lock is modelled, for the matching end; held: whether the
 * primitive is held now, asked only when another thread releases it. */
#define CT__TSAN_TRY 1u
#define CT__TSAN_READ 2u
#if defined(CT__TSAN)
int ct__tsan_lock_begin(const void *lock, unsigned how);
void ct__tsan_lock_end(const void *lock, int model, unsigned how, bool acquired);
int ct__tsan_unlock_begin(const void *lock, unsigned how, bool (*held)(const void *lock));
void ct__tsan_unlock_end(const void *lock, int model, unsigned how);
/* An RLock's owner took (levels > 0) or let go of (levels < 0) recursion
 * levels of its held ct_lock. */
void ct__tsan_lock_nested(const void *lock, long levels);
/* An _init: the lock starts afresh (after a fork, say), whoever held it. */
void ct__tsan_lock_reset(const void *lock);
#else
static inline int ct__tsan_lock_begin(const void *lock, unsigned how)
{ (void)lock; (void)how; return 0; }
static inline void ct__tsan_lock_end(const void *lock, int model, unsigned how, bool acquired)
{ (void)lock; (void)model; (void)how; (void)acquired; }
static inline int ct__tsan_unlock_begin(const void *lock, unsigned how, bool (*held)(const void *lock))
{ (void)lock; (void)how; (void)held; return 0; }
static inline void ct__tsan_unlock_end(const void *lock, int model, unsigned how)
{ (void)lock; (void)model; (void)how; }
static inline void ct__tsan_lock_nested(const void *lock, long levels) { (void)lock; (void)levels; }
static inline void ct__tsan_lock_reset(const void *lock) { (void)lock; }
#endif

/* --- primitives with deadlines, for use inside the runtime ----------------------- */
/* The slow path. primitive: what the contention hook is told was waited for
 * (the lock, or the RLock around it). */
int ct__lock_acquire_until(ct_lock *lock, int64_t deadline, const void *primitive);

/* The runtime's own hot callers take and give back a ct_lock here: the
 * header's fast path, then the slow one. Every acquisition and release of a
 * ct_lock passes here, so this is where ThreadSanitizer is told about them
 * (tsan.c; nothing in other builds). */
static inline int ct__lock_take(ct_lock *lock, int64_t deadline, const void *primitive)
{
    if (ct__lock_take_fast(lock)) return CT_OK;
    return ct__lock_acquire_until(lock, deadline, primitive);
}

static inline int ct__lock_acquire_fast_until(ct_lock *lock, int64_t deadline, const void *primitive)
{
    unsigned how = deadline != CTB_NEVER ? CT__TSAN_TRY : 0;
    int model = ct__tsan_lock_begin(lock, how);
    int status = ct__lock_take(lock, deadline, primitive);
    ct__tsan_lock_end(lock, model, how, status == CT_OK);
    return status;
}

static inline void ct__lock_acquire_fast(ct_lock *lock)
{
    (void)ct__lock_acquire_fast_until(lock, CTB_NEVER, lock);
}

static inline bool ct__lock_held(const void *lock)
{
    return (ct_load_u8(&((const ct_lock *)lock)->v) & CT__LOCKED) != 0;
}

static inline int ct__lock_release_fast(ct_lock *lock)
{
    int model = ct__tsan_unlock_begin(lock, 0, ct__lock_held);
    int status = ct__lock_give_fast(lock) ? CT_OK : ct__lock_release_slow(lock);
    ct__tsan_unlock_end(lock, model, 0);
    return status;
}

/* ct_condition_wait and ct_condition_wait_for on a deadline, for callers
 * that hold the condition's lock and have turned their timeout into a
 * deadline once (queue.c, barrier.c). */
int ct__condition_wait_until(ct_condition *cond, int64_t deadline);
int ct__condition_wait_for_until(ct_condition *cond, bool (*predicate)(void *), void *arg,
                                 int64_t deadline);

bool ct__event_wait_until(ct_event *event, int64_t deadline);
/* The same without the short poll before parking: for waits that usually
 * last (a thread's end), where polling takes a processor from the very thread
 * being waited for (benchmarks/: thread_start_join). */
bool ct__event_sleep_until(ct_event *event, int64_t deadline);

/* RLock state saved and restored by Condition.wait (_release_save / _acquire_restore). */
uint32_t ct__rlock_release_all(ct_rlock *rlock);
void ct__rlock_acquire_restore(ct_rlock *rlock, uint32_t count);

#endif /* CT_INTERNAL_H */
