/* SPDX-License-Identifier: MIT */
/* Compiler (not OS) differences the runtime needs: thread-local storage,
 * load-time constructors and branch hints. Atomics are atomics.h's. */
#ifndef CT_COMPILER_H
#define CT_COMPILER_H

#if defined(_MSC_VER)
#  define CT_THREAD_LOCAL __declspec(thread)
#  pragma section(".CRT$XCU", read)
#  define CT_CONSTRUCTOR(fn)                                                  \
    static void fn(void);                                                     \
    __declspec(allocate(".CRT$XCU")) void (*fn##_entry)(void) = fn;           \
    static void fn(void)
#  define CT_UNLIKELY(x) (x)
#else
#  define CT_THREAD_LOCAL _Thread_local
#  define CT_CONSTRUCTOR(fn) __attribute__((constructor)) static void fn(void)
#  define CT_UNLIKELY(x) __builtin_expect(!!(x), 0)
#endif

#endif /* CT_COMPILER_H */
