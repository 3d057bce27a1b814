/* SPDX-License-Identifier: MIT */
/* What the thread records (thread.c) share with thread-local values
 * (local.c) and the pool (pool.c): the calling thread's ident, shutdown hooks,
 * the pool's fork handlers and the registry of live threads' local tables. */
#ifndef CT_THREAD_SHARED_H
#define CT_THREAD_SHARED_H

#include "cthreading.h"
#include "compiler.h"
#include "list.h"

/* --- the calling thread's ident (thread.c) ----------------------------------------
 * ct_get_ident() without the call: RLock reads it twice per acquire+release. */
extern CT_THREAD_LOCAL uint64_t ct__self_ident;   /* 0 until first asked for */

static inline uint64_t ct__ident(void)
{
    uint64_t ident = ct__self_ident;
    return CT_UNLIKELY(ident == 0) ? ct_get_ident() : ident;
}

/* --- threads (thread.c) --------------------------------------------------------- */

/* Run hook->fn(hook->arg) in ct_shutdown (and so at exit) before non-daemon
 * threads are joined, as concurrent.futures does for its pools. A hook runs at
 * most once and is unlinked before it runs; removing it after that is a no-op. */
typedef struct ct__shutdown_hook {
    ct__link link;
    void (*fn)(void *arg);
    void *arg;
    bool linked;
} ct__shutdown_hook;
void ct__shutdown_hook_add(ct__shutdown_hook *hook);
void ct__shutdown_hook_remove(ct__shutdown_hook *hook);

/* The pool's fork handlers (pool.c), run by thread.c's around every fork();
 * open_pools_lock is taken before the hooks and registry locks, as
 * register_open nests them. */
void ct__pools_fork_prepare(void);
void ct__pools_fork_parent(void);
void ct__pools_fork_child(void);

/* --- thread-local values (local.c), kept per thread record ------------------------ */
typedef struct ct__local_table {
    void **values;
    size_t capacity;
} ct__local_table;

/* The registry lock guards the list of live threads and the growth of every
 * thread's local table. */
void ct__registry_lock(void);
void ct__registry_unlock(void);
/* fn(table, arg) for every live thread, under the registry lock. */
void ct__registry_each_table(void (*fn)(ct__local_table *table, void *arg), void *arg);
/* The calling thread's table; with create, a thread this library did not start
 * gets its Dummy record first. NULL: no record (or CT_ENOMEM when creating). */
ct__local_table *ct__current_local_table(bool create);
/* At thread exit: run destructors of the table's values, then free it. */
void ct__local_table_finish(ct__local_table *table);

#endif /* CT_THREAD_SHARED_H */
