/* Event: bit 0 the flag, bit 1 "threads may be parked here". set() swaps in the
 * flag and enters the parking lot only when that bit was set; every parked
 * waiter is handed TOKEN_SET, so it reports true even if clear() ran before it
 * was scheduled (Event.wait's contract). */
#include "internal.h"

#define FLAG 1
#define HAS_PARKED 2
#define TOKEN_SET 1

void ct_event_init(ct_event *event)
{
    event->v = 0;
}

void ct_event_set(ct_event *event)
{
    if (ct_exchange_u8(&event->v, FLAG) & HAS_PARKED) ct__unpark(event, SIZE_MAX, TOKEN_SET);
}

void ct_event_clear(ct_event *event)
{
    ct_fetch_and_u8(&event->v, (unsigned char)~FLAG);
}

bool ct_event_is_set(const ct_event *event)
{
    return (ct_load_u8(&event->v) & FLAG) != 0;
}

static bool unset_with_waiters(void *ctx)
{
    return ct_load_u8(&((ct_event *)ctx)->v) == HAS_PARKED;
}

bool ct_event_wait(ct_event *event, double timeout)
{
    int64_t deadline;
    if (ct__deadline(timeout, &deadline) != CT_OK) deadline = 0;   /* invalid: poll */
    return ct__event_wait_until(event, deadline);
}

bool ct__event_wait_until(ct_event *event, int64_t deadline)
{
    for (;;) {
        unsigned char v = ct_load_u8(&event->v);
        uintptr_t token = 0;
        if (v & FLAG) return true;
        if (deadline == 0) return false;
        if (!(v & HAS_PARKED) && !ct_cas_u8(&event->v, &v, (unsigned char)(v | HAS_PARKED)))
            continue;
        switch (ct__park(event, deadline, unset_with_waiters, NULL, event, &token)) {
        case CT_OK:
            if (token == TOKEN_SET) return true;
            break;
        case CT_ETIMEDOUT:
            return ct_event_is_set(event);
        default:
            break;
        }
    }
}
