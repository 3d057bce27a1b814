/* SPDX-License-Identifier: MIT */
/* The services an OS backend supplies (prefix ctb_). Everything else lives
 * once in api/. A port implements exactly these, in backend/<os>/ files named
 * after the role they play (clock.c, thread.c, process.c, park.c, fatal.c);
 * return values follow the public status codes. Misuse of an OS call that
 * cannot fail in a correct program aborts with a message (ctb_fatal), as libuv
 * does.
 */
#ifndef CT_BACKEND_H
#define CT_BACKEND_H

#include "cthreading.h"

/* A deadline on ctb_monotonic_ns()'s clock that never comes. */
#define CTB_NEVER INT64_MAX

/* --- time ----------------------------------------------------------------- */

/* Nanoseconds on a clock that only moves forward and ignores wall-clock changes. */
int64_t ctb_monotonic_ns(void);

/* Sleep until the monotonic clock reaches deadline (CTB_NEVER: forever). */
void ctb_sleep_until(int64_t deadline);

/* Give the processor to another ready thread. */
void ctb_yield(void);

/* --- threads -------------------------------------------------------------- */

/* An OS thread that ctb_thread_create started, as its creator holds it. */
typedef uintptr_t ctb_thread;

/* Start an OS thread running ct__thread_main(record) and store its handle in
 * *thread. stack_size 0: the OS default; otherwise already adjusted by
 * ctb_stack_size_fit. CT_OK, CT_EAGAIN or CT_ENOMEM. Exactly one of two things
 * follows: another thread waits for its end (ctb_thread_wait_gone), or the
 * thread, at its end, lets the OS free it alone (ctb_thread_detach_self). If
 * the thread ends inside ct__thread_main without returning (pthread_exit,
 * _endthreadex), the backend calls ct__thread_exited(record); nothing it does
 * for that may fail once the thread runs, since nobody could be told (issue
 * 10: a failed exit hook left joiners waiting forever). */
int ctb_thread_create(void *record, size_t stack_size, ctb_thread *thread);

/* Wait until the OS thread has ended and is gone (pthread_join,
 * WaitForSingleObject), then free what the OS kept of it. One wait per thread,
 * and none once it has detached itself. */
void ctb_thread_wait_gone(ctb_thread thread);

/* Called by a thread that ctb_thread_create started, at its end, when nobody
 * will wait for it: the OS frees it once it is gone. Needs no memory. */
void ctb_thread_detach_self(void);

/* Called by ct__thread_main in the thread ctb_thread_create started, once the
 * target has returned: from here api/ finishes the record itself. */
void ctb_thread_returned(void);

/* Implemented by api/ for the backend: the body of every thread it starts. One
 * fixed entry point, so that starting a thread allocates nothing to carry a
 * function and its argument across. */
void ct__thread_main(void *record);

/* The nearest stack size the OS accepts for a request (0 stays 0); never 0
 * for a request that is not, however large (no wrap to the OS default). */
size_t ctb_stack_size_fit(size_t size);

/* The calling thread's OS id (gettid, GetCurrentThreadId). */
uint64_t ctb_native_id(void);

/* Show name for the calling thread in debuggers and process listings,
 * truncated as the OS requires. Best effort. */
void ctb_thread_set_name(const char *name);

/* Processors available to this process. */
unsigned ctb_cpu_count(void);

/* Arrange for ct__thread_exited(record) to run when the calling thread, one
 * this library did not start (a Dummy), ends, however it ends (returning,
 * pthread_exit, ExitThread). CT_OK or CT_ENOMEM. */
int ctb_thread_exit_hook(void *record);

/* Implemented by api/ for the backend: the exit hook's callback. */
void ct__thread_exited(void *record);

/* Run fn once when the process ends normally (main returns or exit()), while
 * the threads it waits for still run: atexit on POSIX; on Windows the C
 * runtime's process-wide table, since a DLL's atexit runs only after
 * ExitProcess has killed the other threads. CT_OK or CT_ENOMEM. */
int ctb_at_exit(void (*fn)(void));

/* Have prepare run in the thread that calls fork() just before the fork, then
 * parent in the parent and child in the child (whose only thread that is), as
 * pthread_atfork does, for every fork of the process. An OS without fork has
 * nothing to register and returns CT_OK. CT_OK or CT_ENOMEM. */
int ctb_at_fork(void (*prepare)(void), void (*parent)(void), void (*child)(void));

/* --- parking a thread -------------------------------------------------------
 * Every thread owns one parker: a binary semaphore on which only that thread
 * waits. A wake before the wait is remembered (the permit), so a waker never
 * needs to know whether the sleeper has gone to sleep yet. The parking lot in
 * api/parking_lot.c builds every blocking primitive on this one mechanism. */
typedef struct ctb_parker ctb_parker;

/* The calling thread's parker; valid until the thread ends. */
ctb_parker *ctb_parker_current(void);

/* Wait for the permit and consume it: CT_OK, or CT_ETIMEDOUT once the monotonic
 * clock reaches deadline (CTB_NEVER: no deadline). Never returns spuriously. */
int ctb_parker_wait(ctb_parker *parker, int64_t deadline);

/* Give parker its permit, waking its thread if it waits. */
void ctb_parker_wake(ctb_parker *parker);

/* --- memory ----------------------------------------------------------------
 * Implemented by api/ (alloc.c) for api/ and the backends alike: the library's
 * only allocator, malloc's contract, so that a test build can fail any call. */
void *ct__malloc(size_t size);
void *ct__calloc(size_t count, size_t size);
void *ct__realloc(void *block, size_t size);
void ct__free(void *block);

/* --- errors ---------------------------------------------------------------- */

/* Print "cthreading: <what>: <os error>" to stderr and abort. */
void ctb_fatal(const char *what, int os_error);

#endif /* CT_BACKEND_H */
