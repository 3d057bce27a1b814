/* SPDX-License-Identifier: MIT */
/* concurrent.futures.Future completed by any code (CPython's test_future.py):
 * ct_future_new, ct_future_set_running_or_notify_cancel, ct_future_set_result,
 * and the NULL handles every future and pool call survives. */
#include "pool_helpers.h"

#include <string.h>

TEST(new_future_is_pending)
{
    ct_future *f = new_future();
    void *result = as_ptr(1);
    CHECK(!ct_future_running(f));
    CHECK(!ct_future_cancelled(f));
    CHECK(!ct_future_done(f));
    CHECK_STATUS(ct_future_result(f, &result, 0), CT_ETIMEDOUT);
    CHECK(result == as_ptr(1));
    CHECK_STATUS(ct_future_result(f, &result, 0.02), CT_ETIMEDOUT);
    CHECK_STATUS(ct_futures_wait(&f, 1, 0, CT_FIRST_COMPLETED), CT_ETIMEDOUT);
    ct_future_release(f);
}

TEST(set_result_finishes_a_pending_future)
{
    ct_future *f = new_future();
    callback_count calls = CALLBACK_COUNT_INIT;
    CHECK_OK(ct_future_add_done_callback(f, count_call, &calls));
    CHECK_OK(ct_future_set_result(f, as_ptr(42)));
    CHECK_EQ_U(callback_calls(&calls), 1);
    CHECK(ct_future_done(f));
    CHECK(!ct_future_running(f));
    CHECK(!ct_future_cancelled(f));
    CHECK_EQ_U(result_of(f), 42);
    CHECK_OK(ct_futures_wait(&f, 1, 0, CT_ALL_COMPLETED));
    /* InvalidStateError, and nothing changes. */
    CHECK_STATUS(ct_future_set_result(f, as_ptr(7)), CT_EPERM);
    CHECK_EQ_U(result_of(f), 42);
    CHECK(!ct_future_cancel(f));
    CHECK_STATUS(ct_future_set_running_or_notify_cancel(f), CT_EPERM);
    CHECK_EQ_U(callback_calls(&calls), 1);
    ct_future_release(f);
}

TEST(set_running_or_notify_cancel_on_pending)
{
    ct_future *f = new_future();
    CHECK_OK(ct_future_set_running_or_notify_cancel(f));
    CHECK(ct_future_running(f));
    CHECK(!ct_future_done(f));
    /* A running future can no longer be cancelled, nor started again. */
    CHECK(!ct_future_cancel(f));
    CHECK(!ct_future_cancelled(f));
    CHECK_STATUS(ct_future_set_running_or_notify_cancel(f), CT_EPERM);
    CHECK_OK(ct_future_set_result(f, as_ptr(5)));
    CHECK(!ct_future_running(f));
    CHECK_EQ_U(result_of(f), 5);
    CHECK_STATUS(ct_future_set_running_or_notify_cancel(f), CT_EPERM);
    ct_future_release(f);
}

TEST(set_running_or_notify_cancel_on_cancelled)
{
    ct_future *f = new_future();
    void *result = NULL;
    callback_count calls = CALLBACK_COUNT_INIT;
    CHECK_OK(ct_future_add_done_callback(f, count_call, &calls));
    CHECK(ct_future_cancel(f));
    CHECK_EQ_U(callback_calls(&calls), 1);
    CHECK(ct_future_cancel(f));   /* cancelled stays cancelled: true again */
    CHECK(ct_future_cancelled(f));
    CHECK(ct_future_done(f));
    CHECK_STATUS(ct_future_set_running_or_notify_cancel(f), CT_ECANCELLED);
    CHECK(ct_future_cancelled(f));
    /* CANCELLED_AND_NOTIFIED: a second notification is a RuntimeError. */
    CHECK_STATUS(ct_future_set_running_or_notify_cancel(f), CT_EPERM);
    CHECK_STATUS(ct_future_set_result(f, as_ptr(1)), CT_EPERM);
    CHECK_STATUS(ct_future_result(f, &result, 0), CT_ECANCELLED);
    CHECK_EQ_U(callback_calls(&calls), 1);
    ct_future_release(f);
}

typedef struct waiter_run {
    ct_future *f;
    void *result;
    int status;
} waiter_run;

static void wait_result(void *arg)
{
    waiter_run *w = (waiter_run *)arg;
    w->status = ct_future_result(w->f, &w->result, 30.0);
}

typedef struct callback_seen {
    uint64_t ident;
    int calls;
} callback_seen;

static void note_thread(ct_future *f, void *arg)
{
    callback_seen *seen = (callback_seen *)arg;
    (void)f;
    seen->ident = ct_get_ident();
    seen->calls++;
}

