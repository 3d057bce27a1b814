/* SPDX-License-Identifier: MIT */
/* Threads started by plain OS means, not by cthreading: the "foreign" threads
 * the contract says the library must handle too (Dummy-N threads, locals). */
#ifndef CT_FOREIGN_THREAD_H
#define CT_FOREIGN_THREAD_H

typedef struct foreign_thread {
    void *os_handle;
    void (*fn)(void *);
    void *arg;
} foreign_thread;

/* Start fn(arg) on a raw OS thread (pthread_create / CreateThread). Returns 0
 * on success. The struct must stay in place until foreign_thread_join. */
int foreign_thread_start(foreign_thread *thread, void (*fn)(void *), void *arg);

/* End the calling thread at once, by the OS's own call (pthread_exit,
 * _endthreadex), without returning from its function. */
void foreign_thread_exit_current(void);

/* Wait until the OS thread has ended, its thread-exit work included. */
void foreign_thread_join(foreign_thread *thread);

#endif
