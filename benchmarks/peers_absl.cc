/* SPDX-License-Identifier: MIT */
// Abseil peers: absl::Mutex (reader locks too) and absl::CondVar. Built only where CMake finds absl.
#include "common.h"

#include <absl/synchronization/mutex.h>

#include <new>

namespace {

void construct(absl::Mutex *m) { new (m) absl::Mutex(); }
void destroy(absl::Mutex *m) { m->~Mutex(); }
inline void lock(absl::Mutex *m) { m->Lock(); }
inline void unlock(absl::Mutex *m) { m->Unlock(); }

typedef absl::Mutex absl_mutex;
BENCH_LOCK(abslmutex, absl_mutex, construct, lock, unlock, destroy)

inline void reader_lock(absl::Mutex *m) { m->ReaderLock(); }
inline void reader_unlock(absl::Mutex *m) { m->ReaderUnlock(); }
BENCH_RWLOCK(abslrw, absl_mutex, construct, reader_lock, reader_unlock, lock, unlock, destroy)

struct turns {
    BENCH_ALIGNED absl::Mutex mutex;
    absl::CondVar cond;
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
        t->mutex.Lock();
        while (t->turn != me) t->cond.Wait(&t->mutex);
        t->turn = !me;
        t->cond.Signal();
        t->mutex.Unlock();
    }
    bench_batch_end(s, n);
}

void condition_pingpong_teardown(bench_state *s)
{
    static_cast<turns *>(bench_shared_current())->~turns();
    bench_report_span(s, "round_trips_per_s", 2);
}

}  // namespace

BENCH_REGISTER(register_absl)
{
    abslmutex_register("absl_mutex");
    abslrw_register("absl_mutex");
    bench_add("pingpong_condition", "absl_condvar", condition_pingpong, condition_pingpong_setup,
              nullptr, condition_pingpong_teardown, nullptr, 64, bench_threads_pair);
    bench_size("absl::Mutex", sizeof(absl::Mutex));
    bench_size("absl::CondVar", sizeof(absl::CondVar));
}
