/* SPDX-License-Identifier: MIT */
/* cthreading: Python's threading, queue and concurrent.futures thread pool, in C.
 *
 * The contract is ../shared/spec/api.md; this header implements it exactly.
 * Every public name starts with ct_ / CT_. Names starting with ct__ / CT__ are
 * internal: they appear here only because inline fast paths need them.
 */
#ifndef CTHREADING_H
#define CTHREADING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CT_VERSION_MAJOR 0
#define CT_VERSION_MINOR 1
#define CT_VERSION_PATCH 0
#define CT_VERSION ((CT_VERSION_MAJOR * 10000) + (CT_VERSION_MINOR * 100) + CT_VERSION_PATCH)

/* CT_API marks exported functions. CMake defines it for Windows builds
 * (dllexport / nothing); elsewhere it is the ELF/Mach-O default visibility,
 * since the library is compiled with hidden visibility. */
#ifndef CT_API
#  if defined(__GNUC__) || defined(__clang__)
#    define CT_API __attribute__((visibility("default")))
#  else
#    define CT_API
#  endif
#endif

/* CT__ALIGN64 puts a 64-bit atomic field on an 8-byte boundary, which i386
 * does not (it aligns 64-bit fields to 4): an atomic on a field that straddles
 * a cache line is a split lock, and a load of it can tear. */
#if defined(__cplusplus)
#  define CT__ALIGN64 alignas(8)
#elif defined(__STDC_VERSION__) && __STDC_VERSION__ >= 201112L
#  define CT__ALIGN64 _Alignas(8)
#elif defined(__GNUC__) || defined(__clang__)
#  define CT__ALIGN64 __attribute__((aligned(8)))
#else
#  define CT__ALIGN64   /* MSVC before /std:c11: its ABI aligns 64-bit fields to 8 */
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------- constants */

#define CT_FOREVER     (-1.0)        /* timeout: wait forever (Python's None) */
#define CT_TIMEOUT_MAX (1e9)         /* threading.TIMEOUT_MAX: ~31.7 years */
#define CT_INHERIT     (-1)          /* ct_thread_options.daemon: the starter's flag */

/* ------------------------------------------------------------- status codes */

enum ct_status {
    CT_OK = 0,
    CT_ETIMEDOUT = -1,   /* a timed wait ran out */
    CT_EINVAL = -2,      /* ValueError: bad argument */
    CT_EPERM = -3,       /* RuntimeError: not owned / not locked */
    CT_EDEADLK = -4,     /* RuntimeError: cannot join current thread */
    CT_EOVERFLOW = -5,   /* OverflowError: timeout above CT_TIMEOUT_MAX */
    CT_ENOMEM = -6,      /* MemoryError */
    CT_EAGAIN = -7,      /* RuntimeError: can't start new thread */
    CT_EBROKEN = -8,     /* BrokenBarrierError */
    CT_ECANCELLED = -9,  /* CancelledError */
    CT_EEMPTY = -10,     /* queue.Empty */
    CT_EFULL = -11,      /* queue.Full */
    CT_ESHUTDOWN = -12   /* queue.ShutDown / pool shut down */
};

CT_API const char *ct_strerror(int status);

/* ------------------------------------------------------------------ threads */

typedef struct ct_thread ct_thread;
typedef struct ct_thread_options {
    const char *name;    /* NULL: "Thread-N"; copied; pushed to the OS where it can be */
    int daemon;          /* CT_INHERIT (the starting thread's flag), 0 or 1 */
    size_t stack_size;   /* 0: the ct_stack_size() default */
} ct_thread_options;
#define CT_THREAD_OPTIONS_INIT { NULL, CT_INHERIT, 0 }

CT_API int  ct_thread_start(ct_thread **thread, void (*target)(void *), void *arg,
                            const ct_thread_options *options);
CT_API int  ct_thread_join(ct_thread *thread, double timeout);
CT_API bool ct_thread_is_alive(const ct_thread *thread);
CT_API bool ct_thread_is_daemon(const ct_thread *thread);
CT_API const char *ct_thread_name(const ct_thread *thread);
CT_API uint64_t ct_thread_ident(const ct_thread *thread);
CT_API uint64_t ct_thread_native_id(const ct_thread *thread);
CT_API void ct_thread_release(ct_thread *thread);

