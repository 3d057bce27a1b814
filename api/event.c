/* SPDX-License-Identifier: MIT */
/* Event: bit 0 the flag, bit 1 "threads may be parked here", bits 2-7 a
 * generation: the count, mod 64, of sets that found waiters. set() enters the
 * parking lot only when bit 1 is set; every waiter it wakes is handed the new
 * generation, so it reports true even if clear() ran before it was scheduled
 * (Event.wait's contract).
 *
 * The generation is what tells a waiter that its wake-up belongs to a set that
 * happened while it was parked: a set's unpark runs after its compare-and-swap,
 * so a set that a clear() has already undone can reach a thread that began
 * waiting after that clear. That thread saw the generation the late set wrote,
 * recognizes it, and goes back to waiting. */
#include "internal.h"
#include "parking_lot.h"

#define FLAG 1
#define HAS_PARKED 2
#define GENERATION 4
#define GENERATION_MASK ((unsigned char)0xFC)

typedef struct event_waiter {
    ct_event *event;
    unsigned char generation;   /* the generation when it was queued */
} event_waiter;

void ct_event_init(ct_event *event)
{
    event->v = 0;
}

void ct_event_set(ct_event *event)
{
    unsigned char v = ct_load_relaxed_u8(&event->v);   /* a guess: the CAS checks it and releases */
    for (;;) {
        if (!(v & HAS_PARKED)) {
            /* A write even when already set: it is the release that a waiter
             * seeing the flag synchronizes with. */
            if (ct_cas_u8(&event->v, &v, (unsigned char)(v | FLAG))) return;
            continue;
        }
        unsigned char next =
            (unsigned char)(((unsigned char)(v + GENERATION) & GENERATION_MASK) | FLAG);
        if (ct_cas_u8(&event->v, &v, next)) {
            ct__unpark(event, SIZE_MAX, next);   /* nonzero: FLAG is in it */
            return;
        }
    }
}

void ct_event_clear(ct_event *event)
{
    ct_fetch_and_u8(&event->v, (unsigned char)~FLAG);
}

bool ct_event_is_set(const ct_event *event)
{
    return (ct_load_u8(&event->v) & FLAG) != 0;
}

/* Under the bucket lock: sleep only while unset with the parked bit, and
 * remember the generation this waiter is queued under. */
static bool unset_with_waiters(void *ctx)
{
    event_waiter *self = (event_waiter *)ctx;
    unsigned char v = ct_load_u8(&self->event->v);
    self->generation = (unsigned char)(v & GENERATION_MASK);
    return (v & (FLAG | HAS_PARKED)) == HAS_PARKED;
}

/* A set that comes within this long is caught without sleeping, so that
 * neither side makes a system call when both are running (benchmarks/: Event
 * ping-pong). With HAS_PARKED set, any set() moves the generation on, so the
 * poll sees a set even if a clear() follows it at once. */
#define SPIN_NS 5000

/* Set, or set and cleared again, since the poll began. */
static bool set_since(const void *ctx)
{
    const event_waiter *self = (const event_waiter *)ctx;
    unsigned char v = ct_load_u8(&self->event->v);   /* acquire: what the setter wrote is seen */
    return (v & FLAG) || (v & GENERATION_MASK) != self->generation;
}

bool ct_event_wait(ct_event *event, double timeout)
{
    int64_t deadline;
    if (ct__deadline(timeout, &deadline) != CT_OK) deadline = 0;   /* invalid: poll */
    return ct__event_wait_until(event, deadline);
}

static bool wait_until(ct_event *event, int64_t deadline, bool poll)
{
    event_waiter self = { event, 0 };
    for (;;) {
        unsigned char v = ct_load_u8(&event->v);
        uintptr_t token = 0;
        if (v & FLAG) return true;
        if (deadline == 0) return false;
        if (!(v & HAS_PARKED) && !ct_cas_u8(&event->v, &v, (unsigned char)(v | HAS_PARKED)))
            continue;
        self.generation = (unsigned char)(v & GENERATION_MASK);
        if (poll && ct__poll(set_since, &self, SPIN_NS, deadline)) return true;
        switch (ct__park(event, deadline, unset_with_waiters, NULL, &self, 0, &token)) {
        case CT_OK:
            if (token != 0 && (token & GENERATION_MASK) != self.generation) return true;
            break;   /* woken by a set older than this wait: wait on */
        case CT_ETIMEDOUT:
            return ct_event_is_set(event);
        default:
            break;
        }
    }
}

bool ct__event_wait_until(ct_event *event, int64_t deadline)
{
    return wait_until(event, deadline, true);
}

bool ct__event_sleep_until(ct_event *event, int64_t deadline)
{
    return wait_until(event, deadline, false);
}
