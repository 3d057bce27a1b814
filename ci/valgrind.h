/* SPDX-License-Identifier: MIT */
/* Force-included (-include) into every file of the valgrind build (the
 * `valgrind` preset, run by ci/valgrind.sh): it tells helgrind and DRD what
 * api/atomics.h's operations mean.
 *
 * Valgrind's race detectors know pthread's primitives but not atomic
 * instructions: a release store followed by an acquire load that sees it is,
 * to them, two unordered accesses, so every lock handoff that never parks
 * would look like a race. Here each atomics.h operation is wrapped: release
 * (and read-modify-write) operations announce ANNOTATE_HAPPENS_BEFORE on the
 * address before they store, acquire (and read-modify-write) operations
 * ANNOTATE_HAPPENS_AFTER once they have loaded, which is the C11 memory model
 * these operations promise. Relaxed operations order nothing and announce
 * nothing. The accesses to the atomic variables themselves are still seen as
 * plain ones: ci/valgrind.supp suppresses reports whose racing access is
 * inside an atomics.h operation, and only those.
 *
 * The wrappers call the real inline functions, and macros named like those
 * functions then send every later call through the wrappers. The public
 * header's inline lock fast path, which spells its own compare-and-swap, is
 * switched off (CT_NO_INLINE), so that every lock operation goes through the
 * wrapped ones in api/lock.c; the two fast-path functions that tests call by
 * name become calls of the exported functions.
 */
#ifndef CT_CI_VALGRIND_H
#define CT_CI_VALGRIND_H

/* This file comes before the including file's first line, so it picks the
 * system headers' feature macros for it: POSIX 2008, the one the test files
 * that ask for any (popen) ask for, with this same definition. */
#if !defined(_GNU_SOURCE) && !defined(_POSIX_C_SOURCE)
#  define _POSIX_C_SOURCE 200809L
#endif

#define CT_NO_INLINE 1
#include "../api/cthreading.h"
#include "../api/atomics.h"
#include <valgrind/helgrind.h>

static inline void ct__lock_acquire_inline(ct_lock *lock)
{
    ct_lock_acquire(lock);
}

static inline int ct__lock_release_inline(ct_lock *lock)
{
    return ct_lock_release(lock);
}

