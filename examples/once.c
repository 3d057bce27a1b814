/* SPDX-License-Identifier: MIT */
/* Lazy initialization with ct_call_once: the first thread that needs the
 * table builds it, threads that arrive meanwhile wait, and later calls cost
 * one load. Python writes this as a module-level flag checked under a Lock:
 *
 *     _table = None
 *     _lock = threading.Lock()
 *
 *     def table():
 *         global _table
 *         if _table is None:
 *             with _lock:
 *                 if _table is None:
 *                     _table = build_table()
 *         return _table
 *
 * In C it is C11 call_once or pthread_once (CPython has _PyOnceFlag inside);
 * unlike those, the function may fail, and the next call then tries again.
 */
#include <cthreading.h>
#include <stdio.h>

#define THREAD_COUNT 8
#define SIZE 256

static ct_once table_once = CT_ONCE_INIT;
static unsigned squares[SIZE];   /* written once, by build_table */
static int builds, attempts;     /* written only inside build_table */

static int build_table(void *arg)
{
    int fail_first = *(const int *)arg;
    attempts++;
    if (fail_first && attempts == 1) return CT_ENOMEM;   /* say, an allocation failed */
    for (unsigned i = 0; i < SIZE; i++) squares[i] = i * i;
    ct_sleep(0.01);   /* slow enough that the other threads arrive and wait */
    builds++;
    return 0;
}

static unsigned long sums[THREAD_COUNT];

static void use_table(void *arg)
{
    int index = (int)(size_t)arg;
    int no_failure = 0;
    if (ct_call_once(&table_once, build_table, &no_failure) != CT_OK) return;
    unsigned long sum = 0;
    for (unsigned i = 0; i < SIZE; i++) sum += squares[i];
    sums[index] = sum;
}

int main(void)
{
    int fail_first = 1;
    int status = ct_call_once(&table_once, build_table, &fail_first);
    printf("First call: %s; done: %s\n", status == CT_ENOMEM ? "CT_ENOMEM" : ct_strerror(status),
           ct_once_done(&table_once) ? "yes" : "no");

    ct_thread *threads[THREAD_COUNT];
    for (int i = 0; i < THREAD_COUNT; i++) {
        status = ct_thread_start(&threads[i], use_table, (void *)(size_t)i, NULL);
        if (status != CT_OK) {
            fprintf(stderr, "ct_thread_start: %s\n", ct_strerror(status));
            return 1;
        }
    }
    for (int i = 0; i < THREAD_COUNT; i++) {
        ct_thread_join(threads[i], CT_FOREVER);
        ct_thread_release(threads[i]);
    }
    int agree = 1;
    for (int i = 0; i < THREAD_COUNT; i++) agree = agree && sums[i] == sums[0];
    printf("Done: %s; built %d time(s) in %d attempt(s)\n",
           ct_once_done(&table_once) ? "yes" : "no", builds, attempts);
    printf("Every thread saw the whole table: %s (sum of squares %lu)\n", agree ? "yes" : "no",
           sums[0]);
    return 0;
}
