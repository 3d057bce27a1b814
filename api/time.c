/* SPDX-License-Identifier: MIT */
#include "internal.h"

int ct__deadline(double timeout, int64_t *deadline)
{
    double ns;
    int64_t whole;
    if (timeout == CT_FOREVER) {
        *deadline = CTB_NEVER;
        return CT_OK;
    }
    if (timeout != timeout || timeout < 0) return CT_EINVAL;   /* NaN or negative */
    if (timeout > CT_TIMEOUT_MAX) return CT_EOVERFLOW;
    if (timeout == 0) {
        *deadline = 0;
        return CT_OK;
    }
    /* Round up: a wait of half a nanosecond still waits, it never becomes a poll. */
    ns = timeout * 1e9;
    whole = (int64_t)ns;
    if ((double)whole < ns) whole++;
    *deadline = ctb_monotonic_ns() + whole;
    return CT_OK;
}

double ct_monotonic(void)
{
    return (double)ctb_monotonic_ns() / 1e9;
}

void ct_sleep(double seconds)
{
    int64_t deadline;
    if (seconds > CT_TIMEOUT_MAX) seconds = CT_TIMEOUT_MAX;
    /* Python raises ValueError for a negative or NaN sleep; a void call can only
     * refuse to wait. */
    if (!(seconds > 0) || ct__deadline(seconds, &deadline) != CT_OK) return;
    ctb_sleep_until(deadline);
}
