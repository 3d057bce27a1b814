/* SPDX-License-Identifier: MIT */
/* threading.Barrier: ct_barrier_*. */
#include "harness.h"

#include <math.h>
#include <string.h>

#define SLACK 0.001

TEST(zero_parties_is_einval)
{
    ct_barrier barrier;
    CHECK_STATUS(ct_barrier_init(&barrier, 0, NULL, NULL), CT_EINVAL);
}

static void count_action(void *arg)
{
    (*(int *)arg)++;
}

TEST(one_party_never_waits)
{
    ct_barrier barrier;
    int actions = 0, i;
    CHECK_OK(ct_barrier_init(&barrier, 1, count_action, &actions));
    CHECK_EQ_U(ct_barrier_parties(&barrier), 1);
    for (i = 0; i < 3; i++) {
        CHECK_STATUS(ct_barrier_wait(&barrier, 0), 0);
        CHECK_STATUS(ct_barrier_wait(&barrier, CT_FOREVER), 0);
    }
    CHECK_EQ(actions, 6);
    CHECK(!ct_barrier_broken(&barrier));
    CHECK_EQ_U(ct_barrier_n_waiting(&barrier), 0);
}

/* ---- several cycles ----------------------------------------------------- */

#define CYCLE_THREADS 5
#define CYCLES 6

typedef struct cycling {
    ct_barrier barrier;
    int actions;          /* written by the action only, read after waits */
    int index[CYCLE_THREADS][CYCLES];
    int actions_seen[CYCLE_THREADS][CYCLES];
} cycling;

typedef struct cycler {
    cycling *shared;
    int id;
} cycler;

static void cycle_through(void *arg)
{
    cycler *self = (cycler *)arg;
    cycling *shared = self->shared;
    int cycle;
    for (cycle = 0; cycle < CYCLES; cycle++) {
        shared->index[self->id][cycle] = ct_barrier_wait(&shared->barrier, 30.0);
        /* The action of this cycle ran before anyone was let go, and the next
         * cycle's cannot have run: it needs this thread to arrive again. */
        shared->actions_seen[self->id][cycle] = shared->actions;
    }
}

TEST(indices_and_action_every_cycle)
{
    static cycling shared;
    cycler cyclers[CYCLE_THREADS];
    ct_thread *threads[CYCLE_THREADS];
    int i, cycle;

    memset(&shared, 0, sizeof shared);
    CHECK_OK(ct_barrier_init(&shared.barrier, CYCLE_THREADS, count_action, &shared.actions));
    CHECK_EQ_U(ct_barrier_parties(&shared.barrier), CYCLE_THREADS);
    for (i = 0; i < CYCLE_THREADS; i++) {
        cyclers[i].shared = &shared;
        cyclers[i].id = i;
        threads[i] = ct_test_start(cycle_through, &cyclers[i]);
    }
    for (i = 0; i < CYCLE_THREADS; i++) ct_test_join(threads[i]);

    CHECK_EQ(shared.actions, CYCLES);
    for (cycle = 0; cycle < CYCLES; cycle++) {
        int times_given[CYCLE_THREADS] = { 0 };
        for (i = 0; i < CYCLE_THREADS; i++) {
            int index = shared.index[i][cycle];
            CHECK_MSG(index >= 0 && index < CYCLE_THREADS, "cycle %d thread %d got %d (%s)",
                      cycle, i, index, ct_strerror(index));
            times_given[index]++;
            CHECK_EQ(shared.actions_seen[i][cycle], cycle + 1);
        }
        for (i = 0; i < CYCLE_THREADS; i++) CHECK_EQ(times_given[i], 1);
    }
    CHECK(!ct_barrier_broken(&shared.barrier));
    CHECK_EQ_U(ct_barrier_n_waiting(&shared.barrier), 0);
}

/* ---- waiters the test controls ---------------------------------------------- */

typedef struct waiter {
    ct_barrier *barrier;
    double timeout;
    int result;
} waiter;

static void wait_once(void *arg)
{
    waiter *w = (waiter *)arg;
    w->result = ct_barrier_wait(w->barrier, w->timeout);
}

