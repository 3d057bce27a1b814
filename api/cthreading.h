/* SPDX-License-Identifier: MIT */
/**
 * @file cthreading.h
 * @brief Python's threading, queue and concurrent.futures thread pool, in C.
 *
 * Every public name starts with ct_ / CT_. Names starting with ct__ / CT__ are
 * internal: they appear here only because inline fast paths need them.
 *
 * Conventions: a function that can fail returns an int, #CT_OK or a negative
 * ::ct_status code; a timeout is a double in seconds, #CT_FOREVER waits
 * forever, 0 never blocks, another negative value or NaN is #CT_EINVAL and a
 * value above #CT_TIMEOUT_MAX is #CT_EOVERFLOW (a function that returns bool
 * treats an invalid timeout as 0). Deadlines are measured on a monotonic clock.
 * Lock, RLock, Condition, Semaphore, Event and Barrier are plain memory: valid
 * once statically initialized or passed to their _init function, no destroy
 * call. Handles (ct_thread, ct_timer, ct_queue, ct_pool, ct_future) are opaque
 * and released with their _release function. Every call is safe from any
 * thread.
 */
#ifndef CTHREADING_H
#define CTHREADING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** @brief The major version: a change in it may break the API or ABI. */
#define CT_VERSION_MAJOR 0
/** @brief The minor version: additions that keep the ABI. */
#define CT_VERSION_MINOR 1
/** @brief The patch version: fixes only. */
#define CT_VERSION_PATCH 0
/** @brief The version as one number, MAJOR * 10000 + MINOR * 100 + PATCH. */
#define CT_VERSION ((CT_VERSION_MAJOR * 10000) + (CT_VERSION_MINOR * 100) + CT_VERSION_PATCH)

/**
 * @def CT_API
 * @brief Marks the exported functions.
 *
 * CMake defines it for Windows builds (dllexport / dllimport / nothing);
 * elsewhere it is the ELF/Mach-O default visibility, since the library is
 * compiled with hidden visibility.
 */
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
/* For C++ wrappers (cthreading.hpp) whose try_lock returns true when acquired. */
#define CT__TRY_ACQUIRES_BOOL() CT__THREAD_SAFETY(try_acquire_capability(true))
#define CT__TRY_ACQUIRES_SHARED_BOOL() CT__THREAD_SAFETY(try_acquire_shared_capability(true))

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

/** @brief Timeout: wait forever (Python's None, and Lock.acquire's -1). */
#define CT_FOREVER     (-1.0)
/** @brief The largest timeout accepted, ~31.7 years (threading.TIMEOUT_MAX). */
#define CT_TIMEOUT_MAX (1e9)
/** @brief ct_thread_options::daemon: take the starting thread's daemon flag. */
#define CT_INHERIT     (-1)

/* ------------------------------------------------------------- status codes */

/** @brief What a function that can fail returns: #CT_OK or a negative code. */
enum ct_status {
    CT_OK = 0,           /**< Success. */
    CT_ETIMEDOUT = -1,   /**< A timed wait ran out (acquire() or wait() returning False). */
    CT_EINVAL = -2,      /**< ValueError: a bad argument. */
    CT_EPERM = -3,       /**< RuntimeError: not owned, not locked. */
    CT_EDEADLK = -4,     /**< RuntimeError: cannot join current thread. */
    CT_EOVERFLOW = -5,   /**< OverflowError: a timeout above #CT_TIMEOUT_MAX. */
    CT_ENOMEM = -6,      /**< MemoryError: an allocation failed. */
    CT_EAGAIN = -7,      /**< RuntimeError: can't start new thread (the OS refused). */
    CT_EBROKEN = -8,     /**< BrokenBarrierError, BrokenThreadPool: a broken barrier or pool. */
    CT_ECANCELLED = -9,  /**< CancelledError: the future was cancelled. */
    CT_EEMPTY = -10,     /**< queue.Empty: nothing to get within the timeout. */
    CT_EFULL = -11,      /**< queue.Full: no room within the timeout. */
    CT_ESHUTDOWN = -12   /**< queue.ShutDown, or a pool that is shut down. */
};

/**
 * @brief A one-line English message for a status code.
 * @param status A ::ct_status code (any int is accepted).
 * @return A static string, never NULL ("unknown status code" for a code it does not know).
 * @par Python
 * str() of the exception the code stands for.
 */
CT_API const char *ct_strerror(int status);

/* ------------------------------------------------------------------ threads */

/** @brief A thread handle (threading.Thread); opaque, released with ct_thread_release(). */
typedef struct ct_thread ct_thread;

/**
 * @brief How ct_thread_start() and ct_timer_start() start a thread.
 *
 * Start from #CT_THREAD_OPTIONS_INIT and set the fields you need, so code
 * keeps compiling when a later version adds a field.
 */
typedef struct ct_thread_options {
    const char *name;    /**< NULL: "Thread-N"; copied; pushed to the OS where it can be. */
    int daemon;          /**< #CT_INHERIT (the starting thread's flag), 0 or 1. */
    size_t stack_size;   /**< 0: the ct_stack_size() default. */
} ct_thread_options;
/** @brief The default ::ct_thread_options: no name, inherited daemon flag, default stack. */
#define CT_THREAD_OPTIONS_INIT { NULL, CT_INHERIT, 0 }

/**
 * @brief Start a thread running target(arg).
 * @param thread Receives the new thread's handle; release it with ct_thread_release().
 * @param target The function the thread runs.
 * @param arg Passed to target.
 * @param options Name, daemon flag and stack size; NULL for the defaults.
 * @return #CT_OK; #CT_EINVAL if thread or target is NULL or options->daemon is
 *         not #CT_INHERIT, 0 or 1; #CT_ENOMEM; #CT_EAGAIN if the OS refused a thread.
 * @par Python
 * threading.Thread(target=..., name=..., daemon=...).start()
 */
CT_API int  ct_thread_start(ct_thread **thread, void (*target)(void *), void *arg,
                            const ct_thread_options *options);
/**
 * @brief Wait until the thread has finished.
 * @param thread The thread to wait for.
 * @param timeout Seconds, #CT_FOREVER or 0.
 * @return #CT_OK once it has finished; #CT_ETIMEDOUT; #CT_EDEADLK when a thread
 *         joins itself; #CT_EINVAL for a NULL thread or a bad timeout; #CT_EOVERFLOW.
 * @par Python
 * threading.Thread.join(timeout)
 */
CT_API int  ct_thread_join(ct_thread *thread, double timeout);
/**
 * @brief Whether the thread is running: started and its target not yet returned.
 * @param thread The thread (NULL: false).
 * @return true while the thread runs.
 * @par Python
 * threading.Thread.is_alive()
 */
CT_API bool ct_thread_is_alive(const ct_thread *thread);
/**
 * @brief Whether the thread is a daemon (the process does not wait for it at exit).
 * @param thread The thread.
 * @return Its daemon flag.
 * @par Python
 * threading.Thread.daemon
 */
CT_API bool ct_thread_is_daemon(const ct_thread *thread);
/**
 * @brief The thread's name.
 * @param thread The thread.
 * @return Its name, valid while the handle is held.
 * @par Python
 * threading.Thread.name
 */
