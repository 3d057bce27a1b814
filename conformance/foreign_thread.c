/* SPDX-License-Identifier: MIT */
/* The one place in the conformance suite that talks to the OS directly: a
 * foreign thread has to be started without the library under test, and each
 * OS spells that differently (pthreads on POSIX, CreateThread on Windows). */
#include "foreign_thread.h"

#include <stdlib.h>

#if defined(_WIN32)
#include <windows.h>
#include <process.h>

/* The library starts its threads with _beginthreadex: _endthreadex is their OS exit. */
void foreign_thread_exit_current(void)
{
    _endthreadex(0);
}

static DWORD WINAPI foreign_entry(LPVOID raw)
{
    foreign_thread *thread = (foreign_thread *)raw;
    thread->fn(thread->arg);
    return 0;
}

int foreign_thread_start(foreign_thread *thread, void (*fn)(void *), void *arg)
{
    HANDLE handle;
    thread->fn = fn;
    thread->arg = arg;
    handle = CreateThread(NULL, 0, foreign_entry, thread, 0, NULL);
    if (handle == NULL) return -1;
    thread->os_handle = handle;
    return 0;
}

void foreign_thread_join(foreign_thread *thread)
{
    if (WaitForSingleObject((HANDLE)thread->os_handle, INFINITE) != WAIT_OBJECT_0) abort();
    CloseHandle((HANDLE)thread->os_handle);
}

#else
#include <pthread.h>

void foreign_thread_exit_current(void)
{
    pthread_exit(NULL);
}

static void *foreign_entry(void *raw)
{
    foreign_thread *thread = (foreign_thread *)raw;
    thread->fn(thread->arg);
    return NULL;
}

int foreign_thread_start(foreign_thread *thread, void (*fn)(void *), void *arg)
{
    pthread_t *handle = (pthread_t *)malloc(sizeof *handle);
    if (handle == NULL) return -1;
    thread->fn = fn;
    thread->arg = arg;
    if (pthread_create(handle, NULL, foreign_entry, thread) != 0) {
        free(handle);
        return -1;
    }
    thread->os_handle = handle;
    return 0;
}

void foreign_thread_join(foreign_thread *thread)
{
    pthread_t *handle = (pthread_t *)thread->os_handle;
    if (pthread_join(*handle, NULL) != 0) abort();
    free(handle);
}
#endif
