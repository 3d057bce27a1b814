/* SPDX-License-Identifier: MIT */
// Boost.Asio peers: boost::asio::thread_pool in the pool suites, twice: with
// post() of a bare function, whose completion is counted down to a condition
// variable (no future, as GThreadPool), and with post() of a
// std::packaged_task, a future per task (as concurrent.futures). Built only
// where CMake finds Boost's headers.
#include "common.h"

#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>

#include <atomic>
#include <condition_variable>
#include <future>
#include <mutex>
#include <new>
#include <vector>

namespace {

struct asio_pool {
    boost::asio::thread_pool pool;
    std::atomic<int64_t> remaining{0};
    std::mutex mutex;
    std::condition_variable all_done;
    std::vector<std::future<void *>> futures;

    explicit asio_pool(int workers) : pool(static_cast<std::size_t>(workers)) {}

    void count_down()
    {
        if (remaining.fetch_sub(1, std::memory_order_acq_rel) == 1) {
            std::lock_guard<std::mutex> hold(mutex);
            all_done.notify_one();
        }
    }

    void post_counted(int64_t count)
    {
        remaining.store(count, std::memory_order_relaxed);
        for (int64_t k = 0; k < count; k++) boost::asio::post(pool, [this] { count_down(); });
        std::unique_lock<std::mutex> hold(mutex);
        all_done.wait(hold, [this] { return remaining.load(std::memory_order_acquire) == 0; });
    }

    std::future<void *> post_future(void *arg)
    {
        std::packaged_task<void *()> task([arg] { return arg; });
        std::future<void *> result = task.get_future();
        boost::asio::post(pool, std::move(task));
        return result;
    }
};

asio_pool *current_pool()
{
    return static_cast<asio_pool *>(bench_shared_current());
}

void pool_setup(bench_state *)
{
    asio_pool *p = new (bench_shared(sizeof(asio_pool))) asio_pool(bench_pool_workers());
    p->futures.resize(BENCH_POOL_TASKS);
    p->post_counted(1);   // start a worker before timing, as the other pools are started
}

void pool_teardown(bench_state *s)
{
    asio_pool *p = current_pool();
    p->pool.join();
    p->~asio_pool();
    bench_report_span(s, "tasks_per_s", 1);
}

/* ------------------------------------------------------------------ post */

void post_many_tasks(bench_state *s, int64_t n)
{
    asio_pool *p = current_pool();
    bench_batch_begin(s);
    for (int64_t i = 0; i < n; i++) p->post_counted(BENCH_POOL_TASKS);
    bench_batch_end(s, n * BENCH_POOL_TASKS);
}

void post_round_trip(bench_state *s, int64_t n)
{
    asio_pool *p = current_pool();
    bench_batch_begin(s);
    for (int64_t i = 0; i < n; i++) p->post_counted(1);
    bench_batch_end(s, n);
}

/* --------------------------------------------------------------- futures */

void future_many_tasks(bench_state *s, int64_t n)
{
    asio_pool *p = current_pool();
    bench_batch_begin(s);
    for (int64_t i = 0; i < n; i++) {
        for (int k = 0; k < BENCH_POOL_TASKS; k++) p->futures[k] = p->post_future(nullptr);
        for (int k = 0; k < BENCH_POOL_TASKS; k++) (void)p->futures[k].get();
    }
    bench_batch_end(s, n * BENCH_POOL_TASKS);
}

void future_round_trip(bench_state *s, int64_t n)
{
    asio_pool *p = current_pool();
    bench_batch_begin(s);
    for (int64_t i = 0; i < n; i++) (void)p->post_future(nullptr).get();
    bench_batch_end(s, n);
}

}  // namespace

BENCH_REGISTER(register_asio)
{
    bench_add("pool_100k_tasks", "asio_thread_pool_post", post_many_tasks, pool_setup, nullptr,
              pool_teardown, nullptr, 1, nullptr);
    bench_add("pool_round_trip", "asio_thread_pool_post", post_round_trip, pool_setup, nullptr,
              pool_teardown, nullptr, 16, nullptr);
    bench_add("pool_100k_tasks", "asio_thread_pool_future", future_many_tasks, pool_setup, nullptr,
              pool_teardown, nullptr, 1, nullptr);
    bench_add("pool_round_trip", "asio_thread_pool_future", future_round_trip, pool_setup, nullptr,
              pool_teardown, nullptr, 16, nullptr);
}
