/* SPDX-License-Identifier: MIT */
/* The one place the library allocates memory: every allocation in api/ and in
 * the backends goes through these, so that a test build can fail any one of
 * them (the fault-injection stage) and prove each failure path. */
#include "internal.h"

#include <stdlib.h>

void *ct__malloc(size_t size)
{
    return malloc(size);
}

void *ct__calloc(size_t count, size_t size)
{
    return calloc(count, size);
}

void *ct__realloc(void *block, size_t size)
{
    return realloc(block, size);
}

void ct__free(void *block)
{
    free(block);
}