CT_API const char *ct_thread_name(const ct_thread *thread);
/**
 * @brief The thread's identifier: unique among live threads, never 0.
 * @param thread The thread.
 * @return Its ident.
 * @par Python
 * threading.Thread.ident
 */
CT_API uint64_t ct_thread_ident(const ct_thread *thread);
/**
 * @brief The OS's id of the thread (gettid, GetCurrentThreadId).
 * @param thread The thread.
 * @return Its native id.
 * @par Python
 * threading.Thread.native_id
 */
CT_API uint64_t ct_thread_native_id(const ct_thread *thread);
/**
 * @brief Release a thread handle. The thread itself runs on, untouched.
 * @param thread The handle (NULL: nothing).
 * @par Python
 * dropping the last reference to a Thread object.
 */
CT_API void ct_thread_release(ct_thread *thread);

/**
 * @brief The calling thread, also one this library did not start (a "Dummy-N", daemon).
 * @return A borrowed handle: do not release it.
 * @par Python
 * threading.current_thread()
 */
CT_API ct_thread *ct_current_thread(void);
/**
 * @brief The main thread ("MainThread").
 * @return A borrowed handle: do not release it.
 * @par Python
 * threading.main_thread()
 */
CT_API ct_thread *ct_main_thread(void);
/**
 * @brief The number of live threads, the main thread and foreign ones included.
 * @return The count.
 * @par Python
 * threading.active_count()
 */
CT_API size_t ct_active_count(void);
/**
 * @brief The live threads.
 * @param out Receives up to capacity handles, each a new reference to release.
 * @param capacity The room in out (0: only count).
 * @return The total number of live threads, which may exceed capacity.
 * @par Python
 * threading.enumerate()
 */
CT_API size_t ct_enumerate(ct_thread **out, size_t capacity);
/**
 * @brief The calling thread's ident (see ct_thread_ident()).
 * @return The ident, never 0.
 * @par Python
 * threading.get_ident()
 */
CT_API uint64_t ct_get_ident(void);
/**
 * @brief The calling thread's OS id.
 * @return The native id.
 * @par Python
 * threading.get_native_id()
 */
CT_API uint64_t ct_get_native_id(void);
/**
 * @brief Sleep on the monotonic clock.
 * @param seconds How long; 0, negative or NaN returns at once; capped at #CT_TIMEOUT_MAX.
 * @par Python
 * time.sleep(seconds)
 */
CT_API void   ct_sleep(double seconds);
/**
 * @brief The monotonic clock that every timeout uses.
 * @return Seconds since an arbitrary start.
 * @par Python
 * time.monotonic()
 */
CT_API double ct_monotonic(void);
/**
 * @brief Set the stack size of threads started from now on without one.
 * @param size Bytes, fitted to what the OS accepts; 0 for the OS default.
 * @return The previous default (0: the OS default).
 * @par Python
 * threading.stack_size(size)
 */
CT_API size_t ct_stack_size(size_t size);
/**
 * @brief Wait for every live non-daemon thread, as happens at normal process exit.
 *
 * May be called once, from the main thread, before it returns.
 * @par Python
 * threading._shutdown(), run by the interpreter at exit.
 */
CT_API void   ct_shutdown(void);

/* --------------------------------------------------------------------- Lock
 *
 * One byte, like CPython 3.13's PyMutex and WebKit's WTF::Lock:
 *   bit 0 (CT__LOCKED)     the lock is held
 *   bit 1 (CT__HAS_PARKED) a release must look at the parking lot: threads may
 *                          be parked on the lock's address (while a thread
 *                          woken from there is on its way back, the bit may be
 *                          clear with others parked: that thread sets it again)
 *   bit 2 (CT__WOKEN)      set beside CT__HAS_PARKED: a thread woken from the
 *                          parking lot has not run again yet, so releases
 *                          unlock without waking anybody else
 * Acquire and release are one inline compare-and-swap each when nobody waits;
 * otherwise the out-of-line slow path backs off once for about a microsecond,
 * then parks the thread in the runtime's parking lot (keyed by the lock's
 * address). A release wakes one thread at a time.
 *
 * Fairness: once the first parked waiter has waited 0.5 ms, HAS_PARKED stays
 * set, threads that find the lock held park instead of barging in, and the
 * next release hands that waiter the lock directly (the lock stays locked
 * across the handoff); a thread handed the lock keeps it at least 150 us
 * before its own release hands it on. So no thread starves; before that, a
 * running thread may barge in, which is what makes the lock fast under
 * contention. The delay sets the trade between the two (api/lock.c).
 */
/**
 * @brief A lock (threading.Lock): one byte, no owner, any thread may release it.
 *
 * Valid once initialized with #CT_LOCK_INIT or ct_lock_init(); no destroy call.
 */
typedef struct CT__CAPABILITY("mutex") ct_lock {
    unsigned char v;     /**< The lock word: held, and whether threads may be parked on it. */
} ct_lock;
/** @brief Static initializer of a released ::ct_lock. */
#define CT_LOCK_INIT { 0 }
#define CT__LOCKED 1u
#define CT__HAS_PARKED 2u
#define CT__WOKEN 4u

/**
 * @brief Initialize a lock, released.
 * @param lock The lock.
 * @par Python
 * threading.Lock()
 */
CT_API void ct_lock_init(ct_lock *lock);
/**
 * @brief Acquire the lock, waiting as long as it takes. Inline when nobody waits.
 * @param lock The lock.
 * @par Python
 * threading.Lock.acquire(), with lock:
 */
CT_API void ct_lock_acquire(ct_lock *lock) CT__ACQUIRES(lock);
/**
 * @brief Acquire the lock within a timeout.
 * @param lock The lock.
 * @param timeout Seconds, #CT_FOREVER, or 0 to try once without blocking.
 * @return #CT_OK when acquired; #CT_ETIMEDOUT; #CT_EINVAL for a negative or NaN
 *         timeout; #CT_EOVERFLOW above #CT_TIMEOUT_MAX.
 * @par Python
 * threading.Lock.acquire(blocking, timeout)
 */
CT_API int  ct_lock_acquire_timeout(ct_lock *lock, double timeout) CT__TRY_ACQUIRES(lock);
/**
 * @brief Release the lock; any thread may. Inline when nobody waits.
 * @param lock The lock.
 * @return #CT_OK; #CT_EPERM if it was not locked.
 * @par Python
 * threading.Lock.release()
 */
CT_API int  ct_lock_release(ct_lock *lock) CT__RELEASES(lock);
/**
 * @brief Whether the lock is held (a snapshot).
 * @param lock The lock.
 * @return true when held.
 * @par Python
 * threading.Lock.locked()
 */
CT_API bool ct_lock_locked(const ct_lock *lock);

CT_API void ct__lock_acquire_slow(ct_lock *lock);
CT_API int  ct__lock_release_slow(ct_lock *lock);

/* The inline fast paths. Taking the address of ct_lock_acquire still gives the
 * exported function; define CT_NO_INLINE before including to call it always.
 * Under a race detector (ThreadSanitizer, or a library built with
 * CT_VALGRIND_ANNOTATIONS) they call the exported functions, which tell it
 * about every acquisition. The library itself (CT_BUILDING) spells
 * CT__CAS_BYTE with its own atomics (api/internal.h) and calls
 * ct__lock_take_fast and ct__lock_give_fast from its wrappers that tell the
 * tools. */
