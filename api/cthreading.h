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

/* ------------------------------------------------------ analyzers and sanitizers
 *
 * Clang's thread-safety analysis (-Wthread-safety): ct_lock, ct_rlock and
 * ct_rwlock (shared for its read side) are
 * capabilities, their functions acquire and release them, and user code can
 * say what its locks guard with these macros. They are empty on compilers
 * without the attributes. */
#if defined(__clang__) && defined(__has_attribute)
#  if __has_attribute(capability)
#    define CT__THREAD_SAFETY(attribute) __attribute__((attribute))
#  endif
#endif
#ifndef CT__THREAD_SAFETY
#  define CT__THREAD_SAFETY(attribute)
#endif
/* An RLock may be taken again by its holder: clang 21 and later can say so. */
#if defined(__clang__) && defined(__has_attribute)
#  if __has_attribute(reentrant_capability)
#    define CT__REENTRANT CT__THREAD_SAFETY(reentrant_capability)
#  endif
#endif
#ifndef CT__REENTRANT
#  define CT__REENTRANT
#endif
/** A variable that may be touched only while holding `lock`. */
#define CT_GUARDED_BY(lock) CT__THREAD_SAFETY(guarded_by(lock))
/** A pointer whose pointee may be touched only while holding `lock`. */
#define CT_PT_GUARDED_BY(lock) CT__THREAD_SAFETY(pt_guarded_by(lock))
/** A function that must be called with the given locks held. */
#define CT_REQUIRES(...) CT__THREAD_SAFETY(requires_capability(__VA_ARGS__))
/** A function that must be called with the given locks held at least shared (read). */
#define CT_REQUIRES_SHARED(...) CT__THREAD_SAFETY(requires_shared_capability(__VA_ARGS__))
/** A function that must be called without the given locks held (it takes them). */
#define CT_EXCLUDES(...) CT__THREAD_SAFETY(locks_excluded(__VA_ARGS__))
/** A function the analysis does not look into (it hands locks around). */
#define CT_NO_THREAD_SAFETY_ANALYSIS CT__THREAD_SAFETY(no_thread_safety_analysis)
#define CT__CAPABILITY(kind) CT__THREAD_SAFETY(capability(kind))
#define CT__ACQUIRES(...) CT__THREAD_SAFETY(acquire_capability(__VA_ARGS__))
#define CT__RELEASES(...) CT__THREAD_SAFETY(release_capability(__VA_ARGS__))
#define CT__ACQUIRES_SHARED(...) CT__THREAD_SAFETY(acquire_shared_capability(__VA_ARGS__))
#define CT__RELEASES_SHARED(...) CT__THREAD_SAFETY(release_shared_capability(__VA_ARGS__))
/* Clang reads an enum constant here as no value at all: 0 is CT_OK. */
#define CT__TRY_ACQUIRES(...) CT__THREAD_SAFETY(try_acquire_capability(0, __VA_ARGS__))
#define CT__TRY_ACQUIRES_SHARED(...) CT__THREAD_SAFETY(try_acquire_shared_capability(0, __VA_ARGS__))

/* ThreadSanitizer: when the caller is built with -fsanitize=thread, the lock
 * calls below go to the exported functions, which tell TSan what they do. */
#if defined(__SANITIZE_THREAD__)
#  define CT__TSAN 1
#elif defined(__has_feature)
#  if __has_feature(thread_sanitizer)
#    define CT__TSAN 1
#  endif
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
    CT_EBROKEN = -8,     /* BrokenBarrierError, BrokenThreadPool */
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
typedef struct CT__CAPABILITY("mutex") ct_lock { unsigned char v; } ct_lock;
#define CT_LOCK_INIT { 0 }
#define CT__LOCKED 1u
#define CT__HAS_PARKED 2u

CT_API void ct_lock_init(ct_lock *lock);
CT_API void ct_lock_acquire(ct_lock *lock) CT__ACQUIRES(lock);
CT_API int  ct_lock_acquire_timeout(ct_lock *lock, double timeout) CT__TRY_ACQUIRES(lock);
CT_API int  ct_lock_release(ct_lock *lock) CT__RELEASES(lock);
CT_API bool ct_lock_locked(const ct_lock *lock);

