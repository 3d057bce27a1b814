/* SPDX-License-Identifier: MIT */
/**
 * @file cthreading.hpp
 * @brief C++11 wrappers: the locks as std Lockables, and RAII handles.
 *
 * Header-only and thin: each class holds the C object (or handle) and nothing
 * else. ct::mutex (alias ct::lock), ct::rlock and ct::rwlock (for writing) are
 * Lockable and TimedLockable, so std::lock_guard, std::unique_lock, std::lock
 * and std::scoped_lock work with them; ct::rwlock is also SharedTimedLockable,
 * for std::shared_lock (C++14). No exceptions are thrown: a call the C API refuses as misuse (releasing
 * a lock that is not held, waiting on a condition without its lock) aborts the
 * process with a message, as using a std::mutex wrongly is undefined.
 *
 * Durations and time points are turned into the C API's seconds once; a
 * negative one tries once without blocking, one past #CT_TIMEOUT_MAX waits
 * forever. try_lock_until on a clock other than a steady one converts the time
 * point at the call: a later change of that clock does not move the deadline.
 */
#ifndef CTHREADING_HPP
#define CTHREADING_HPP

#include "cthreading.h"

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <new>
#include <type_traits>
#include <utility>

/** @brief The C++ wrappers of cthreading. */
namespace ct {

namespace detail {

/* Misuse the C API reports (CT_EPERM, CT_EINVAL) has no place in a void
 * std-style call: end loudly rather than carry on with a broken invariant. */
inline void check(int status, const char *call) noexcept
{
    if (status != CT_OK) {
        std::fprintf(stderr, "cthreading: %s: %s\n", call, ct_strerror(status));
        std::abort();
    }
}

template <class Rep, class Period>
double seconds(const std::chrono::duration<Rep, Period> &d) noexcept
{
    double s = std::chrono::duration<double>(d).count();
    if (!(s > 0)) return 0.0;
    if (s > CT_TIMEOUT_MAX) return CT_FOREVER;
    return s;
}

/* Through double seconds, so time_point::max() cannot overflow the subtraction. */
template <class Clock, class Duration>
double seconds_until(const std::chrono::time_point<Clock, Duration> &deadline) noexcept
{
    typedef std::chrono::duration<double> fsec;
    return seconds(fsec(deadline.time_since_epoch()) - fsec(Clock::now().time_since_epoch()));
}

/* Timed acquires return CT_OK or CT_ETIMEDOUT for the timeouts seconds() makes. */
inline bool acquired(int status, const char *call) noexcept
{
    if (status == CT_ETIMEDOUT) return false;
    check(status, call);
    return true;
}

} // namespace detail

namespace detail {

/* The C calls behind each lock type, for basic_lock. Clang's thread-safety
 * analysis sees the wrappers (capabilities themselves), not these forwarders. */
struct lock_calls {
    typedef ct_lock native_type;
    CT_NO_THREAD_SAFETY_ANALYSIS static void acquire(ct_lock *lock) noexcept { ct_lock_acquire(lock); }
    CT_NO_THREAD_SAFETY_ANALYSIS static int acquire_timeout(ct_lock *lock, double timeout) noexcept { return ct_lock_acquire_timeout(lock, timeout); }
    CT_NO_THREAD_SAFETY_ANALYSIS static int release(ct_lock *lock) noexcept { return ct_lock_release(lock); }
};
struct rlock_calls {
    typedef ct_rlock native_type;
    CT_NO_THREAD_SAFETY_ANALYSIS static void acquire(ct_rlock *rlock) noexcept { ct_rlock_acquire(rlock); }
    CT_NO_THREAD_SAFETY_ANALYSIS static int acquire_timeout(ct_rlock *rlock, double timeout) noexcept { return ct_rlock_acquire_timeout(rlock, timeout); }
    CT_NO_THREAD_SAFETY_ANALYSIS static int release(ct_rlock *rlock) noexcept { return ct_rlock_release(rlock); }
};
struct rwlock_write_calls {
    typedef ct_rwlock native_type;
    CT_NO_THREAD_SAFETY_ANALYSIS static void acquire(ct_rwlock *rwlock) noexcept { ct_rwlock_acquire_write(rwlock); }
    CT_NO_THREAD_SAFETY_ANALYSIS static int acquire_timeout(ct_rwlock *rwlock, double timeout) noexcept
    {
        return ct_rwlock_acquire_write_timeout(rwlock, timeout);
    }
    CT_NO_THREAD_SAFETY_ANALYSIS static int release(ct_rwlock *rwlock) noexcept { return ct_rwlock_release_write(rwlock); }
};

} // namespace detail

/**
 * @brief A C lock as a std Lockable and TimedLockable: what ct::mutex and ct::rlock share.
 * @tparam Calls The C functions of the lock type (detail::lock_calls, detail::rlock_calls,
 *         detail::rwlock_write_calls).
 */
template <class Calls>
class CT__CAPABILITY("mutex") basic_lock {
public:
    /** @brief The C type inside. */
    typedef typename Calls::native_type native_type;

