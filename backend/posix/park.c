/* SPDX-License-Identifier: MIT */
/* The per-thread parker: a permit that only its own thread waits for.
 * Linux: a futex word. Elsewhere (macOS, the portable build): a pthread mutex and
 * condition variable timed on CLOCK_MONOTONIC where the system can. */
#include "backend.h"
#include "atomics.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <time.h>

static struct timespec timespec_from_ns(int64_t ns)
{
    struct timespec ts;
    ts.tv_sec = (time_t)(ns / 1000000000);
    ts.tv_nsec = (long)(ns % 1000000000);
    return ts;
}

#if defined(CT_USE_FUTEX)

#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

/* word: 0 empty, 1 permit given, 2 owner asleep (or about to be). */
struct ctb_parker {
    uint32_t word;
};

static _Thread_local struct ctb_parker self_parker;

ctb_parker *ctb_parker_current(void)
{
    return &self_parker;
}

/* The timeout is in the kernel's timespec, which is the C library's only where
 * time_t has the CPU's word size. A 32-bit CPU built with a 64-bit time_t
 * (glibc's _TIME_BITS=64, as Debian 13 builds everything; musl >= 1.2) has a
 * struct timespec that SYS_futex reads in its old 32-bit layout: the deadline
 * lost its nanoseconds, and an Event wait of 0.7 s on armhf spun through 1,754
 * futex calls. Such a build uses SYS_futex_time64 (Linux 5.1), whose fields
 * are 64-bit; one with a 32-bit time_t keeps SYS_futex, which every kernel
 * has. 64-bit CPUs have only SYS_futex, riscv32 only SYS_futex_time64. */
#if !defined(SYS_futex_time64)
#define SYS_futex_time64 SYS_futex
#endif
#if !defined(SYS_futex)
#define SYS_futex SYS_futex_time64
#endif

typedef struct futex_timespec64 {
    int64_t tv_sec;
    int64_t tv_nsec;
} futex_timespec64;

/* FUTEX_WAIT_BITSET takes an absolute CLOCK_MONOTONIC deadline, so EINTR and
 * early returns re-wait without recomputing a relative timeout. */
static void futex_wait_until(uint32_t *word, uint32_t expected, int64_t deadline)
{
    struct timespec ts = timespec_from_ns(deadline);
    futex_timespec64 ts64 = { ts.tv_sec, ts.tv_nsec };
    bool time64 = sizeof(time_t) == sizeof(int64_t);
    const void *timeout = time64 ? (const void *)&ts64 : (const void *)&ts;
    if (deadline == CTB_NEVER) timeout = NULL;
    syscall(time64 ? SYS_futex_time64 : SYS_futex, word, FUTEX_WAIT_BITSET | FUTEX_PRIVATE_FLAG,
            expected, timeout, NULL, FUTEX_BITSET_MATCH_ANY);
}

int ctb_parker_wait(ctb_parker *parker, int64_t deadline)
{
    for (;;) {
        uint32_t seen = ct_load_u32(&parker->word);
        if (seen == 1) {
            if (ct_cas_u32(&parker->word, &seen, 0)) return CT_OK;
            continue;
        }
        if (seen == 0 && !ct_cas_u32(&parker->word, &seen, 2)) continue;
        if (deadline != CTB_NEVER && ctb_monotonic_ns() >= deadline) {
            uint32_t asleep = 2;
            if (ct_cas_u32(&parker->word, &asleep, 0)) return CT_ETIMEDOUT;
            continue;
        }
        futex_wait_until(&parker->word, 2, deadline);
    }
}

void ctb_parker_wake(ctb_parker *parker)
{
    if (ct_exchange_u32(&parker->word, 1) == 2)
        syscall(SYS_futex, &parker->word, FUTEX_WAKE | FUTEX_PRIVATE_FLAG, 1, NULL, NULL, 0);
}

#else /* pthread mutex + condition variable */

struct ctb_parker {
    pthread_mutex_t mutex;
    pthread_cond_t cond;
    bool ready;    /* mutex and cond initialized, not yet destroyed */
    bool permit;
};

/* Zeroed, not PTHREAD_*_INITIALIZER: the objects are set up once with
 * pthread_*_init (a condition variable may need a clock attribute, and
 * initializing one over a static initializer is undefined). */
static _Thread_local struct ctb_parker self_parker;

static void check(int err, const char *what)
{
    if (err != 0) ctb_fatal(what, err);
}