CT_API void ct__lock_acquire_slow(ct_lock *lock);
CT_API int  ct__lock_release_slow(ct_lock *lock);

/* The inline fast paths. Taking the address of ct_lock_acquire still gives the
 * exported function; define CT_NO_INLINE before including to call it always.
 * Under a race detector (ThreadSanitizer, or a library built with
 * CT_VALGRIND_ANNOTATIONS) they call the exported functions, which tell it
 * about every acquisition. */
#if !defined(CT_NO_INLINE) && !defined(CT_BUILDING)
static inline void ct__lock_acquire_inline(ct_lock *lock) CT__ACQUIRES(lock) CT_NO_THREAD_SAFETY_ANALYSIS;
static inline int ct__lock_release_inline(ct_lock *lock) CT__RELEASES(lock) CT_NO_THREAD_SAFETY_ANALYSIS;
#  if !defined(CT__TSAN) && !defined(CT_VALGRIND_ANNOTATIONS)
#    if defined(__GNUC__) || defined(__clang__)
#      define CT__CAS_BYTE(p, expected, desired, order) \
          __atomic_compare_exchange_n((p), &(expected), (desired), 0, (order), __ATOMIC_RELAXED)
#      define CT__LOAD_BYTE(p, order) __atomic_load_n((p), (order))
#      define CT__CAS_U64 CT__CAS_BYTE
#      define CT__ACQUIRE __ATOMIC_ACQUIRE
#      define CT__RELEASE __ATOMIC_RELEASE
#    elif defined(_MSC_VER)
char _InterlockedCompareExchange8(char volatile *dest, char desired, char expected);
#      pragma intrinsic(_InterlockedCompareExchange8)
#      define CT__CAS_BYTE(p, expected, desired, order) \
          (_InterlockedCompareExchange8((char volatile *)(p), (char)(desired), (char)(expected)) \
           == (char)(expected))
/* A compare-and-swap that changes nothing: MSVC's full-barrier load. */
#      define CT__LOAD_BYTE(p, order) \
          ((unsigned char)_InterlockedCompareExchange8((char volatile *)(p), 0, 0))
__int64 _InterlockedCompareExchange64(__int64 volatile *dest, __int64 desired, __int64 expected);
#      pragma intrinsic(_InterlockedCompareExchange64)
/* Like gcc's: a failed compare-and-swap leaves the value it saw in expected. */
static __inline int ct__cas_u64(uint64_t *p, uint64_t *expected, uint64_t desired)
{
    __int64 seen = _InterlockedCompareExchange64((__int64 volatile *)p, (__int64)desired,
                                                 (__int64)*expected);
    if (seen == (__int64)*expected) return 1;
    *expected = (uint64_t)seen;
    return 0;
}
#      define CT__CAS_U64(p, expected, desired, order) ct__cas_u64((p), &(expected), (desired))
#      define CT__ACQUIRE 0
#      define CT__RELEASE 0
#    endif
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
#  else
static inline void ct__lock_acquire_inline(ct_lock *lock)
{
    (ct_lock_acquire)(lock);
}
static inline int ct__lock_release_inline(ct_lock *lock)
{
    return (ct_lock_release)(lock);
}
#  endif
#  define ct_lock_acquire(lock) ct__lock_acquire_inline(lock)
#  define ct_lock_release(lock) ct__lock_release_inline(lock)
#endif

/* -------------------------------------------------------------------- RLock
 * owner: ct_get_ident() of the holder, 0 when free; count: recursion depth. */
typedef struct CT__CAPABILITY("mutex") CT__REENTRANT ct_rlock {
    CT__ALIGN64 uint64_t owner;
    uint32_t count;
    ct_lock lock;
} ct_rlock;
#define CT_RLOCK_INIT { 0, 0, CT_LOCK_INIT }

