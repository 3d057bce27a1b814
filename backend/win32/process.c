/* SPDX-License-Identifier: MIT */
/* What the Win32 backend does for the process as a whole rather than for one
 * thread: the list of started threads until they are gone (closing their
 * handles, and waiting at exit for those that are ending), the exit hook of
 * threads started elsewhere (a fiber-local storage slot's callback), and the
 * exit-time callback in the C runtime's process-wide table. */
#include "win32.h"

#include <stdio.h>
#include <stdlib.h>

/* Every thread started here stays on this list until it is gone: at process
 * exit, run_exit_fn waits for the threads whose target has returned to finish
 * ending. Wine (8.0) can crash the whole process with a SIGSEGV in ntdll.so
 * when a thread's own exit is still unwinding (glibc's tcache_thread_shutdown)
 * as the process exits, which a joined thread's exit usually is; on Windows
 * the wait costs nothing, those threads end at once. */
static SRWLOCK threads_lock = SRWLOCK_INIT;
static ct__list threads;

static ctb__thread *listed_thread(ct__link *link)
{
    return CT__CONTAINER(link, ctb__thread, link);
}

static bool flag_set(LONG *flag)
{
    return InterlockedCompareExchange((LONG volatile *)flag, 0, 0) != 0;
}

/* Under threads_lock: close the handles of detached threads that have ended. */
static void reap_ended_threads(void)
{
    ct__link *link, *next;
    for (link = threads.head; link; link = next) {
        ctb__thread *thread = listed_thread(link);
        next = link->next;
        if (flag_set(&thread->detached) && WaitForSingleObject(thread->handle, 0) == WAIT_OBJECT_0) {
            ct__list_remove(&threads, link);
            CloseHandle(thread->handle);
            ct__free(thread);
        }
    }
}

void ctb__threads_add(ctb__thread *thread)
{
    AcquireSRWLockExclusive(&threads_lock);
    reap_ended_threads();
    ct__list_push_front(&threads, &thread->link);
    ReleaseSRWLockExclusive(&threads_lock);
}

void ctb__threads_remove(ctb__thread *thread)
{
    AcquireSRWLockExclusive(&threads_lock);
    ct__list_remove(&threads, &thread->link);
    ReleaseSRWLockExclusive(&threads_lock);
}

/* At exit: threads that are ending get up to a second each to be gone. */
static void wait_for_ending_threads(void)
{
    AcquireSRWLockExclusive(&threads_lock);
    for (ct__link *link = threads.head; link; link = link->next) {
        ctb__thread *thread = listed_thread(link);
        if (flag_set(&thread->returned) || flag_set(&thread->detached))
            WaitForSingleObject(thread->handle, 1000);
    }
    ReleaseSRWLockExclusive(&threads_lock);
}

/* RtlDllShutdownInProgress turns true when ExitProcess has killed every thread
 * but the one calling it, wherever they stood: perhaps holding a lock that
 * ct__thread_exited or an exit-time join needs. Nothing may wait after that. */
typedef BOOLEAN(NTAPI *shutdown_query_fn)(void);

static shutdown_query_fn shutdown_query;
static INIT_ONCE shutdown_query_once = INIT_ONCE_STATIC_INIT;

static BOOL CALLBACK find_shutdown_query(INIT_ONCE *once, void *param, void **context)
{
    HMODULE ntdll = GetModuleHandleW(L"ntdll.dll");
    FARPROC query = ntdll ? GetProcAddress(ntdll, "RtlDllShutdownInProgress") : NULL;
    (void)once;
    (void)param;
    (void)context;
    shutdown_query = (shutdown_query_fn)(void (*)(void))query;
    return TRUE;
}

static bool process_ending(void)
{
    InitOnceExecuteOnce(&shutdown_query_once, find_shutdown_query, NULL, NULL);
    return shutdown_query && shutdown_query();
}

/* The exit hook is a fiber-local storage slot's callback: Windows runs it when a
 * thread ends by returning or ExitThread, whoever started the thread, in static
 * and DLL builds alike (a DllMain would only exist in the DLL), without the loader
 * lock, and before DLL_THREAD_DETACH, so thread-local variables still work in it.
 * Windows also runs it at FlsFree (never called: the slot lives as long as the
 * process), at DeleteFiber (a thread that runs fibers gets it when the fiber that
 * first used the library is deleted), and for the thread calling ExitProcess,
 * which is the process's end, not a thread's: skipped, as POSIX runs no key
 * destructor then either. */
