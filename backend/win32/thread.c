/* SPDX-License-Identifier: MIT */
#include "win32.h"
#include "compiler.h"

#include <errno.h>
#include <limits.h>
#include <process.h>
#include <stdio.h>
#include <stdlib.h>

/* Every thread started here keeps its handle in this list until it is gone:
 * at process exit, run_exit_fn waits for the threads whose target has
 * returned to finish ending. Wine (8.0) can crash the whole process with a
 * SIGSEGV in ntdll.so when a thread's own exit is still unwinding (glibc's
 * tcache_thread_shutdown) as the process exits, which a joined thread's exit
 * usually is; on Windows the wait costs nothing, those threads end at once. */
typedef struct thread_slot {
    struct thread_slot *next;
    HANDLE handle;
    void *record;    /* what the thread runs: ct__thread_main(record) */
    LONG returned;   /* set when its target has returned: the thread is ending */
} thread_slot;

static SRWLOCK threads_lock = SRWLOCK_INIT;
static thread_slot *threads;
static CT_THREAD_LOCAL thread_slot *current_slot;

static unsigned __stdcall trampoline(void *raw)
{
    thread_slot *slot = (thread_slot *)raw;
    current_slot = slot;
    /* _endthreadex and ExitThread unwind nothing: only the fiber-local slot's
     * callback sees such an end. Its first value in a thread may need memory;
     * a thread that cannot have it stops the process loudly rather than let
     * an early end hang every joiner. */
    if (ctb_thread_exit_hook(slot->record) != CT_OK)
        ctb_fatal("FlsSetValue for a new thread", (int)GetLastError());
    ct__thread_main(slot->record);
    InterlockedExchange(&slot->returned, 1);
    return 0;
}

static bool thread_gone(const thread_slot *slot)
{
    return InterlockedCompareExchange((LONG volatile *)&slot->returned, 0, 0)
        && WaitForSingleObject(slot->handle, 0) == WAIT_OBJECT_0;
}

/* Under threads_lock: close the handles of threads that have ended. */
static void reap_ended_threads(void)
{
    thread_slot **link = &threads;
    while (*link) {
        thread_slot *slot = *link;
        if (thread_gone(slot)) {
            *link = slot->next;
            CloseHandle(slot->handle);
            ct__free(slot);
        } else {
            link = &slot->next;
        }
    }
}

/* At exit: threads that are ending get up to a second each to be gone. */
static void wait_for_ending_threads(void)
{
    AcquireSRWLockExclusive(&threads_lock);
    for (thread_slot *slot = threads; slot; slot = slot->next)
        if (InterlockedCompareExchange(&slot->returned, 0, 0))
            WaitForSingleObject(slot->handle, 1000);
    ReleaseSRWLockExclusive(&threads_lock);
}

/* _beginthreadex rather than CreateThread: the C runtime (msvcrt in particular)
 * then sets up and frees its per-thread state for code that uses stdio or errno.
 * Threads are detached as far as api/ knows: joins happen there. */
int ctb_thread_create(void *record, size_t stack_size)
{
    thread_slot *slot;
    uintptr_t handle;
    /* Beyond what _beginthreadex can pass on: no reservation that large would succeed. */
    if (stack_size > UINT_MAX) return CT_EAGAIN;
    slot = (thread_slot *)ct__calloc(1, sizeof *slot);
    if (!slot) return CT_ENOMEM;
    slot->record = record;
    /* A reservation: address space only, committed page by page as the stack grows. */
    handle = _beginthreadex(NULL, (unsigned)stack_size, trampoline, slot,
                            STACK_SIZE_PARAM_IS_A_RESERVATION, NULL);
    if (handle == 0) {
        int err = errno;
        ct__free(slot);
        return err == ENOMEM ? CT_ENOMEM : CT_EAGAIN;
    }
    slot->handle = (HANDLE)handle;
    AcquireSRWLockExclusive(&threads_lock);
    reap_ended_threads();
    slot->next = threads;
    threads = slot;
    ReleaseSRWLockExclusive(&threads_lock);
    return CT_OK;
}

/* Stacks are reserved in allocation-granularity units (64 KiB). */
size_t ctb_stack_size_fit(size_t size)
{
    SYSTEM_INFO info;
    size_t granularity;
    if (size == 0) return 0;
    GetSystemInfo(&info);
    granularity = info.dwAllocationGranularity;
    if (size > SIZE_MAX - granularity) return SIZE_MAX / granularity * granularity;
    return (size + granularity - 1) / granularity * granularity;
}

uint64_t ctb_native_id(void)
{
    return GetCurrentThreadId();
}

/* SetThreadDescription arrived in Windows 10 1607, in KernelBase (kernel32
 * forwards to it later): look it up at run time so Windows 8 still loads us. */
typedef HRESULT(WINAPI *set_description_fn)(HANDLE thread, PCWSTR description);

static set_description_fn find_set_description(void)
{
    static const wchar_t *const modules[] = { L"kernelbase.dll", L"kernel32.dll" };
    size_t i;
    for (i = 0; i < sizeof modules / sizeof modules[0]; i++) {
        HMODULE module = GetModuleHandleW(modules[i]);
        FARPROC found = module ? GetProcAddress(module, "SetThreadDescription") : NULL;
        if (found) return (set_description_fn)(void (*)(void))found;
    }
    return NULL;
}

/* A description is a UNICODE_STRING: at most 32766 UTF-16 units (and NUL). */
#define DESCRIPTION_MAX 32766

void ctb_thread_set_name(const char *name)
{
    set_description_fn set_description = find_set_description();
    wchar_t *wide;
    int units;
    if (!set_description) return;
    /* Invalid UTF-8 becomes U+FFFD rather than failing. */
    units = MultiByteToWideChar(CP_UTF8, 0, name, -1, NULL, 0);
    if (units <= 0) return;
    wide = (wchar_t *)ct__malloc((size_t)units * sizeof *wide);
    if (!wide) return;
    MultiByteToWideChar(CP_UTF8, 0, name, -1, wide, units);
    if (units - 1 > DESCRIPTION_MAX) {
        int cut = DESCRIPTION_MAX;
        if (wide[cut - 1] >= 0xD800 && wide[cut - 1] <= 0xDBFF) cut--;   /* half a pair */
        wide[cut] = L'\0';
    }
    set_description(GetCurrentThread(), wide);
    ct__free(wide);
}

static unsigned count_bits(DWORD_PTR mask)
{
    unsigned n = 0;
    for (; mask != 0; mask &= mask - 1) n++;
    return n;
}

/* An affinity mask narrower than the system's is what the process may use.
 * Otherwise count every group's processors: the masks cover one processor group
 * (64 CPUs) only, and are zero for a process already spread over several. */
unsigned ctb_cpu_count(void)
{
    DWORD_PTR process_mask = 0, system_mask = 0;
    DWORD all;
    if (GetProcessAffinityMask(GetCurrentProcess(), &process_mask, &system_mask)
        && process_mask != system_mask && process_mask != 0)
        return count_bits(process_mask);
    all = GetActiveProcessorCount(ALL_PROCESSOR_GROUPS);
    return all > 0 ? (unsigned)all : 1;
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

/* The target has returned and api/ now finishes the record, which releases
 * joiners. Mark the thread as ending first: a joiner may then let the process
 * exit while this thread is still on its way out. Clearing a value that is set
 * needs no memory. */
void ctb_thread_returned(void)
{
    InterlockedExchange(&current_slot->returned, 1);
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
