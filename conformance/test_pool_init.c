/* SPDX-License-Identifier: MIT */
/* ThreadPoolExecutor(initializer=, initargs=) and BrokenThreadPool:
 * ct_pool_new_with_options, ct_pool_broken (CPython's test_init.py). */
#include "pool_helpers.h"

#include <string.h>

typedef struct init_record {
    ct_lock lock;
    size_t calls;
    ct_local marker;   /* set by the initializer in its worker */
    int fail;          /* what the initializer returns */
    ct_event go;       /* a failing initializer waits for it, so the test can queue work first */
} init_record;

static int initializer(void *arg)
{
    init_record *r = (init_record *)arg;
    ct_lock_acquire(&r->lock);
    r->calls++;
    ct_lock_release(&r->lock);
    CHECK_OK(ct_local_set(&r->marker, r));
    if (r->fail) CHECK(ct_event_wait(&r->go, 30.0));
    return r->fail;
}

static void init_record_init(init_record *r, int fail)
{
    memset(r, 0, sizeof *r);
    ct_lock_init(&r->lock);
    ct_event_init(&r->go);
    CHECK_OK(ct_local_init(&r->marker, NULL));
    r->fail = fail;
}

static ct_pool *new_pool_with_initializer(size_t max_workers, const char *prefix, init_record *r)
{
    ct_pool_options options = CT_POOL_OPTIONS_INIT;
    ct_pool *pool = NULL;
    options.max_workers = max_workers;
    options.thread_name_prefix = prefix;
    options.initializer = initializer;
    options.initarg = r;
    CHECK_OK(ct_pool_new_with_options(&pool, &options));
    CHECK(pool != NULL);
    return pool;
}

typedef struct gated_probe {
    gate *g;
    init_record *r;
} gated_probe;

/* Inside the gate, then: did this worker's initializer run first? */
static void *probe_initialized(void *arg)
{
    gated_probe *p = (gated_probe *)arg;
    bool initialized = ct_local_get(&p->r->marker) == p->r;
    (void)wait_at_gate(p->g);
    return as_ptr(initialized ? 1 : 0);
}

TEST(options_defaults)
{
    ct_pool *pool = NULL;
    ct_future *f;
    CHECK_OK(ct_pool_new_with_options(&pool, NULL));
    CHECK(!ct_pool_broken(pool));
    f = submit(pool, double_it, as_ptr(21));
    CHECK_EQ_U(result_of(f), 42);
    ct_future_release(f);
    ct_pool_release(pool);
}

/* test_initializer: it runs once in every worker, before its first call, with initarg. */
TEST(initializer_runs_first_in_every_worker)
{
    enum { WORKERS = 4 };
    init_record r;
    gate g;
    gated_probe probe;
    ct_pool *pool;
    ct_future *f[WORKERS];
    init_record_init(&r, 0);
    gate_init(&g);
    probe.g = &g;
    probe.r = &r;
    pool = new_pool_with_initializer(WORKERS, "init_ok", &r);
    for (int i = 0; i < WORKERS; i++) f[i] = submit(pool, probe_initialized, &probe);
    wait_running(&g, WORKERS);   /* one call in each worker */
    ct_event_set(&g.open);
    for (int i = 0; i < WORKERS; i++) {
        CHECK_EQ_U(result_of(f[i]), 1);
        ct_future_release(f[i]);
    }
    ct_pool_shutdown(pool, true, false);
    CHECK_EQ_U(r.calls, WORKERS);
    CHECK(!ct_pool_broken(pool));
    ct_pool_release(pool);
    ct_local_destroy(&r.marker);
}

/* Waits up to 10 s for the pool to break. */
static void wait_broken(ct_pool *pool)
{
    double give_up = ct_monotonic() + 10.0;
    while (!ct_pool_broken(pool)) {
        CHECK_MSG(ct_monotonic() < give_up, "the pool never broke");
        ct_sleep(0.001);
    }
}

/* test_initializer (failing): BrokenThreadPool for the work not started, and
 * for every later submit and map. */
TEST(failing_initializer_breaks_the_pool)
{
    enum { N = 5 };
    init_record r;
    ct_pool *pool;
    ct_future *f[N], *late = (ct_future *)as_ptr(1);
    callback_count callbacks = CALLBACK_COUNT_INIT;
    void *args[1] = { as_ptr(1) };
    void *results[1] = { NULL };
    void *result = NULL;
    init_record_init(&r, -1);
    pool = new_pool_with_initializer(2, "init_fail", &r);
    for (int i = 0; i < N; i++) {
        f[i] = submit(pool, double_it, as_ptr((uintptr_t)i));
        CHECK_OK(ct_future_add_done_callback(f[i], count_call, &callbacks));
    }
    CHECK(!ct_pool_broken(pool));
    ct_event_set(&r.go);
    for (int i = 0; i < N; i++) {
        CHECK_STATUS(ct_future_result(f[i], &result, 30.0), CT_EBROKEN);
        CHECK(ct_future_done(f[i]));
        CHECK(!ct_future_cancelled(f[i]));
    }
    wait_callbacks(&callbacks, N);
    wait_broken(pool);
    CHECK_STATUS(ct_pool_submit(pool, &late, double_it, NULL), CT_EBROKEN);
    CHECK(late == NULL);
    CHECK_STATUS(ct_pool_map(pool, double_it, args, results, 1, CT_FOREVER, 0), CT_EBROKEN);
    CHECK(results[0] == NULL);
    CHECK_GE(r.calls, 1);
    for (int i = 0; i < N; i++) ct_future_release(f[i]);
    ct_pool_release(pool);
    ct_local_destroy(&r.marker);
}

/* Work a healthy worker already runs finishes; what is queued breaks. */
typedef struct second_fails {
    ct_lock lock;
    size_t calls;
} second_fails;

static int fail_after_first(void *arg)
{
    second_fails *s = (second_fails *)arg;
    size_t call;
    ct_lock_acquire(&s->lock);
    call = s->calls++;
    ct_lock_release(&s->lock);
    return call == 0 ? 0 : 1;
}

TEST(running_work_survives_a_later_broken_worker)
{
    ct_pool_options options = CT_POOL_OPTIONS_INIT;
    second_fails s;
    gate g;
    ct_pool *pool = NULL;
    ct_future *running, *queued;
    void *result = NULL;
    memset(&s, 0, sizeof s);
    ct_lock_init(&s.lock);
    gate_init(&g);
    options.max_workers = 2;
    options.thread_name_prefix = "init_second";
    options.initializer = fail_after_first;
    options.initarg = &s;
    CHECK_OK(ct_pool_new_with_options(&pool, &options));
    running = submit(pool, wait_at_gate, &g);
    wait_running(&g, 1);
    queued = submit(pool, double_it, as_ptr(3));   /* starts the second worker */
    CHECK_STATUS(ct_future_result(queued, &result, 30.0), CT_EBROKEN);
    CHECK(ct_pool_broken(pool));
    ct_event_set(&g.open);
    CHECK_EQ_U(result_of(running), 7);
    ct_future_release(running);
    ct_future_release(queued);
    ct_pool_release(pool);
}