CT_API void ct_rlock_init(ct_rlock *rlock);
CT_API void ct_rlock_acquire(ct_rlock *rlock) CT__ACQUIRES(rlock);
CT_API int  ct_rlock_acquire_timeout(ct_rlock *rlock, double timeout) CT__TRY_ACQUIRES(rlock);
CT_API int  ct_rlock_release(ct_rlock *rlock) CT__RELEASES(rlock);
CT_API bool ct_rlock_locked(const ct_rlock *rlock);

/* ------------------------------------------------------------ RWLock, once
 * Not in Python's threading: the read-write lock and once of every C threading
 * library (pthread_rwlock_t / pthread_once, C11 call_once, SRWLOCK), modelled
 * on CPython 3.13's internal _PyRWMutex and _PyOnceFlag (Python/lock.c).
 *
 * ct_rwlock's word (CT__RW_*):
 *   bit 0 (WRITER)          held for writing
 *   bit 1 (READERS_PARKED)  readers may be parked on the lock's address
 *   bit 2 (WRITERS_PARKED)  writers may be parked there: new readers wait too
 *   bits 3-63               the number of readers holding it
 * Writer preference: a reader takes the lock only while neither WRITER nor
 * WRITERS_PARKED is set. A release that finds parked threads decides under
 * the parking lot's bucket lock: a writer's release admits every reader
 * parked then (writers keep waiting behind them). An admitted reader takes
 * the lock itself once it runs, while WRITER is clear, WRITERS_PARKED or not;
 * a writer that gets the free lock before it has run goes first, and that
 * writer's release admits it again. Otherwise the first parked writer is
 * woken to take the free lock (a running writer may take it first), and once
 * it has waited 1 ms it is handed the lock instead.
 */
typedef struct CT__CAPABILITY("mutex") ct_rwlock { uint64_t word; } ct_rwlock;
#define CT_RWLOCK_INIT { 0 }
#define CT__RW_WRITER 1u
#define CT__RW_READERS_PARKED 2u
#define CT__RW_WRITERS_PARKED 4u
#define CT__RW_READER 8u

/**
 * @brief Make a read-write lock unlocked (the same as CT_RWLOCK_INIT).
 *
 * Python has no public read-write lock; this is pthread_rwlock_init (CPython's
 * internal _PyRWMutex is zero-initialized the same way).
 * @param rwlock The lock; nobody may be using it.
 */
CT_API void ct_rwlock_init(ct_rwlock *rwlock);

/**
 * @brief Take the lock for reading, waiting as long as it takes.
 *
 * Any number of readers hold it at once. A reader waits while a writer holds
 * it or waits for it, so a thread that takes the read lock again while a
 * writer waits can deadlock (documented, not detected). Counterpart:
 * _PyRWMutex_RLock, pthread_rwlock_rdlock.
 * @param rwlock The lock.
 */
CT_API void ct_rwlock_acquire_read(ct_rwlock *rwlock) CT__ACQUIRES_SHARED(rwlock);

/**
 * @brief Take the lock for reading, waiting at most @p timeout seconds.
 *
 * Counterpart: pthread_rwlock_timedrdlock (with Python's timeout rules:
 * 0 never blocks, CT_FOREVER waits forever).
 * @param rwlock The lock.
 * @param timeout Seconds to wait, 0, or CT_FOREVER.
 * @return CT_OK when held for reading; CT_ETIMEDOUT when the time ran out;
 *         CT_EINVAL for a negative (other than CT_FOREVER) or NaN timeout;
 *         CT_EOVERFLOW for a timeout above CT_TIMEOUT_MAX.
 */
CT_API int  ct_rwlock_acquire_read_timeout(ct_rwlock *rwlock, double timeout)
    CT__TRY_ACQUIRES_SHARED(rwlock);

/**
 * @brief Give back one read hold; any thread may release it.
 *
 * Counterpart: _PyRWMutex_RUnlock, pthread_rwlock_unlock.
 * @param rwlock The lock.
 * @return CT_OK; CT_EPERM if no reader holds it (like releasing an unlocked
 *         Lock: RuntimeError).
 */
CT_API int  ct_rwlock_release_read(ct_rwlock *rwlock) CT__RELEASES_SHARED(rwlock);

