/* SPDX-License-Identifier: MIT */
/* The C++ wrappers (cthreading.hpp) with the standard library's lock
 * utilities, and the C header used from C++ (its inline fast path included).
 * Built twice, as C++11 (conformance_cxx11) and C++17 (conformance_cxx17,
 * which adds std::scoped_lock and std::shared_lock). */
#include <cthreading.hpp>

#include "harness.h"

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#if __cplusplus >= 201402L
#  include <shared_mutex>
#endif

using std::chrono::milliseconds;
using std::chrono::steady_clock;

namespace {

const int THREADS = 4;
const int INCREMENTS = 20000;

double elapsed_since(steady_clock::time_point start)
{
    return std::chrono::duration<double>(steady_clock::now() - start).count();
}

// lock_guard and unique_lock over each lock type, counted by several ct::threads.
template <class Lockable>
void check_counter()
{
    Lockable lock;
    long counter = 0;
    {
        ct::thread threads[THREADS];
        for (int i = 0; i < THREADS; i++) {
            int status = threads[i].start([&lock, &counter, i] {
                for (int n = 0; n < INCREMENTS; n++) {
                    if ((n + i) % 2) {
                        std::lock_guard<Lockable> guard(lock);
                        counter++;
                    } else {
                        std::unique_lock<Lockable> guard(lock);
                        counter++;
                    }
                }
            });
            CHECK_EQ(status, CT_OK);
        }
    }   // the destructors join
    CHECK_EQ(counter, (long)THREADS * INCREMENTS);
}

} // namespace

TEST(lock_guard_counts)
{
    check_counter<ct::lock>();
}

TEST(rlock_guard_counts)
{
    check_counter<ct::rlock>();
}

TEST(lock_is_timed_lockable)
{
    ct::lock lock;
    std::unique_lock<ct::lock> holder(lock);
    CHECK(lock.locked());
    CHECK(!lock.try_lock());

    // Another owner-less try: from this thread, since a Lock has no owner.
    steady_clock::time_point start = steady_clock::now();
    CHECK(!lock.try_lock_for(milliseconds(50)));
    CHECK_MSG(elapsed_since(start) >= 0.045, "try_lock_for returned after %.3f s", elapsed_since(start));
    start = steady_clock::now();
    CHECK(!lock.try_lock_until(steady_clock::now() + milliseconds(50)));
    CHECK_MSG(elapsed_since(start) >= 0.045, "try_lock_until returned after %.3f s", elapsed_since(start));
    CHECK(!lock.try_lock_for(milliseconds(-5)));   // negative: one try
    CHECK(!lock.try_lock_until(steady_clock::time_point::min()));

    // A waiter with a long timeout gets the lock once it is released.
    std::atomic<bool> got(false);
    ct::thread waiter;
    CHECK_EQ(waiter.start([&] {
        std::unique_lock<ct::lock> other(lock, std::defer_lock);
        got = other.try_lock_for(std::chrono::seconds(30));
    }), CT_OK);
    ct_sleep(0.02);
    holder.unlock();
    CHECK_EQ(waiter.join(), CT_OK);
    CHECK(got.load());
    CHECK(!lock.locked());
}

TEST(rlock_is_recursive_and_owned)
{
    ct::rlock rlock;
    std::lock_guard<ct::rlock> outer(rlock);
    {
        std::unique_lock<ct::rlock> inner(rlock, std::try_to_lock);
        CHECK(inner.owns_lock());
        CHECK(rlock.try_lock_for(milliseconds(1)));
        rlock.unlock();
    }
    std::atomic<int> other_got(-1);
    ct::thread other;
    CHECK_EQ(other.start([&] {
        other_got = rlock.try_lock_for(milliseconds(20)) ? 1 : 0;
    }), CT_OK);
    CHECK_EQ(other.join(), CT_OK);
    CHECK_EQ(other_got.load(), 0);
    CHECK(rlock.locked());
}

// Both locks at once, in the order b, a: std::scoped_lock from C++17, std::lock before.
void lock_both_and_count(ct::lock &a, ct::rlock &b, long &counter)
{
#if __cplusplus >= 201703L
    std::scoped_lock both(b, a);
#else
    std::lock(b, a);
    std::lock_guard<ct::rlock> lb(b, std::adopt_lock);
    std::lock_guard<ct::lock> la(a, std::adopt_lock);
#endif
    counter++;
}