#if !defined(CT_NO_INLINE) && !defined(CT_BUILDING)
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
#endif

/* The one spelling of the lock's fast paths: take a free lock nobody waits
 * for, give back a held one nobody waits for; false sends the caller to the
 * slow path. */
#ifdef CT__CAS_BYTE
static inline bool ct__lock_take_fast(ct_lock *lock)
{
    unsigned char expected = 0;
    return CT__CAS_BYTE(&lock->v, expected, (unsigned char)CT__LOCKED, CT__ACQUIRE);
}
static inline bool ct__lock_give_fast(ct_lock *lock)
{
    unsigned char expected = CT__LOCKED;
    return CT__CAS_BYTE(&lock->v, expected, (unsigned char)0, CT__RELEASE);
}
#endif

#if !defined(CT_NO_INLINE) && !defined(CT_BUILDING)
static inline void ct__lock_acquire_inline(ct_lock *lock) CT__ACQUIRES(lock) CT_NO_THREAD_SAFETY_ANALYSIS;
static inline int ct__lock_release_inline(ct_lock *lock) CT__RELEASES(lock) CT_NO_THREAD_SAFETY_ANALYSIS;
#  ifdef CT__CAS_BYTE
static inline void ct__lock_acquire_inline(ct_lock *lock)
{
    if (!ct__lock_take_fast(lock)) ct__lock_acquire_slow(lock);
}
static inline int ct__lock_release_inline(ct_lock *lock)
{
    return ct__lock_give_fast(lock) ? CT_OK : ct__lock_release_slow(lock);
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

/* -------------------------------------------------------------------- RLock */
/**
 * @brief A re-entrant lock (threading.RLock): its owner may acquire it again.
 *
 * Valid once initialized with #CT_RLOCK_INIT or ct_rlock_init(); no destroy call.
 */
typedef struct CT__CAPABILITY("mutex") CT__REENTRANT ct_rlock {
    CT__ALIGN64 uint64_t owner;   /**< ct_get_ident() of the holder, 0 when free. */
    uint32_t count;      /**< The holder's recursion depth. */
    ct_lock lock;        /**< The lock the owner holds. */
} ct_rlock;
/** @brief Static initializer of a released ::ct_rlock. */
#define CT_RLOCK_INIT { 0, 0, CT_LOCK_INIT }

/**
 * @brief Initialize a re-entrant lock, released.
 * @param rlock The lock.
 * @par Python
 * threading.RLock()
 */
CT_API void ct_rlock_init(ct_rlock *rlock);
/**
 * @brief Acquire the lock, or add a level if the caller owns it.
 * @param rlock The lock.
 * @par Python
 * threading.RLock.acquire()
 */
CT_API void ct_rlock_acquire(ct_rlock *rlock) CT__ACQUIRES(rlock);
/**
 * @brief Acquire the lock within a timeout, or add a level if the caller owns it.
 * @param rlock The lock.
 * @param timeout Seconds, #CT_FOREVER, or 0 to try once without blocking.
 * @return #CT_OK; #CT_ETIMEDOUT; #CT_EINVAL for a bad timeout; #CT_EOVERFLOW
 *         above #CT_TIMEOUT_MAX or past 2^32 - 1 levels.
 * @par Python
 * threading.RLock.acquire(blocking, timeout)
 */
CT_API int  ct_rlock_acquire_timeout(ct_rlock *rlock, double timeout) CT__TRY_ACQUIRES(rlock);
/**
 * @brief Remove one level; the last one releases the lock.
 * @param rlock The lock.
 * @return #CT_OK; #CT_EPERM if the caller does not own it.
 * @par Python
 * threading.RLock.release()
 */
CT_API int  ct_rlock_release(ct_rlock *rlock) CT__RELEASES(rlock);
/**
 * @brief Whether any thread holds the lock (a snapshot).
 * @param rlock The lock.
 * @return true when held.
 * @par Python
 * threading.RLock.locked() (3.14)
 */
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
 *   bit 3 (RACER)           a writer woken to race for the free lock has not
 *                           looked yet: releases wake no other writer
 *   bits 4-63               the number of readers holding it
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
/**
 * @brief A read-write lock: any number of readers, or one writer; writers preferred.
 *
 * Plain memory like ::ct_lock: valid once initialized with #CT_RWLOCK_INIT or
 * ct_rwlock_init(), no destroy call; no owner, any thread may release it.
 */
typedef struct CT__CAPABILITY("mutex") ct_rwlock {
    uint64_t word;       /**< Writer bit, parked-reader and parked-writer bits, reader count. */
} ct_rwlock;
/** @brief Static initializer of a free ::ct_rwlock. */
#define CT_RWLOCK_INIT { 0 }
#define CT__RW_WRITER 1u
#define CT__RW_READERS_PARKED 2u
#define CT__RW_WRITERS_PARKED 4u
#define CT__RW_RACER 8u
#define CT__RW_READER 16u

/**
 * @brief Make a read-write lock unlocked (the same as CT_RWLOCK_INIT).
 *
 * @param rwlock The lock; nobody may be using it.
 * @par Python
 * None: Python has no public read-write lock. Like pthread_rwlock_init
 * (CPython's internal _PyRWMutex is zero-initialized the same way).
 */
CT_API void ct_rwlock_init(ct_rwlock *rwlock);

/**
 * @brief Take the lock for reading, waiting as long as it takes.
 *
 * Any number of readers hold it at once. A reader waits while a writer holds
 * it or waits for it, so a thread that takes the read lock again while a
 * writer waits can deadlock (documented, not detected).
 * @param rwlock The lock.
 * @par Python
 * None. Like CPython's _PyRWMutex_RLock, pthread_rwlock_rdlock.
 */
CT_API void ct_rwlock_acquire_read(ct_rwlock *rwlock) CT__ACQUIRES_SHARED(rwlock);

/**
 * @brief Take the lock for reading, waiting at most @p timeout seconds.
 *
 * @param rwlock The lock.
 * @param timeout Seconds to wait, 0 (never blocks), or #CT_FOREVER.
 * @return #CT_OK when held for reading; #CT_ETIMEDOUT when the time ran out;
 *         #CT_EINVAL for a negative (other than #CT_FOREVER) or NaN timeout;
 *         #CT_EOVERFLOW for a timeout above #CT_TIMEOUT_MAX.
 * @par Python
 * None. Like pthread_rwlock_timedrdlock, with Python's timeout rules.
 */
CT_API int  ct_rwlock_acquire_read_timeout(ct_rwlock *rwlock, double timeout)
    CT__TRY_ACQUIRES_SHARED(rwlock);

/**
 * @brief Give back one read hold; any thread may release it.
 *
 * @param rwlock The lock.
 * @return #CT_OK; #CT_EPERM if no reader holds it (like releasing an unlocked
 *         Lock: RuntimeError).
 * @par Python
 * None. Like CPython's _PyRWMutex_RUnlock, pthread_rwlock_unlock.
 */
CT_API int  ct_rwlock_release_read(ct_rwlock *rwlock) CT__RELEASES_SHARED(rwlock);

/**
 * @brief Take the lock for writing (alone), waiting as long as it takes.
 *
 * @param rwlock The lock.
 * @par Python
 * None. Like CPython's _PyRWMutex_Lock, pthread_rwlock_wrlock.
 */
CT_API void ct_rwlock_acquire_write(ct_rwlock *rwlock) CT__ACQUIRES(rwlock);

/**
 * @brief Take the lock for writing, waiting at most @p timeout seconds.
 *
 * @param rwlock The lock.
 * @param timeout Seconds to wait, 0 (never blocks), or #CT_FOREVER.
 * @return #CT_OK when held for writing; #CT_ETIMEDOUT when the time ran out;
 *         #CT_EINVAL for a negative (other than #CT_FOREVER) or NaN timeout;
 *         #CT_EOVERFLOW for a timeout above #CT_TIMEOUT_MAX.
 * @par Python
 * None. Like pthread_rwlock_timedwrlock, with Python's timeout rules.
 */
CT_API int  ct_rwlock_acquire_write_timeout(ct_rwlock *rwlock, double timeout)
    CT__TRY_ACQUIRES(rwlock);

/**
 * @brief Give back the write hold; any thread may release it.
 *
 * @param rwlock The lock.
 * @return #CT_OK; #CT_EPERM if it is not held for writing.
 * @par Python
 * None. Like CPython's _PyRWMutex_Unlock, pthread_rwlock_unlock.
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
/** @brief A once flag for ct_call_once(): plain memory, one byte. */
typedef struct ct_once {
    unsigned char v;     /**< Not done, running, callers parked, done (CT__ONCE_*). */
} ct_once;
/** @brief Static initializer of a ::ct_once not done yet. */
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
 * would wait for itself).
 * @param once The flag, #CT_ONCE_INIT.
 * @param fn The function; returns 0 on success.
 * @param arg Passed to fn.
 * @return #CT_OK once fn has returned 0, in this call or an earlier one (every
 *         write fn made is then visible to the caller); otherwise the non-zero
 *         value that fn returned in this call.
 * @par Python
 * None: a module-level `if not done: with lock: ...` idiom. Like C11
 * call_once, pthread_once (which cannot fail), CPython's _PyOnceFlag_CallOnce.
 */