CT_API ct_thread *ct_current_thread(void);
CT_API ct_thread *ct_main_thread(void);
CT_API size_t ct_active_count(void);
CT_API size_t ct_enumerate(ct_thread **out, size_t capacity);
CT_API uint64_t ct_get_ident(void);
CT_API uint64_t ct_get_native_id(void);
CT_API void   ct_sleep(double seconds);
CT_API double ct_monotonic(void);
CT_API size_t ct_stack_size(size_t size);
CT_API void   ct_shutdown(void);

/* --------------------------------------------------------------------- Lock
 *
 * One byte, like CPython 3.13's PyMutex and WebKit's WTF::Lock:
 *   bit 0 (CT__LOCKED)     the lock is held
 *   bit 1 (CT__HAS_PARKED) a release must look at the parking lot: threads may
 *                          be parked on the lock's address (while a thread
 *                          woken from there is on its way back, the bit may be
 *                          clear with others parked: that thread sets it again)
 * Acquire and release are one inline compare-and-swap each when nobody waits;
 * otherwise the out-of-line slow path backs off once for about a microsecond,
 * then parks the thread in the runtime's parking lot (keyed by the lock's
 * address). A release wakes one thread at a time.
 *
 * Fairness: once the first parked waiter has waited 1 ms, HAS_PARKED stays set,
 * threads that find the lock held park instead of barging in, and the next
 * release hands that waiter the lock directly (the lock stays locked across the
 * handoff); a thread handed the lock keeps it at least 150 us before its own
 * release hands it on. So no thread starves; before that, a running thread may
 * barge in, which is what makes the lock fast under contention.
 */
typedef struct ct_lock { unsigned char v; } ct_lock;
#define CT_LOCK_INIT { 0 }
#define CT__LOCKED 1u
#define CT__HAS_PARKED 2u

CT_API void ct_lock_init(ct_lock *lock);
CT_API void ct_lock_acquire(ct_lock *lock);
CT_API int  ct_lock_acquire_timeout(ct_lock *lock, double timeout);
CT_API int  ct_lock_release(ct_lock *lock);
CT_API bool ct_lock_locked(const ct_lock *lock);

CT_API void ct__lock_acquire_slow(ct_lock *lock);
CT_API int  ct__lock_release_slow(ct_lock *lock);

/* The inline fast paths. Taking the address of ct_lock_acquire still gives the
 * exported function; define CT_NO_INLINE before including to call it always. */
#if !defined(CT_NO_INLINE) && !defined(CT_BUILDING)
#  if defined(__GNUC__) || defined(__clang__)
#    define CT__CAS_BYTE(p, expected, desired, order) \
        __atomic_compare_exchange_n((p), &(expected), (desired), 0, (order), __ATOMIC_RELAXED)
#    define CT__ACQUIRE __ATOMIC_ACQUIRE
#    define CT__RELEASE __ATOMIC_RELEASE
#  elif defined(_MSC_VER)
char _InterlockedCompareExchange8(char volatile *dest, char desired, char expected);
#    pragma intrinsic(_InterlockedCompareExchange8)
#    define CT__CAS_BYTE(p, expected, desired, order) \
        (_InterlockedCompareExchange8((char volatile *)(p), (char)(desired), (char)(expected)) \
         == (char)(expected))
#    define CT__ACQUIRE 0
#    define CT__RELEASE 0
#  endif
#  ifdef CT__CAS_BYTE
static inline void ct__lock_acquire_inline(ct_lock *lock)
{
    unsigned char expected = 0;
    if (!CT__CAS_BYTE(&lock->v, expected, (unsigned char)CT__LOCKED, CT__ACQUIRE))
        ct__lock_acquire_slow(lock);
}
static inline int ct__lock_release_inline(ct_lock *lock)
{
    unsigned char expected = CT__LOCKED;
    if (CT__CAS_BYTE(&lock->v, expected, (unsigned char)0, CT__RELEASE))
        return CT_OK;
    return ct__lock_release_slow(lock);
}
#    define ct_lock_acquire(lock) ct__lock_acquire_inline(lock)
#    define ct_lock_release(lock) ct__lock_release_inline(lock)
#  endif
#endif