// Two threads take the same two locks in opposite orders without deadlock.
TEST(several_locks_at_once)
{
    ct::lock a;
    ct::rlock b;
    long counter = 0;
    {
        ct::thread first, second;
        CHECK_EQ(first.start([&] {
            for (int n = 0; n < 2000; n++) {
                std::unique_lock<ct::lock> la(a, std::defer_lock);
                std::unique_lock<ct::rlock> lb(b, std::defer_lock);
                std::lock(la, lb);
                counter++;
            }
        }), CT_OK);
        CHECK_EQ(second.start([&] {
            for (int n = 0; n < 2000; n++) lock_both_and_count(a, b, counter);
        }), CT_OK);
    }
    CHECK_EQ(counter, 4000);
    CHECK(!a.locked());
    CHECK(!b.locked());
}

// A read hold, through std::shared_lock where the standard has it (C++14).
class read_hold {
public:
    explicit read_hold(ct::rwlock &rwlock)
#if __cplusplus >= 201402L
        : hold_(rwlock) {}
#else
        : rwlock_(rwlock) { rwlock_.lock_shared(); }
    ~read_hold() { rwlock_.unlock_shared(); }
#endif
private:
#if __cplusplus >= 201402L
    std::shared_lock<ct::rwlock> hold_;
#else
    ct::rwlock &rwlock_;
#endif
};

// Writers keep two halves equal under the write lock; readers never see them differ.
TEST(rwlock_readers_and_writers)
{
    ct::rwlock rwlock;
    long first = 0, second = 0;
    std::atomic<int> torn(0);
    {
        ct::thread threads[THREADS];
        for (int i = 0; i < THREADS; i++) {
            CHECK_EQ(threads[i].start([&, i] {
                for (int n = 0; n < 5000; n++) {
                    if ((n + i) % 4 == 0) {
                        std::lock_guard<ct::rwlock> write(rwlock);
                        first++;
                        second++;
                    } else {
                        read_hold read(rwlock);
                        if (first != second) torn++;
                    }
                }
            }), CT_OK);
        }
    }
    CHECK_EQ(torn.load(), 0);
    CHECK_EQ(first, 5000L);
    CHECK_EQ(second, 5000L);
}

TEST(rwlock_is_shared_timed_lockable)
{
    ct::rwlock rwlock;
    CHECK(rwlock.try_lock_shared());
    CHECK(rwlock.try_lock_shared_for(milliseconds(1)));   // readers share it
    steady_clock::time_point start = steady_clock::now();
    CHECK(!rwlock.try_lock_for(milliseconds(50)));        // a writer waits for them
    CHECK_MSG(elapsed_since(start) >= 0.045, "try_lock_for returned after %.3f s", elapsed_since(start));
    rwlock.unlock_shared();
    rwlock.unlock_shared();

    std::unique_lock<ct::rwlock> write(rwlock, std::defer_lock);
    CHECK(write.try_lock_until(steady_clock::now() + std::chrono::seconds(30)));
    CHECK(!rwlock.try_lock_shared());
    CHECK(!rwlock.try_lock_shared_until(steady_clock::now() + milliseconds(20)));
    write.unlock();
#if __cplusplus >= 201402L
    std::shared_lock<ct::rwlock> read(rwlock, std::defer_lock);
    CHECK(read.try_lock_for(milliseconds(10)));
    CHECK(!write.try_lock());
    read.unlock();
#endif
    CHECK(rwlock.try_lock());
    rwlock.unlock();
}

TEST(condition_with_lock)
{
    ct::lock lock;
    ct::condition ready(lock);
    int items = 0;
    ct::thread producer;
    CHECK_EQ(producer.start([&] {
        for (int n = 0; n < 3; n++) {
            std::lock_guard<ct::lock> guard(lock);
            items++;
            ready.notify_one();
        }
    }), CT_OK);
    {
        std::unique_lock<ct::lock> guard(lock);
        ready.wait([&] { return items == 3; });
        CHECK_EQ(items, 3);
        steady_clock::time_point start = steady_clock::now();
        CHECK(!ready.wait_for(milliseconds(30), [&] { return items == 4; }));
        CHECK(elapsed_since(start) >= 0.025);
        CHECK(!ready.wait_for(milliseconds(10)));
        CHECK(!ready.wait_until(steady_clock::now() + milliseconds(10)));
    }
    CHECK_EQ(producer.join(), CT_OK);
}

