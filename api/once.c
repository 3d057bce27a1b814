/* SPDX-License-Identifier: MIT */
/* ct_once: one byte (documented next to ct_once in cthreading.h), modelled on
 * CPython 3.13's _PyOnceFlag (_PyOnceFlag_CallOnceSlow in Python/lock.c). The
 * done path is one acquire load, inline in the header. The thread that moves
 * the byte from 0 to RUNNING runs fn; the others set PARKED and park until it
 * stores the outcome: DONE, or 0 again after a failure, when every parked
 * thread is woken and the first to take RUNNING runs fn again. */
#include "internal.h"
#include "parking_lot.h"

#define RUNNING ((unsigned char)CT__ONCE_RUNNING)
#define PARKED ((unsigned char)CT__ONCE_PARKED)
#define DONE ((unsigned char)CT__ONCE_DONE)

/* Under the bucket lock: sleep only while fn still runs with PARKED set, so
 * that finish's exchange, which sees PARKED, is sure to wake this thread. */
static bool still_running_with_waiters(void *ctx)
{
    return ct_load_u8(&((ct_once *)ctx)->v) == (RUNNING | PARKED);
}

static int finish(ct_once *once, int result)
{
    /* Release: a caller that sees DONE sees every write fn made. */
    unsigned char old = ct_exchange_u8(&once->v, result == 0 ? DONE : 0);
    if (old & PARKED) ct__unpark(once, SIZE_MAX, 0);
    return result;
}

int ct__call_once_slow(ct_once *once, int (*fn)(void *arg), void *arg)
{
    unsigned char v = ct_load_u8(&once->v);
    for (;;) {
        if (v == DONE) return CT_OK;
        if (v == 0) {
            if (!ct_cas_u8(&once->v, &v, RUNNING)) continue;
            return finish(once, fn(arg));
        }
        if (!(v & PARKED) && !ct_cas_u8(&once->v, &v, (unsigned char)(v | PARKED))) continue;
        ct__park(once, CTB_NEVER, still_running_with_waiters, NULL, once, 0, NULL);
        v = ct_load_u8(&once->v);
    }
}

int (ct_call_once)(ct_once *once, int (*fn)(void *arg), void *arg)
{
    if (ct_load_u8(&once->v) == DONE) return CT_OK;
    return ct__call_once_slow(once, fn, arg);
}

bool (ct_once_done)(const ct_once *once)
{
    return ct_load_u8(&once->v) == DONE;
}
