/* SPDX-License-Identifier: MIT */
/* The one place atomics are spelled. gcc/clang get their __atomic builtins
 * (CT_ATOMICS_GNU), MSVC its Interlocked intrinsics (CT_ATOMICS_MSVC: full
 * barriers, stronger than asked, never weaker). The compiler picks one unless
 * the build defines either: clang -fms-extensions -DCT_ATOMICS_MSVC runs the
 * MSVC code on a machine without MSVC (the win32-msvc-atomics preset).
 * Loads are acquire, stores release, read-modify-writes acq_rel, unless the
 * name says _relaxed. Operands are plain integers so that public structs stay
 * plain C (and C++) memory. */
#ifndef CT_ATOMICS_H
#define CT_ATOMICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* helgrind and DRD know pthread's primitives but not atomic instructions: to
 * them a release store and the acquire load that sees it are two unordered
 * accesses, so every lock handoff that never parks would look like a race.
 * Built with CT_VALGRIND_ANNOTATIONS (the valgrind preset), every release (and
 * read-modify-write) operation announces a happens-before on its address
 * before it stores, and every acquire (and read-modify-write) operation
 * announces the happens-after once it has loaded: the C11 model these
 * operations promise. Relaxed operations order nothing and announce nothing.
 * Lock, Condition and parking-lot hand-offs are all such operations. The
 * accesses themselves still look plain: ci/valgrind.supp excuses reports
 * whose racing access is inside one of these functions, and only those. */
#if defined(CT_VALGRIND_ANNOTATIONS)
#  include <valgrind/helgrind.h>
#  define CT__HAPPENS_BEFORE(p) ANNOTATE_HAPPENS_BEFORE(p)
#  define CT__HAPPENS_AFTER(p) ANNOTATE_HAPPENS_AFTER(p)
#else
#  define CT__HAPPENS_BEFORE(p) ((void)0)
#  define CT__HAPPENS_AFTER(p) ((void)0)
#endif


#if !defined(CT_ATOMICS_GNU) && !defined(CT_ATOMICS_MSVC)
#  if defined(__GNUC__) || defined(__clang__)
#    define CT_ATOMICS_GNU 1
#  elif defined(_MSC_VER)
#    define CT_ATOMICS_MSVC 1
#  endif
#endif

#if defined(CT_ATOMICS_GNU)

#define CT__ATOMIC_OPS(suffix, type)                                                          \
    static inline type ct_load_##suffix(const type *p)                                        \
    { type v = __atomic_load_n(p, __ATOMIC_ACQUIRE); CT__HAPPENS_AFTER(p); return v; }        \
    static inline type ct_load_relaxed_##suffix(const type *p)                                \
    { return __atomic_load_n(p, __ATOMIC_RELAXED); }                                          \
    static inline void ct_store_##suffix(type *p, type v)                                     \
    { CT__HAPPENS_BEFORE(p); __atomic_store_n(p, v, __ATOMIC_RELEASE); }                      \
    static inline void ct_store_relaxed_##suffix(type *p, type v)                             \
    { __atomic_store_n(p, v, __ATOMIC_RELAXED); }                                             \
    static inline bool ct_cas_##suffix(type *p, type *expected, type desired)                 \
    {                                                                                         \
        CT__HAPPENS_BEFORE(p);                                                                \
        bool done = __atomic_compare_exchange_n(p, expected, desired, 0, __ATOMIC_ACQ_REL,    \
                                                __ATOMIC_ACQUIRE);                            \
        CT__HAPPENS_AFTER(p);                                                                 \
        return done;                                                                          \
    }                                                                                         \
    static inline type ct_exchange_##suffix(type *p, type v)                                  \
    { CT__HAPPENS_BEFORE(p); v = __atomic_exchange_n(p, v, __ATOMIC_ACQ_REL);                 \
      CT__HAPPENS_AFTER(p); return v; }                                                       \
    static inline type ct_fetch_add_##suffix(type *p, type v)                                 \
    { CT__HAPPENS_BEFORE(p); v = __atomic_fetch_add(p, v, __ATOMIC_ACQ_REL);                  \
      CT__HAPPENS_AFTER(p); return v; }                                                       \
    static inline type ct_fetch_and_##suffix(type *p, type v)                                 \
    { CT__HAPPENS_BEFORE(p); v = __atomic_fetch_and(p, v, __ATOMIC_ACQ_REL);                  \
      CT__HAPPENS_AFTER(p); return v; }                                                       \
    static inline type ct_fetch_or_##suffix(type *p, type v)                                  \
    { CT__HAPPENS_BEFORE(p); v = __atomic_fetch_or(p, v, __ATOMIC_ACQ_REL);                   \
      CT__HAPPENS_AFTER(p); return v; }

CT__ATOMIC_OPS(u8, unsigned char)
CT__ATOMIC_OPS(u32, uint32_t)
CT__ATOMIC_OPS(i64, int64_t)
CT__ATOMIC_OPS(u64, uint64_t)
CT__ATOMIC_OPS(size, size_t)