/* -------------------------------------------------------------------- RLock
 * owner: ct_get_ident() of the holder, 0 when free; count: recursion depth. */
typedef struct ct_rlock {
    CT__ALIGN64 uint64_t owner;
    uint32_t count;
    ct_lock lock;
} ct_rlock;
#define CT_RLOCK_INIT { 0, 0, CT_LOCK_INIT }

CT_API void ct_rlock_init(ct_rlock *rlock);
CT_API void ct_rlock_acquire(ct_rlock *rlock);
CT_API int  ct_rlock_acquire_timeout(ct_rlock *rlock, double timeout);
CT_API int  ct_rlock_release(ct_rlock *rlock);
CT_API bool ct_rlock_locked(const ct_rlock *rlock);

/* ---------------------------------------------------------------- Condition
 * lock: the ct_lock or ct_rlock given to _init_lock / _init_rlock, or NULL for
 * the condition's own RLock. waiters: threads in wait, guarded by the lock. */
typedef struct ct_condition {
    ct_rlock own;
    void *lock;
    size_t waiters;
    unsigned char kind;
} ct_condition;
#define CT_CONDITION_INIT { CT_RLOCK_INIT, NULL, 0, 0 }

CT_API void ct_condition_init(ct_condition *cond);
CT_API void ct_condition_init_lock(ct_condition *cond, ct_lock *lock);
CT_API void ct_condition_init_rlock(ct_condition *cond, ct_rlock *rlock);
CT_API void ct_condition_acquire(ct_condition *cond);
CT_API int  ct_condition_release(ct_condition *cond);
CT_API int  ct_condition_wait(ct_condition *cond, double timeout);
CT_API int  ct_condition_wait_for(ct_condition *cond, bool (*predicate)(void *), void *arg,
                                  double timeout);
CT_API int  ct_condition_notify(ct_condition *cond, size_t n);
CT_API int  ct_condition_notify_all(ct_condition *cond);

/* ---------------------------------------------------- Semaphore, BoundedSemaphore
 * word: value * 2, plus bit 0 when threads may be parked on the semaphore.
 * bound: the BoundedSemaphore's initial value, or -1 when unbounded.
 * Values are limited to 2^62 - 1; a release beyond that is CT_EOVERFLOW. */
typedef struct ct_semaphore {
    CT__ALIGN64 int64_t word;
    int64_t bound;
} ct_semaphore;
#define CT_SEMAPHORE_INIT(value)         { (int64_t)(value) * 2, -1 }
#define CT_BOUNDED_SEMAPHORE_INIT(value) { (int64_t)(value) * 2, (int64_t)(value) }

CT_API int  ct_semaphore_init(ct_semaphore *sem, int64_t value);
CT_API int  ct_bounded_semaphore_init(ct_semaphore *sem, int64_t value);
CT_API void ct_semaphore_acquire(ct_semaphore *sem);
CT_API int  ct_semaphore_acquire_timeout(ct_semaphore *sem, double timeout);
CT_API int  ct_semaphore_release(ct_semaphore *sem, int64_t n);
CT_API int64_t ct_semaphore_value(const ct_semaphore *sem);

/* -------------------------------------------------------------------- Event
 * bit 0: the flag; bit 1: threads may be parked on the event. */
typedef struct ct_event { unsigned char v; } ct_event;
#define CT_EVENT_INIT { 0 }

CT_API void ct_event_init(ct_event *event);
CT_API void ct_event_set(ct_event *event);
CT_API void ct_event_clear(ct_event *event);
CT_API bool ct_event_is_set(const ct_event *event);
CT_API bool ct_event_wait(ct_event *event, double timeout);

/* ------------------------------------------------------------------ Barrier
 * No static initializer: the condition points at the barrier's own lock. */
typedef struct ct_barrier {
    ct_lock lock;
    ct_condition cond;
    size_t parties;
    size_t count;
    int state;            /* 0 filling, 1 draining, -1 resetting, -2 broken */
    void (*action)(void *);
    void *arg;
} ct_barrier;

