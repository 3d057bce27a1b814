/* SPDX-License-Identifier: MIT */
/* threading.Timer: run a function once after a delay, on its own thread;
 * cancel() stops it if it has not started yet.
 *
 *     t = threading.Timer(0.2, remind, args=("stretch your legs",))
 *     t.start()
 *     t.join()
 *
 *     never = threading.Timer(10.0, remind, args=("too late",))
 *     never.start()
 *     never.cancel()
 */
#include <cthreading.h>
#include <stdbool.h>
#include <stdio.h>

#define DELAY 0.2

struct reminder {
    const char *message;
    double started;
    double fired_after;
    bool ran;
};

static void remind(void *arg)
{
    struct reminder *reminder = arg;
    reminder->fired_after = ct_monotonic() - reminder->started;
    reminder->ran = true;
    printf("Timer thread: %s\n", reminder->message);
}

static int start_reminder(ct_timer **timer, struct reminder *reminder, double delay)
{
    reminder->started = ct_monotonic();
    int status = ct_timer_start(timer, delay, remind, reminder, NULL);
    if (status != CT_OK)
        fprintf(stderr, "ct_timer_start: %s\n", ct_strerror(status));
    return status;
}

int main(void)
{
    struct reminder soon = { "stretch your legs", 0.0, 0.0, false };
    ct_timer *soon_timer;
    printf("Starting a %.1f s timer\n", DELAY);
    if (start_reminder(&soon_timer, &soon, DELAY) != CT_OK)
        return 1;
    ct_timer_join(soon_timer, CT_FOREVER);
    ct_timer_release(soon_timer);
    /* 1 ms of slack: the clock may tick in coarser steps than the timer's wait. */
    printf("Timer ran after waiting its delay: %s\n",
           soon.ran && soon.fired_after >= DELAY - 0.001 ? "yes" : "no");

    struct reminder late = { "too late", 0.0, 0.0, false };
    ct_timer *late_timer;
    if (start_reminder(&late_timer, &late, 10.0) != CT_OK)
        return 1;
    bool cancelled = ct_timer_cancel(late_timer);
    ct_timer_join(late_timer, CT_FOREVER);
    ct_timer_release(late_timer);
    printf("Cancelled the 10 s timer before it ran: %s\n", cancelled ? "yes" : "no");
    printf("Cancelled timer's function ran: %s\n", late.ran ? "yes" : "no");
    return 0;
}
