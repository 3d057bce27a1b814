/* SPDX-License-Identifier: MIT */
/* Handoffs between threads, many times over, for weakly ordered CPUs (ARM64,
 * POWER, RISC-V): whatever a thread wrote before it released a lock, set an
 * Event or released a Semaphore must be what the thread it woke reads. A
 * missing release or acquire shows here as a torn pair, a stale value, a lost
 * update or a wait that never returns. On x86, and under qemu-user on any CPU,
 * stores are not reordered, so these pass there whatever the orders say; the
 * GitHub workflow runs them on real ARM64 machines. The data they hand over
 * is plain memory on purpose: only the primitives order it. */
#include "harness.h"

#define LOCK_THREADS 4
#define LOCK_ROUNDS 50000
#define PING_PONGS 50000
#define GENERATION_WAITERS 8
#define GENERATION_ROUNDS 40
#define GENERATION_WAIT 0.5
#define SEMAPHORE_SLOTS 8
#define SEMAPHORE_ITEMS 200000

/* ------------------------------------------------------------ lock handoff */

typedef struct guarded_pair {
    ct_lock lock;
    uint64_t a, b;       /* equal whenever the lock is free */
    uint64_t torn;       /* times a holder found them unequal */
} guarded_pair;

/* Some holders stay a while, so that waiters park, wait past the lock's
 * 0.5 ms fairness threshold and are handed the lock, not only barge in. */
static void hold_briefly(unsigned round)
{
    if (round % 64 == 0) {
        double until = ct_monotonic() + 0.0002;
        while (ct_monotonic() < until) {
        }
    }
}

/* The analysis cannot follow a timed acquire whose result a CHECK tests. */
CT_NO_THREAD_SAFETY_ANALYSIS static void lock_worker(void *arg)
{
    guarded_pair *pair = (guarded_pair *)arg;
    for (unsigned i = 0; i < LOCK_ROUNDS; i++) {
        if (i % 2) {
            CHECK_OK(ct_lock_acquire_timeout(&pair->lock, 30.0));
        } else {
            ct_lock_acquire(&pair->lock);
        }
        if (pair->a != pair->b) pair->torn++;
        pair->a++;
        hold_briefly(i);
        pair->b++;
        CHECK_OK(ct_lock_release(&pair->lock));
    }
}

TEST_TIMEOUT(lock_handoff_stress, 300)
{
    guarded_pair pair = { CT_LOCK_INIT, 0, 0, 0 };
    ct_thread *threads[LOCK_THREADS];
    for (int i = 0; i < LOCK_THREADS; i++) threads[i] = ct_test_start(lock_worker, &pair);
    for (int i = 0; i < LOCK_THREADS; i++) ct_test_join(threads[i]);
    CHECK_EQ_U(pair.torn, 0);
    CHECK_EQ_U(pair.a, (uint64_t)LOCK_THREADS * LOCK_ROUNDS);
    CHECK_EQ_U(pair.b, pair.a);
}

/* ------------------------------------------------------- event ping-pong */

typedef struct ping_pong {
    ct_event ping, pong;
    uint64_t ball;       /* written before each set, read after each wait */
    uint64_t bad_catches;
} ping_pong;

static void pong_side(void *arg)
{
    ping_pong *game = (ping_pong *)arg;
    for (uint64_t i = 1; i <= PING_PONGS; i++) {
        CHECK(ct_event_wait(&game->ping, 30.0));
        ct_event_clear(&game->ping);
        if (game->ball != 2 * i - 1) game->bad_catches++;
        game->ball = 2 * i;
        ct_event_set(&game->pong);
    }
}

TEST_TIMEOUT(event_ping_pong_stress, 300)
{
    ping_pong game = { CT_EVENT_INIT, CT_EVENT_INIT, 0, 0 };
    uint64_t bad = 0;
    ct_thread *other = ct_test_start(pong_side, &game);
    for (uint64_t i = 1; i <= PING_PONGS; i++) {
        game.ball = 2 * i - 1;
        ct_event_set(&game.ping);
        CHECK(ct_event_wait(&game.pong, 30.0));
        ct_event_clear(&game.pong);
        if (game.ball != 2 * i) bad++;
    }
    ct_test_join(other);
    CHECK_EQ_U(bad, 0);
    CHECK_EQ_U(game.bad_catches, 0);
}

