/* SPDX-License-Identifier: MIT */
/* C11 <threads.h>: mtx_t, call_once and thrd_create. Built only where the C library
 * has <threads.h> (benchmarks/CMakeLists.txt). */
#include "common.h"

#include <threads.h>

static void mtx_plain_init(mtx_t *m) { mtx_init(m, mtx_plain); }

BENCH_LOCK(c11mtx, mtx_t, mtx_plain_init, mtx_lock, mtx_unlock, mtx_destroy)

static once_flag once = ONCE_FLAG_INIT;
static void once_nothing(void) {}

static void once_setup(bench_state *s)
{
    (void)s;
    call_once(&once, once_nothing);
}

static void once_done(bench_state *s, int64_t n)
{
    (void)s;
    for (int64_t i = 0; i < n; i++) call_once(&once, once_nothing);
}

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
    bench_add("once_done", "c11_call_once", once_done, once_setup, NULL, NULL, NULL, 1000, NULL);
    bench_add("thread_start_join", "c11_thrd", thread_start_join, NULL, NULL, NULL, NULL, 1, NULL);
    bench_size("mtx_t", sizeof(mtx_t));
}
