/* SPDX-License-Identifier: MIT */
/* Shared by the Win32 backend's sources. Windows 8 is the oldest target:
 * WaitOnAddress comes with it. */
#ifndef CT_BACKEND_WIN32_H
#define CT_BACKEND_WIN32_H

#ifndef WIN32_LEAN_AND_MEAN
#  define WIN32_LEAN_AND_MEAN
#endif
#include <windows.h>

#include "backend.h"
#include "list.h"   /* the started threads' list (process.c) */

/* The milliseconds to wait from now until deadline, for an API that takes a
 * DWORD: rounded up, so that a wait never ends before the deadline just because
 * milliseconds are coarse (half a millisecond left must not become a poll), and
 * kept below INFINITE, so that a far deadline is waited for in chunks by a caller
 * that loops until the deadline. CTB_NEVER gives INFINITE, a past deadline 0. */
DWORD ctb__timeout_ms(int64_t deadline, int64_t now);

/* A thread that thread.c started; process.c keeps it on its list until it is
 * gone. Whoever frees it: the joiner that waited for its handle
 * (ctb_thread_wait_gone), or, once it has detached itself, process.c. */
typedef struct ctb__thread {
    ct__link link;   /* on process.c's list, under its lock */
    HANDLE handle;
    void *record;    /* what the thread runs: ct__thread_main(record) */
    LONG returned;   /* set when its target has returned: the thread is ending */
    LONG detached;   /* set at its end when nobody waits for it */
} ctb__thread;

/* process.c: put a thread just started on the list (closing, first, the
 * handles of detached threads that are gone), and take one off it. */
void ctb__threads_add(ctb__thread *thread);
void ctb__threads_remove(ctb__thread *thread);

/* process.c: clear the calling thread's exit hook; from here on the thread
 * finishes its record itself. */
void ctb__thread_exit_hook_clear(void);

#endif /* CT_BACKEND_WIN32_H */