/**
 * @brief Take the lock for writing (alone), waiting as long as it takes.
 *
 * Counterpart: _PyRWMutex_Lock, pthread_rwlock_wrlock.
 * @param rwlock The lock.
 */
CT_API void ct_rwlock_acquire_write(ct_rwlock *rwlock) CT__ACQUIRES(rwlock);

/**
 * @brief Take the lock for writing, waiting at most @p timeout seconds.
 *
 * Counterpart: pthread_rwlock_timedwrlock (with Python's timeout rules).
 * @param rwlock The lock.
 * @param timeout Seconds to wait, 0, or CT_FOREVER.
 * @return CT_OK when held for writing; CT_ETIMEDOUT when the time ran out;
 *         CT_EINVAL for a negative (other than CT_FOREVER) or NaN timeout;
 *         CT_EOVERFLOW for a timeout above CT_TIMEOUT_MAX.
 */
CT_API int  ct_rwlock_acquire_write_timeout(ct_rwlock *rwlock, double timeout)
    CT__TRY_ACQUIRES(rwlock);

/**
 * @brief Give back the write hold; any thread may release it.
 *
 * Counterpart: _PyRWMutex_Unlock, pthread_rwlock_unlock.
 * @param rwlock The lock.
 * @return CT_OK; CT_EPERM if it is not held for writing.
 */
CT_API int  ct_rwlock_release_write(ct_rwlock *rwlock) CT__RELEASES(rwlock);

/* The inline fast paths, like ct_lock's. Each first guesses the word (free;
 * one reader and nobody parked) and lets a failed compare-and-swap read it:
 * then a reader comes in while no writer holds or waits, and a reader that is
 * not the last one out leaves. A writer takes and gives back a free lock.
 * Everything else, CT_EPERM included, is the exported function's. */
#if !defined(CT_NO_INLINE) && !defined(CT_BUILDING) && defined(CT__CAS_U64)
static inline void ct__rwlock_acquire_read_inline(ct_rwlock *rwlock)
    CT__ACQUIRES_SHARED(rwlock) CT_NO_THREAD_SAFETY_ANALYSIS;
static inline int ct__rwlock_release_read_inline(ct_rwlock *rwlock)
    CT__RELEASES_SHARED(rwlock) CT_NO_THREAD_SAFETY_ANALYSIS;
static inline void ct__rwlock_acquire_write_inline(ct_rwlock *rwlock)
    CT__ACQUIRES(rwlock) CT_NO_THREAD_SAFETY_ANALYSIS;
static inline int ct__rwlock_release_write_inline(ct_rwlock *rwlock)
    CT__RELEASES(rwlock) CT_NO_THREAD_SAFETY_ANALYSIS;
static inline void ct__rwlock_acquire_read_inline(ct_rwlock *rwlock)
{
    uint64_t v = 0;
    if (CT__CAS_U64(&rwlock->word, v, (uint64_t)CT__RW_READER, CT__ACQUIRE)) return;
    if ((v & (CT__RW_WRITER | CT__RW_WRITERS_PARKED)) ||
        !CT__CAS_U64(&rwlock->word, v, v + CT__RW_READER, CT__ACQUIRE))
        (ct_rwlock_acquire_read)(rwlock);
}
static inline int ct__rwlock_release_read_inline(ct_rwlock *rwlock)
{
    uint64_t v = CT__RW_READER;
    if (CT__CAS_U64(&rwlock->word, v, (uint64_t)0, CT__RELEASE)) return CT_OK;
    if (v >= 2 * CT__RW_READER && CT__CAS_U64(&rwlock->word, v, v - CT__RW_READER, CT__RELEASE))
        return CT_OK;
    return (ct_rwlock_release_read)(rwlock);
}
static inline void ct__rwlock_acquire_write_inline(ct_rwlock *rwlock)
{
    uint64_t expected = 0;
    if (!CT__CAS_U64(&rwlock->word, expected, (uint64_t)CT__RW_WRITER, CT__ACQUIRE))
        (ct_rwlock_acquire_write)(rwlock);
}
static inline int ct__rwlock_release_write_inline(ct_rwlock *rwlock)
{
    uint64_t expected = CT__RW_WRITER;
    if (CT__CAS_U64(&rwlock->word, expected, (uint64_t)0, CT__RELEASE)) return CT_OK;
    return (ct_rwlock_release_write)(rwlock);
}
#  define ct_rwlock_acquire_read(rwlock) ct__rwlock_acquire_read_inline(rwlock)
#  define ct_rwlock_release_read(rwlock) ct__rwlock_release_read_inline(rwlock)
#  define ct_rwlock_acquire_write(rwlock) ct__rwlock_acquire_write_inline(rwlock)
#  define ct_rwlock_release_write(rwlock) ct__rwlock_release_write_inline(rwlock)
#endif

