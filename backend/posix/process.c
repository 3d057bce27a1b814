/* SPDX-License-Identifier: MIT */
/* What the POSIX backend does for the process as a whole rather than for one
 * thread: the fork handlers, the exit hook of threads started elsewhere (a
 * thread-specific data key), and the exit-time callback. */
#include "backend.h"

#include <pthread.h>
#include <stdlib.h>

/* --- fork --------------------------------------------------------------------- */

int ctb_at_fork(void (*prepare)(void), void (*parent)(void), void (*child)(void))
{
    return pthread_atfork(prepare, parent, child) == 0 ? CT_OK : CT_ENOMEM;
}

/* --- the exit hook -------------------------------------------------------------- */

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
    int err = pthread_once(&exit_key_once, exit_key_create);
    if (err != 0) ctb_fatal("pthread_once", err);
    err = pthread_setspecific(exit_key, record);
    return err == 0 ? CT_OK : CT_ENOMEM;
}

int ctb_at_exit(void (*fn)(void))
{
    return atexit(fn) == 0 ? CT_OK : CT_ENOMEM;
}
