/* SPDX-License-Identifier: MIT */
/* Declarations shared by the backend-neutral sources in api/. Not installed. */
#ifndef CT_INTERNAL_H
#define CT_INTERNAL_H

#include "cthreading.h"
#include "backend.h"
#include "atomics.h"
#include "list.h"

#include <stdlib.h>
#include <string.h>

/* Compiler (not OS) differences: thread-local storage and load-time constructors. */
#if defined(_MSC_VER)
#  define CT_THREAD_LOCAL __declspec(thread)
#  pragma section(".CRT$XCU", read)
#  define CT_CONSTRUCTOR(fn)                                                  \
    static void fn(void);                                                     \
    __declspec(allocate(".CRT$XCU")) void (*fn##_entry)(void) = fn;           \
    static void fn(void)
#  define CT_UNLIKELY(x) (x)
#else
#  define CT_THREAD_LOCAL _Thread_local
#  define CT_CONSTRUCTOR(fn) __attribute__((constructor)) static void fn(void)
#  define CT_UNLIKELY(x) __builtin_expect(!!(x), 0)
#endif

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

/* --- parking lot (parking_lot.c) ----------------------------------------------
 * Threads wait in queues keyed by an address; every blocking primitive is built
 * on these three calls, so a primitive with nobody waiting never enters the OS. */
typedef struct ct__waiter {
    struct ct__waiter *next, *prev;
    const void *key;
    ctb_parker *parker;
    void *ctx;          /* the parker's context, seen by unpark callbacks */
    uintptr_t token;    /* what the unparker handed over */
    bool queued;
} ct__waiter;

/* Park the calling thread on key. Under the key's bucket lock, validate(ctx)
 * decides whether to sleep at all (false: CT_EAGAIN at once); after the thread is
 * queued, before_sleep(ctx) runs without that lock. Returns CT_OK once unparked
 * (*token is what the unparker gave), or CT_ETIMEDOUT at deadline. */
int ct__park(const void *key, int64_t deadline, bool (*validate)(void *ctx),
             void (*before_sleep)(void *ctx), void *ctx, uintptr_t *token);

/* Poll done(arg) with a pause between looks, for at most limit_ns and never
 * past deadline: true as soon as it holds. Before parking, it catches a wake
 * that comes within microseconds without either side entering the OS. */
bool ct__poll(bool (*done)(const void *arg), const void *arg, int64_t limit_ns, int64_t deadline);

/* ct__poll, but only while fewer threads poll this way than there are other
 * processors (false at once otherwise): with more threads than cores, a
 * poller would take the processor from the very thread it waits for. */
bool ct__poll_spare_cpu(bool (*done)(const void *arg), const void *arg, int64_t limit_ns,
                        int64_t deadline);

/* ct__park, but queued ahead of every thread parked on key: for a woken
 * thread that lost the race and goes back to the place it had. */
int ct__park_first(const void *key, int64_t deadline, bool (*validate)(void *ctx), void *ctx,
                   uintptr_t *token);

/* Wake at most one thread parked on key. decide(arg, waiter, more) runs under
 * the bucket lock with the first waiter (NULL if none) and whether others wait
 * behind it; its result becomes that waiter's token, or is CT__LEAVE_PARKED to
 * wake nobody. */
#define CT__LEAVE_PARKED UINTPTR_MAX
void ct__unpark_one(const void *key, uintptr_t (*decide)(void *arg, ct__waiter *waiter, bool more),
                    void *arg);

/* A thread woken from key that has not run again yet. The waker marks it from
 * decide; the woken thread clears the mark first thing. One mark per bucket,
 * so a colliding key can take it over: a missing mark proves nothing, a
 * present one proves such a thread is on its way. */
void ct__waking_set(const void *key);
void ct__waking_clear(const void *key);
bool ct__waking(const void *key);
/* ct__waking for a thread that has just changed the primitive's word: true
 * only if the woken thread clears the mark after this call, and so sees that
 * change when it looks at the word afterwards. */
bool ct__still_waking(const void *key);

/* Wake the threads parked on key that a primitive picks, all in one look at
 * the queue, under the bucket lock: survey(arg, waiter) sees every waiter on
 * key, oldest first, then survey(arg, NULL) once (where the primitive updates
 * its word, knowing who waits); then pick(arg, waiter) sees each waiter again
 * and returns its token, or CT__LEAVE_PARKED to leave it parked. Returns how
 * many were woken. */
size_t ct__unpark_picked(const void *key, void (*survey)(void *arg, const ct__waiter *waiter),
                         uintptr_t (*pick)(void *arg, const ct__waiter *waiter), void *arg);

/* Whether any thread is parked on key now. */
bool ct__parked(const void *key);

/* Wake up to n threads parked on key, oldest first, each with token. Returns
 * how many were woken. */
size_t ct__unpark(const void *key, size_t n, uintptr_t token);

/* In the child after fork(): empty every queue and free every bucket lock.
 * Only the forking thread lives on there, and it is parked nowhere, so every
 * queued waiter, and any bucket lock held at the fork, belonged to a thread
 * that the child does not have. */
void ct__parking_lot_after_fork(void);

/* --- the calling thread's ident (thread.c) ----------------------------------------
 * ct_get_ident() without the call: RLock reads it twice per acquire+release. */
extern CT_THREAD_LOCAL uint64_t ct__self_ident;   /* 0 until first asked for */

static inline uint64_t ct__ident(void)
{
    uint64_t ident = ct__self_ident;
    return CT_UNLIKELY(ident == 0) ? ct_get_ident() : ident;
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

/* The header's inline fast paths are for users (CT_BUILDING turns them off);
 * the runtime's own hot callers use these, spelled through atomics.h. Every
 * acquisition and release of a ct_lock passes here, so this is where
 * ThreadSanitizer is told about them (tsan.c; nothing in other builds). */
static inline int ct__lock_take(ct_lock *lock, int64_t deadline, const void *primitive)
{
    unsigned char expected = 0;
    if (ct_cas_u8(&lock->v, &expected, (unsigned char)CT__LOCKED)) return CT_OK;
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
    unsigned char expected = (unsigned char)CT__LOCKED;
    int model = ct__tsan_unlock_begin(lock, 0, ct__lock_held);
    int status = ct_cas_u8(&lock->v, &expected, 0) ? CT_OK : ct__lock_release_slow(lock);
    ct__tsan_unlock_end(lock, model, 0);
    return status;
}

bool ct__event_wait_until(ct_event *event, int64_t deadline);
/* The same without the short poll before parking: for waits that usually
 * last (a thread's end), where polling takes a processor from the very thread
 * being waited for (benchmarks/: thread_start_join). */
bool ct__event_sleep_until(ct_event *event, int64_t deadline);

/* RLock state saved and restored by Condition.wait (_release_save / _acquire_restore). */
uint32_t ct__rlock_release_all(ct_rlock *rlock);
void ct__rlock_acquire_restore(ct_rlock *rlock, uint32_t count);

/* --- threads (thread.c) --------------------------------------------------------- */

/* Run hook->fn(hook->arg) in ct_shutdown (and so at exit) before non-daemon
 * threads are joined, as concurrent.futures does for its pools. A hook runs at
 * most once and is unlinked before it runs; removing it after that is a no-op. */
typedef struct ct__shutdown_hook {
    ct__link link;
    void (*fn)(void *arg);
    void *arg;
    bool linked;
} ct__shutdown_hook;
void ct__shutdown_hook_add(ct__shutdown_hook *hook);
void ct__shutdown_hook_remove(ct__shutdown_hook *hook);

/* The pool's fork handlers (pool.c), run by thread.c's around every fork();
 * open_pools_lock is taken before the hooks and registry locks, as
 * register_open nests them. */
void ct__pools_fork_prepare(void);
void ct__pools_fork_parent(void);
void ct__pools_fork_child(void);

/* --- thread-local values (local.c), kept per thread record ------------------------ */
typedef struct ct__local_table {
    void **values;
    size_t capacity;
} ct__local_table;

/* The registry lock guards the list of live threads and the growth of every
 * thread's local table. */
void ct__registry_lock(void);
void ct__registry_unlock(void);
/* fn(table, arg) for every live thread, under the registry lock. */
void ct__registry_each_table(void (*fn)(ct__local_table *table, void *arg), void *arg);
/* The calling thread's table; with create, a thread this library did not start
 * gets its Dummy record first. NULL: no record (or CT_ENOMEM when creating). */
ct__local_table *ct__current_local_table(bool create);
/* At thread exit: run destructors of the table's values, then free it. */
void ct__local_table_finish(ct__local_table *table);

#endif /* CT_INTERNAL_H */