/* ct_once's byte: 0 not done, CT__ONCE_RUNNING while a call of fn runs,
 * CT__ONCE_PARKED when callers wait for it, CT__ONCE_DONE once fn returned 0. */
typedef struct ct_once { unsigned char v; } ct_once;
#define CT_ONCE_INIT { 0 }
#define CT__ONCE_RUNNING 1u
#define CT__ONCE_PARKED 2u
#define CT__ONCE_DONE 4u

/**
 * @brief Run fn(arg) unless a call of it has already returned 0.
 *
 * Callers that arrive while fn runs wait for it. If fn fails (returns
 * non-zero), the once stays not done and the next caller, a waiting one
 * included, runs fn again. fn must not call ct_call_once on the same once (it
 * would wait for itself). Counterpart: C11 call_once, pthread_once (which
 * cannot fail), CPython's _PyOnceFlag_CallOnce; in Python, a module-level
 * `if not done: with lock: ...` idiom.
 * @param once The flag, CT_ONCE_INIT.
 * @param fn The function; returns 0 on success.
 * @param arg Passed to fn.
 * @return CT_OK once fn has returned 0, in this call or an earlier one (every
 *         write fn made is then visible to the caller); otherwise the non-zero
 *         value that fn returned in this call.
 */
CT_API int  ct_call_once(ct_once *once, int (*fn)(void *arg), void *arg);

/**
 * @brief Whether a call of the once's fn has returned 0.
 *
 * One acquire load: after true, every write fn made is visible.
 * Counterpart: pthread_once has none; CPython's _PyOnceFlag is read the same way.
 * @param once The flag.
 * @return true once fn has returned 0, false before.
 */
CT_API bool ct_once_done(const ct_once *once);

CT_API int  ct__call_once_slow(ct_once *once, int (*fn)(void *arg), void *arg);

/* The once's done path, inline like ct_lock's fast path; taking the address
 * of ct_call_once or ct_once_done still gives the exported function. */
#if !defined(CT_NO_INLINE) && !defined(CT_BUILDING) && defined(CT__LOAD_BYTE)
static inline bool ct__once_done_inline(const ct_once *once)
{
    return CT__LOAD_BYTE(&once->v, CT__ACQUIRE) == CT__ONCE_DONE;
}
static inline int ct__call_once_inline(ct_once *once, int (*fn)(void *arg), void *arg)
{
    if (ct__once_done_inline(once)) return CT_OK;
    return ct__call_once_slow(once, fn, arg);
}
#  define ct_once_done(once) ct__once_done_inline(once)
#  define ct_call_once(once, fn, arg) ct__call_once_inline(once, fn, arg)
#endif

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

/* ------------------------------------------------------- Contention profile */

/** A contention hook: told that a thread had to wait for a primitive.
 * @param primitive the ct_lock, ct_rlock, ct_rwlock or ct_semaphore waited for (for a
 *                  Condition: its lock, or the condition itself for its own RLock)
 * @param waited    seconds the thread slept before it got the primitive
 * @param ctx       the ctx given to ct_set_contention_hook */
typedef void (*ct_contention_hook)(const void *primitive, double waited, void *ctx);

