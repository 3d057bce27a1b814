/* SPDX-License-Identifier: MIT */
#include "pool_helpers.h"

#include <string.h>

ct_pool *new_pool(size_t max_workers, const char *prefix)
{
    ct_pool *pool = NULL;
    CHECK_OK(ct_pool_new(&pool, max_workers, prefix));
    CHECK(pool != NULL);
    return pool;
}

ct_future *submit(ct_pool *pool, void *(*fn)(void *), void *arg)
{
    ct_future *f = NULL;
    CHECK_OK(ct_pool_submit(pool, &f, fn, arg));
    CHECK(f != NULL);
    return f;
}

ct_future *new_future(void)
{
    ct_future *f = NULL;
    CHECK_OK(ct_future_new(&f));
    CHECK(f != NULL);
    return f;
}

uintptr_t result_of(ct_future *f)
{
    void *result = NULL;
    CHECK_OK(ct_future_result(f, &result, CT_FOREVER));
    return as_number(result);
}

void *double_it(void *arg)
{
    return as_ptr(as_number(arg) * 2);
}

void gate_init(gate *g)
{
    memset(g, 0, sizeof *g);
    ct_lock_init(&g->lock);
    ct_event_init(&g->open);
}

void *wait_at_gate(void *arg)
{
    gate *g = (gate *)arg;
    ct_lock_acquire(&g->lock);
    if (++g->running > g->most_running) g->most_running = g->running;
    ct_lock_release(&g->lock);
    CHECK(ct_event_wait(&g->open, 30.0));
    ct_lock_acquire(&g->lock);
    g->running--;
    g->finished++;
    ct_lock_release(&g->lock);
    return as_ptr(7);
}

/* A count read under its lock. */
static size_t read_locked(ct_lock *lock, const size_t *count)
{
    size_t n;
    ct_lock_acquire(lock);
    n = *count;
    ct_lock_release(lock);
    return n;
}

/* Waits up to 10 s for a count read under lock to reach n; fails past it. */
static void wait_count(ct_lock *lock, const size_t *count, size_t n, const char *what)
{
    double give_up = ct_monotonic() + 10.0;
    for (;;) {
        size_t now = read_locked(lock, count);
        if (now >= n) return;
        CHECK_MSG(ct_monotonic() < give_up, "only %zu of %zu %s", now, n, what);
        ct_sleep(0.001);
    }
}

size_t gate_running(gate *g)
{
    return read_locked(&g->lock, &g->running);
}

void wait_running(gate *g, size_t n)
{
    wait_count(&g->lock, &g->running, n, "tasks started");
}

void wait_future_running(ct_future *f)
{
    double give_up = ct_monotonic() + 10.0;
    while (!ct_future_running(f)) {
        CHECK_MSG(ct_monotonic() < give_up, "the future never started running");
        ct_sleep(0.001);
    }
}

void count_call(ct_future *f, void *arg)
{
    callback_count *c = (callback_count *)arg;
    (void)f;
    ct_lock_acquire(&c->lock);
    c->calls++;
    ct_lock_release(&c->lock);
}

size_t callback_calls(callback_count *c)
{
    return read_locked(&c->lock, &c->calls);
}

void wait_callbacks(callback_count *c, size_t n)
{
    wait_count(&c->lock, &c->calls, n, "callbacks ran");
    CHECK_EQ_U(callback_calls(c), n);
}
