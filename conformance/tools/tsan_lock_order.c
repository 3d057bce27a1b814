/* SPDX-License-Identifier: MIT */
/* Built only with -fsanitize=thread (conformance/tools/CMakeLists.txt): two
 * threads, one after the other, each take two locks. With "inversion" (or
 * "rlock_inversion", "rwlock_inversion", "condition_inversion") the second takes them in the
 * opposite order: a potential deadlock that TSan must report as a
 * lock-order-inversion naming the locks. With "ordered" both use the same
 * order, one of them once released by a thread that did not take it, and
 * TSan must report nothing. */
#include "cthreading.h"

#include <stdio.h>
#include <string.h>

static ct_lock a = CT_LOCK_INIT, b = CT_LOCK_INIT;
static ct_rlock ra = CT_RLOCK_INIT, rb = CT_RLOCK_INIT;
static ct_rwlock rw = CT_RWLOCK_INIT;
static ct_condition cond;
static int shared;

static void lock_a_then_b(void *arg)
{
    (void)arg;
    ct_lock_acquire(&a);
    ct_lock_acquire(&b);
    shared++;
    ct_lock_release(&b);
    ct_lock_release(&a);
}

static void lock_b_then_a(void *arg)
{
    (void)arg;
    ct_lock_acquire(&b);
    ct_lock_acquire(&a);
    shared++;
    ct_lock_release(&a);
    ct_lock_release(&b);
}

/* RLocks, taken twice each: the recursion is one lock to TSan. */
static void rlock_a_then_b(void *arg)
{
    (void)arg;
    ct_rlock_acquire(&ra);
    ct_rlock_acquire(&ra);
    ct_rlock_acquire(&rb);
    shared++;
    ct_rlock_release(&rb);
    ct_rlock_release(&ra);
    ct_rlock_release(&ra);
}

static void rlock_b_then_a(void *arg)
{
    (void)arg;
    ct_rlock_acquire(&rb);
    ct_rlock_acquire(&ra);
    shared++;
    ct_rlock_release(&ra);
    ct_rlock_release(&rb);
}

/* A read hold of an RWLock, then a Lock; and the Lock, then the write hold. */
static void read_rw_then_a(void *arg)
{
    (void)arg;
    ct_rwlock_acquire_read(&rw);
    ct_lock_acquire(&a);
    shared++;
    ct_lock_release(&a);
    ct_rwlock_release_read(&rw);
}

static void a_then_write_rw(void *arg)
{
    (void)arg;
    ct_lock_acquire(&a);
    ct_rwlock_acquire_write(&rw);
    shared++;
    ct_rwlock_release_write(&rw);
    ct_lock_release(&a);
}

/* Readers released by another thread than the one that read: quiet. */
static void release_read_rw(void *arg)
{
    (void)arg;
    ct_rwlock_release_read(&rw);
}

/* A Condition's wait gives its lock (a) back and takes it again, holding b
 * meanwhile: a, then b, then a again after the wait: the inversion b -> a. */
static void wait_holding_b(void *arg)
{
    (void)arg;
    ct_condition_acquire(&cond);
    ct_lock_acquire(&b);
    shared++;
    ct_lock_release(&b);
    ct_lock_acquire(&b);
    (void)ct_condition_wait(&cond, 0.01);
    ct_lock_release(&b);
    ct_condition_release(&cond);
}

/* A Lock used as a signal: taken here, released by another thread. TSan's
 * mutex model forbids that; the library must keep it quiet. */
static void release_a(void *arg)
{
    (void)arg;
    ct_lock_release(&a);
}

static void run(void (*target)(void *))
{
    ct_thread *thread;
    if (ct_thread_start(&thread, target, NULL, NULL) != CT_OK) {
        fprintf(stderr, "cannot start a thread\n");
        return;
    }
    ct_thread_join(thread, CT_FOREVER);
    ct_thread_release(thread);
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "";
    ct_condition_init_lock(&cond, &a);
    if (strcmp(mode, "inversion") == 0) {
        run(lock_a_then_b);
        run(lock_b_then_a);
    } else if (strcmp(mode, "rlock_inversion") == 0) {
        run(rlock_a_then_b);
        run(rlock_b_then_a);
    } else if (strcmp(mode, "rwlock_inversion") == 0) {
        run(read_rw_then_a);
        run(a_then_write_rw);
    } else if (strcmp(mode, "condition_inversion") == 0) {
        run(wait_holding_b);
    } else if (strcmp(mode, "ordered") == 0) {
        run(lock_a_then_b);
        ct_lock_acquire(&a);
        run(release_a);
        run(lock_a_then_b);
        ct_lock_acquire(&b);
        ct_lock_release(&b);
        run(rlock_a_then_b);
        run(rlock_a_then_b);
        run(read_rw_then_a);
        ct_rwlock_acquire_read(&rw);
        run(release_read_rw);
        run(read_rw_then_a);
        ct_rwlock_acquire_write(&rw);
        ct_rwlock_release_write(&rw);
    } else {
        fprintf(stderr, "usage: %s inversion|rlock_inversion|rwlock_inversion|condition_inversion|ordered\n", argv[0]);
        return 2;
    }
    printf("done: %d\n", shared);
    return 0;
}