/* ------------------------------------------- event set/clear generations
 * A set followed at once by a clear while threads wait: every waiter must
 * return true (Event.wait's contract), also one that runs only after the
 * clear, which the generation the set handed it tells it. Each round the
 * waiters say they are about to wait and the setter gives them 2 ms to get
 * there; a few misses are allowed for a waiter descheduled longer than that on
 * a loaded machine. (On x86 Linux a woken waiter usually runs before the clear;
 * event.set_then_clear_during_wait_counts forces the late run.) */

typedef struct generations {
    ct_event event;
    ct_semaphore ready, done;
    ct_lock lock;
    int misses;          /* under lock */
} generations;

static void generation_waiter(void *arg)
{
    generations *g = (generations *)arg;
    for (int round = 0; round < GENERATION_ROUNDS; round++) {
        bool woken;
        CHECK_OK(ct_semaphore_release(&g->ready, 1));
        woken = ct_event_wait(&g->event, GENERATION_WAIT);
        ct_lock_acquire(&g->lock);
        if (!woken) g->misses++;
        CHECK_OK(ct_lock_release(&g->lock));
        CHECK_OK(ct_semaphore_release(&g->done, 1));
    }
}

TEST_TIMEOUT(event_set_clear_generation_stress, 300)
{
    generations g = { CT_EVENT_INIT, CT_SEMAPHORE_INIT(0), CT_SEMAPHORE_INIT(0), CT_LOCK_INIT, 0 };
    ct_thread *waiters[GENERATION_WAITERS];
    for (int i = 0; i < GENERATION_WAITERS; i++) waiters[i] = ct_test_start(generation_waiter, &g);
    for (int round = 0; round < GENERATION_ROUNDS; round++) {
        for (int i = 0; i < GENERATION_WAITERS; i++) ct_semaphore_acquire(&g.ready);
        ct_sleep(0.002);
        ct_event_set(&g.event);
        ct_event_clear(&g.event);
        for (int i = 0; i < GENERATION_WAITERS; i++) ct_semaphore_acquire(&g.done);
    }
    for (int i = 0; i < GENERATION_WAITERS; i++) ct_test_join(waiters[i]);
    printf("%d of %d waits missed their set\n", g.misses, GENERATION_WAITERS * GENERATION_ROUNDS);
    CHECK_LE(g.misses, GENERATION_WAITERS * GENERATION_ROUNDS / 10);
}

/* ------------------------------------------------- semaphore (parking-lot wake)
 * A ring of plain slots between a producer and a consumer, counted by two
 * semaphores: a consumer that parks on an empty ring is woken by the
 * parking lot, and must then read the slot the producer filled. */

typedef struct ring {
    ct_semaphore filled, free_slots;
    uint64_t slots[SEMAPHORE_SLOTS];
} ring;

static void producer(void *arg)
{
    ring *r = (ring *)arg;
    for (uint64_t i = 0; i < SEMAPHORE_ITEMS; i++) {
        ct_semaphore_acquire(&r->free_slots);
        r->slots[i % SEMAPHORE_SLOTS] = i * 2654435761u + 1;
        CHECK_OK(ct_semaphore_release(&r->filled, 1));
    }
}

TEST_TIMEOUT(semaphore_wake_stress, 300)
{
    ring r;
    uint64_t stale = 0;
    ct_thread *other;
    CHECK_OK(ct_semaphore_init(&r.filled, 0));
    CHECK_OK(ct_semaphore_init(&r.free_slots, SEMAPHORE_SLOTS));
    for (int i = 0; i < SEMAPHORE_SLOTS; i++) r.slots[i] = 0;
    other = ct_test_start(producer, &r);
    for (uint64_t i = 0; i < SEMAPHORE_ITEMS; i++) {
        CHECK_OK(ct_semaphore_acquire_timeout(&r.filled, 30.0));
        if (r.slots[i % SEMAPHORE_SLOTS] != i * 2654435761u + 1) stale++;
        CHECK_OK(ct_semaphore_release(&r.free_slots, 1));
    }
    ct_test_join(other);
    CHECK_EQ_U(stale, 0);
}
