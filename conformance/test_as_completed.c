/* SPDX-License-Identifier: MIT */
/* concurrent.futures.as_completed: ct_as_completed_* (CPython's
 * test_as_completed.py, and the contract's O(n) iteration). */
#include "pool_helpers.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define SLACK 0.001

static ct_as_completed *new_iterator(ct_future *const *futures, size_t n, double timeout)
{
    ct_as_completed *it = NULL;
    CHECK_OK(ct_as_completed_new(&it, futures, n, timeout));
    CHECK(it != NULL);
    return it;
}

static ct_future *next_of(ct_as_completed *it)
{
    ct_future *f = NULL;
    CHECK_OK(ct_as_completed_next(it, &f));
    CHECK(f != NULL);
    return f;
}

static size_t index_of(ct_future *const *futures, size_t n, ct_future *f)
{
    for (size_t i = 0; i < n; i++)
        if (futures[i] == f) return i;
    ct_test_fail(__FILE__, __LINE__, "as_completed yielded a future not in the array");
    return n;
}

TEST(bad_arguments)
{
    ct_future *f = new_future();
    ct_future *with_null[2] = { f, NULL };
    ct_as_completed *it = NULL;
    ct_future *out = NULL;
    CHECK_STATUS(ct_as_completed_new(&it, with_null, 2, CT_FOREVER), CT_EINVAL);
    CHECK(it == NULL);
    CHECK_STATUS(ct_as_completed_new(&it, &f, 1, -2.0), CT_EINVAL);
    CHECK_STATUS(ct_as_completed_new(&it, &f, 1, NAN), CT_EINVAL);
    CHECK_STATUS(ct_as_completed_new(&it, &f, 1, CT_TIMEOUT_MAX * 2), CT_EOVERFLOW);
    it = new_iterator(&f, 1, CT_FOREVER);
    CHECK_STATUS(ct_as_completed_next(it, NULL), CT_EINVAL);
    ct_as_completed_release(it);
    it = new_iterator(NULL, 0, CT_FOREVER);
    CHECK_STATUS(ct_as_completed_next(it, &out), CT_EEMPTY);
    CHECK_STATUS(ct_as_completed_next(it, &out), CT_EEMPTY);
    ct_as_completed_release(it);
    ct_future_release(f);
}

/* test_no_timeout: finished, cancelled and running futures all come out once. */
TEST(no_timeout)
{
    ct_pool *pool = new_pool(2, "ac_no_timeout");
    ct_future *f[5];
    bool seen[5] = { false };
    ct_as_completed *it;
    ct_future *out;
    f[0] = new_future();
    CHECK_OK(ct_future_set_result(f[0], as_ptr(1)));
    f[1] = new_future();
    CHECK(ct_future_cancel(f[1]));
    f[2] = new_future();
    CHECK(ct_future_cancel(f[2]));
    CHECK_STATUS(ct_future_set_running_or_notify_cancel(f[2]), CT_ECANCELLED);
    f[3] = submit(pool, double_it, as_ptr(3));
    f[4] = new_future();
    it = new_iterator(f, 5, CT_FOREVER);
    CHECK_OK(ct_future_set_result(f[4], as_ptr(4)));
    for (int i = 0; i < 5; i++) {
        size_t k = index_of(f, 5, next_of(it));
        CHECK_MSG(!seen[k], "future %zu yielded twice", k);
        seen[k] = true;
        CHECK(ct_future_done(f[k]));
    }
    CHECK_STATUS(ct_as_completed_next(it, &out), CT_EEMPTY);
    ct_as_completed_release(it);
    for (int i = 0; i < 5; i++) ct_future_release(f[i]);
    ct_pool_release(pool);
}

/* Finished futures first, in array order, then each in the order it finishes. */
TEST(finished_first_then_finishing_order)
{
    enum { N = 6 };
    static const int order[N - 2] = { 4, 2, 5, 3 };
    ct_future *f[N];
    ct_as_completed *it;
    ct_future *out;
    for (int i = 0; i < N; i++) f[i] = new_future();
    CHECK_OK(ct_future_set_result(f[1], NULL));
    CHECK(ct_future_cancel(f[0]));
    it = new_iterator(f, N, CT_FOREVER);
    CHECK(next_of(it) == f[0]);
    CHECK(next_of(it) == f[1]);
    for (int k = 0; k < N - 2; k++) {
        CHECK_OK(ct_future_set_result(f[order[k]], as_ptr((uintptr_t)k)));
        CHECK(next_of(it) == f[order[k]]);
    }
    CHECK_STATUS(ct_as_completed_next(it, &out), CT_EEMPTY);
    ct_as_completed_release(it);
    for (int i = 0; i < N; i++) ct_future_release(f[i]);
}

