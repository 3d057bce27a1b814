/* SPDX-License-Identifier: MIT */
/* Threads on _beginthreadex. What concerns the process as a whole (the list of
 * started threads until they are gone, the exit hook, the exit-time callback)
 * is process.c's. */
#include "win32.h"
#include "compiler.h"

#include <errno.h>
#include <limits.h>
#include <process.h>
#include <stdlib.h>

static CT_THREAD_LOCAL ctb__thread *current_thread;

static unsigned __stdcall trampoline(void *raw)
{
    ctb__thread *thread = (ctb__thread *)raw;
    current_thread = thread;
    /* _endthreadex and ExitThread unwind nothing: only the fiber-local slot's
     * callback sees such an end. Its first value in a thread may need memory;
     * a thread that cannot have it stops the process loudly rather than let
     * an early end hang every joiner. */
    if (ctb_thread_exit_hook(thread->record) != CT_OK)
        ctb_fatal("FlsSetValue for a new thread", (int)GetLastError());
    ct__thread_main(thread->record);
    return 0;
}

/* _beginthreadex rather than CreateThread: the C runtime (msvcrt in particular)
 * then sets up and frees its per-thread state for code that uses stdio or errno. */
int ctb_thread_create(void *record, size_t stack_size, ctb_thread *out)
{
    ctb__thread *thread;
    uintptr_t handle;
    /* Beyond what _beginthreadex can pass on: no reservation that large would succeed. */
    if (stack_size > UINT_MAX) return CT_EAGAIN;
    thread = (ctb__thread *)ct__calloc(1, sizeof *thread);
    if (!thread) return CT_ENOMEM;
    thread->record = record;
    /* A reservation: address space only, committed page by page as the stack grows. */
    handle = _beginthreadex(NULL, (unsigned)stack_size, trampoline, thread,
                            STACK_SIZE_PARAM_IS_A_RESERVATION, NULL);
    if (handle == 0) {
        int err = errno;
        ct__free(thread);
        return err == ENOMEM ? CT_ENOMEM : CT_EAGAIN;
    }
    thread->handle = (HANDLE)handle;
    ctb__threads_add(thread);
    *out = (ctb_thread)thread;
    return CT_OK;
}

void ctb_thread_wait_gone(ctb_thread waited)
{
    ctb__thread *thread = (ctb__thread *)waited;
    if (WaitForSingleObject(thread->handle, INFINITE) != WAIT_OBJECT_0)
        ctb_fatal("WaitForSingleObject on a thread", (int)GetLastError());
    ctb__threads_remove(thread);
    CloseHandle(thread->handle);
    ct__free(thread);
}

void ctb_thread_detach_self(void)
{
    InterlockedExchange(&current_thread->detached, 1);
}

/* The target has returned and api/ now finishes the record, which releases
 * joiners. Mark the thread as ending first: a joiner may then let the process
 * exit while this thread is still on its way out. */
void ctb_thread_returned(void)
{
    InterlockedExchange(&current_thread->returned, 1);
    ctb__thread_exit_hook_clear();
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