static DWORD exit_slot = FLS_OUT_OF_INDEXES;
static INIT_ONCE exit_slot_once = INIT_ONCE_STATIC_INIT;

static void WINAPI exit_slot_callback(void *record)
{
    if (!process_ending()) ct__thread_exited(record);
}

static HMODULE module_at(const void *address, DWORD flags)
{
    HMODULE module = NULL;
    if (!GetModuleHandleExW(GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS | flags, (LPCWSTR)address, &module))
        return NULL;
    return module;
}

/* The callback must outlive every thread that set the slot: this module stays
 * loaded (FreeLibrary no longer unloads a DLL build). */
static BOOL CALLBACK exit_slot_create(INIT_ONCE *once, void *param, void **context)
{
    (void)once;
    (void)param;
    (void)context;
    if (!module_at(&exit_slot, GET_MODULE_HANDLE_EX_FLAG_PIN)) return FALSE;
    exit_slot = FlsAlloc(exit_slot_callback);
    return exit_slot != FLS_OUT_OF_INDEXES;
}

int ctb_thread_exit_hook(void *record)
{
    if (!InitOnceExecuteOnce(&exit_slot_once, exit_slot_create, NULL, NULL)) return CT_ENOMEM;
    return FlsSetValue(exit_slot, record) ? CT_OK : CT_ENOMEM;
}

/* The thread finishes its record itself from here: clearing a value that is
 * set needs no memory. */
void ctb__thread_exit_hook_clear(void)
{
    FlsSetValue(exit_slot, NULL);
}

/* atexit in a DLL fills that DLL's own table, run at DLL_PROCESS_DETACH: after
 * ExitProcess has killed the threads an exit-time join would wait for. So fn
 * goes into the process-wide table of the C runtime DLL that this module uses
 * (ucrtbase's _crt_atexit, msvcrt's _onexit), which exit() runs before
 * ExitProcess, and this module stays loaded. A static C runtime has only atexit
 * (right in an EXE). Wherever fn would still run too late (a DLL on a static C
 * runtime, an EXE on another C runtime), it is skipped rather than hang. */
typedef int(__cdecl *crt_atexit_fn)(void(__cdecl *fn)(void));
typedef int(__cdecl *onexit_callback)(void);
typedef onexit_callback(__cdecl *crt_onexit_fn)(onexit_callback fn);

static void (*exit_fn)(void);

static void __cdecl run_exit_fn(void)
{
    if (process_ending()) return;
    exit_fn();
    wait_for_ending_threads();
}

static int __cdecl run_exit_fn_onexit(void)
{
    run_exit_fn();
    return 0;
}

int ctb_at_exit(void (*fn)(void))
{
    DWORD same = GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT;
    /* stdout is the C runtime's own data: its address tells which module that is. */
    HMODULE crt = module_at(stdout, same);
    exit_fn = fn;
    if (crt && crt != module_at(&exit_fn, same)) {
        FARPROC crt_atexit = GetProcAddress(crt, "_crt_atexit");
        FARPROC onexit = GetProcAddress(crt, "_onexit");
        if (crt_atexit && module_at(&exit_fn, GET_MODULE_HANDLE_EX_FLAG_PIN))
            return ((crt_atexit_fn)(void (*)(void))crt_atexit)(run_exit_fn) == 0 ? CT_OK : CT_ENOMEM;
        if (onexit && module_at(&exit_fn, GET_MODULE_HANDLE_EX_FLAG_PIN))
            return ((crt_onexit_fn)(void (*)(void))onexit)(run_exit_fn_onexit) ? CT_OK : CT_ENOMEM;
    }
    return atexit(run_exit_fn) == 0 ? CT_OK : CT_ENOMEM;
}

/* Windows has no fork. */
int ctb_at_fork(void (*prepare)(void), void (*parent)(void), void (*child)(void))
{
    (void)prepare;
    (void)parent;
    (void)child;
    return CT_OK;
}