CT_API int  ct_call_once(ct_once *once, int (*fn)(void *arg), void *arg);

/**
 * @brief Whether a call of the once's fn has returned 0.
 *
 * One acquire load: after true, every write fn made is visible.
 * @param once The flag.
 * @return true once fn has returned 0, false before.
 * @par Python
 * None (pthread_once has none either); CPython's _PyOnceFlag is read the same way.
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

/* ---------------------------------------------------------------- Condition */
/**
 * @brief A condition variable (threading.Condition) over a Lock, an RLock, or its own RLock.
 *
 * Valid once initialized with #CT_CONDITION_INIT or a ct_condition_init function.
 */
typedef struct ct_condition {
    ct_rlock own;        /**< The condition's own RLock, used when lock is NULL. */
    void *lock;          /**< The ::ct_lock or ::ct_rlock given to _init_lock / _init_rlock, or NULL. */
    size_t waiters;      /**< Threads in wait, guarded by the lock. */
    unsigned char kind;  /**< Which of the three the lock is. */
} ct_condition;
/** @brief Static initializer of a ::ct_condition with its own RLock, as Condition(). */
#define CT_CONDITION_INIT { CT_RLOCK_INIT, NULL, 0, 0 }

/**
 * @brief Initialize a condition over its own RLock.
 * @param cond The condition.
 * @par Python
 * threading.Condition()
 */
CT_API void ct_condition_init(ct_condition *cond);
/**
 * @brief Initialize a condition over a Lock.
 * @param cond The condition.
 * @param lock The lock; it must outlive the condition.
 * @par Python
 * threading.Condition(threading.Lock())
 */
CT_API void ct_condition_init_lock(ct_condition *cond, ct_lock *lock);
/**
 * @brief Initialize a condition over an RLock.
 * @param cond The condition.
 * @param rlock The lock; it must outlive the condition.
 * @par Python
 * threading.Condition(threading.RLock())
 */
CT_API void ct_condition_init_rlock(ct_condition *cond, ct_rlock *rlock);
/**
 * @brief Acquire the condition's lock.
 * @param cond The condition.
 * @par Python
 * threading.Condition.acquire(), with cond:
 */
CT_API void ct_condition_acquire(ct_condition *cond);
/**
 * @brief Release the condition's lock.
 * @param cond The condition.
 * @return #CT_OK; #CT_EPERM if it was not locked (not owned, for an RLock).
 * @par Python
 * threading.Condition.release()
 */
CT_API int  ct_condition_release(ct_condition *cond);
/**
 * @brief Release the lock, wait for a notify, and take the lock back.
 *
 * Over an RLock, every level of the caller's recursion is released and restored.
 * @param cond The condition, whose lock the caller holds.
 * @param timeout Seconds or #CT_FOREVER.
 * @return #CT_OK when notified; #CT_ETIMEDOUT; #CT_EPERM if the caller does not
 *         hold the lock; #CT_EINVAL for a bad timeout; #CT_EOVERFLOW.
 * @par Python
 * threading.Condition.wait(timeout)
 */
CT_API int  ct_condition_wait(ct_condition *cond, double timeout);
/**
 * @brief Wait until predicate(arg) is true.
 * @param cond The condition, whose lock the caller holds.
 * @param predicate Called with the lock held; true ends the wait.
 * @param arg Passed to predicate.
 * @param timeout Seconds for the whole wait, or #CT_FOREVER.
 * @return #CT_OK once the predicate is true; #CT_ETIMEDOUT; #CT_EPERM if the
 *         caller does not hold the lock; #CT_EINVAL for a NULL predicate or a bad
 *         timeout; #CT_EOVERFLOW.
 * @par Python
 * threading.Condition.wait_for(predicate, timeout)
 */
CT_API int  ct_condition_wait_for(ct_condition *cond, bool (*predicate)(void *), void *arg,
                                  double timeout);
/**
 * @brief Wake up to n waiting threads.
 * @param cond The condition, whose lock the caller holds.
 * @param n How many.
 * @return #CT_OK; #CT_EPERM if the caller does not hold the lock.
 * @par Python
 * threading.Condition.notify(n)
 */
CT_API int  ct_condition_notify(ct_condition *cond, size_t n);
/**
 * @brief Wake every waiting thread.
 * @param cond The condition, whose lock the caller holds.
 * @return #CT_OK; #CT_EPERM if the caller does not hold the lock.
 * @par Python
 * threading.Condition.notify_all()
 */
CT_API int  ct_condition_notify_all(ct_condition *cond);

/* ---------------------------------------------------- Semaphore, BoundedSemaphore */
/**
 * @brief A counting semaphore (threading.Semaphore, threading.BoundedSemaphore).
 *
 * Values are limited to 2^62 - 1. Valid once initialized with a static
 * initializer or an _init function.
 */
