/* SPDX-License-Identifier: MIT */
// oneTBB peers: tbb::spin_mutex and tbb::queuing_mutex in the lock suites,
// tbb::concurrent_bounded_queue in the queue suites, tbb::task_group in the
// pool suites. Built only where CMake finds TBB.
//
// tbb::task_group gives no future per task: a task's result is its
// completion, seen by task_group::wait(). And wait() runs queued tasks on the
// waiting thread itself, so its round trip may never leave the caller.
#include "common.h"

#include <tbb/concurrent_queue.h>
#include <tbb/global_control.h>
#include <tbb/queuing_mutex.h>
#include <tbb/spin_mutex.h>
#include <tbb/task_arena.h>
#include <tbb/task_group.h>

#include <new>

namespace {

/* ------------------------------------------------------------------- locks */

template <class T> void construct(T *p) { new (p) T(); }
template <class T> void destroy(T *p) { p->~T(); }

inline void spin_lock(tbb::spin_mutex *m) { m->lock(); }
inline void spin_unlock(tbb::spin_mutex *m) { m->unlock(); }

// queuing_mutex is an MCS lock: a holder is its queue node, the scoped_lock.
// No thread here holds two locks at once, so one node per thread serves all.
thread_local tbb::queuing_mutex::scoped_lock queuing_node;

inline void queuing_lock(tbb::queuing_mutex *m) { queuing_node.acquire(*m); }
inline void queuing_unlock(tbb::queuing_mutex *) { queuing_node.release(); }

typedef tbb::spin_mutex tbb_spin_mutex;
typedef tbb::queuing_mutex tbb_queuing_mutex;
BENCH_LOCK(tbbspin, tbb_spin_mutex, construct<tbb_spin_mutex>, spin_lock, spin_unlock,
           destroy<tbb_spin_mutex>)
BENCH_LOCK(tbbqueuing, tbb_queuing_mutex, construct<tbb_queuing_mutex>, queuing_lock,
           queuing_unlock, destroy<tbb_queuing_mutex>)

/* ------------------------------------------------------------------ queues
 * Even threads push, odd threads pop, the same number each. */

typedef tbb::concurrent_bounded_queue<void *> bounded_queue;

const std::ptrdiff_t capacity_bounded16 = 16;
const std::ptrdiff_t capacity_unbounded = 0;   // 0: leave TBB's default (no bound)

void queue_setup(bench_state *s)
{
    bounded_queue *q = new (bench_shared(sizeof(bounded_queue))) bounded_queue();
    std::ptrdiff_t capacity = *static_cast<const std::ptrdiff_t *>(bench_arg(s));
    if (capacity) q->set_capacity(capacity);
}

void queue_transfer(bench_state *s, int64_t n)
{
    bounded_queue *q = static_cast<bounded_queue *>(bench_shared_current());
    bench_batch_begin(s);
    if (bench_thread(s) % 2 == 0) {
        for (int64_t i = 0; i < n; i++) q->push(reinterpret_cast<void *>(i + 1));
    } else {
        void *item;
        for (int64_t i = 0; i < n; i++) q->pop(item);
    }
    bench_batch_end(s, n);
}

void queue_teardown(bench_state *s)
{
    destroy(static_cast<bounded_queue *>(bench_shared_current()));
    bench_report_span(s, "items_per_s", 2);
}

/* -------------------------------------------------------------------- pool
 * The arena has the worker count every pool here gets; TBB's own limit
 * (the processor count) is raised to match, as a user asking for that many
 * would. The caller's thread counts among the arena's slots. */

struct tbb_pool {
    tbb::global_control limit;
    tbb::task_arena arena;
    tbb::task_group group;

    explicit tbb_pool(int workers)
        : limit(tbb::global_control::max_allowed_parallelism, static_cast<size_t>(workers) + 1),
          arena(workers + 1)
    {
    }
};

void task_nothing() {}

void pool_setup(bench_state *)
{
    tbb_pool *p = new (bench_shared(sizeof(tbb_pool))) tbb_pool(bench_pool_workers());
    // Start the workers before timing, as the other pools are started.
    p->arena.execute([p] {
        p->group.run(task_nothing);
        p->group.wait();
    });
}

void pool_teardown(bench_state *s)
{
    destroy(static_cast<tbb_pool *>(bench_shared_current()));
    bench_report_span(s, "tasks_per_s", 1);
}

void pool_many_tasks(bench_state *s, int64_t n)
{
    tbb_pool *p = static_cast<tbb_pool *>(bench_shared_current());
    bench_batch_begin(s);
    p->arena.execute([p, n] {
        for (int64_t i = 0; i < n; i++) {
            for (int k = 0; k < BENCH_POOL_TASKS; k++) p->group.run(task_nothing);
            p->group.wait();
        }
    });
    bench_batch_end(s, n * BENCH_POOL_TASKS);
}

void pool_round_trip(bench_state *s, int64_t n)
{
    tbb_pool *p = static_cast<tbb_pool *>(bench_shared_current());
    bench_batch_begin(s);
    p->arena.execute([p, n] {
        for (int64_t i = 0; i < n; i++) {
            p->group.run(task_nothing);
            p->group.wait();
        }
    });
    bench_batch_end(s, n);
}

}  // namespace

BENCH_REGISTER(register_tbb)
{
    tbbspin_register("tbb_spin_mutex");
    tbbqueuing_register("tbb_queuing_mutex");

    bench_add("queue_1p1c_unbounded", "tbb_concurrent_bounded_queue", queue_transfer, queue_setup,
              nullptr, queue_teardown, &capacity_unbounded, 256, bench_threads_pair);
    bench_add("queue_4p4c_unbounded", "tbb_concurrent_bounded_queue", queue_transfer, queue_setup,
              nullptr, queue_teardown, &capacity_unbounded, 256, bench_threads_4x4);
    bench_add("queue_1p1c_bounded16", "tbb_concurrent_bounded_queue", queue_transfer, queue_setup,
              nullptr, queue_teardown, &capacity_bounded16, 256, bench_threads_pair);
    bench_add("queue_4p4c_bounded16", "tbb_concurrent_bounded_queue", queue_transfer, queue_setup,
              nullptr, queue_teardown, &capacity_bounded16, 256, bench_threads_4x4);

    bench_add("pool_100k_tasks", "tbb_task_group", pool_many_tasks, pool_setup, nullptr,
              pool_teardown, nullptr, 1, nullptr);
    bench_add("pool_round_trip", "tbb_task_group", pool_round_trip, pool_setup, nullptr,
              pool_teardown, nullptr, 16, nullptr);

    bench_size("tbb::spin_mutex", sizeof(tbb::spin_mutex));
    bench_size("tbb::queuing_mutex", sizeof(tbb::queuing_mutex));
}
