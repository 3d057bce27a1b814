/* SPDX-License-Identifier: MIT */
/* Threads on pthreads. Where systems differ (the OS thread id, naming a
 * thread, the CPUs this process may use), each variant is a small function of
 * its own, chosen by the feature checks in backend.cmake (CT_HAVE_*), so that
 * the function bodies say nothing about which OS they are on. */
#include "backend.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#if defined(CT_HAVE_SYS_GETTID)
#  include <sys/syscall.h>
#endif
#if defined(CT_HAVE_PTHREAD_GETTHREADID_NP) || defined(CT_HAVE_PTHREAD_SET_NAME_NP)
#  include <pthread_np.h>
#endif

/* A cleanup handler runs when the target ends the thread with pthread_exit;
 * unlike a key's value it needs no memory, so it cannot fail after start. */
static void ended_early(void *record)
{
    ct__thread_exited(record);
}

static void *trampoline(void *record)
{
    pthread_cleanup_push(ended_early, record);
    ct__thread_main(record);
    pthread_cleanup_pop(0);
    return NULL;
}

void ctb_thread_returned(void)
{
}

static int status_from_errno(int err)
{
    return err == ENOMEM ? CT_ENOMEM : CT_EAGAIN;
}

/* The attributes of a thread with the default stack, built once: most threads
 * have it, and pthread_attr_init and _destroy are a tenth of a start's work. */
static pthread_attr_t default_attr;
static pthread_once_t default_attr_once = PTHREAD_ONCE_INIT;

static void default_attr_create(void)
{
    int err = pthread_attr_init(&default_attr);
    if (err != 0) ctb_fatal("pthread_attr_init", err);
}

static int create_with(const pthread_attr_t *attr, void *record, ctb_thread *thread)
{
    pthread_t created;
    int err = pthread_create(&created, attr, trampoline, record);
    if (err != 0) return status_from_errno(err);
    *thread = 0;
    memcpy(thread, &created, sizeof created);
    return CT_OK;
}

static int create_with_stack(void *record, size_t stack_size, ctb_thread *thread)
{
    pthread_attr_t attr;
    int err, status;
    if ((err = pthread_attr_init(&attr)) != 0) return status_from_errno(err);
    if ((err = pthread_attr_setstacksize(&attr, stack_size)) != 0) {
        pthread_attr_destroy(&attr);
        return err == EINVAL ? CT_EINVAL : status_from_errno(err);
    }
    status = create_with(&attr, record, thread);
    pthread_attr_destroy(&attr);
    return status;
}

/* ctb_thread holds a pthread_t, which is an integer or a pointer wherever POSIX threads run. */
typedef char pthread_t_fits_ctb_thread[sizeof(pthread_t) <= sizeof(ctb_thread) ? 1 : -1];

int ctb_thread_create(void *record, size_t stack_size, ctb_thread *thread)
{
    int err;
    if (stack_size != 0) return create_with_stack(record, stack_size, thread);
    if ((err = pthread_once(&default_attr_once, default_attr_create)) != 0) ctb_fatal("pthread_once", err);
    return create_with(&default_attr, record, thread);
}

void ctb_thread_wait_gone(ctb_thread thread)
{
    pthread_t joined;
    int err;
    memcpy(&joined, &thread, sizeof joined);
    if ((err = pthread_join(joined, NULL)) != 0) ctb_fatal("pthread_join", err);
}

void ctb_thread_detach_self(void)
{
    int err = pthread_detach(pthread_self());
    if (err != 0) ctb_fatal("pthread_detach", err);
}

size_t ctb_stack_size_fit(size_t size)
{
    long page = sysconf(_SC_PAGESIZE);
    size_t minimum = (size_t)PTHREAD_STACK_MIN;
    if (size == 0) return 0;
    if (page <= 0) page = 4096;
    if (minimum < 32768) minimum = 32768;   /* threading.stack_size's own floor */
    if (size < minimum) size = minimum;
    if (size > SIZE_MAX - (size_t)page) return SIZE_MAX / (size_t)page * (size_t)page;
    return (size + (size_t)page - 1) / (size_t)page * (size_t)page;
}