typedef struct ct_semaphore {
    CT__ALIGN64 int64_t word;   /**< value * 2, plus bit 0 when threads may be parked on it. */
    int64_t bound;       /**< A BoundedSemaphore's initial value, or -1 when unbounded. */
} ct_semaphore;
/** @brief Static initializer of a ::ct_semaphore holding value. */
#define CT_SEMAPHORE_INIT(value)         { (int64_t)(value) * 2, -1 }
/** @brief Static initializer of a bounded ::ct_semaphore holding value, its bound. */
#define CT_BOUNDED_SEMAPHORE_INIT(value) { (int64_t)(value) * 2, (int64_t)(value) }

/**
 * @brief Initialize a semaphore.
 * @param sem The semaphore.
 * @param value Its initial value.
 * @return #CT_OK; #CT_EINVAL if value is negative or above 2^62 - 1.
 * @par Python
 * threading.Semaphore(value)
 */
CT_API int  ct_semaphore_init(ct_semaphore *sem, int64_t value);
/**
 * @brief Initialize a semaphore that refuses releases above its initial value.
 * @param sem The semaphore.
 * @param value Its initial value and bound.
 * @return #CT_OK; #CT_EINVAL if value is negative or above 2^62 - 1.
 * @par Python
 * threading.BoundedSemaphore(value)
 */
CT_API int  ct_bounded_semaphore_init(ct_semaphore *sem, int64_t value);
/**
 * @brief Decrement the value, waiting while it is 0.
 * @param sem The semaphore.
 * @par Python
 * threading.Semaphore.acquire()
 */
CT_API void ct_semaphore_acquire(ct_semaphore *sem);
/**
 * @brief Decrement the value, waiting within a timeout while it is 0.
 * @param sem The semaphore.
 * @param timeout Seconds, #CT_FOREVER, or 0 to try once.
 * @return #CT_OK; #CT_ETIMEDOUT; #CT_EINVAL for a bad timeout; #CT_EOVERFLOW.
 * @par Python
 * threading.Semaphore.acquire(blocking, timeout)
 */
CT_API int  ct_semaphore_acquire_timeout(ct_semaphore *sem, double timeout);
/**
 * @brief Add n to the value, waking up to n waiting threads.
 * @param sem The semaphore.
 * @param n At least 1.
 * @return #CT_OK; #CT_EINVAL if n < 1 or a bounded semaphore would pass its
 *         bound; #CT_EOVERFLOW past 2^62 - 1.
 * @par Python
 * threading.Semaphore.release(n)
 */
CT_API int  ct_semaphore_release(ct_semaphore *sem, int64_t n);
/**
 * @brief The current value (a snapshot).
 * @param sem The semaphore.
 * @return The value.
 * @par Python
 * threading.Semaphore._value
 */
CT_API int64_t ct_semaphore_value(const ct_semaphore *sem);

/* ------------------------------------------------------- Contention profile */

/**
 * @brief A contention hook: told that a thread had to wait for a primitive.
 * @param primitive The ::ct_lock, ::ct_rlock, ::ct_rwlock or ::ct_semaphore waited
 *                  for (for a Condition: its lock, or the condition itself for its
 *                  own RLock).
 * @param waited Seconds the thread slept before it got the primitive.
 * @param ctx The ctx given to ct_set_contention_hook().
 */
typedef void (*ct_contention_hook)(const void *primitive, double waited, void *ctx);

/**
 * @brief Install a contention hook, or remove it with NULL.
 *
 * The hook is called in the thread that waited, after that thread got the
 * primitive, and only when it had to sleep for it: an acquisition that never
 * slept costs nothing extra. Waits inside the hook itself are not reported.
 * Install it before the threads it watches start (a call in flight may still
 * see the previous hook).
 * @param hook The hook, or NULL to turn it off.
 * @param ctx Passed to every call of hook.
 * @par Python
 * None. Like Abseil's RegisterMutexTracer or Go's mutex profile.
 */
CT_API void ct_set_contention_hook(ct_contention_hook hook, void *ctx);

/* -------------------------------------------------------------------- Event */
/**
 * @brief An event (threading.Event): a flag that threads wait on.
 *
 * Valid once initialized with #CT_EVENT_INIT or ct_event_init().
 */
typedef struct ct_event {
    unsigned char v;     /**< bit 0: the flag; bit 1: threads may be parked; the rest: a generation. */
} ct_event;
/** @brief Static initializer of a clear ::ct_event. */
#define CT_EVENT_INIT { 0 }

/**
 * @brief Initialize an event, clear.
 * @param event The event.
 * @par Python
 * threading.Event()
 */
CT_API void ct_event_init(ct_event *event);
/**
 * @brief Set the flag and wake every waiting thread.
 * @param event The event.
 * @par Python
 * threading.Event.set()
 */
CT_API void ct_event_set(ct_event *event);
/**
 * @brief Clear the flag.
 * @param event The event.
 * @par Python
 * threading.Event.clear()
 */
CT_API void ct_event_clear(ct_event *event);
/**
 * @brief Whether the flag is set.
 * @param event The event.
 * @return The flag.
 * @par Python
 * threading.Event.is_set()
 */
CT_API bool ct_event_is_set(const ct_event *event);
/**
 * @brief Wait until the flag is set.
 * @param event The event.
 * @param timeout Seconds or #CT_FOREVER; an invalid timeout counts as 0.
 * @return true if the flag was set on entry or was set during the wait (even if
 *         cleared again since), false on timeout.
 * @par Python
 * threading.Event.wait(timeout)
 */
CT_API bool ct_event_wait(ct_event *event, double timeout);

/* ------------------------------------------------------------------ Barrier */
/**
 * @brief A barrier (threading.Barrier) for a fixed number of threads.
 *
 * No static initializer: the condition points at the barrier's own lock. Use ct_barrier_init().
 */
typedef struct ct_barrier {
    ct_lock lock;           /**< Guards the fields below. */
    ct_condition cond;      /**< Over lock: where the parties wait. */
    size_t parties;         /**< The number of threads to wait for. */
    size_t count;           /**< Threads now in the barrier. */
    int state;              /**< 0 filling, 1 draining, -1 resetting, -2 broken. */
    void (*action)(void *); /**< Run by the last thread in, before the others are released. */
    void *arg;              /**< Passed to action. */
} ct_barrier;

/**
 * @brief Initialize a barrier.
 * @param barrier The barrier.
 * @param parties The number of threads that must call ct_barrier_wait().
 * @param action NULL, or run by one thread when all have arrived.
 * @param arg Passed to action.
 * @return #CT_OK; #CT_EINVAL if parties is 0.
 * @par Python
 * threading.Barrier(parties, action)
 */
CT_API int  ct_barrier_init(ct_barrier *barrier, size_t parties, void (*action)(void *), void *arg);
/**
 * @brief Wait until every party has arrived.
 * @param barrier The barrier.
 * @param timeout Seconds or #CT_FOREVER; running out breaks the barrier.
 * @return 0 .. parties - 1, distinct for each thread; #CT_EBROKEN if the barrier
 *         is or becomes broken, reset or aborted; #CT_ETIMEDOUT; #CT_EINVAL for a
 *         bad timeout; #CT_EOVERFLOW.
 * @par Python
 * threading.Barrier.wait(timeout)
 */
CT_API int  ct_barrier_wait(ct_barrier *barrier, double timeout);
/**
 * @brief Return the barrier to its empty state; threads waiting get #CT_EBROKEN.
 * @param barrier The barrier.
 * @par Python
 * threading.Barrier.reset()
 */
