/* SPDX-License-Identifier: MIT */
/* The conformance harness: tests register themselves with TEST(name), each
 * source file becomes one executable, and CTest runs every test as its own
 * process (`<exe> <test>`), found by scanning the source for TEST( lines.
 *
 * Checks never compile out (they do not use assert), print both operands, and
 * end the test process with exit status 1. A watchdog ends a test that runs
 * longer than its timeout (default 60 s; TEST_TIMEOUT(name, seconds) to change),
 * so a hang fails instead of blocking CI.
 */
#ifndef CT_HARNESS_H
#define CT_HARNESS_H

#include <cthreading.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ct_test_case {
    const char *name;
    void (*fn)(void);
    double timeout;
    struct ct_test_case *next;
} ct_test_case;

void ct_test_register(ct_test_case *test);
void ct_test_fail(const char *file, int line, const char *fmt, ...);
/* End the test as skipped, saying why: exit status CT_TEST_SKIPPED, which
 * CTest reads as "not run" (SKIP_RETURN_CODE). */
#define CT_TEST_SKIPPED 77
void ct_test_skip(const char *reason);
/* Set by the harness: the command line of this test executable (argv[0]). */
extern const char *ct_test_argv0;
/* The command prefix that runs a program built for the target: the emulator
 * CTest runs the tests under (CT_TEST_EMULATOR, from CMAKE_CROSSCOMPILING_EMULATOR:
 * qemu-user) and a space, or "" when programs run natively. A test that starts
 * a child program puts it first in the command. */
const char *ct_test_emulator(void);

#if defined(_MSC_VER)
#  pragma section(".CRT$XCU", read)
#  define CT_TEST_CONSTRUCTOR(fn)                                        \
    static void fn(void);                                                \
    __declspec(allocate(".CRT$XCU")) void (*fn##_entry)(void) = fn;      \
    static void fn(void)
#else
#  define CT_TEST_CONSTRUCTOR(fn) __attribute__((constructor)) static void fn(void)
#endif

/* Test bodies misuse locks on purpose (a release that must fail with
 * CT_EPERM, a Lock released by another thread), which clang's
 * -Wthread-safety rightly rejects: it does not look into them. */
#define TEST_TIMEOUT(name, seconds)                                      \
    CT_NO_THREAD_SAFETY_ANALYSIS static void test_##name(void);          \
    static ct_test_case test_case_##name = { #name, test_##name, (seconds), NULL }; \
    CT_TEST_CONSTRUCTOR(register_##name) { ct_test_register(&test_case_##name); } \
    static void test_##name(void)
#define TEST(name) TEST_TIMEOUT(name, 60.0)

#define CHECK(cond)                                                      \
    do { if (!(cond)) ct_test_fail(__FILE__, __LINE__, "CHECK(%s) failed", #cond); } while (0)

#define CHECK_MSG(cond, ...)                                             \
    do { if (!(cond)) ct_test_fail(__FILE__, __LINE__, __VA_ARGS__); } while (0)

/* Integer comparisons print both sides as int64 (or uint64 for _U). */
#define CT__CHECK_CMP(a, op, b)                                          \
    do {                                                                 \
        int64_t ct__a = (int64_t)(a), ct__b = (int64_t)(b);              \
        if (!(ct__a op ct__b))                                           \
            ct_test_fail(__FILE__, __LINE__, "CHECK(%s %s %s) failed: %" PRId64 " vs %" PRId64, \
                         #a, #op, #b, ct__a, ct__b);                     \
    } while (0)
#define CHECK_EQ(a, b) CT__CHECK_CMP(a, ==, b)
#define CHECK_NE(a, b) CT__CHECK_CMP(a, !=, b)
#define CHECK_LT(a, b) CT__CHECK_CMP(a, <, b)
#define CHECK_LE(a, b) CT__CHECK_CMP(a, <=, b)
#define CHECK_GT(a, b) CT__CHECK_CMP(a, >, b)
#define CHECK_GE(a, b) CT__CHECK_CMP(a, >=, b)

#define CHECK_EQ_U(a, b)                                                 \
    do {                                                                 \
        uint64_t ct__a = (uint64_t)(a), ct__b = (uint64_t)(b);           \
        if (ct__a != ct__b)                                              \
            ct_test_fail(__FILE__, __LINE__, "CHECK_EQ_U(%s, %s) failed: %" PRIu64 " vs %" PRIu64, \
                         #a, #b, ct__a, ct__b);                          \
    } while (0)

/* Doubles (durations in seconds). */
#define CT__CHECK_CMP_D(a, op, b)                                        \
    do {                                                                 \
        double ct__a = (double)(a), ct__b = (double)(b);                 \
        if (!(ct__a op ct__b))                                           \
            ct_test_fail(__FILE__, __LINE__, "CHECK(%s %s %s) failed: %.6f vs %.6f", \
                         #a, #op, #b, ct__a, ct__b);                     \
    } while (0)
#define CHECK_LE_D(a, b) CT__CHECK_CMP_D(a, <=, b)
#define CHECK_GE_D(a, b) CT__CHECK_CMP_D(a, >=, b)

/* Status codes print with ct_strerror. */
#define CHECK_STATUS(expr, expected)                                     \
    do {                                                                 \
        int ct__got = (expr), ct__want = (expected);                     \
        if (ct__got != ct__want)                                         \
            ct_test_fail(__FILE__, __LINE__, "%s returned %d (%s), expected %d (%s)", #expr, \
                         ct__got, ct_strerror(ct__got), ct__want, ct_strerror(ct__want)); \
    } while (0)
#define CHECK_OK(expr) CHECK_STATUS(expr, CT_OK)

/* Helpers for tests. */
ct_thread *ct_test_start(void (*fn)(void *), void *arg);   /* CHECKs success */
void ct_test_join(ct_thread *thread);                       /* join forever + release */

#ifdef __cplusplus
}
#endif
#endif