typedef struct completer {
    ct_future *f;
    uint64_t ident;
} completer;

static void complete_later(void *arg)
{
    completer *c = (completer *)arg;
    c->ident = ct_get_ident();
    ct_sleep(0.05);
    CHECK_OK(ct_future_set_result(c->f, as_ptr(99)));
}

TEST(set_result_wakes_waiters_and_runs_callbacks_in_its_thread)
{
    ct_future *f = new_future();
    waiter_run w = { f, NULL, 1 };
    callback_seen seen = { 0, 0 };
    completer c = { f, 0 };
    ct_thread *waiter_thread, *completer_thread;
    CHECK_OK(ct_future_add_done_callback(f, note_thread, &seen));
    waiter_thread = ct_test_start(wait_result, &w);
    completer_thread = ct_test_start(complete_later, &c);
    CHECK_OK(ct_futures_wait(&f, 1, 30.0, CT_ALL_COMPLETED));
    ct_test_join(waiter_thread);
    ct_test_join(completer_thread);
    CHECK_OK(w.status);
    CHECK(w.result == as_ptr(99));
    CHECK_EQ(seen.calls, 1);
    CHECK_EQ_U(seen.ident, c.ident);
    ct_future_release(f);
}

TEST(set_result_on_a_pool_future_wins_over_its_call)
{
    ct_pool *pool = new_pool(1, "set_result");
    gate g;
    ct_future *blocker, *queued;
    gate_init(&g);
    blocker = submit(pool, wait_at_gate, &g);
    queued = submit(pool, double_it, as_ptr(4));
    wait_running(&g, 1);
    /* Settled while it waits in the queue: the worker skips it. */
    CHECK_OK(ct_future_set_result(queued, as_ptr(1000)));
    /* Settled while its call runs: the call's return value is dropped. */
    CHECK_OK(ct_future_set_result(blocker, as_ptr(2000)));
    ct_event_set(&g.open);
    ct_pool_shutdown(pool, true, false);
    CHECK_EQ_U(g.finished, 1);
    CHECK_EQ_U(result_of(queued), 1000);
    CHECK_EQ_U(result_of(blocker), 2000);
    ct_future_release(blocker);
    ct_future_release(queued);
    ct_pool_release(pool);
}

TEST(result_is_seen_by_many_waiters)
{
    enum { WAITERS = 4 };
    ct_future *f = new_future();
    waiter_run w[WAITERS];
    ct_thread *threads[WAITERS];
    for (int i = 0; i < WAITERS; i++) {
        w[i].f = f;
        w[i].result = NULL;
        w[i].status = 1;
        threads[i] = ct_test_start(wait_result, &w[i]);
    }
    ct_sleep(0.02);
    CHECK_OK(ct_future_set_result(f, as_ptr(3)));
    for (int i = 0; i < WAITERS; i++) {
        ct_test_join(threads[i]);
        CHECK_OK(w[i].status);
        CHECK(w[i].result == as_ptr(3));
    }
    ct_future_release(f);
}

/* Issue 10, item 5: every handle call survives NULL, as its siblings do. */
TEST(null_handles)
{
    callback_count calls = CALLBACK_COUNT_INIT;
    ct_as_completed *it = (ct_as_completed *)as_ptr(1);
    ct_future *out = NULL;
    void *results[1];
    void *args[1] = { NULL };
    CHECK(!ct_future_cancel(NULL));
    CHECK(!ct_future_cancelled(NULL));
    CHECK(!ct_future_running(NULL));
    CHECK(!ct_future_done(NULL));
    CHECK_STATUS(ct_future_new(NULL), CT_EINVAL);
    CHECK_STATUS(ct_future_set_result(NULL, NULL), CT_EINVAL);
    CHECK_STATUS(ct_future_set_running_or_notify_cancel(NULL), CT_EINVAL);
    CHECK_STATUS(ct_future_add_done_callback(NULL, count_call, &calls), CT_EINVAL);
    ct_future_release(NULL);
    ct_pool_shutdown(NULL, true, true);
    ct_pool_shutdown(NULL, false, false);
    CHECK(!ct_pool_broken(NULL));
    CHECK_STATUS(ct_pool_new_with_options(NULL, NULL), CT_EINVAL);
    CHECK_STATUS(ct_pool_map(NULL, double_it, args, results, 1, CT_FOREVER, 0), CT_EINVAL);
    CHECK_STATUS(ct_as_completed_new(NULL, &out, 1, CT_FOREVER), CT_EINVAL);
    CHECK_STATUS(ct_as_completed_new(&it, NULL, 1, CT_FOREVER), CT_EINVAL);
    CHECK(it == NULL);
    CHECK_STATUS(ct_as_completed_next(NULL, &out), CT_EINVAL);
    ct_as_completed_release(NULL);
}