CT_API void ct_barrier_reset(ct_barrier *barrier);
/**
 * @brief Break the barrier: waits now and later get #CT_EBROKEN until a reset.
 * @param barrier The barrier.
 * @par Python
 * threading.Barrier.abort()
 */
CT_API void ct_barrier_abort(ct_barrier *barrier);
/**
 * @brief Whether the barrier is broken.
 * @param barrier The barrier.
 * @return true when broken.
 * @par Python
 * threading.Barrier.broken
 */
CT_API bool ct_barrier_broken(const ct_barrier *barrier);
/**
 * @brief The number of parties.
 * @param barrier The barrier.
 * @return parties as given to ct_barrier_init().
 * @par Python
 * threading.Barrier.parties
 */
CT_API size_t ct_barrier_parties(const ct_barrier *barrier);
/**
 * @brief The number of threads waiting in the barrier now.
 * @param barrier The barrier.
 * @return The count.
 * @par Python
 * threading.Barrier.n_waiting
 */
CT_API size_t ct_barrier_n_waiting(const ct_barrier *barrier);

/* -------------------------------------------------------------------- Timer */
/** @brief A timer handle (threading.Timer); opaque, released with ct_timer_release(). */
typedef struct ct_timer ct_timer;
/**
 * @brief Start a thread that runs function(arg) after interval seconds unless cancelled.
 * @param timer Receives the handle.
 * @param interval Seconds to wait first.
 * @param function The function to run.
 * @param arg Passed to function.
 * @param options For the timer's thread; NULL for the defaults.
 * @return #CT_OK; #CT_EINVAL if timer or function is NULL or the interval is
 *         negative or NaN; #CT_EOVERFLOW; #CT_ENOMEM; #CT_EAGAIN.
 * @par Python
 * threading.Timer(interval, function).start()
 */
CT_API int  ct_timer_start(ct_timer **timer, double interval, void (*function)(void *), void *arg,
                           const ct_thread_options *options);
/**
 * @brief Stop the timer if its function has not started.
 * @param timer The timer.
 * @return true if this call stopped the function from running.
 * @par Python
 * threading.Timer.cancel()
 */
CT_API bool ct_timer_cancel(ct_timer *timer);
/**
 * @brief Wait for the timer's thread to finish.
 * @param timer The timer.
 * @param timeout Seconds or #CT_FOREVER.
 * @return As ct_thread_join(): #CT_OK; #CT_ETIMEDOUT; #CT_EDEADLK from the timer's
 *         own function; #CT_EINVAL; #CT_EOVERFLOW.
 * @par Python
 * threading.Timer.join(timeout)
 */
CT_API int  ct_timer_join(ct_timer *timer, double timeout);
/**
 * @brief Release the handle; a timer not cancelled still fires.
 * @param timer The handle (NULL: nothing).
 * @par Python
 * dropping the last reference to a Timer object.
 */
CT_API void ct_timer_release(ct_timer *timer);

/* ------------------------------------------------------------------- local */
/**
 * @brief Thread-local data (threading.local): one void * per thread.
 *
 * Destroying a local runs its destructor on every thread's remaining non-NULL
 * value, as dropping a threading.local does; no thread may use the local
 * during or after destroy.
 */
typedef struct ct_local {
    size_t slot;                 /**< 1 + this local's slot in every thread's table; 0 when not initialized. */
    void (*destructor)(void *);  /**< Run on a thread's non-NULL value when it exits. */
} ct_local;

/**
 * @brief Initialize a thread-local variable.
 * @param local The variable.
 * @param destructor NULL, or run on a thread's non-NULL value at thread exit.
 * @return #CT_OK; #CT_EINVAL if local is NULL; #CT_ENOMEM.
 * @par Python
 * threading.local()
 */
CT_API int   ct_local_init(ct_local *local, void (*destructor)(void *));
/**
 * @brief The calling thread's value.
 * @param local The variable.
 * @return The value, NULL if this thread set none.
 * @par Python
 * reading an attribute of a threading.local
 */
CT_API void *ct_local_get(ct_local *local);
/**
 * @brief Set the calling thread's value.
 * @param local The variable.
 * @param value The new value (the old one is not destroyed).
 * @return #CT_OK; #CT_EINVAL if local is not initialized; #CT_ENOMEM.
 * @par Python
 * setting an attribute of a threading.local
 */
CT_API int   ct_local_set(ct_local *local, void *value);
/**
 * @brief Destroy the variable, running its destructor on every thread's remaining value.
 * @param local The variable.
 * @par Python
 * dropping the last reference to a threading.local
 */
CT_API void  ct_local_destroy(ct_local *local);

/* -------------------------------------------------------------------- Queue */
/** @brief A queue of void * items (queue.Queue); opaque, released with ct_queue_release(). */
typedef struct ct_queue ct_queue;
/** @brief The order a ::ct_queue gives its items in. */
typedef enum ct_queue_kind {
    CT_QUEUE_FIFO,       /**< First in, first out (queue.Queue). */
    CT_QUEUE_LIFO,       /**< Last in, first out (queue.LifoQueue). */
    CT_QUEUE_PRIORITY    /**< Smallest first by compare, FIFO among equals (queue.PriorityQueue). */
} ct_queue_kind;

/**
 * @brief Create a queue.
 * @param queue Receives the handle.
 * @param kind FIFO, LIFO or PRIORITY.
 * @param maxsize The most items it holds; 0 for no limit.
 * @param compare PRIORITY only (NULL otherwise): called with two items as given
 *        to put, negative when item_a comes first.
 * @return #CT_OK; #CT_EINVAL for a NULL queue, an unknown kind, or compare given
 *         for a kind other than PRIORITY or missing for PRIORITY; #CT_ENOMEM.
 * @par Python
 * queue.Queue(maxsize), queue.LifoQueue(maxsize), queue.PriorityQueue(maxsize)
 */
CT_API int  ct_queue_new(ct_queue **queue, ct_queue_kind kind, size_t maxsize,
                         int (*compare)(const void *item_a, const void *item_b));
/**
 * @brief Put an item, waiting while the queue is full.
 * @param queue The queue.
 * @param item The item.
 * @param timeout Seconds, #CT_FOREVER, or 0 (put_nowait).
 * @return #CT_OK; #CT_EFULL if there was no room in time; #CT_ESHUTDOWN once
 *         shut down; #CT_EINVAL for a bad timeout; #CT_EOVERFLOW; #CT_ENOMEM.
 * @par Python
 * queue.Queue.put(item, timeout=timeout)
 */
CT_API int  ct_queue_put(ct_queue *queue, void *item, double timeout);
/**
 * @brief Remove and return an item, waiting while the queue is empty.
 * @param queue The queue.
 * @param item Receives the item.
 * @param timeout Seconds, #CT_FOREVER, or 0 (get_nowait).
 * @return #CT_OK; #CT_EEMPTY if nothing came in time; #CT_ESHUTDOWN once shut
 *         down and drained (at once after an immediate shutdown); #CT_EINVAL for
 *         a NULL item or a bad timeout; #CT_EOVERFLOW.
 * @par Python
 * queue.Queue.get(timeout=timeout)
 */