    /** @brief A released lock; constexpr, so a static one needs no constructor call. */
    constexpr basic_lock() noexcept : native_() {}
    basic_lock(const basic_lock &) = delete;
    basic_lock &operator=(const basic_lock &) = delete;

    /** @brief Acquire, waiting as long as it takes (an RLock's owner adds a level). */
    void lock() noexcept CT__ACQUIRES() CT_NO_THREAD_SAFETY_ANALYSIS { Calls::acquire(&native_); }
    /**
     * @brief Acquire if that needs no waiting.
     * @return true when acquired.
     */
    bool try_lock() noexcept CT__TRY_ACQUIRES_BOOL() CT_NO_THREAD_SAFETY_ANALYSIS
    {
        return Calls::acquire_timeout(&native_, 0) == CT_OK;
    }
    /**
     * @brief Acquire within a duration (the C _acquire_timeout).
     * @param timeout How long to wait.
     * @return true when acquired.
     */
    template <class Rep, class Period>
    bool try_lock_for(const std::chrono::duration<Rep, Period> &timeout) noexcept
        CT__TRY_ACQUIRES_BOOL() CT_NO_THREAD_SAFETY_ANALYSIS
    {
        return detail::acquired(Calls::acquire_timeout(&native_, detail::seconds(timeout)), "acquire_timeout");
    }
    /**
     * @brief Acquire before a time point.
     * @param deadline When to give up.
     * @return true when acquired.
     */
    template <class Clock, class Duration>
    bool try_lock_until(const std::chrono::time_point<Clock, Duration> &deadline) noexcept
        CT__TRY_ACQUIRES_BOOL() CT_NO_THREAD_SAFETY_ANALYSIS
    {
        return detail::acquired(Calls::acquire_timeout(&native_, detail::seconds_until(deadline)),
                                "acquire_timeout");
    }
    /** @brief Release (an RLock: one level); aborts if not held (an RLock: not owned by the caller). */
    void unlock() noexcept CT__RELEASES() CT_NO_THREAD_SAFETY_ANALYSIS
    {
        detail::check(Calls::release(&native_), "release");
    }
    /**
     * @brief The C lock, for the C API (ct_condition_init_lock(), ct_condition_init_rlock()).
     * @return The C lock inside.
     */
    native_type *native_handle() noexcept { return &native_; }
    /**
     * @brief The C lock, read-only.
     * @return The C lock inside.
     */
    const native_type *native_handle() const noexcept { return &native_; }

private:
    native_type native_;
};

/**
 * @brief threading.Lock: ::ct_lock, one byte; any thread may unlock it.
 *
 * The class is ct::mutex since a C++ class cannot have a member named as
 * itself (lock()); ct::lock names the same type.
 */
class CT__CAPABILITY("mutex") mutex : public basic_lock<detail::lock_calls> {
public:
    /** @brief A released lock; constexpr. */
    constexpr mutex() noexcept {}
    /**
     * @brief Whether the lock is held (ct_lock_locked(), a snapshot).
     * @return true when held.
     */
    bool locked() const noexcept { return ct_lock_locked(native_handle()); }
};

/** @brief threading.Lock: the same type as ct::mutex. */
typedef mutex lock;

/** @brief threading.RLock: ::ct_rlock, re-entrant for its owner. */
class CT__CAPABILITY("mutex") CT__REENTRANT rlock : public basic_lock<detail::rlock_calls> {
public:
    /** @brief A released re-entrant lock; constexpr. */
    constexpr rlock() noexcept {}
    /**
     * @brief Whether any thread holds the lock (ct_rlock_locked(), a snapshot).
     * @return true when held.
     */
    bool locked() const noexcept { return ct_rlock_locked(native_handle()); }
};

/**
 * @brief A read-write lock (::ct_rwlock) as a std Lockable for writers and a
 * SharedTimedLockable for readers: std::unique_lock or std::lock_guard take
 * it for writing, std::shared_lock (C++14) for reading.
 *
 * Writers are preferred; a thread that takes the read lock again while a
 * writer waits can deadlock (see ct_rwlock_acquire_read()).
 */
class CT__CAPABILITY("mutex") rwlock : public basic_lock<detail::rwlock_write_calls> {
public:
    /** @brief A free read-write lock; constexpr. */
    constexpr rwlock() noexcept {}

