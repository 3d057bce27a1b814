/* SPDX-License-Identifier: MIT */
// The C++ side of the harness: turns each registered bench_def into a Google
// Benchmark. A body runs a batch of operations per call, so the boundary
// between Google Benchmark's loop and the C body costs nothing per operation.
#include "bench.h"

#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <cstdio>
#include <string>
#include <thread>
#include <utility>
#include <vector>

struct bench_state {
    benchmark::State *state;
    const bench_def *def;
};

namespace {

std::vector<bench_def> &registry()
{
    static std::vector<bench_def> defs;
    return defs;
}

std::vector<std::pair<std::string, size_t>> &sizes()
{
    static std::vector<std::pair<std::string, size_t>> list;
    return list;
}

void run_def(benchmark::State &st, const bench_def *def)
{
    bench_state s{&st, def};
    const int64_t batch = def->batch > 0 ? def->batch : 1;
    if (st.thread_index() == 0 && def->setup) def->setup(&s);
    int64_t done = 0;
    while (st.KeepRunningBatch(batch)) {
        def->run(&s, batch);
        done += batch;
        if (done >= static_cast<int64_t>(st.max_iterations) && def->last_batch) def->last_batch(&s);
    }
    // Every thread has left the loop (Google Benchmark waits for all of them there).
    if (st.thread_index() == 0 && def->teardown) def->teardown(&s);
}

// Suites in name order, cthreading first within each, then the peers as registered.
void sort_registry()
{
    std::stable_sort(registry().begin(), registry().end(), [](const bench_def &a, const bench_def &b) {
        int by_suite = std::strcmp(a.suite, b.suite);
        if (by_suite != 0) return by_suite < 0;
        bool a_first = std::strcmp(a.impl, "cthreading") == 0;
        bool b_first = std::strcmp(b.impl, "cthreading") == 0;
        return a_first && !b_first;
    });
}

void register_all()
{
    sort_registry();
    for (const bench_def &def : registry()) {
        std::string name = std::string(def.suite) + "/" + def.impl;
        benchmark::internal::Benchmark *b =
            benchmark::RegisterBenchmark(name.c_str(), run_def, &def);
        if (def.threads)
            for (const int *t = def.threads; *t; t++) b->Threads(*t);
        b->UseRealTime();
    }
}

void add_context()
{
    char text[64];
    std::snprintf(text, sizeof text, "%.4f", bench_tick_ns());
    benchmark::AddCustomContext("tick_ns", text);
    std::snprintf(text, sizeof text, "%.4f", bench_work_unit_ns());
    benchmark::AddCustomContext("work_unit_ns", text);
    for (const auto &entry : sizes())
        benchmark::AddCustomContext("size." + entry.first, std::to_string(entry.second));
}

}  // namespace

extern "C" {

void bench_register(const bench_def *def)
{
    registry().push_back(*def);
}

void bench_size(const char *name, size_t size)
{
    sizes().emplace_back(name, size);
}

int bench_thread(const bench_state *s) { return s->state->thread_index(); }
int bench_threads(const bench_state *s) { return s->state->threads(); }
const void *bench_arg(const bench_state *s) { return s->def->arg; }

void bench_counter(bench_state *s, const char *name, double value)
{
    s->state->counters[name] = value;
}

void bench_fail(bench_state *s, const char *message)
{
    s->state->SkipWithError(message);
}

int bench_cpu_count(void)
{
    unsigned n = std::thread::hardware_concurrency();
    return n ? static_cast<int>(n) : 1;
}

int64_t bench_now_ns(void)
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

}  // extern "C"

int main(int argc, char **argv)
{
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    // The C library takes shortcuts (no atomic instructions in pthread_mutex_lock,
    // for one) while a process has never had a second thread; programs that
    // lock have threads, so give this one a thread before measuring anything.
    std::thread([] {}).join();
    bench_calibrate();
    register_all();
    add_context();
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