/* test_future_times_out: the finished ones come out, then TimeoutError. */
TEST(future_times_out)
{
    ct_future *f[3];
    ct_as_completed *it;
    ct_future *out = NULL;
    double start, elapsed;
    for (int i = 0; i < 3; i++) f[i] = new_future();
    CHECK_OK(ct_future_set_result(f[0], NULL));
    CHECK(ct_future_cancel(f[2]));
    for (int t = 0; t < 2; t++) {
        double timeout = t == 0 ? 0.0 : 0.1;
        bool seen[3] = { false };
        start = ct_monotonic();
        it = new_iterator(f, 3, timeout);
        seen[index_of(f, 3, next_of(it))] = true;
        seen[index_of(f, 3, next_of(it))] = true;
        CHECK(seen[0] && seen[2]);
        CHECK_STATUS(ct_as_completed_next(it, &out), CT_ETIMEDOUT);
        elapsed = ct_monotonic() - start;
        CHECK_GE_D(elapsed, timeout - SLACK);
        CHECK_LE_D(elapsed, timeout + 5.0);
        /* Past the deadline it stays timed out. */
        CHECK_STATUS(ct_as_completed_next(it, &out), CT_ETIMEDOUT);
        ct_as_completed_release(it);
    }
    for (int i = 0; i < 3; i++) ct_future_release(f[i]);
}

/* The timeout covers the whole iteration, counted from ct_as_completed_new. */
TEST(deadline_counts_from_new)
{
    ct_future *f[2];
    ct_as_completed *it;
    ct_future *out;
    double start, elapsed;
    f[0] = new_future();
    f[1] = new_future();
    it = new_iterator(f, 2, 0.2);
    ct_sleep(0.1);
    CHECK_OK(ct_future_set_result(f[0], NULL));
    CHECK(next_of(it) == f[0]);
    start = ct_monotonic();
    CHECK_STATUS(ct_as_completed_next(it, &out), CT_ETIMEDOUT);
    elapsed = ct_monotonic() - start;
    CHECK_LE_D(elapsed, 0.2 - 0.1 + 5.0);
    ct_sleep(0.15);
    start = ct_monotonic();
    CHECK_STATUS(ct_as_completed_next(it, &out), CT_ETIMEDOUT);
    CHECK_LE_D(ct_monotonic() - start, 1.0);
    ct_as_completed_release(it);
    ct_future_release(f[0]);
    ct_future_release(f[1]);
}

/* test_duplicate_futures: a future listed many times is yielded once. */
TEST(duplicate_futures)
{
    ct_pool *pool = new_pool(1, "ac_duplicates");
    ct_future *f = submit(pool, double_it, as_ptr(2));
    ct_future *g = new_future();
    ct_future *list[7] = { f, f, g, f, g, f, f };
    ct_as_completed *it;
    ct_future *out;
    CHECK_EQ_U(result_of(f), 4);
    it = new_iterator(list, 7, CT_FOREVER);
    CHECK(next_of(it) == f);
    CHECK_OK(ct_future_set_result(g, NULL));
    CHECK(next_of(it) == g);
    CHECK_STATUS(ct_as_completed_next(it, &out), CT_EEMPTY);
    ct_as_completed_release(it);
    ct_future_release(f);
    ct_future_release(g);
    ct_pool_release(pool);
}

static void finish_later(void *arg)
{
    ct_sleep(0.05);
    CHECK_OK(ct_future_set_result((ct_future *)arg, as_ptr(11)));
}

static void cancel_later(void *arg)
{
    ct_sleep(0.05);
    CHECK(ct_future_cancel((ct_future *)arg));
}

/* A next call sleeps until a future finishes or is cancelled, in another thread. */
TEST(next_is_woken_by_completion_and_cancel)
{
    for (int how = 0; how < 2; how++) {
        ct_future *f = new_future();
        ct_as_completed *it = new_iterator(&f, 1, 30.0);
        ct_thread *thread = ct_test_start(how == 0 ? finish_later : cancel_later, f);
        ct_future *out;
        CHECK(next_of(it) == f);
        CHECK(ct_future_done(f));
        CHECK_EQ(ct_future_cancelled(f), how == 1);
        CHECK_STATUS(ct_as_completed_next(it, &out), CT_EEMPTY);
        ct_test_join(thread);
        ct_as_completed_release(it);
        ct_future_release(f);
    }
}

/* Pool futures come out as their calls finish, whatever the submit order. */
TEST(pool_futures_in_finishing_order)
{
    enum { N = 4 };
    ct_pool *pool = new_pool(N, "ac_pool");
    gate g[N];
    ct_future *f[N];
    ct_as_completed *it;
    ct_future *out;
    for (int i = 0; i < N; i++) {
        gate_init(&g[i]);
        f[i] = submit(pool, wait_at_gate, &g[i]);
    }
    it = new_iterator(f, N, 30.0);
    for (int i = N - 1; i >= 0; i--) {
        wait_running(&g[i], 1);
        ct_event_set(&g[i].open);
        CHECK(next_of(it) == f[i]);
    }
    CHECK_STATUS(ct_as_completed_next(it, &out), CT_EEMPTY);
    ct_as_completed_release(it);
    for (int i = 0; i < N; i++) ct_future_release(f[i]);
    ct_pool_release(pool);
}