    /** @brief Acquire for reading, waiting as long as it takes (ct_rwlock_acquire_read()). */
    void lock_shared() noexcept CT__ACQUIRES_SHARED() CT_NO_THREAD_SAFETY_ANALYSIS
    {
        ct_rwlock_acquire_read(native_handle());
    }
    /**
     * @brief Acquire for reading if that needs no waiting.
     * @return true when acquired.
     */
    bool try_lock_shared() noexcept CT__TRY_ACQUIRES_SHARED_BOOL() CT_NO_THREAD_SAFETY_ANALYSIS
    {
        return ct_rwlock_acquire_read_timeout(native_handle(), 0) == CT_OK;
    }
    /**
     * @brief Acquire for reading within a duration (ct_rwlock_acquire_read_timeout()).
     * @param timeout How long to wait.
     * @return true when acquired.
     */
    template <class Rep, class Period>
    bool try_lock_shared_for(const std::chrono::duration<Rep, Period> &timeout) noexcept
        CT__TRY_ACQUIRES_SHARED_BOOL() CT_NO_THREAD_SAFETY_ANALYSIS
    {
        return detail::acquired(ct_rwlock_acquire_read_timeout(native_handle(), detail::seconds(timeout)),
                                "ct_rwlock_acquire_read_timeout");
    }
    /**
     * @brief Acquire for reading before a time point.
     * @param deadline When to give up.
     * @return true when acquired.
     */
    template <class Clock, class Duration>
    bool try_lock_shared_until(const std::chrono::time_point<Clock, Duration> &deadline) noexcept
        CT__TRY_ACQUIRES_SHARED_BOOL() CT_NO_THREAD_SAFETY_ANALYSIS
    {
        return detail::acquired(ct_rwlock_acquire_read_timeout(native_handle(), detail::seconds_until(deadline)),
                                "ct_rwlock_acquire_read_timeout");
    }
    /** @brief Release a read hold (ct_rwlock_release_read()); aborts if no reader holds it. */
    void unlock_shared() noexcept CT__RELEASES_SHARED() CT_NO_THREAD_SAFETY_ANALYSIS
    {
        detail::check(ct_rwlock_release_read(native_handle()), "ct_rwlock_release_read");
    }
};

/**
 * @brief threading.Condition: a condition variable with its lock.
 *
 * It is Lockable itself (lock() / unlock() take its lock), so
 * std::unique_lock<ct::condition> holds it while waiting, as `with cond:` does.
 * The wait functions need the lock held by the caller.
 */
class condition {
public:
    /** @brief A condition over its own RLock, as Condition(). */
    condition() noexcept { ct_condition_init(&cond_); }
    /**
     * @brief A condition over a Lock, as Condition(Lock()).
     * @param lock The lock; it must outlive the condition.
     */
    explicit condition(mutex &lock) noexcept { ct_condition_init_lock(&cond_, lock.native_handle()); }
    /**
     * @brief A condition over an RLock, as Condition(RLock()).
     * @param lock The lock; it must outlive the condition.
     */
    explicit condition(rlock &lock) noexcept { ct_condition_init_rlock(&cond_, lock.native_handle()); }
    condition(const condition &) = delete;
    condition &operator=(const condition &) = delete;

