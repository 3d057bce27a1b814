/* SPDX-License-Identifier: MIT */
/* threading.local: each ct_local owns a slot index; each thread record keeps a
 * table of values indexed by slot. Reads touch only the caller's own table;
 * growing a table and recycling slots happen under the registry lock, so that
 * ct_local_destroy can visit every thread's table. */
#include "internal.h"
#include "thread_shared.h"

#include <stdlib.h>
#include <string.h>

#define DESTRUCTOR_PASSES 4   /* destructors that set values again get this many rounds, as POSIX */

typedef struct slot {
    bool used;
    void (*destructor)(void *);
} slot;

static slot *slots;            /* under the registry lock */
static size_t slot_capacity;

static bool grow(void **array, size_t *capacity, size_t needed, size_t item_size)
{
    size_t n = *capacity ? *capacity : 8;
    void *grown;
    while (n < needed) n *= 2;
    grown = ct__realloc(*array, n * item_size);
    if (!grown) return false;
    for (size_t i = *capacity; i < n; i++)
        memset((char *)grown + i * item_size, 0, item_size);
    *array = grown;
    *capacity = n;
    return true;
}

int ct_local_init(ct_local *local, void (*destructor)(void *))
{
    size_t i;
    if (!local) return CT_EINVAL;
    ct__registry_lock();
    for (i = 0; i < slot_capacity && slots[i].used; i++) {}
    if (i == slot_capacity && !grow((void **)&slots, &slot_capacity, i + 1, sizeof *slots)) {
        ct__registry_unlock();
        return CT_ENOMEM;
    }
    slots[i].used = true;
    slots[i].destructor = destructor;
    ct__registry_unlock();
    local->slot = i + 1;
    local->destructor = destructor;
    return CT_OK;
}

void *ct_local_get(ct_local *local)
{
    ct__local_table *table = ct__current_local_table(false);
    size_t i = local->slot - 1;
    if (!table || local->slot == 0 || i >= table->capacity) return NULL;
    return ct_load_ptr(&table->values[i]);
}

int ct_local_set(ct_local *local, void *value)
{
    ct__local_table *table;
    size_t i = local->slot - 1;
    if (local->slot == 0) return CT_EINVAL;
    if (!(table = ct__current_local_table(true))) return CT_ENOMEM;
    if (i >= table->capacity) {
        bool grown;
        if (!value) return CT_OK;
        ct__registry_lock();
        grown = grow((void **)&table->values, &table->capacity, i + 1, sizeof(void *));
        ct__registry_unlock();
        if (!grown) return CT_ENOMEM;
    }
    ct_store_ptr(&table->values[i], value);
    return CT_OK;
}

typedef struct take_one {
    size_t index;
    void *value;
} take_one;

static void take_first_value(ct__local_table *table, void *arg)
{
    take_one *take = (take_one *)arg;
    if (take->value || take->index >= table->capacity) return;
    take->value = ct_exchange_ptr(&table->values[take->index], NULL);
}

void ct_local_destroy(ct_local *local)
{
    take_one take;
    if (!local || local->slot == 0) return;
    take.index = local->slot - 1;
    /* One value at a time, so that destructors run outside the registry lock
     * without allocating a list of values. */
    do {
        take.value = NULL;
        ct__registry_each_table(take_first_value, &take);
        if (take.value && local->destructor) local->destructor(take.value);
    } while (take.value);
    ct__registry_lock();
    slots[take.index].used = false;
    slots[take.index].destructor = NULL;
    ct__registry_unlock();
    local->slot = 0;
}

void ct__local_table_finish(ct__local_table *table)
{
    for (int pass = 0; pass < DESTRUCTOR_PASSES; pass++) {
        bool any = false;
        for (size_t i = 0; i < table->capacity; i++) {
            void (*destructor)(void *) = NULL;
            void *value;
            ct__registry_lock();
            value = ct_exchange_ptr(&table->values[i], NULL);
            if (value && i < slot_capacity && slots[i].used) destructor = slots[i].destructor;
            ct__registry_unlock();
            if (value && destructor) {
                destructor(value);
                any = true;
            }
        }
        if (!any) break;
    }
    ct__registry_lock();
    ct__free(table->values);
    table->values = NULL;
    table->capacity = 0;
    ct__registry_unlock();
}