static inline void *ct_load_ptr(void *const *p)
{ void *v = __atomic_load_n(p, __ATOMIC_ACQUIRE); CT__HAPPENS_AFTER(p); return v; }
static inline void ct_store_ptr(void **p, void *v)
{ CT__HAPPENS_BEFORE(p); __atomic_store_n(p, v, __ATOMIC_RELEASE); }
static inline void *ct_exchange_ptr(void **p, void *v)
{ CT__HAPPENS_BEFORE(p); v = __atomic_exchange_n(p, v, __ATOMIC_ACQ_REL); CT__HAPPENS_AFTER(p); return v; }
static inline bool ct_cas_ptr(void **p, void **expected, void *desired)
{
    CT__HAPPENS_BEFORE(p);
    bool done = __atomic_compare_exchange_n(p, expected, desired, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
    CT__HAPPENS_AFTER(p);
    return done;
}

#elif defined(CT_ATOMICS_MSVC)

#include <intrin.h>

/* MSVC: every operation is a full-barrier interlocked instruction; loads are a
 * compare-exchange that changes nothing. `bits` picks the intrinsic family. */
#define CT__MSVC_OPS(suffix, type, itype, bits)                                               \
    static inline type ct_load_##suffix(const type *p)                                        \
    { return (type)_InterlockedCompareExchange##bits((itype volatile *)p, 0, 0); }            \
    static inline type ct_load_relaxed_##suffix(const type *p)                                \
    { return *(const volatile type *)p; }                                                     \
    static inline void ct_store_##suffix(type *p, type v)                                     \
    { (void)_InterlockedExchange##bits((itype volatile *)p, (itype)v); }                      \
    static inline void ct_store_relaxed_##suffix(type *p, type v)                             \
    { *(volatile type *)p = v; }                                                              \
    static inline bool ct_cas_##suffix(type *p, type *expected, type desired)                 \
    {                                                                                         \
        itype seen = _InterlockedCompareExchange##bits((itype volatile *)p, (itype)desired,   \
                                                       (itype)*expected);                     \
        if (seen == (itype)*expected) return true;                                            \
        *expected = (type)seen;                                                               \
        return false;                                                                         \
    }                                                                                         \
    static inline type ct_exchange_##suffix(type *p, type v)                                  \
    { return (type)_InterlockedExchange##bits((itype volatile *)p, (itype)v); }               \
    static inline type ct_fetch_add_##suffix(type *p, type v)                                 \
    { return (type)_InterlockedExchangeAdd##bits((itype volatile *)p, (itype)v); }            \
    static inline type ct_fetch_and_##suffix(type *p, type v)                                 \
    { return (type)_InterlockedAnd##bits((itype volatile *)p, (itype)v); }                    \
    static inline type ct_fetch_or_##suffix(type *p, type v)                                  \
    { return (type)_InterlockedOr##bits((itype volatile *)p, (itype)v); }

CT__MSVC_OPS(u8, unsigned char, char, 8)
CT__MSVC_OPS(u32, uint32_t, long, )
CT__MSVC_OPS(i64, int64_t, __int64, 64)
CT__MSVC_OPS(u64, uint64_t, __int64, 64)
#if defined(_WIN64)
CT__MSVC_OPS(size, size_t, __int64, 64)
#else
CT__MSVC_OPS(size, size_t, long, )
#endif

static inline void *ct_load_ptr(void *const *p)
{ return _InterlockedCompareExchangePointer((void *volatile *)p, NULL, NULL); }
static inline void ct_store_ptr(void **p, void *v)
{ (void)_InterlockedExchangePointer((void *volatile *)p, v); }
static inline void *ct_exchange_ptr(void **p, void *v)
{ return _InterlockedExchangePointer((void *volatile *)p, v); }
static inline bool ct_cas_ptr(void **p, void **expected, void *desired)
{
    void *seen = _InterlockedCompareExchangePointer((void *volatile *)p, desired, *expected);
    if (seen == *expected) return true;
    *expected = seen;
    return false;
}

#else
#error "cthreading needs gcc, clang or MSVC atomics"
#endif

/* ct_cpu_relax: the CPU's hint that this is a spin-wait, which frees the
 * core's resources for its other hardware thread and saves power. How long it
 * takes differs widely between CPUs (x86's pause: 10-140 cycles; aarch64's
 * yield is a nop on most cores, so isb, as Rust and folly use), so whoever
 * spins measures the wait in time, not in calls. */
#if defined(__GNUC__) || defined(__clang__)
static inline void ct_cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __asm__ __volatile__("pause" ::: "memory");
#elif defined(__aarch64__)
    __asm__ __volatile__("isb" ::: "memory");
#elif defined(__arm__) && defined(__ARM_ARCH) && __ARM_ARCH >= 7
    __asm__ __volatile__("yield" ::: "memory");
#elif defined(__riscv)
    /* Zihintpause's pause, spelled as its encoding (a fence that orders
     * nothing, a nop where the extension is absent) for older assemblers. */
    __asm__ __volatile__(".4byte 0x0100000f" ::: "memory");
#elif defined(__powerpc__) || defined(__powerpc64__)
    __asm__ __volatile__("or 27,27,27" ::: "memory");   /* lower this thread's priority */
#else
    /* s390x and the rest: no spin hint; the caller's clock paces the loop. */
    __asm__ __volatile__("" ::: "memory");
#endif
}
#elif defined(_MSC_VER)
static inline void ct_cpu_relax(void)
{
#if defined(_M_X64) || defined(_M_IX86)
    _mm_pause();
#elif defined(_M_ARM64) || defined(_M_ARM)
    __yield();
#endif
}
#endif

#endif /* CT_ATOMICS_H */
