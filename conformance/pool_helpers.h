/* SPDX-License-Identifier: MIT */
/* Helpers shared by the thread pool and future tests (test_pool.c,
 * test_future.c, test_as_completed.c, test_pool_map.c): pools and futures
 * made with CHECKs, and a gate that holds tasks until the test opens it. */
#ifndef CT_POOL_HELPERS_H
#define CT_POOL_HELPERS_H

#include "harness.h"

static inline void *as_ptr(uintptr_t n) { return (void *)n; }
static inline uintptr_t as_number(void *p) { return (uintptr_t)p; }

ct_pool *new_pool(size_t max_workers, const char *prefix);
ct_future *submit(ct_pool *pool, void *(*fn)(void *), void *arg);
ct_future *new_future(void);
/* The result of f, waiting for it: CHECKs CT_OK. */
uintptr_t result_of(ct_future *f);
/* A task that returns its argument times two. */
void *double_it(void *arg);

/* A task that waits for its gate to open, counting how many run at once. */
typedef struct gate {
    ct_lock lock;
    ct_event open;
    size_t running;
    size_t most_running;
    size_t finished;
} gate;

void gate_init(gate *g);
/* The task: waits up to 30 s for the gate, returns 7. */
void *wait_at_gate(void *arg);
size_t gate_running(gate *g);
/* Waits up to 10 s for n tasks to be inside the gate. */
void wait_running(gate *g, size_t n);
/* Waits up to 10 s for f to be running. */
void wait_future_running(ct_future *f);

/* Done-callbacks counted under a lock: they run in the thread that settles. */
typedef struct callback_count {
    ct_lock lock;
    size_t calls;
} callback_count;
#define CALLBACK_COUNT_INIT { CT_LOCK_INIT, 0 }

/* A done-callback; arg is a callback_count. */
void count_call(ct_future *f, void *arg);
size_t callback_calls(callback_count *c);
/* Waits up to 10 s for exactly n callbacks. */
void wait_callbacks(callback_count *c, size_t n);

#endif
