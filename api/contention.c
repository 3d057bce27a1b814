/* SPDX-License-Identifier: MIT */
/* The contention hook (ct_set_contention_hook). Only slow paths come here,
 * after a thread that slept got its primitive: an acquisition that never
 * waited neither reads the hook nor the clock. The hook and its context are
 * published together, as one pointer to one of two records, so a thread that
 * reads the pointer sees a matching pair. (Two settings in quick succession
 * can reuse the record a slow call is still reading: the header asks for the
 * hook to be set before the threads it watches start.) */
#include "internal.h"

typedef struct hook_record {
    ct_contention_hook hook;
    void *ctx;
} hook_record;

static hook_record records[2];
static uint32_t settings;   /* counts ct_set_contention_hook calls: picks the record */
static void *current;       /* a hook_record, or NULL: no hook */

void ct_set_contention_hook(ct_contention_hook hook, void *ctx)
{
    hook_record *record = NULL;
    if (hook) {
        record = &records[ct_fetch_add_u32(&settings, 1) & 1u];
        record->hook = hook;
        record->ctx = ctx;
    }
    ct_store_ptr(&current, record);
}

/* A hook that itself waits (for the lock around its statistics, say) is not
 * told about that wait: it would call itself while holding that lock. */
static CT_THREAD_LOCAL bool in_hook;

void ct__contended(const void *primitive, int64_t since_ns)
{
    const hook_record *record = (const hook_record *)ct_load_ptr(&current);
    if (!record || in_hook) return;
    in_hook = true;
    record->hook(primitive, (double)(ctb_monotonic_ns() - since_ns) / 1e9, record->ctx);
    in_hook = false;
}