    /** @brief Acquire the condition's lock. */
    void lock() noexcept { ct_condition_acquire(&cond_); }
    /** @brief Release the condition's lock; aborts if it is not held. */
    void unlock() noexcept { detail::check(ct_condition_release(&cond_), "ct_condition_release"); }

    /** @brief Wait for a notify (ct_condition_wait()); aborts if the lock is not held. */
    void wait() noexcept { detail::check(ct_condition_wait(&cond_, CT_FOREVER), "ct_condition_wait"); }
    /**
     * @brief Wait for a notify within a duration.
     * @param timeout How long to wait.
     * @return true when notified, false on timeout.
     */
    template <class Rep, class Period>
    bool wait_for(const std::chrono::duration<Rep, Period> &timeout) noexcept
    {
        return detail::acquired(ct_condition_wait(&cond_, detail::seconds(timeout)), "ct_condition_wait");
    }
    /**
     * @brief Wait for a notify before a time point.
     * @param deadline When to give up.
     * @return true when notified, false on timeout.
     */
    template <class Clock, class Duration>
    bool wait_until(const std::chrono::time_point<Clock, Duration> &deadline) noexcept
    {
        return detail::acquired(ct_condition_wait(&cond_, detail::seconds_until(deadline)),
                                "ct_condition_wait");
    }
    /**
     * @brief Wait until predicate() is true (ct_condition_wait_for()).
     * @param predicate Called with the lock held.
     */
    template <class Predicate>
    void wait(Predicate predicate) noexcept
    {
        wait_predicate(predicate, CT_FOREVER);
    }
    /**
     * @brief Wait until predicate() is true, within a duration.
     * @param timeout How long to wait in all.
     * @param predicate Called with the lock held.
     * @return true once the predicate is true, false on timeout.
     */
    template <class Rep, class Period, class Predicate>
    bool wait_for(const std::chrono::duration<Rep, Period> &timeout, Predicate predicate) noexcept
    {
        return wait_predicate(predicate, detail::seconds(timeout));
    }
    /** @brief Wake one waiting thread; aborts if the lock is not held. */
    void notify_one() noexcept { notify(1); }
    /**
     * @brief Wake up to n waiting threads; aborts if the lock is not held.
     * @param n How many.
     */
    void notify(std::size_t n) noexcept { detail::check(ct_condition_notify(&cond_, n), "ct_condition_notify"); }
    /** @brief Wake every waiting thread; aborts if the lock is not held. */
    void notify_all() noexcept { detail::check(ct_condition_notify_all(&cond_), "ct_condition_notify_all"); }
    /**
     * @brief The C condition.
     * @return The ::ct_condition inside.
     */
    ct_condition *native_handle() noexcept { return &cond_; }

private:
    template <class Predicate>
    static bool call_predicate(void *predicate) noexcept { return (*static_cast<Predicate *>(predicate))(); }
    template <class Predicate>
    bool wait_predicate(Predicate &predicate, double timeout) noexcept
    {
        return detail::acquired(ct_condition_wait_for(&cond_, &call_predicate<Predicate>, &predicate, timeout),
                                "ct_condition_wait_for");
    }
    ct_condition cond_;
};

/** @brief threading.Semaphore. */
class semaphore {
public:
    /**
     * @brief A semaphore holding value; aborts if value is negative.
     * @param value The initial value.
     */
    explicit semaphore(std::int64_t value = 1) noexcept
    {
        detail::check(ct_semaphore_init(&sem_, value), "ct_semaphore_init");
    }
    semaphore(const semaphore &) = delete;
    semaphore &operator=(const semaphore &) = delete;

