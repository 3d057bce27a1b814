/* SPDX-License-Identifier: MIT */
/* C11 <threads.h>: mtx_t and thrd_create. Built only where the C library
 * has <threads.h> (benchmarks/CMakeLists.txt). */
#include "common.h"

#include <threads.h>

static void mtx_plain_init(mtx_t *m) { mtx_init(m, mtx_plain); }

BENCH_LOCK(c11mtx, mtx_t, mtx_plain_init, mtx_lock, mtx_unlock, mtx_destroy)

static int thread_nothing(void *arg)
{
    (void)arg;
    return 0;
}

static void thread_start_join(bench_state *s, int64_t n)
{
    for (int64_t i = 0; i < n; i++) {
        thrd_t t;
        if (thrd_create(&t, thread_nothing, NULL) != thrd_success) {
            bench_fail(s, "thrd_create failed");
            return;
        }
        thrd_join(t, NULL);
    }
}

BENCH_REGISTER(register_c11)
{
    c11mtx_register("c11_mtx");
    bench_add("thread_start_join", "c11_thrd", thread_start_join, NULL, NULL, NULL, NULL, 1, NULL);
    bench_size("mtx_t", sizeof(mtx_t));
}