static ct_thread *start_waiter(waiter *w, ct_barrier *barrier, double timeout)
{
    w->barrier = barrier;
    w->timeout = timeout;
    w->result = 1000;
    return ct_test_start(wait_once, w);
}

static void wait_until_n_waiting(ct_barrier *barrier, size_t n)
{
    double deadline = ct_monotonic() + 30.0;
    while (ct_barrier_n_waiting(barrier) != n && ct_monotonic() < deadline) ct_sleep(0.001);
    CHECK_EQ_U(ct_barrier_n_waiting(barrier), n);
}

/* parties - 1 threads plus the caller go through once; each index once. */
static void pass_through(ct_barrier *barrier)
{
    size_t parties = ct_barrier_parties(barrier), i;
    waiter waiters[8];
    ct_thread *threads[8];
    int times_given[8] = { 0 }, mine;
    CHECK(parties <= 8);
    for (i = 0; i + 1 < parties; i++) threads[i] = start_waiter(&waiters[i], barrier, 30.0);
    wait_until_n_waiting(barrier, parties - 1);
    mine = ct_barrier_wait(barrier, 30.0);
    CHECK_MSG(mine >= 0 && (size_t)mine < parties, "got %d (%s)", mine, ct_strerror(mine));
    times_given[mine]++;
    for (i = 0; i + 1 < parties; i++) {
        ct_test_join(threads[i]);
        CHECK_MSG(waiters[i].result >= 0 && (size_t)waiters[i].result < parties,
                  "waiter %d got %d (%s)", (int)i, waiters[i].result,
                  ct_strerror(waiters[i].result));
        times_given[waiters[i].result]++;
    }
    for (i = 0; i < parties; i++) CHECK_EQ(times_given[i], 1);
    CHECK_EQ_U(ct_barrier_n_waiting(barrier), 0);
    CHECK(!ct_barrier_broken(barrier));
}

TEST(n_waiting_counts_waiters)
{
    ct_barrier barrier;
    CHECK_OK(ct_barrier_init(&barrier, 4, NULL, NULL));
    CHECK_EQ_U(ct_barrier_parties(&barrier), 4);
    CHECK_EQ_U(ct_barrier_n_waiting(&barrier), 0);
    pass_through(&barrier);
    pass_through(&barrier);
    CHECK_EQ_U(ct_barrier_parties(&barrier), 4);
}

TEST(abort_breaks_waiters)
{
    ct_barrier barrier;
    waiter waiters[2];
    ct_thread *threads[2];
    double start;
    int i;
    CHECK_OK(ct_barrier_init(&barrier, 3, NULL, NULL));
    for (i = 0; i < 2; i++) threads[i] = start_waiter(&waiters[i], &barrier, CT_FOREVER);
    wait_until_n_waiting(&barrier, 2);
    CHECK(!ct_barrier_broken(&barrier));

    ct_barrier_abort(&barrier);
    for (i = 0; i < 2; i++) {
        ct_test_join(threads[i]);
        CHECK_STATUS(waiters[i].result, CT_EBROKEN);
    }
    CHECK(ct_barrier_broken(&barrier));
    /* Broken stays broken: later waits fail at once. */
    start = ct_monotonic();
    CHECK_STATUS(ct_barrier_wait(&barrier, CT_FOREVER), CT_EBROKEN);
    CHECK_STATUS(ct_barrier_wait(&barrier, 0), CT_EBROKEN);
    CHECK_LE_D(ct_monotonic() - start, 5.0);
    CHECK(ct_barrier_broken(&barrier));

    ct_barrier_reset(&barrier);
    CHECK(!ct_barrier_broken(&barrier));
    pass_through(&barrier);
}

