/* SPDX-License-Identifier: MIT */
/* The per-thread parker: a word waited on with WaitOnAddress, Windows' futex.
 * A waker touches the word with one atomic exchange, and WakeByAddressSingle only
 * looks the address up among waiting threads without reading it, so the sleeper
 * may see its permit, return and end its thread (freeing the parker) while a wake
 * is still in flight. */
#include "win32.h"
#include "atomics.h"
#include "compiler.h"

#define PARKER_EMPTY 0u
#define PARKER_PERMIT 1u
#define PARKER_ASLEEP 0xFFFFFFFFu   /* EMPTY - 1: the owner waits, or is about to */

struct ctb_parker {
    uint32_t word;
};

static CT_THREAD_LOCAL struct ctb_parker self_parker;

ctb_parker *ctb_parker_current(void)
{
    return &self_parker;
}

/* Only the owner moves the word down (PERMIT to EMPTY, EMPTY to ASLEEP), one
 * step at a time; wakers only ever exchange it to PERMIT. */
int ctb_parker_wait(ctb_parker *parker, int64_t deadline)
{
    uint32_t asleep = PARKER_ASLEEP;
    if (ct_fetch_add_u32(&parker->word, PARKER_ASLEEP) == PARKER_PERMIT) return CT_OK;
    for (;;) {
        int64_t now = ctb_monotonic_ns();
        uint32_t permit = PARKER_PERMIT;
        if (deadline != CTB_NEVER && now >= deadline) break;
        /* Returns at a wake, spuriously, or when a chunk of the timeout ends. */
        WaitOnAddress(&parker->word, &asleep, sizeof asleep, ctb__timeout_ms(deadline, now));
        if (ct_cas_u32(&parker->word, &permit, PARKER_EMPTY)) return CT_OK;
    }
    /* A wake that lands between the deadline and this exchange is consumed, not lost. */
    return ct_exchange_u32(&parker->word, PARKER_EMPTY) == PARKER_PERMIT ? CT_OK : CT_ETIMEDOUT;
}

void ctb_parker_wake(ctb_parker *parker)
{
    if (ct_exchange_u32(&parker->word, PARKER_PERMIT) == PARKER_ASLEEP)
        WakeByAddressSingle(&parker->word);
}