/* --- the OS thread id ------------------------------------------------------ */

#if defined(CT_HAVE_GETTID)
/* Linux: glibc 2.30 and later, musl 1.2.2 and later. */
static uint64_t os_thread_id(void)
{
    return (uint64_t)gettid();
}
#elif defined(CT_HAVE_SYS_GETTID)
/* Linux with an older C library: the system call itself. */
static uint64_t os_thread_id(void)
{
    return (uint64_t)syscall(SYS_gettid);
}
#elif defined(CT_HAVE_PTHREAD_THREADID_NP)
/* macOS: the system-wide 64-bit thread id that Activity Monitor and lldb show. */
static uint64_t os_thread_id(void)
{
    uint64_t id = 0;
    pthread_threadid_np(NULL, &id);
    return id;
}
#elif defined(CT_HAVE_PTHREAD_GETTHREADID_NP)
/* FreeBSD and DragonFly: the kernel's thread id. */
static uint64_t os_thread_id(void)
{
    return (uint64_t)pthread_getthreadid_np();
}
#else
/* No OS thread id to ask for: pthread_self() is just as unique among the
 * threads alive at once, which is all that native_id promises. */
static uint64_t os_thread_id(void)
{
    return (uint64_t)(uintptr_t)pthread_self();
}
#endif

uint64_t ctb_native_id(void)
{
    return os_thread_id();
}

/* --- the OS thread name ------------------------------------------------------
 * Every variant names the calling thread, the only one macOS can name, and
 * gets a name already cut to fit (OS_NAME_MAX bytes, without the NUL). */

#if defined(CT_HAVE_PTHREAD_SETNAME_NP_THREAD_NAME)
/* glibc and musl: (thread, name); Linux refuses names over 15 bytes (ERANGE). */
#  define OS_NAME_MAX 15
static void os_set_name(const char *name)
{
    pthread_setname_np(pthread_self(), name);
}
#elif defined(CT_HAVE_PTHREAD_SETNAME_NP_NAME)
/* macOS: (name), for the calling thread only; MAXTHREADNAMESIZE is 64. */
#  define OS_NAME_MAX 63
static void os_set_name(const char *name)
{
    pthread_setname_np(name);
}
#elif defined(CT_HAVE_PTHREAD_SET_NAME_NP)
/* FreeBSD and OpenBSD: the kernel keeps MAXCOMLEN (19 or more) bytes. */
#  define OS_NAME_MAX 19
static void os_set_name(const char *name)
{
    pthread_set_name_np(pthread_self(), name);
}
#else
/* No way to name a thread: the name lives only in ct_thread_name. */
#  define OS_NAME_MAX 0
static void os_set_name(const char *name)
{
    (void)name;
}
#endif

void ctb_thread_set_name(const char *name)
{
    /* Truncate, never splitting a UTF-8 sequence; ct_thread_name keeps the full name. */
    char buf[OS_NAME_MAX + 1];
    size_t n = strlen(name);
    if (n > OS_NAME_MAX) {
        n = OS_NAME_MAX;
        while (n > 0 && ((unsigned char)name[n] & 0xC0) == 0x80) n--;
    }
    memcpy(buf, name, n);
    buf[n] = '\0';
    os_set_name(buf);
}

/* --- processors ------------------------------------------------------------- */

#if defined(CT_HAVE_SCHED_GETAFFINITY)
/* Linux: the processors this process may run on (taskset, cpusets), which is
 * what Python 3.13's os.process_cpu_count() reports. 0 if unknown. */
static unsigned affinity_cpu_count(void)
{
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) != 0) return 0;
    return (unsigned)CPU_COUNT(&set);
}
#else
/* No affinity mask to read (macOS, and the portable build): every online processor counts. */
static unsigned affinity_cpu_count(void)
{
    return 0;
}
#endif

unsigned ctb_cpu_count(void)
{
    unsigned allowed = affinity_cpu_count();
    long online;
    if (allowed > 0) return allowed;
    online = sysconf(_SC_NPROCESSORS_ONLN);
    return online > 0 ? (unsigned)online : 1;
}
