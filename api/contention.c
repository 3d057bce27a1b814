/* SPDX-License-Identifier: MIT */
/* The contention hook (ct_set_contention_hook). Only slow paths come here,
 * after a thread that slept got its primitive: an acquisition that never
 * waited neither reads the hook nor the clock. The hook and its context are
 * published together, as one pointer to one of two records, so a thread that
 * reads the pointer sees a matching pair; setters take turns under a lock. */
#include "internal.h"

typedef struct hook_record {
    ct_contention_hook hook;
    void *ctx;
} hook_record;

static hook_record records[2];
static unsigned next_record;
static void *current;   /* a hook_record, or NULL: no hook */
static ct_lock setter_lock = CT_LOCK_INIT;

void ct_set_contention_hook(ct_contention_hook hook, void *ctx)
{
    ct_lock_acquire(&setter_lock);
    hook_record *record = NULL;
    if (hook) {
        record = &records[next_record];
        next_record ^= 1u;
        record->hook = hook;
        record->ctx = ctx;
    }
    ct_store_ptr(&current, record);
    ct_lock_release(&setter_lock);
}

void ct__contended(const void *primitive, int64_t since_ns)
{
    const hook_record *record = (const hook_record *)ct_load_ptr(&current);
    if (!record) return;
    record->hook(primitive, (double)(ctb_monotonic_ns() - since_ns) / 1e9, record->ctx);
}