CT_API int  ct_queue_get(ct_queue *queue, void **item, double timeout);
/**
 * @brief Mark one item taken with get as processed.
 * @param queue The queue.
 * @return #CT_OK; #CT_EINVAL if called more times than items were put.
 * @par Python
 * queue.Queue.task_done()
 */
CT_API int  ct_queue_task_done(ct_queue *queue);
/**
 * @brief Wait until every item put has been marked done.
 * @param queue The queue.
 * @param timeout Seconds or #CT_FOREVER.
 * @return #CT_OK; #CT_ETIMEDOUT; #CT_EINVAL for a bad timeout; #CT_EOVERFLOW.
 * @par Python
 * queue.Queue.join()
 */
CT_API int  ct_queue_join(ct_queue *queue, double timeout);
/**
 * @brief The number of items (a snapshot).
 * @param queue The queue.
 * @return The count.
 * @par Python
 * queue.Queue.qsize()
 */
CT_API size_t ct_queue_qsize(ct_queue *queue);
/**
 * @brief Whether the queue is empty (a snapshot).
 * @param queue The queue.
 * @return true when empty.
 * @par Python
 * queue.Queue.empty()
 */
CT_API bool ct_queue_empty(ct_queue *queue);
/**
 * @brief Whether the queue is full (a snapshot; never for maxsize 0).
 * @param queue The queue.
 * @return true when full.
 * @par Python
 * queue.Queue.full()
 */
CT_API bool ct_queue_full(ct_queue *queue);
/**
 * @brief Shut the queue down: puts fail from now on, gets once it is drained.
 * @param queue The queue.
 * @param immediate Also drop the items left, so gets fail at once.
 * @par Python
 * queue.Queue.shutdown(immediate) (3.13)
 */
CT_API void ct_queue_shutdown(ct_queue *queue, bool immediate);
/**
 * @brief Release the queue; no thread may use it afterwards.
 * @param queue The queue (NULL: nothing).
 * @par Python
 * dropping the last reference to a Queue.
 */
CT_API void ct_queue_release(ct_queue *queue);

/* -------------------------------------------------------------- Thread pool */
/** @brief A thread pool (concurrent.futures.ThreadPoolExecutor); opaque, released with ct_pool_release(). */
typedef struct ct_pool ct_pool;
/** @brief The result of a call (concurrent.futures.Future); opaque, released with ct_future_release(). */
typedef struct ct_future ct_future;

/**
 * @brief Create a pool; its workers start as work arrives.
 * @param pool Receives the handle.
 * @param max_workers The most worker threads; 0 for min(32, cpus + 4).
 * @param thread_name_prefix Worker names are "<prefix>_<i>"; NULL for "ThreadPoolExecutor-N".
 * @return #CT_OK; #CT_EINVAL if pool is NULL; #CT_ENOMEM.
 * @par Python
 * concurrent.futures.ThreadPoolExecutor(max_workers, thread_name_prefix)
 */
CT_API int  ct_pool_new(ct_pool **pool, size_t max_workers, const char *thread_name_prefix);

/** @brief Options for ct_pool_new_with_options() (ThreadPoolExecutor's keyword arguments). */
typedef struct ct_pool_options {
    size_t max_workers;              /**< The most worker threads; 0 for min(32, cpus + 4). */
    const char *thread_name_prefix;  /**< NULL for "ThreadPoolExecutor-N". */
    int (*initializer)(void *arg);   /**< NULL for none; runs first in every worker thread. */
    void *initarg;                   /**< The initializer's argument. */
} ct_pool_options;
/** @brief The default ::ct_pool_options: no initializer, as ct_pool_new(p, 0, NULL). */
#define CT_POOL_OPTIONS_INIT { 0, NULL, NULL, NULL }

/**
 * @brief Create a pool with options, an initializer among them.
 *
 * The initializer runs first in every worker thread. One that returns non-zero
 * breaks the pool, as BrokenThreadPool does: work not yet started finishes with
 * #CT_EBROKEN from ct_future_result(), and ct_pool_submit() / ct_pool_map()
 * return #CT_EBROKEN from then on. Release the pool with ct_pool_release().
 * @param pool Receives the handle (NULL on failure).
 * @param options The options, or NULL for #CT_POOL_OPTIONS_INIT.
 * @return #CT_OK; #CT_EINVAL if pool is NULL; #CT_ENOMEM.
 * @par Python
 * concurrent.futures.ThreadPoolExecutor(max_workers, thread_name_prefix, initializer, initargs)
 */
CT_API int  ct_pool_new_with_options(ct_pool **pool, const ct_pool_options *options);

/**
 * @brief Whether an initializer failed in this pool.
 * @param pool The pool (NULL: false).
 * @return true once a worker's initializer has returned non-zero.
 * @par Python
 * ThreadPoolExecutor._broken (BrokenThreadPool raised by submit)
 */
CT_API bool ct_pool_broken(ct_pool *pool);

/**
 * @brief Run fn over an array on the pool, results gathered in input order.
 *
 * Runs fn(args[i]) for every i on the pool and stores its return value in
 * results[i], collecting in input order. At most buffersize calls are
 * submitted but not yet collected (0: all are submitted at once). timeout
 * covers the whole call. When it returns early, calls not yet started are
 * cancelled and calls already running finish in the background; results[i]
 * is written only for calls collected before ct_pool_map returned, never
 * afterwards.
 * @param pool The pool.
 * @param fn The function to call.
 * @param args n arguments, one per call.
 * @param results n slots for the return values.
 * @param n The number of calls (0: nothing to do).
 * @param timeout Seconds for the whole call, or #CT_FOREVER.
 * @param buffersize The most calls in flight; 0: no bound.
 * @return #CT_OK once every call has finished; #CT_ETIMEDOUT when the deadline
 *         passed first; #CT_ESHUTDOWN (pool shut down); #CT_EBROKEN (pool broken
 *         by its initializer); #CT_ECANCELLED (a call was cancelled by
 *         ct_pool_shutdown() with cancel_futures); #CT_ENOMEM; #CT_EAGAIN (no
 *         worker could start); #CT_EINVAL (NULL pool or fn, NULL args or results
 *         with n > 0, bad timeout); #CT_EOVERFLOW (timeout above #CT_TIMEOUT_MAX).
 * @par Python
 * concurrent.futures.Executor.map(fn, args, timeout=timeout, buffersize=buffersize)
 */
CT_API int  ct_pool_map(ct_pool *pool, void *(*fn)(void *), void *const *args, void **results,
                        size_t n, double timeout, size_t buffersize);

/**
 * @brief Schedule fn(arg) on the pool.
 * @param pool The pool.
 * @param future Receives the call's future; release it with ct_future_release().
 * @param fn The function; its return value is the future's result.
 * @param arg Passed to fn.
 * @return #CT_OK; #CT_EINVAL if an argument is NULL; #CT_ESHUTDOWN once the pool
 *         (or the process) is shutting down; #CT_ENOMEM; #CT_EAGAIN if no worker
 *         could be started.
 * @par Python
 * concurrent.futures.ThreadPoolExecutor.submit(fn, arg)
 */