#define CT__VG_OPS(suffix, type)                                                        \
    static inline type ct_vg_load_##suffix(const type *p)                               \
    { type v = ct_load_##suffix(p); ANNOTATE_HAPPENS_AFTER(p); return v; }              \
    static inline void ct_vg_store_##suffix(type *p, type v)                            \
    { ANNOTATE_HAPPENS_BEFORE(p); ct_store_##suffix(p, v); }                            \
    static inline bool ct_vg_cas_##suffix(type *p, type *expected, type desired)        \
    {                                                                                   \
        bool done;                                                                      \
        ANNOTATE_HAPPENS_BEFORE(p);                                                     \
        done = ct_cas_##suffix(p, expected, desired);                                   \
        ANNOTATE_HAPPENS_AFTER(p);                                                      \
        return done;                                                                    \
    }                                                                                   \
    static inline type ct_vg_exchange_##suffix(type *p, type v)                         \
    { type old; ANNOTATE_HAPPENS_BEFORE(p); old = ct_exchange_##suffix(p, v);           \
      ANNOTATE_HAPPENS_AFTER(p); return old; }                                          \
    static inline type ct_vg_fetch_add_##suffix(type *p, type v)                        \
    { type old; ANNOTATE_HAPPENS_BEFORE(p); old = ct_fetch_add_##suffix(p, v);          \
      ANNOTATE_HAPPENS_AFTER(p); return old; }                                          \
    static inline type ct_vg_fetch_and_##suffix(type *p, type v)                        \
    { type old; ANNOTATE_HAPPENS_BEFORE(p); old = ct_fetch_and_##suffix(p, v);          \
      ANNOTATE_HAPPENS_AFTER(p); return old; }                                          \
    static inline type ct_vg_fetch_or_##suffix(type *p, type v)                         \
    { type old; ANNOTATE_HAPPENS_BEFORE(p); old = ct_fetch_or_##suffix(p, v);           \
      ANNOTATE_HAPPENS_AFTER(p); return old; }

CT__VG_OPS(u8, unsigned char)
CT__VG_OPS(u32, uint32_t)
CT__VG_OPS(i64, int64_t)
CT__VG_OPS(u64, uint64_t)
CT__VG_OPS(size, size_t)

static inline void *ct_vg_load_ptr(void *const *p)
{ void *v = ct_load_ptr(p); ANNOTATE_HAPPENS_AFTER(p); return v; }
static inline void ct_vg_store_ptr(void **p, void *v)
{ ANNOTATE_HAPPENS_BEFORE(p); ct_store_ptr(p, v); }
static inline void *ct_vg_exchange_ptr(void **p, void *v)
{ void *old; ANNOTATE_HAPPENS_BEFORE(p); old = ct_exchange_ptr(p, v); ANNOTATE_HAPPENS_AFTER(p); return old; }
static inline bool ct_vg_cas_ptr(void **p, void **expected, void *desired)
{
    bool done;
    ANNOTATE_HAPPENS_BEFORE(p);
    done = ct_cas_ptr(p, expected, desired);
    ANNOTATE_HAPPENS_AFTER(p);
    return done;
}

#define ct_load_u8 ct_vg_load_u8
#define ct_store_u8 ct_vg_store_u8
#define ct_cas_u8 ct_vg_cas_u8
#define ct_exchange_u8 ct_vg_exchange_u8
#define ct_fetch_add_u8 ct_vg_fetch_add_u8
#define ct_fetch_and_u8 ct_vg_fetch_and_u8
#define ct_fetch_or_u8 ct_vg_fetch_or_u8
#define ct_load_u32 ct_vg_load_u32
#define ct_store_u32 ct_vg_store_u32
#define ct_cas_u32 ct_vg_cas_u32
#define ct_exchange_u32 ct_vg_exchange_u32
#define ct_fetch_add_u32 ct_vg_fetch_add_u32
#define ct_fetch_and_u32 ct_vg_fetch_and_u32
#define ct_fetch_or_u32 ct_vg_fetch_or_u32
#define ct_load_i64 ct_vg_load_i64
#define ct_store_i64 ct_vg_store_i64
#define ct_cas_i64 ct_vg_cas_i64
#define ct_exchange_i64 ct_vg_exchange_i64
#define ct_fetch_add_i64 ct_vg_fetch_add_i64
#define ct_fetch_and_i64 ct_vg_fetch_and_i64
#define ct_fetch_or_i64 ct_vg_fetch_or_i64
#define ct_load_u64 ct_vg_load_u64
#define ct_store_u64 ct_vg_store_u64
#define ct_cas_u64 ct_vg_cas_u64
#define ct_exchange_u64 ct_vg_exchange_u64
#define ct_fetch_add_u64 ct_vg_fetch_add_u64
#define ct_fetch_and_u64 ct_vg_fetch_and_u64
#define ct_fetch_or_u64 ct_vg_fetch_or_u64
#define ct_load_size ct_vg_load_size
#define ct_store_size ct_vg_store_size
#define ct_cas_size ct_vg_cas_size
#define ct_exchange_size ct_vg_exchange_size
#define ct_fetch_add_size ct_vg_fetch_add_size
#define ct_fetch_and_size ct_vg_fetch_and_size
#define ct_fetch_or_size ct_vg_fetch_or_size
#define ct_load_ptr ct_vg_load_ptr
#define ct_store_ptr ct_vg_store_ptr
#define ct_exchange_ptr ct_vg_exchange_ptr
#define ct_cas_ptr ct_vg_cas_ptr

#endif
