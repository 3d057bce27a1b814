/* SPDX-License-Identifier: MIT */
/* The one place the library allocates memory: every allocation in api/ and in
 * the backends goes through these, so that a test build can fail any one of
 * them (the fault-injection stage) and prove each failure path. */
#include "internal.h"

#include <stdlib.h>

#if defined(CT_FAULT_INJECTION)
static unsigned char fault_mode;   /* a ct__fault_mode */
static uint64_t fault_nth;
static uint64_t fault_points;
static uint64_t fault_injected;

void ct__fault_arm(ct__fault_mode mode, uint64_t nth)
{
    ct_store_u8(&fault_mode, (unsigned char)CT__FAULT_COUNT);
    ct_store_u64(&fault_points, 0);
    ct_store_u64(&fault_injected, 0);
    ct_store_u64(&fault_nth, nth);
    ct_store_u8(&fault_mode, (unsigned char)mode);
}

uint64_t ct__fault_points(void)
{
    return ct_load_u64(&fault_points);
}

uint64_t ct__fault_injected(void)
{
    return ct_load_u64(&fault_injected);
}

bool ct__fault_now(void)
{
    unsigned char mode = ct_load_u8(&fault_mode);
    uint64_t n = ct_fetch_add_u64(&fault_points, 1) + 1, nth = ct_load_u64(&fault_nth);
    bool fail = (mode == CT__FAULT_ONLY_NTH && n == nth) ||
                (mode == CT__FAULT_NTH_AND_LATER && n >= nth);
    if (fail) ct_fetch_add_u64(&fault_injected, 1);
    return fail;
}
#endif

void *ct__malloc(size_t size)
{
    return ct__fault_now() ? NULL : malloc(size);
}

void *ct__calloc(size_t count, size_t size)
{
    return ct__fault_now() ? NULL : calloc(count, size);
}

void *ct__realloc(void *block, size_t size)
{
    return ct__fault_now() ? NULL : realloc(block, size);
}

void ct__free(void *block)
{
    free(block);
}
