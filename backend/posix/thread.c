#include "backend.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#if defined(__linux__)
#  include <sys/syscall.h>
#endif

typedef struct start_args {
    void (*entry)(void *);
    void *arg;
} start_args;

static void *trampoline(void *raw)
{
    start_args args = *(start_args *)raw;
    free(raw);
    args.entry(args.arg);
    return NULL;
}

static int status_from_errno(int err)
{
    return err == ENOMEM ? CT_ENOMEM : CT_EAGAIN;
}

int ctb_thread_create(void (*entry)(void *), void *arg, size_t stack_size)
{
    pthread_attr_t attr;
    pthread_t thread;
    start_args *args = (start_args *)malloc(sizeof *args);
    int err;
    if (!args) return CT_ENOMEM;
    args->entry = entry;
    args->arg = arg;
    if ((err = pthread_attr_init(&attr)) != 0) {
        free(args);
        return status_from_errno(err);
    }
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    if (stack_size != 0 && (err = pthread_attr_setstacksize(&attr, stack_size)) != 0) {
        pthread_attr_destroy(&attr);
        free(args);
        return err == EINVAL ? CT_EINVAL : status_from_errno(err);
    }
    err = pthread_create(&thread, &attr, trampoline, args);
    pthread_attr_destroy(&attr);
    if (err != 0) {
        free(args);
        return status_from_errno(err);
    }
    return CT_OK;
}

size_t ctb_stack_size_fit(size_t size)
{
    long page = sysconf(_SC_PAGESIZE);
    size_t minimum = (size_t)PTHREAD_STACK_MIN;
    if (size == 0) return 0;
    if (page <= 0) page = 4096;
    if (minimum < 32768) minimum = 32768;   /* threading.stack_size's own floor */
    if (size < minimum) size = minimum;
    return (size + (size_t)page - 1) / (size_t)page * (size_t)page;
}

uint64_t ctb_native_id(void)
{
#if defined(__linux__)
    return (uint64_t)syscall(SYS_gettid);
#elif defined(__APPLE__)
    uint64_t id = 0;
    pthread_threadid_np(NULL, &id);
    return id;
#else
    return (uint64_t)(uintptr_t)pthread_self();
#endif
}

void ctb_thread_set_name(const char *name)
{
#if defined(CT_HAVE_PTHREAD_SETNAME_NP)
    /* Linux refuses names over 15 bytes (ERANGE): truncate, never splitting a
     * UTF-8 sequence. ct_thread_name keeps the full name. */
    char buf[16];
    size_t n = strlen(name);
    if (n > sizeof buf - 1) {
        n = sizeof buf - 1;
        while (n > 0 && ((unsigned char)name[n] & 0xC0) == 0x80) n--;
    }
    memcpy(buf, name, n);
    buf[n] = '\0';
#  if defined(__APPLE__)
    pthread_setname_np(buf);
#  else
    pthread_setname_np(pthread_self(), buf);
#  endif
#else
    (void)name;
#endif
}

unsigned ctb_cpu_count(void)
{
#if defined(__linux__) && defined(CPU_COUNT)
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0)
        return (unsigned)CPU_COUNT(&set);
#endif
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (unsigned)n : 1;
}

/* One key whose destructor is the exit hook: POSIX runs it when a thread ends
 * by returning or pthread_exit, whoever started the thread. */
static pthread_key_t exit_key;
static pthread_once_t exit_key_once = PTHREAD_ONCE_INIT;

static void exit_key_destructor(void *record)
{
    ct__thread_exited(record);
}

static void exit_key_create(void)
{
    int err = pthread_key_create(&exit_key, exit_key_destructor);
    if (err != 0) ctb_fatal("pthread_key_create", err);
}

int ctb_thread_exit_hook(void *record)
{
    int err;
    pthread_once(&exit_key_once, exit_key_create);
    err = pthread_setspecific(exit_key, record);
    return err == 0 ? CT_OK : CT_ENOMEM;
}