/* The caller may release a future it was handed before the iterator; the
 * iterator released early unhooks itself, and the futures finish later. */
TEST(release_early_and_out_of_order)
{
    enum { N = 50 };
    ct_future *f[N];
    ct_as_completed *it;
    for (int i = 0; i < N; i++) f[i] = new_future();
    it = new_iterator(f, N, CT_FOREVER);
    CHECK_OK(ct_future_set_result(f[7], NULL));
    CHECK(next_of(it) == f[7]);
    ct_future_release(f[7]);
    f[7] = NULL;
    ct_as_completed_release(it);
    /* Nothing of the iterator is left on the futures: finishing them touches
     * no freed memory (ASan, Valgrind), and a new iterator works as before. */
    it = new_iterator(f, 3, CT_FOREVER);
    for (int i = 0; i < N; i++)
        if (f[i]) CHECK_OK(ct_future_set_result(f[i], as_ptr((uintptr_t)i)));
    CHECK(next_of(it) == f[0]);
    CHECK(next_of(it) == f[1]);
    CHECK(next_of(it) == f[2]);
    ct_as_completed_release(it);
    for (int i = 0; i < N; i++) ct_future_release(f[i]);
}

/* The contract's O(n): n next calls over n futures do O(n) work in all. Each
 * future is finished just before the call that yields it, so a next call that
 * looked at the unfinished futures (a loop of ct_futures_wait(FIRST_COMPLETED))
 * would do n^2 / 2 = 2e8 steps here, against 2e4. The bound compares with the
 * O(n) work of making the futures and the iterator, in the same process, with
 * a factor of 20 and a second of slack: never a speed requirement. */
TEST_TIMEOUT(twenty_thousand_futures_in_linear_time, 300)
{
    enum { N = 20000 };
    ct_future **f = (ct_future **)malloc(N * sizeof *f);
    ct_as_completed *it;
    ct_future *out;
    double start, setup, iterate;
    CHECK(f != NULL);
    start = ct_monotonic();
    for (int i = 0; i < N; i++) f[i] = new_future();
    it = new_iterator(f, N, CT_FOREVER);
    setup = ct_monotonic() - start;
    start = ct_monotonic();
    for (int i = N - 1; i >= 0; i--) {
        CHECK_OK(ct_future_set_result(f[i], NULL));
        CHECK(next_of(it) == f[i]);
    }
    iterate = ct_monotonic() - start;
    CHECK_STATUS(ct_as_completed_next(it, &out), CT_EEMPTY);
    CHECK_LE_D(iterate, 20.0 * setup + 1.0);
    ct_as_completed_release(it);
    for (int i = 0; i < N; i++) ct_future_release(f[i]);
    free(f);
}

typedef struct finisher {
    ct_future **futures;
    size_t n;
} finisher;

static void finish_all_backwards(void *arg)
{
    finisher *fin = (finisher *)arg;
    for (size_t i = fin->n; i-- > 0;) {
        CHECK_OK(ct_future_set_result(fin->futures[i], as_ptr(i)));
        if (i % 64 == 0) ct_sleep(0.0001);
    }
}

/* Futures finishing in another thread while the caller iterates: each is
 * yielded once, none is lost between a check and a sleep. */
TEST(concurrent_finishing)
{
    enum { N = 2000 };
    ct_future *f[N];
    unsigned char seen[N];
    finisher fin = { f, N };
    ct_as_completed *it;
    ct_thread *thread;
    ct_future *out;
    memset(seen, 0, sizeof seen);
    for (int i = 0; i < N; i++) f[i] = new_future();
    it = new_iterator(f, N, 60.0);
    thread = ct_test_start(finish_all_backwards, &fin);
    for (int i = 0; i < N; i++) {
        size_t k = index_of(f, N, next_of(it));
        CHECK_MSG(!seen[k], "future %zu yielded twice", k);
        seen[k] = 1;
        CHECK_EQ_U(result_of(f[k]), k);
    }
    CHECK_STATUS(ct_as_completed_next(it, &out), CT_EEMPTY);
    ct_test_join(thread);
    ct_as_completed_release(it);
    for (int i = 0; i < N; i++) ct_future_release(f[i]);
}

/* A yielded future is done: its result is there without waiting, even while
 * the thread that finished it is still inside set_result (as Python's result()
 * reads the state a finished future has). */
TEST(yielded_future_has_its_result_at_once)
{
    enum { N = 2000 };
    ct_future *f[N];
    finisher fin = { f, N };
    ct_as_completed *it;
    ct_thread *thread;
    for (int i = 0; i < N; i++) f[i] = new_future();
    it = new_iterator(f, N, 60.0);
    thread = ct_test_start(finish_all_backwards, &fin);
    for (int i = 0; i < N; i++) {
        ct_future *out = next_of(it);
        void *result = NULL;
        CHECK_OK(ct_future_result(out, &result, 0.0));
        CHECK(out == f[as_number(result)]);
    }
    ct_test_join(thread);
    ct_as_completed_release(it);
    for (int i = 0; i < N; i++) ct_future_release(f[i]);
}
