/* SPDX-License-Identifier: MIT */
/* glibc's adaptive mutex (PTHREAD_MUTEX_ADAPTIVE_NP): spins a while before
 * sleeping. Built only where the C library has it (benchmarks/CMakeLists.txt). */
#include "common.h"

#include <pthread.h>

static void mutex_adaptive_init(pthread_mutex_t *m)
{
    pthread_mutexattr_t attr;
    pthread_mutexattr_init(&attr);
    pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_ADAPTIVE_NP);
    pthread_mutex_init(m, &attr);
    pthread_mutexattr_destroy(&attr);
}

BENCH_LOCK(amutex, pthread_mutex_t, mutex_adaptive_init, pthread_mutex_lock, pthread_mutex_unlock,
           pthread_mutex_destroy)

BENCH_REGISTER(register_posix_adaptive)
{
    amutex_register("pthread_mutex_adaptive");
}