/** Install a contention hook (Abseil's RegisterMutexTracer, Go's mutex profile;
 * Python has none). It is called in the thread that waited, after that thread
 * got the primitive, and only when it had to sleep for it: an acquisition that
 * never slept costs nothing extra. Waits inside the hook itself are not
 * reported. Install it before the threads it watches start (a call in flight
 * may still see the previous hook).
 * @param hook the hook, or NULL to turn it off
 * @param ctx  passed to every call of hook */
CT_API void ct_set_contention_hook(ct_contention_hook hook, void *ctx);

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

/** Options for ct_pool_new_with_options (ThreadPoolExecutor's keyword arguments). */
typedef struct ct_pool_options {
    size_t max_workers;              /**< 0: min(32, cpus + 4) */
    const char *thread_name_prefix;  /**< NULL: "ThreadPoolExecutor-N" */
    int (*initializer)(void *arg);   /**< NULL: none; runs first in every worker thread */
    void *initarg;                   /**< the initializer's argument */
} ct_pool_options;
#define CT_POOL_OPTIONS_INIT { 0, NULL, NULL, NULL }

/**
 * @brief Make a thread pool: ThreadPoolExecutor(max_workers, thread_name_prefix, initializer, initargs).
 *
 * The initializer runs first in every worker thread. One that returns non-zero
 * breaks the pool, as BrokenThreadPool does: work not yet started finishes with
 * CT_EBROKEN from ct_future_result, and ct_pool_submit / ct_pool_map return
 * CT_EBROKEN from then on. Release the pool with ct_pool_release.
 * @param pool     receives the new pool (NULL on failure)
 * @param options  the options, or NULL for CT_POOL_OPTIONS_INIT
 * @return CT_OK, CT_EINVAL (pool is NULL) or CT_ENOMEM.
 */
CT_API int  ct_pool_new_with_options(ct_pool **pool, const ct_pool_options *options);

/**
 * @brief Whether an initializer failed in this pool (ThreadPoolExecutor._broken).
 * @param pool  the pool (NULL: false)
 * @return true once a worker's initializer has returned non-zero.
 */
CT_API bool ct_pool_broken(ct_pool *pool);

/**
 * @brief Executor.map(fn, args, timeout=timeout, buffersize=buffersize), gathered into an array.
 *
 * Runs fn(args[i]) for every i on the pool and stores its return value in
 * results[i], collecting in input order. At most buffersize calls are
 * submitted but not yet collected (0: all are submitted at once). timeout
 * covers the whole call. When it returns early, calls not yet started are
 * cancelled and calls already running finish in the background; results[i]
 * is written only for calls collected before ct_pool_map returned, never
 * afterwards.
 * @param pool        the pool
 * @param fn          the function to call
 * @param args        n arguments, one per call
 * @param results     n slots for the return values
 * @param n           the number of calls (0: nothing to do)
 * @param timeout     seconds for the whole call; CT_FOREVER: none
 * @param buffersize  the most calls in flight; 0: no bound
 * @return CT_OK once every call has finished; CT_ETIMEDOUT when the deadline
 *         passed first; CT_ESHUTDOWN (pool shut down); CT_EBROKEN (pool
 *         broken by its initializer); CT_ECANCELLED (a call was cancelled by
 *         ct_pool_shutdown with cancel_futures); CT_ENOMEM; CT_EAGAIN (no
 *         worker could start); CT_EINVAL (NULL pool or fn, NULL args or
 *         results with n > 0, bad timeout); CT_EOVERFLOW (timeout above
 *         CT_TIMEOUT_MAX).
 */
CT_API int  ct_pool_map(ct_pool *pool, void *(*fn)(void *), void *const *args, void **results,
                        size_t n, double timeout, size_t buffersize);
CT_API int  ct_pool_submit(ct_pool *pool, ct_future **future, void *(*fn)(void *), void *arg);
CT_API void ct_pool_shutdown(ct_pool *pool, bool wait, bool cancel_futures);
CT_API void ct_pool_release(ct_pool *pool);