TEST(condition_own_rlock_is_lockable)
{
    ct::condition cond;
    bool flag = false;
    ct::thread setter;
    std::unique_lock<ct::condition> guard(cond);
    CHECK_EQ(setter.start([&] {
        std::lock_guard<ct::condition> inner(cond);
        flag = true;
        cond.notify_all();
    }), CT_OK);
    CHECK(cond.wait_for(std::chrono::seconds(30), [&] { return flag; }));
    guard.unlock();
    CHECK_EQ(setter.join(), CT_OK);
}

TEST(semaphores)
{
    ct::semaphore sem(0);
    CHECK(!sem.try_acquire());
    CHECK(!sem.try_acquire_for(milliseconds(10)));
    CHECK_EQ(sem.release(2), CT_OK);
    CHECK_EQ(sem.value(), 2);
    CHECK(sem.try_acquire_until(steady_clock::now() + milliseconds(10)));
    sem.acquire();
    CHECK_EQ(sem.value(), 0);
    CHECK_EQ(sem.release(0), CT_EINVAL);

    ct::bounded_semaphore bounded(1);
    bounded.acquire();
    CHECK_EQ(bounded.release(), CT_OK);
    CHECK_EQ(bounded.release(), CT_EINVAL);   // BoundedSemaphore: ValueError
    CHECK_EQ(bounded.value(), 1);
}

TEST(event_waits)
{
    ct::event event;
    CHECK(!event.is_set());
    CHECK(!event.wait_for(milliseconds(10)));
    ct::thread setter;
    CHECK_EQ(setter.start([&] { event.set(); }), CT_OK);
    CHECK(event.wait_until(steady_clock::now() + std::chrono::seconds(30)));
    event.wait();
    event.clear();
    CHECK(!event.is_set());
}

TEST(thread_handles)
{
    std::atomic<int> ran(0);
    ct_thread_options options = CT_THREAD_OPTIONS_INIT;
    options.name = "cxx-worker";
    ct::thread worker;
    CHECK(!worker.joinable());
    CHECK_EQ(worker.join(), CT_EINVAL);
    CHECK_EQ(worker.start([&] { ran++; }, &options), CT_OK);
    CHECK_EQ(worker.start([&] { ran++; }), CT_EINVAL);   // holds one already
    CHECK(worker.joinable());
    CHECK(worker.name() != nullptr && std::string(worker.name()) == "cxx-worker");
    CHECK_NE(worker.ident(), 0);
    CHECK_EQ(worker.join_for(std::chrono::seconds(30)), CT_OK);
    CHECK(!worker.is_alive());

    ct::thread moved(std::move(worker));
    CHECK(!worker.joinable());
    CHECK(moved.joinable());
    moved.detach();
    CHECK(!moved.joinable());
    CHECK_EQ(ran.load(), 1);
}

// The destructor joins: what the thread writes is there once the object is gone.
TEST(thread_destructor_joins)
{
    std::atomic<bool> finished(false);
    {
        ct::thread slow;
        CHECK_EQ(slow.start([&] {
            ct_sleep(0.05);
            finished = true;
        }), CT_OK);
    }
    CHECK(finished.load());
}

// The C API from C++: the inline fast path and the status codes.
TEST(c_header_from_cxx)
{
    static ct_lock lock = CT_LOCK_INIT;
    static ct_rlock rlock = CT_RLOCK_INIT;
    static ct_event event = CT_EVENT_INIT;
    static ct_semaphore sem = CT_SEMAPHORE_INIT(1);
    ct_lock_acquire(&lock);
    CHECK(ct_lock_locked(&lock));
    CHECK_EQ(ct_lock_release(&lock), CT_OK);
    CHECK_EQ(ct_lock_release(&lock), CT_EPERM);
    CHECK_EQ(ct_rlock_acquire_timeout(&rlock, 0), CT_OK);
    CHECK_EQ(ct_rlock_release(&rlock), CT_OK);
    CHECK(!ct_event_wait(&event, 0));
    CHECK_EQ(ct_semaphore_acquire_timeout(&sem, 0), CT_OK);
    CHECK_EQ(ct_semaphore_acquire_timeout(&sem, 0), CT_ETIMEDOUT);
    CHECK_EQ(ct_lock_acquire_timeout(&lock, -2.0), CT_EINVAL);
    CHECK(ct_strerror(CT_ETIMEDOUT) != nullptr);
}