TEST(reset_breaks_waiters_then_works)
{
    ct_barrier barrier;
    int actions = 0;
    waiter waiters[2];
    ct_thread *threads[2];
    int i;
    CHECK_OK(ct_barrier_init(&barrier, 3, count_action, &actions));
    for (i = 0; i < 2; i++) threads[i] = start_waiter(&waiters[i], &barrier, CT_FOREVER);
    wait_until_n_waiting(&barrier, 2);

    ct_barrier_reset(&barrier);
    for (i = 0; i < 2; i++) {
        ct_test_join(threads[i]);
        CHECK_STATUS(waiters[i].result, CT_EBROKEN);
    }
    CHECK_EQ(actions, 0);
    CHECK(!ct_barrier_broken(&barrier));
    CHECK_EQ_U(ct_barrier_n_waiting(&barrier), 0);

    pass_through(&barrier);
    CHECK_EQ(actions, 1);
    pass_through(&barrier);
    CHECK_EQ(actions, 2);
}

TEST(reset_idle_barrier)
{
    ct_barrier barrier;
    CHECK_OK(ct_barrier_init(&barrier, 2, NULL, NULL));
    ct_barrier_reset(&barrier);
    CHECK(!ct_barrier_broken(&barrier));
    pass_through(&barrier);
}

TEST(timeout_breaks_barrier)
{
    ct_barrier barrier;
    waiter other;
    ct_thread *thread;
    double start, elapsed;
    CHECK_OK(ct_barrier_init(&barrier, 3, NULL, NULL));
    thread = start_waiter(&other, &barrier, CT_FOREVER);
    wait_until_n_waiting(&barrier, 1);

    start = ct_monotonic();
    CHECK_STATUS(ct_barrier_wait(&barrier, 0.1), CT_ETIMEDOUT);
    elapsed = ct_monotonic() - start;
    CHECK_GE_D(elapsed, 0.1 - SLACK);
    CHECK_LE_D(elapsed, 10.0);

    ct_test_join(thread);
    CHECK_STATUS(other.result, CT_EBROKEN);
    CHECK(ct_barrier_broken(&barrier));
    CHECK_STATUS(ct_barrier_wait(&barrier, 1.0), CT_EBROKEN);

    ct_barrier_reset(&barrier);
    pass_through(&barrier);
}

/* A waiter that times out while others still wait forever. */
TEST(timeout_in_other_thread)
{
    ct_barrier barrier;
    waiter patient, impatient;
    ct_thread *patient_thread, *impatient_thread;
    double start = ct_monotonic();
    CHECK_OK(ct_barrier_init(&barrier, 3, NULL, NULL));
    patient_thread = start_waiter(&patient, &barrier, CT_FOREVER);
    wait_until_n_waiting(&barrier, 1);
    impatient_thread = start_waiter(&impatient, &barrier, 0.1);
    ct_test_join(impatient_thread);
    ct_test_join(patient_thread);
    CHECK_GE_D(ct_monotonic() - start, 0.1 - SLACK);
    CHECK_STATUS(impatient.result, CT_ETIMEDOUT);
    CHECK_STATUS(patient.result, CT_EBROKEN);
    CHECK(ct_barrier_broken(&barrier));
}

TEST(zero_timeout_without_others)
{
    ct_barrier barrier;
    CHECK_OK(ct_barrier_init(&barrier, 2, NULL, NULL));
    CHECK_STATUS(ct_barrier_wait(&barrier, 0), CT_ETIMEDOUT);
    CHECK(ct_barrier_broken(&barrier));
}

TEST(bad_timeouts)
{
    ct_barrier barrier;
    double start = ct_monotonic();
    CHECK_OK(ct_barrier_init(&barrier, 2, NULL, NULL));
    CHECK_STATUS(ct_barrier_wait(&barrier, -0.5), CT_EINVAL);
    CHECK_STATUS(ct_barrier_wait(&barrier, -2.0), CT_EINVAL);
    CHECK_STATUS(ct_barrier_wait(&barrier, NAN), CT_EINVAL);
    CHECK_STATUS(ct_barrier_wait(&barrier, CT_TIMEOUT_MAX * 2), CT_EOVERFLOW);
    CHECK_STATUS(ct_barrier_wait(&barrier, INFINITY), CT_EOVERFLOW);
    CHECK_LE_D(ct_monotonic() - start, 5.0);
}