CT_API int  ct_barrier_init(ct_barrier *barrier, size_t parties, void (*action)(void *), void *arg);
CT_API int  ct_barrier_wait(ct_barrier *barrier, double timeout);
CT_API void ct_barrier_reset(ct_barrier *barrier);
CT_API void ct_barrier_abort(ct_barrier *barrier);
CT_API bool ct_barrier_broken(const ct_barrier *barrier);
CT_API size_t ct_barrier_parties(const ct_barrier *barrier);
CT_API size_t ct_barrier_n_waiting(const ct_barrier *barrier);

/* -------------------------------------------------------------------- Timer */
typedef struct ct_timer ct_timer;
CT_API int  ct_timer_start(ct_timer **timer, double interval, void (*function)(void *), void *arg,
                           const ct_thread_options *options);
CT_API bool ct_timer_cancel(ct_timer *timer);
CT_API int  ct_timer_join(ct_timer *timer, double timeout);
CT_API void ct_timer_release(ct_timer *timer);

/* ------------------------------------------------------------------- local
 * slot: 1 + the index of this local's slot in every thread's table; 0 when not
 * initialized or destroyed. Destroying a local runs its destructor on every
 * thread's remaining non-NULL value, as dropping a threading.local does; no
 * thread may use the local during or after destroy. */
typedef struct ct_local {
    size_t slot;
    void (*destructor)(void *);
} ct_local;

CT_API int   ct_local_init(ct_local *local, void (*destructor)(void *));
CT_API void *ct_local_get(ct_local *local);
CT_API int   ct_local_set(ct_local *local, void *value);
CT_API void  ct_local_destroy(ct_local *local);

/* -------------------------------------------------------------------- Queue */
typedef struct ct_queue ct_queue;
typedef enum ct_queue_kind { CT_QUEUE_FIFO, CT_QUEUE_LIFO, CT_QUEUE_PRIORITY } ct_queue_kind;

CT_API int  ct_queue_new(ct_queue **queue, ct_queue_kind kind, size_t maxsize,
                         int (*compare)(const void *item_a, const void *item_b));
CT_API int  ct_queue_put(ct_queue *queue, void *item, double timeout);
CT_API int  ct_queue_get(ct_queue *queue, void **item, double timeout);
CT_API int  ct_queue_task_done(ct_queue *queue);
CT_API int  ct_queue_join(ct_queue *queue, double timeout);
CT_API size_t ct_queue_qsize(ct_queue *queue);
CT_API bool ct_queue_empty(ct_queue *queue);
CT_API bool ct_queue_full(ct_queue *queue);
CT_API void ct_queue_shutdown(ct_queue *queue, bool immediate);
CT_API void ct_queue_release(ct_queue *queue);

/* -------------------------------------------------------------- Thread pool */
typedef struct ct_pool ct_pool;
typedef struct ct_future ct_future;

CT_API int  ct_pool_new(ct_pool **pool, size_t max_workers, const char *thread_name_prefix);
CT_API int  ct_pool_submit(ct_pool *pool, ct_future **future, void *(*fn)(void *), void *arg);
CT_API void ct_pool_shutdown(ct_pool *pool, bool wait, bool cancel_futures);
CT_API void ct_pool_release(ct_pool *pool);

CT_API int  ct_future_result(ct_future *future, void **result, double timeout);
CT_API bool ct_future_cancel(ct_future *future);
CT_API bool ct_future_cancelled(ct_future *future);
CT_API bool ct_future_running(ct_future *future);
CT_API bool ct_future_done(ct_future *future);
CT_API int  ct_future_add_done_callback(ct_future *future, void (*fn)(ct_future *, void *), void *arg);
CT_API void ct_future_release(ct_future *future);

typedef enum ct_wait_mode { CT_FIRST_COMPLETED, CT_ALL_COMPLETED } ct_wait_mode;
CT_API int  ct_futures_wait(ct_future *const *futures, size_t n, double timeout, ct_wait_mode mode);

#ifdef __cplusplus
}
#endif
#endif /* CTHREADING_H */
