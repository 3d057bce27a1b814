/* SPDX-License-Identifier: MIT */
// C++ standard library peers: std::mutex, std::recursive_mutex, std::shared_mutex,
// std::call_once, std::condition_variable and std::thread, through the same bodies as the C rows.
#include "common.h"

#include <condition_variable>
#include <mutex>
#include <new>
#include <shared_mutex>
#include <thread>

namespace {

template <class M> void construct(M *m) { new (m) M(); }
template <class M> void destroy(M *m) { m->~M(); }
template <class M> inline void lock(M *m) { m->lock(); }
template <class M> inline void unlock(M *m) { m->unlock(); }

typedef std::mutex std_mutex;
typedef std::recursive_mutex std_recursive_mutex;

BENCH_LOCK(stdmutex, std_mutex, construct<std_mutex>, lock<std_mutex>, unlock<std_mutex>,
           destroy<std_mutex>)
BENCH_RLOCK(stdrmutex, std_recursive_mutex, construct<std_recursive_mutex>,
            lock<std_recursive_mutex>, unlock<std_recursive_mutex>, destroy<std_recursive_mutex>)

typedef std::shared_mutex std_shared_mutex;
inline void lock_shared(std_shared_mutex *m) { m->lock_shared(); }
inline void unlock_shared(std_shared_mutex *m) { m->unlock_shared(); }

BENCH_RWLOCK(stdshared, std_shared_mutex, construct<std_shared_mutex>, lock_shared, unlock_shared,
             lock<std_shared_mutex>, unlock<std_shared_mutex>, destroy<std_shared_mutex>)

std::once_flag once;

void once_setup(bench_state *)
{
    std::call_once(once, [] {});
}

void once_done(bench_state *, int64_t n)
{
    for (int64_t i = 0; i < n; i++) std::call_once(once, [] {});
}

struct turns {
    BENCH_ALIGNED std::mutex mutex;
    std::condition_variable cond;
    int turn = 0;
};

void condition_pingpong_setup(bench_state *)
{
    new (bench_shared(sizeof(turns))) turns();
}

void condition_pingpong(bench_state *s, int64_t n)
{
    turns *t = static_cast<turns *>(bench_shared_current());
    const int me = bench_thread(s);
    bench_batch_begin(s);
    for (int64_t i = 0; i < n; i++) {
        std::unique_lock<std::mutex> guard(t->mutex);
        t->cond.wait(guard, [&] { return t->turn == me; });
        t->turn = !me;
        t->cond.notify_one();
    }
    bench_batch_end(s, n);
}

void condition_pingpong_teardown(bench_state *s)
{
    static_cast<turns *>(bench_shared_current())->~turns();
    bench_report_span(s, "round_trips_per_s", 2);
}

void thread_start_join(bench_state *, int64_t n)
{
    for (int64_t i = 0; i < n; i++) std::thread([] {}).join();
}

}  // namespace

BENCH_REGISTER(register_cxx)
{
    stdmutex_register("std_mutex");
    stdrmutex_register("std_recursive_mutex");
    stdshared_register("std_shared_mutex");
    bench_add("once_done", "std_call_once", once_done, once_setup, nullptr, nullptr, nullptr, 1000,
              nullptr);
    bench_add("pingpong_condition", "std_condition_variable", condition_pingpong,
              condition_pingpong_setup, nullptr, condition_pingpong_teardown, nullptr, 64,
              bench_threads_pair);
    bench_add("thread_start_join", "std_thread", thread_start_join, nullptr, nullptr, nullptr,
              nullptr, 1, nullptr);
    bench_size("std::mutex", sizeof(std::mutex));
    bench_size("std::condition_variable", sizeof(std::condition_variable));
    bench_size("std::shared_mutex", sizeof(std::shared_mutex));
}