    /** @brief Decrement, waiting while the value is 0. */
    void acquire() noexcept { ct_semaphore_acquire(&sem_); }
    /**
     * @brief Decrement if the value is above 0, without waiting.
     * @return true when decremented.
     */
    bool try_acquire() noexcept { return ct_semaphore_acquire_timeout(&sem_, 0) == CT_OK; }
    /**
     * @brief Decrement, waiting within a duration.
     * @param timeout How long to wait.
     * @return true when decremented.
     */
    template <class Rep, class Period>
    bool try_acquire_for(const std::chrono::duration<Rep, Period> &timeout) noexcept
    {
        return detail::acquired(ct_semaphore_acquire_timeout(&sem_, detail::seconds(timeout)),
                                "ct_semaphore_acquire_timeout");
    }
    /**
     * @brief Decrement, waiting until a time point.
     * @param deadline When to give up.
     * @return true when decremented.
     */
    template <class Clock, class Duration>
    bool try_acquire_until(const std::chrono::time_point<Clock, Duration> &deadline) noexcept
    {
        return detail::acquired(ct_semaphore_acquire_timeout(&sem_, detail::seconds_until(deadline)),
                                "ct_semaphore_acquire_timeout");
    }
    /**
     * @brief Add n (ct_semaphore_release()).
     * @param n At least 1.
     * @return #CT_OK; #CT_EINVAL if n < 1 or a bounded semaphore would pass its
     *         bound (Python's ValueError); #CT_EOVERFLOW.
     */
    int release(std::int64_t n = 1) noexcept { return ct_semaphore_release(&sem_, n); }
    /**
     * @brief The current value (a snapshot).
     * @return The value.
     */
    std::int64_t value() const noexcept { return ct_semaphore_value(&sem_); }
    /**
     * @brief The C semaphore.
     * @return The ::ct_semaphore inside.
     */
    ct_semaphore *native_handle() noexcept { return &sem_; }

protected:
    /** @brief Selects the bounded constructor. */
    struct bounded_tag {};
    /**
     * @brief A bounded semaphore holding value; aborts if value is negative.
     * @param value The initial value and bound.
     */
    semaphore(std::int64_t value, bounded_tag) noexcept
    {
        detail::check(ct_bounded_semaphore_init(&sem_, value), "ct_bounded_semaphore_init");
    }

private:
    ct_semaphore sem_;
};

/** @brief threading.BoundedSemaphore: release() past the initial value is #CT_EINVAL. */
class bounded_semaphore : public semaphore {
public:
    /**
     * @brief A bounded semaphore holding value, its bound.
     * @param value The initial value.
     */
    explicit bounded_semaphore(std::int64_t value = 1) noexcept : semaphore(value, bounded_tag()) {}
};

/** @brief threading.Event. */
class event {
public:
    /** @brief A clear event; constexpr. */
    constexpr event() noexcept : event_() {}
    event(const event &) = delete;
    event &operator=(const event &) = delete;

    /** @brief Set the flag, waking every waiter. */
    void set() noexcept { ct_event_set(&event_); }
    /** @brief Clear the flag. */
    void clear() noexcept { ct_event_clear(&event_); }
    /**
     * @brief Whether the flag is set.
     * @return The flag.
     */
    bool is_set() const noexcept { return ct_event_is_set(&event_); }
    /** @brief Wait until the flag is set. */
    void wait() noexcept { (void)ct_event_wait(&event_, CT_FOREVER); }
    /**
     * @brief Wait within a duration until the flag is set.
     * @param timeout How long to wait.
     * @return true if it was set (ct_event_wait()), false on timeout.
     */
    template <class Rep, class Period>
    bool wait_for(const std::chrono::duration<Rep, Period> &timeout) noexcept
    {
        return ct_event_wait(&event_, detail::seconds(timeout));
    }
    /**
     * @brief Wait until a time point for the flag.
     * @param deadline When to give up.
     * @return true if it was set, false on timeout.
     */
    template <class Clock, class Duration>
    bool wait_until(const std::chrono::time_point<Clock, Duration> &deadline) noexcept
    {
        return ct_event_wait(&event_, detail::seconds_until(deadline));
    }
    /**
     * @brief The C event.
     * @return The ::ct_event inside.
     */
    ct_event *native_handle() noexcept { return &event_; }

private:
    ct_event event_;
};

/**
 * @brief threading.Thread running a C++ callable.
 *
 * Its destructor joins a thread it still holds, then releases the handle (as
 * std::jthread joins): the callable's references stay valid for its whole run.
 * detach() gives the handle up early; the thread then runs on, as a Python
 * thread does once its Thread object is dropped. Movable, not copyable.
 */
class thread {
public:
    /** @brief No thread yet. */
    thread() noexcept : thread_(nullptr) {}
    /**
     * @brief Take over another object's thread.
     * @param other Left without a thread.
     */
    thread(thread &&other) noexcept : thread_(other.thread_) { other.thread_ = nullptr; }
    /**
     * @brief Join and release the thread held, then take over other's.
     * @param other Left without a thread.
     * @return This object.
     */
    thread &operator=(thread &&other) noexcept
    {
        if (this != &other) {
            finish();
            thread_ = other.thread_;
            other.thread_ = nullptr;
        }
        return *this;
    }
    thread(const thread &) = delete;
    thread &operator=(const thread &) = delete;
    /** @brief Join the thread held, if any, then release its handle. */
    ~thread() { finish(); }