#if defined(CT_USE_CONDATTR_SETCLOCK)
static void parker_cond_init(pthread_cond_t *cond)
{
    pthread_condattr_t attr;
    int err = pthread_condattr_init(&attr);
    if (err == 0) err = pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    if (err == 0) err = pthread_cond_init(cond, &attr);
    if (err != 0) ctb_fatal("pthread_cond_init(CLOCK_MONOTONIC)", err);
    pthread_condattr_destroy(&attr);
}

static int parker_cond_wait_until(ctb_parker *parker, int64_t deadline)
{
    struct timespec ts = timespec_from_ns(deadline);
    return pthread_cond_timedwait(&parker->cond, &parker->mutex, &ts);
}
#elif defined(CT_HAVE_COND_TIMEDWAIT_RELATIVE_NP)
static void parker_cond_init(pthread_cond_t *cond)
{
    check(pthread_cond_init(cond, NULL), "pthread_cond_init");   /* waits are relative */
}

static int parker_cond_wait_until(ctb_parker *parker, int64_t deadline)
{
    struct timespec ts = timespec_from_ns(deadline - ctb_monotonic_ns());
    return pthread_cond_timedwait_relative_np(&parker->cond, &parker->mutex, &ts);
}
#else
static void parker_cond_init(pthread_cond_t *cond)
{
    check(pthread_cond_init(cond, NULL), "pthread_cond_init");
}

/* Only CLOCK_REALTIME deadlines exist here: sleep in slices of at most 50 ms so
 * that a wall-clock jump can stretch a wait by no more than one slice; the
 * caller re-checks the monotonic deadline after every slice. */
static int parker_cond_wait_until(ctb_parker *parker, int64_t deadline)
{
    struct timespec now;
    int64_t left = deadline - ctb_monotonic_ns();
    if (left > 50000000) left = 50000000;
    clock_gettime(CLOCK_REALTIME, &now);
    now = timespec_from_ns((int64_t)now.tv_sec * 1000000000 + now.tv_nsec + left);
    return pthread_cond_timedwait(&parker->cond, &parker->mutex, &now);
}
#endif

/* The mutex and condition are destroyed at thread exit by a key's destructor:
 * where they are heap objects (FreeBSD) they would leak, one pair per thread
 * (issue 10). A later destructor that parks again sets them up anew, and
 * POSIX's next destructor pass destroys them again. */
static pthread_key_t parker_key;
static pthread_once_t parker_key_once = PTHREAD_ONCE_INIT;

static void parker_destroy(void *raw)
{
    ctb_parker *parker = (ctb_parker *)raw;
    parker->ready = false;
    check(pthread_cond_destroy(&parker->cond), "pthread_cond_destroy");
    check(pthread_mutex_destroy(&parker->mutex), "pthread_mutex_destroy");
}

static void parker_key_create(void)
{
    check(pthread_key_create(&parker_key, parker_destroy), "pthread_key_create");
}

ctb_parker *ctb_parker_current(void)
{
    ctb_parker *parker = &self_parker;
    if (!parker->ready) {
        check(pthread_once(&parker_key_once, parker_key_create), "pthread_once");
        check(pthread_mutex_init(&parker->mutex, NULL), "pthread_mutex_init");
        parker_cond_init(&parker->cond);
        parker->ready = true;
        /* Without the key (ENOMEM) the pair is only left to the end of the process. */
        (void)pthread_setspecific(parker_key, parker);
    }
    return parker;
}

int ctb_parker_wait(ctb_parker *parker, int64_t deadline)
{
    int status = CT_OK;
    check(pthread_mutex_lock(&parker->mutex), "pthread_mutex_lock");
    while (!parker->permit) {
        if (deadline == CTB_NEVER) {
            check(pthread_cond_wait(&parker->cond, &parker->mutex), "pthread_cond_wait");
            continue;
        }
        if (ctb_monotonic_ns() >= deadline) {
            status = CT_ETIMEDOUT;
            break;
        }
        int err = parker_cond_wait_until(parker, deadline);
        if (err != 0 && err != ETIMEDOUT && err != EINTR) ctb_fatal("pthread_cond_timedwait", err);
    }
    if (status == CT_OK) parker->permit = false;
    check(pthread_mutex_unlock(&parker->mutex), "pthread_mutex_unlock");
    return status;
}

/* Signal while holding the mutex: the sleeper cannot see the permit, return and
 * exit its thread (freeing the parker) before this call is done with it. */
void ctb_parker_wake(ctb_parker *parker)
{
    check(pthread_mutex_lock(&parker->mutex), "pthread_mutex_lock");
    parker->permit = true;
    check(pthread_cond_signal(&parker->cond), "pthread_cond_signal");
    check(pthread_mutex_unlock(&parker->mutex), "pthread_mutex_unlock");
}

#endif
