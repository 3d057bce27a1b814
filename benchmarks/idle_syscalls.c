/* SPDX-License-Identifier: MIT */
/* Event.set, Condition.notify, Semaphore.release and an uncontended Lock with
 * nobody waiting, N times each, between two getppid() calls that mark the loop
 * in an strace log. strace_idle.sh checks that nothing else appears between
 * the markers, and that the syscall counts of N = 0 and N = 1,000,000 match.
 *
 *   ct_idle_syscalls [N]    (default 1000000)
 */
#include <cthreading.h>

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    long n = argc > 1 ? strtol(argv[1], NULL, 10) : 1000000;
    ct_event event = CT_EVENT_INIT;
    ct_semaphore semaphore = CT_SEMAPHORE_INIT(0);
    ct_lock lock = CT_LOCK_INIT;
    ct_condition condition;
    ct_condition_init_lock(&condition, &lock);

    ct_condition_acquire(&condition);
    (void)getppid();
    for (long i = 0; i < n; i++) {
        ct_event_set(&event);
        ct_event_clear(&event);
        ct_condition_notify(&condition, 1);
        ct_condition_notify_all(&condition);
        ct_semaphore_release(&semaphore, 1);
        ct_semaphore_acquire(&semaphore);
    }
    (void)getppid();
    ct_condition_release(&condition);

    for (long i = 0; i < n; i++) {
        ct_lock_acquire(&lock);
        ct_lock_release(&lock);
    }
    (void)getppid();
    printf("%ld rounds: event set+clear, notify, notify_all, semaphore release+acquire, "
           "lock acquire+release\n", n);
    return 0;
}