    /**
     * @brief Start a thread running function() (ct_thread_start()).
     *
     * function must not throw: an exception leaving it ends the process.
     * @param function A callable, copied or moved into the new thread.
     * @param options Name, daemon flag and stack size; NULL for the defaults.
     * @return #CT_OK; #CT_EINVAL if this object already holds a thread;
     *         #CT_ENOMEM; #CT_EAGAIN if the OS refused a thread.
     */
    template <class Function>
    int start(Function &&function, const ct_thread_options *options = nullptr) noexcept
    {
        typedef callable<typename std::decay<Function>::type> box_type;
        if (thread_) return CT_EINVAL;
        box_type *box = new (std::nothrow) box_type(std::forward<Function>(function));
        if (!box) return CT_ENOMEM;
        int status = ct_thread_start(&thread_, &box_type::run, box, options);
        if (status != CT_OK) {
            thread_ = nullptr;
            delete box;
        }
        return status;
    }
    /**
     * @brief Wait for the thread to finish (ct_thread_join()).
     * @return #CT_OK; #CT_EINVAL if this object holds no thread; #CT_EDEADLK
     *         from the thread itself.
     */
    int join() noexcept { return thread_ ? ct_thread_join(thread_, CT_FOREVER) : CT_EINVAL; }
    /**
     * @brief Wait within a duration for the thread to finish.
     * @param timeout How long to wait.
     * @return #CT_OK; #CT_ETIMEDOUT; #CT_EINVAL if this object holds no thread;
     *         #CT_EDEADLK from the thread itself.
     */
    template <class Rep, class Period>
    int join_for(const std::chrono::duration<Rep, Period> &timeout) noexcept
    {
        return thread_ ? ct_thread_join(thread_, detail::seconds(timeout)) : CT_EINVAL;
    }
    /** @brief Release the handle now; the thread runs on. */
    void detach() noexcept
    {
        ct_thread_release(thread_);
        thread_ = nullptr;
    }
    /**
     * @brief Whether this object holds a thread.
     * @return true once started and until detached or moved from.
     */
    bool joinable() const noexcept { return thread_ != nullptr; }
    /**
     * @brief Whether the thread is running (ct_thread_is_alive()).
     * @return true while it runs; false without a thread.
     */
    bool is_alive() const noexcept { return ct_thread_is_alive(thread_); }
    /**
     * @brief The thread's name (ct_thread_name()).
     * @return Its name, or NULL without a thread.
     */
    const char *name() const noexcept { return thread_ ? ct_thread_name(thread_) : nullptr; }
    /**
     * @brief The thread's ident (ct_thread_ident()).
     * @return Its ident, or 0 without a thread.
     */
    std::uint64_t ident() const noexcept { return thread_ ? ct_thread_ident(thread_) : 0; }
    /**
     * @brief The C handle.
     * @return The ::ct_thread held, or NULL.
     */
    ct_thread *native_handle() const noexcept { return thread_; }

private:
    template <class Function>
    struct callable {
        explicit callable(Function &&f) : function(std::move(f)) {}
        explicit callable(const Function &f) : function(f) {}
        static void run(void *self) noexcept
        {
            callable *box = static_cast<callable *>(self);
            box->function();
            delete box;
        }
        Function function;
    };
    void finish() noexcept
    {
        if (!thread_) return;
        /* Joining itself is CT_EDEADLK: a thread dropping its own handle lets it go. */
        (void)ct_thread_join(thread_, CT_FOREVER);
        detach();
    }
    ct_thread *thread_;
};

} // namespace ct

#endif /* CTHREADING_HPP */