CT_API int  ct_pool_submit(ct_pool *pool, ct_future **future, void *(*fn)(void *), void *arg);
/**
 * @brief Refuse new work and let the workers end once the queue is done.
 * @param pool The pool.
 * @param wait Wait for the workers to end.
 * @param cancel_futures Cancel the calls not yet started.
 * @par Python
 * concurrent.futures.ThreadPoolExecutor.shutdown(wait, cancel_futures=...)
 */
CT_API void ct_pool_shutdown(ct_pool *pool, bool wait, bool cancel_futures);
/**
 * @brief Release the pool, shutting it down with wait=true if not yet shut down.
 * @param pool The pool (NULL: nothing).
 * @par Python
 * leaving a with ThreadPoolExecutor() block.
 */
CT_API void ct_pool_release(ct_pool *pool);

/**
 * @brief Wait for the call's result.
 * @param future The future.
 * @param result Receives fn's return value.
 * @param timeout Seconds or #CT_FOREVER.
 * @return #CT_OK; #CT_ETIMEDOUT; #CT_ECANCELLED if it was cancelled; #CT_EINVAL
 *         for a NULL argument or a bad timeout; #CT_EOVERFLOW; #CT_EBROKEN if its
 *         pool's initializer failed before it started (BrokenThreadPool).
 * @par Python
 * concurrent.futures.Future.result(timeout)
 */
CT_API int  ct_future_result(ct_future *future, void **result, double timeout);
/**
 * @brief Cancel the call if it has not started.
 * @param future The future.
 * @return true if it is cancelled now (by this call or before).
 * @par Python
 * concurrent.futures.Future.cancel()
 */
CT_API bool ct_future_cancel(ct_future *future);
/**
 * @brief Whether the call was cancelled.
 * @param future The future.
 * @return true when cancelled.
 * @par Python
 * concurrent.futures.Future.cancelled()
 */
CT_API bool ct_future_cancelled(ct_future *future);
/**
 * @brief Whether the call is running now.
 * @param future The future.
 * @return true while it runs.
 * @par Python
 * concurrent.futures.Future.running()
 */
CT_API bool ct_future_running(ct_future *future);
/**
 * @brief Whether the call has finished or was cancelled.
 * @param future The future.
 * @return true when done.
 * @par Python
 * concurrent.futures.Future.done()
 */
CT_API bool ct_future_done(ct_future *future);
/**
 * @brief Call fn(future, arg) when the future is done (at once if it is).
 * @param future The future.
 * @param fn The callback.
 * @param arg Passed to fn.
 * @return #CT_OK; #CT_EINVAL if future or fn is NULL; #CT_ENOMEM.
 * @par Python
 * concurrent.futures.Future.add_done_callback(fn)
 */
CT_API int  ct_future_add_done_callback(ct_future *future, void (*fn)(ct_future *, void *), void *arg);
/**
 * @brief Release the handle; the call itself goes on.
 * @param future The handle (NULL: nothing).
 * @par Python
 * dropping the last reference to a Future.
 */
CT_API void ct_future_release(ct_future *future);

/**
 * @brief Make a pending future that any code completes.
 * @param future Receives the future; release it with ct_future_release().
 * @return #CT_OK; #CT_EINVAL if future is NULL; #CT_ENOMEM.
 * @par Python
 * concurrent.futures.Future()
 */
CT_API int  ct_future_new(ct_future **future);

/**
 * @brief Mark the future running, unless it was cancelled.
 * @param future The future.
 * @return #CT_OK when the future is now running; #CT_ECANCELLED when it had been
 *         cancelled (its waiters were woken and its callbacks have run);
 *         #CT_EPERM (RuntimeError) when it is already running or done, or when
 *         its cancel was reported already; #CT_EINVAL when future is NULL.
 * @par Python
 * concurrent.futures.Future.set_running_or_notify_cancel()
 */
CT_API int  ct_future_set_running_or_notify_cancel(ct_future *future);

/**
 * @brief Finish the future with a result, waking its waiters and running its callbacks.
 * @param future The future, pending or running.
 * @param result What ct_future_result() hands out.
 * @return #CT_OK; #CT_EPERM (InvalidStateError) when it is already done or
 *         cancelled; #CT_EINVAL when future is NULL.
 * @par Python
 * concurrent.futures.Future.set_result(result)
 */
CT_API int  ct_future_set_result(ct_future *future, void *result);

/** @brief What ct_futures_wait() waits for. */
typedef enum ct_wait_mode {
    CT_FIRST_COMPLETED,  /**< Any one future done (concurrent.futures.FIRST_COMPLETED). */
    CT_ALL_COMPLETED     /**< Every future done (concurrent.futures.ALL_COMPLETED). */
} ct_wait_mode;
/**
 * @brief Wait until one or all of the futures are done.
 * @param futures The futures.
 * @param n How many.
 * @param timeout Seconds or #CT_FOREVER.
 * @param mode #CT_FIRST_COMPLETED or #CT_ALL_COMPLETED.
 * @return #CT_OK when the condition holds (ct_future_done() tells which);
 *         #CT_ETIMEDOUT; #CT_EINVAL for a NULL future, an unknown mode or a bad
 *         timeout; #CT_EOVERFLOW; #CT_ENOMEM.
 * @par Python
 * concurrent.futures.wait(fs, timeout, return_when)
 */
CT_API int  ct_futures_wait(ct_future *const *futures, size_t n, double timeout, ct_wait_mode mode);

/** @brief An as_completed(fs, timeout) iteration: the futures in the order they finish. */
typedef struct ct_as_completed ct_as_completed;

/**
 * @brief Start an as_completed iteration over n futures.
 *
 * The iterator holds a reference on each future until it is released; a
 * future that appears twice in the array is yielded once.
 * @param it Receives the iterator; release it with ct_as_completed_release().
 * @param futures n futures (not NULL).
 * @param n How many.
 * @param timeout Seconds for the whole iteration, counted from now, or #CT_FOREVER.
 * @return #CT_OK; #CT_EINVAL (NULL it, futures or element, bad timeout);
 *         #CT_EOVERFLOW (timeout above #CT_TIMEOUT_MAX); #CT_ENOMEM.
 * @par Python
 * concurrent.futures.as_completed(fs, timeout)
 */
CT_API int  ct_as_completed_new(ct_as_completed **it, ct_future *const *futures, size_t n, double timeout);

/**
 * @brief The next finished (done or cancelled) future.
 *
 * Futures finished when the iterator was made come first, then each as it
 * finishes; each call costs O(1) besides waiting.
 * @param it The iterator.
 * @param future Receives the future, borrowed from the caller's array.
 * @return #CT_OK; #CT_EEMPTY (StopIteration) once every future was yielded;
 *         #CT_ETIMEDOUT (TimeoutError) once the deadline has passed with
 *         futures unfinished; #CT_EINVAL (NULL it or future).
 * @par Python
 * next() on the iterator as_completed returns
 */
CT_API int  ct_as_completed_next(ct_as_completed *it, ct_future **future);

/**
 * @brief Drop the iterator, early or not: it unhooks itself from every future.
 * @param it The iterator (NULL: nothing).
 * @par Python
 * dropping the as_completed generator
 */
CT_API void ct_as_completed_release(ct_as_completed *it);

#ifdef __cplusplus
}
#endif
#endif /* CTHREADING_H */