/**
 * @brief Future.result(timeout): wait for the future and hand out its result.
 * @param future   the future
 * @param result   receives the result; written only on CT_OK
 * @param timeout  seconds; CT_FOREVER: none
 * @return CT_OK; CT_ETIMEDOUT (TimeoutError); CT_ECANCELLED (CancelledError);
 *         CT_EBROKEN (BrokenThreadPool: its pool's initializer failed before it
 *         started); CT_EINVAL (NULL future or result, bad timeout);
 *         CT_EOVERFLOW (timeout above CT_TIMEOUT_MAX).
 */
CT_API int  ct_future_result(ct_future *future, void **result, double timeout);
CT_API bool ct_future_cancel(ct_future *future);
CT_API bool ct_future_cancelled(ct_future *future);
CT_API bool ct_future_running(ct_future *future);
CT_API bool ct_future_done(ct_future *future);
CT_API int  ct_future_add_done_callback(ct_future *future, void (*fn)(ct_future *, void *), void *arg);
CT_API void ct_future_release(ct_future *future);

/**
 * @brief Make a pending future that any code completes: Future().
 * @param future  receives the future; release it with ct_future_release
 * @return CT_OK, CT_EINVAL (future is NULL) or CT_ENOMEM.
 */
CT_API int  ct_future_new(ct_future **future);

/**
 * @brief Future.set_running_or_notify_cancel(): start running it unless it was cancelled.
 * @param future  the future
 * @return CT_OK when the future is now running; CT_ECANCELLED when it had been
 *         cancelled (its waiters were woken and its callbacks have run);
 *         CT_EPERM (RuntimeError) when it is already running or done, or when
 *         its cancel was reported already; CT_EINVAL when future is NULL.
 */
CT_API int  ct_future_set_running_or_notify_cancel(ct_future *future);

/**
 * @brief Future.set_result(result): finish the future, waking its waiters and running its callbacks.
 * @param future  the future, pending or running
 * @param result  what ct_future_result hands out
 * @return CT_OK; CT_EPERM (InvalidStateError) when it is already done or
 *         cancelled; CT_EINVAL when future is NULL.
 */
CT_API int  ct_future_set_result(ct_future *future, void *result);

typedef enum ct_wait_mode { CT_FIRST_COMPLETED, CT_ALL_COMPLETED } ct_wait_mode;
CT_API int  ct_futures_wait(ct_future *const *futures, size_t n, double timeout, ct_wait_mode mode);

/** An as_completed(fs, timeout) iteration: the futures in the order they finish. */
typedef struct ct_as_completed ct_as_completed;

/**
 * @brief Start as_completed(fs, timeout) over n futures.
 *
 * The iterator holds a reference on each future until it is released; a
 * future that appears twice in the array is yielded once.
 * @param it       receives the iterator; release it with ct_as_completed_release
 * @param futures  n futures (not NULL)
 * @param n        how many
 * @param timeout  seconds for the whole iteration, counted from now; CT_FOREVER: none
 * @return CT_OK, CT_EINVAL (NULL it, futures or element, bad timeout),
 *         CT_EOVERFLOW (timeout above CT_TIMEOUT_MAX) or CT_ENOMEM.
 */
CT_API int  ct_as_completed_new(ct_as_completed **it, ct_future *const *futures, size_t n, double timeout);

/**
 * @brief The next finished (done or cancelled) future: next(iterator).
 *
 * Futures finished when the iterator was made come first, then each as it
 * finishes; each call costs O(1) besides waiting.
 * @param it      the iterator
 * @param future  receives the future, borrowed from the caller's array
 * @return CT_OK; CT_EEMPTY (StopIteration) once every future was yielded;
 *         CT_ETIMEDOUT (TimeoutError) once the deadline has passed with
 *         futures unfinished; CT_EINVAL (NULL it or future).
 */
CT_API int  ct_as_completed_next(ct_as_completed *it, ct_future **future);

/**
 * @brief Drop the iterator, early or not: it unhooks itself from every future.
 * @param it  the iterator (NULL: nothing)
 */
CT_API void ct_as_completed_release(ct_as_completed *it);

#ifdef __cplusplus
}
#endif
#endif /* CTHREADING_H */
