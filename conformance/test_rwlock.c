/* SPDX-License-Identifier: MIT */
/* ct_rwlock: the read-write lock (pthread_rwlock_t, CPython's _PyRWMutex). */
#include "harness.h"
#include "foreign_thread.h"

#include <math.h>
#include <string.h>

/* Timed waits may end up to this much early (clock granularity). */
#define SLACK 0.001
/* Long enough for a started thread to reach its wait, on a loaded machine. */
#define SETTLE 0.3

CT_NO_THREAD_SAFETY_ANALYSIS static bool can_read_now(ct_rwlock *rw)
{
    if (ct_rwlock_acquire_read_timeout(rw, 0) != CT_OK) return false;
    CHECK_OK(ct_rwlock_release_read(rw));
    return true;
}

CT_NO_THREAD_SAFETY_ANALYSIS static bool can_write_now(ct_rwlock *rw)
{
    if (ct_rwlock_acquire_write_timeout(rw, 0) != CT_OK) return false;
    CHECK_OK(ct_rwlock_release_write(rw));
    return true;
}

TEST(static_init_and_size)
{
    ct_rwlock rw = CT_RWLOCK_INIT;
    CHECK_LE(sizeof(ct_rwlock), 8);
    CHECK(can_read_now(&rw));
    CHECK(can_write_now(&rw));
    ct_rwlock_acquire_write(&rw);
    CHECK_OK(ct_rwlock_release_write(&rw));
    ct_rwlock_acquire_read(&rw);
    CHECK_OK(ct_rwlock_release_read(&rw));
}

TEST(init_over_garbage)
{
    ct_rwlock rw;
    memset(&rw, 0xA5, sizeof rw);
    ct_rwlock_init(&rw);
    CHECK(can_read_now(&rw));
    CHECK(can_write_now(&rw));
    CHECK_STATUS(ct_rwlock_release_read(&rw), CT_EPERM);
    CHECK_STATUS(ct_rwlock_release_write(&rw), CT_EPERM);
}

TEST(writer_excludes_everyone)
{
    ct_rwlock rw = CT_RWLOCK_INIT;
    double start, elapsed;
    ct_rwlock_acquire_write(&rw);
    CHECK_STATUS(ct_rwlock_acquire_read_timeout(&rw, 0), CT_ETIMEDOUT);
    CHECK_STATUS(ct_rwlock_acquire_write_timeout(&rw, 0), CT_ETIMEDOUT);
    start = ct_monotonic();
    CHECK_STATUS(ct_rwlock_acquire_read_timeout(&rw, 0.1), CT_ETIMEDOUT);
    elapsed = ct_monotonic() - start;
    CHECK_GE_D(elapsed, 0.1 - SLACK);
    CHECK_LE_D(elapsed, 5.0);
    start = ct_monotonic();
    CHECK_STATUS(ct_rwlock_acquire_write_timeout(&rw, 0.1), CT_ETIMEDOUT);
    elapsed = ct_monotonic() - start;
    CHECK_GE_D(elapsed, 0.1 - SLACK);
    CHECK_LE_D(elapsed, 5.0);
    CHECK_OK(ct_rwlock_release_write(&rw));
    CHECK(can_write_now(&rw));
}

TEST(readers_exclude_writers_not_readers)
{
    ct_rwlock rw = CT_RWLOCK_INIT;
    ct_rwlock_acquire_read(&rw);
    CHECK_OK(ct_rwlock_acquire_read_timeout(&rw, 0));
    CHECK_OK(ct_rwlock_acquire_read_timeout(&rw, 1.0));
    CHECK_STATUS(ct_rwlock_acquire_write_timeout(&rw, 0), CT_ETIMEDOUT);
    CHECK_STATUS(ct_rwlock_acquire_write_timeout(&rw, 0.05), CT_ETIMEDOUT);
    /* The timed-out writer holds no reader back. */
    CHECK(can_read_now(&rw));
    CHECK_OK(ct_rwlock_release_read(&rw));
    CHECK_OK(ct_rwlock_release_read(&rw));
    CHECK_STATUS(ct_rwlock_acquire_write_timeout(&rw, 0), CT_ETIMEDOUT);
    CHECK_OK(ct_rwlock_release_read(&rw));
    CHECK(can_write_now(&rw));
}

TEST(release_in_a_mode_nobody_holds_is_eperm)
{
    ct_rwlock rw = CT_RWLOCK_INIT;
    CHECK_STATUS(ct_rwlock_release_read(&rw), CT_EPERM);
    CHECK_STATUS(ct_rwlock_release_write(&rw), CT_EPERM);
    ct_rwlock_acquire_read(&rw);
    CHECK_STATUS(ct_rwlock_release_write(&rw), CT_EPERM);
    CHECK_OK(ct_rwlock_release_read(&rw));
    CHECK_STATUS(ct_rwlock_release_read(&rw), CT_EPERM);
    ct_rwlock_acquire_write(&rw);
    CHECK_STATUS(ct_rwlock_release_read(&rw), CT_EPERM);
    CHECK_STATUS(ct_rwlock_acquire_write_timeout(&rw, 0), CT_ETIMEDOUT);
    CHECK_OK(ct_rwlock_release_write(&rw));
    CHECK_STATUS(ct_rwlock_release_write(&rw), CT_EPERM);
    CHECK(can_read_now(&rw));
    CHECK(can_write_now(&rw));
}

static void check_bad_timeouts(ct_rwlock *rw)
{
    int (*acquire[2])(ct_rwlock *, double) = { ct_rwlock_acquire_read_timeout,
                                               ct_rwlock_acquire_write_timeout };
    for (int i = 0; i < 2; i++) {
        CHECK_STATUS(acquire[i](rw, NAN), CT_EINVAL);
        CHECK_STATUS(acquire[i](rw, -0.5), CT_EINVAL);
        CHECK_STATUS(acquire[i](rw, -2.0), CT_EINVAL);
        CHECK_STATUS(acquire[i](rw, -INFINITY), CT_EINVAL);
        CHECK_STATUS(acquire[i](rw, CT_TIMEOUT_MAX * 2), CT_EOVERFLOW);
        CHECK_STATUS(acquire[i](rw, INFINITY), CT_EOVERFLOW);
    }
}

TEST(bad_timeouts)
{
    ct_rwlock rw = CT_RWLOCK_INIT;
    double start = ct_monotonic();
    check_bad_timeouts(&rw);
    CHECK(can_write_now(&rw));
    ct_rwlock_acquire_write(&rw);
    check_bad_timeouts(&rw);   /* rejected before any waiting */
    CHECK_OK(ct_rwlock_release_write(&rw));
    ct_rwlock_acquire_read(&rw);
    check_bad_timeouts(&rw);
    CHECK_OK(ct_rwlock_release_read(&rw));
    CHECK_LE_D(ct_monotonic() - start, 2.0);
    CHECK(can_write_now(&rw));

    CHECK_OK(ct_rwlock_acquire_read_timeout(&rw, CT_TIMEOUT_MAX));
    CHECK_OK(ct_rwlock_acquire_read_timeout(&rw, CT_FOREVER));
    CHECK_OK(ct_rwlock_release_read(&rw));
    CHECK_OK(ct_rwlock_release_read(&rw));
    CHECK_OK(ct_rwlock_acquire_write_timeout(&rw, CT_TIMEOUT_MAX));
    CHECK_OK(ct_rwlock_release_write(&rw));
    CHECK_OK(ct_rwlock_acquire_write_timeout(&rw, CT_FOREVER));
    CHECK_OK(ct_rwlock_release_write(&rw));
}

CT_NO_THREAD_SAFETY_ANALYSIS static void release_read_here(void *arg)
{
    CHECK_OK(ct_rwlock_release_read((ct_rwlock *)arg));
}

CT_NO_THREAD_SAFETY_ANALYSIS static void release_write_here(void *arg)
{
    CHECK_OK(ct_rwlock_release_write((ct_rwlock *)arg));
}

TEST(release_from_another_thread)
{
    ct_rwlock rw = CT_RWLOCK_INIT;
    ct_rwlock_acquire_read(&rw);
    ct_test_join(ct_test_start(release_read_here, &rw));
    CHECK(can_write_now(&rw));
    ct_rwlock_acquire_write(&rw);
    ct_test_join(ct_test_start(release_write_here, &rw));
    CHECK(can_write_now(&rw));
}

/* --- readers share ------------------------------------------------------------ */

#define SHARERS 8

typedef struct sharing {
    ct_rwlock rw;
    ct_barrier all_inside;
    int timed;
} sharing;

CT_NO_THREAD_SAFETY_ANALYSIS static void read_until_all_inside(void *arg)
{
    sharing *s = (sharing *)arg;
    if (s->timed) CHECK_OK(ct_rwlock_acquire_read_timeout(&s->rw, 30.0));
    else ct_rwlock_acquire_read(&s->rw);
    /* Passes only if all SHARERS hold the read lock at once. */
    CHECK_GE(ct_barrier_wait(&s->all_inside, 30.0), 0);
    CHECK_OK(ct_rwlock_release_read(&s->rw));
}

static void check_readers_share(int timed)
{
    sharing s;
    ct_thread *threads[SHARERS];
    ct_rwlock_init(&s.rw);
    CHECK_OK(ct_barrier_init(&s.all_inside, SHARERS, NULL, NULL));
    s.timed = timed;
    for (int i = 0; i < SHARERS; i++) threads[i] = ct_test_start(read_until_all_inside, &s);
    for (int i = 0; i < SHARERS; i++) ct_test_join(threads[i]);
    CHECK(can_write_now(&s.rw));
}

TEST(readers_share)
{
    check_readers_share(0);
}

TEST(timed_readers_share)
{
    check_readers_share(1);
}

/* --- who goes next ------------------------------------------------------------- */

typedef struct contender {
    ct_rwlock *rw;
    bool writer;
    double timeout;        /* CT_FOREVER: the untimed call */
    ct_event started, inside, leave;
    int status;
} contender;

CT_NO_THREAD_SAFETY_ANALYSIS static void contend(void *arg)
{
    contender *c = (contender *)arg;
    ct_event_set(&c->started);
    if (c->timeout == CT_FOREVER) {
        if (c->writer) ct_rwlock_acquire_write(c->rw);
        else ct_rwlock_acquire_read(c->rw);
        c->status = CT_OK;
    } else {
        c->status = c->writer ? ct_rwlock_acquire_write_timeout(c->rw, c->timeout)
                              : ct_rwlock_acquire_read_timeout(c->rw, c->timeout);
    }
    if (c->status != CT_OK) return;
    ct_event_set(&c->inside);
    CHECK(ct_event_wait(&c->leave, 30.0));
    CHECK_OK(c->writer ? ct_rwlock_release_write(c->rw) : ct_rwlock_release_read(c->rw));
}

static ct_thread *start_contender(contender *c, ct_rwlock *rw, bool writer, double timeout)
{
    ct_thread *thread;
    c->rw = rw;
    c->writer = writer;
    c->timeout = timeout;
    c->status = 1;
    ct_event_init(&c->started);
    ct_event_init(&c->inside);
    ct_event_init(&c->leave);
    thread = ct_test_start(contend, c);
    CHECK(ct_event_wait(&c->started, 30.0));
    return thread;
}

/* Until a reader is turned away (a writer is waiting), for at most 30 s. */
static bool writer_waiting(ct_rwlock *rw)
{
    double give_up = ct_monotonic() + 30.0;
    while (ct_monotonic() < give_up) {
        if (!can_read_now(rw)) return true;
        ct_sleep(0.001);
    }
    return false;
}

TEST(waiting_writer_holds_back_new_readers)
{
    ct_rwlock rw = CT_RWLOCK_INIT;
    contender writer, reader;
    ct_thread *w, *r;
    ct_rwlock_acquire_read(&rw);
    CHECK(can_read_now(&rw));   /* readers share while no writer waits */
    w = start_contender(&writer, &rw, true, CT_FOREVER);
    CHECK(writer_waiting(&rw));
    CHECK(!ct_event_is_set(&writer.inside));
    r = start_contender(&reader, &rw, false, CT_FOREVER);
    CHECK(!ct_event_wait(&reader.inside, SETTLE));
    /* The last read hold goes: the writer goes first, the reader after it. */
    CHECK_OK(ct_rwlock_release_read(&rw));
    CHECK(ct_event_wait(&writer.inside, 30.0));
    CHECK(!ct_event_wait(&reader.inside, SETTLE));
    ct_event_set(&writer.leave);
    CHECK(ct_event_wait(&reader.inside, 30.0));
    ct_event_set(&reader.leave);
    ct_test_join(w);
    ct_test_join(r);
    CHECK(can_write_now(&rw));
}

#define BATCH 4

TEST(writer_release_admits_every_waiting_reader)
{
    ct_rwlock rw = CT_RWLOCK_INIT;
    contender readers[BATCH], writer;
    ct_thread *threads[BATCH], *w;
    ct_rwlock_acquire_write(&rw);
    for (int i = 0; i < BATCH; i++)
        threads[i] = start_contender(&readers[i], &rw, false, i % 2 ? 30.0 : CT_FOREVER);
    ct_sleep(SETTLE);   /* the readers park */
    w = start_contender(&writer, &rw, true, CT_FOREVER);
    ct_sleep(SETTLE);   /* and a writer behind them */
    for (int i = 0; i < BATCH; i++) CHECK(!ct_event_is_set(&readers[i].inside));
    CHECK_OK(ct_rwlock_release_write(&rw));
    /* Every reader waiting then is in, together, ahead of the writer... */
    for (int i = 0; i < BATCH; i++) CHECK(ct_event_wait(&readers[i].inside, 30.0));
    CHECK(!ct_event_is_set(&writer.inside));
    /* ...and a reader arriving now waits behind the writer. */
    CHECK(!can_read_now(&rw));
    for (int i = 0; i < BATCH; i++) ct_event_set(&readers[i].leave);
    CHECK(ct_event_wait(&writer.inside, 30.0));
    ct_event_set(&writer.leave);
    for (int i = 0; i < BATCH; i++) ct_test_join(threads[i]);
    ct_test_join(w);
    CHECK(can_write_now(&rw));
}

/* Until one of a and b is inside, for at most 30 s: the one that is. */
static contender *first_inside(contender *a, contender *b)
{
    double give_up = ct_monotonic() + 30.0;
    while (ct_monotonic() < give_up) {
        if (ct_event_is_set(&a->inside)) return a;
        if (ct_event_is_set(&b->inside)) return b;
        ct_sleep(0.001);
    }
    return NULL;
}

/* An admitted reader is let past the waiting writers, not counted in before
 * it runs: a writer that finds the lock free first goes first (the reader can
 * be woken but not yet scheduled), and the reader still gets in after it. */
TEST(writer_may_overtake_an_admitted_reader_not_yet_running)
{
    int overtakes = 0;
    for (int round = 0; round < 10 && overtakes < 3; round++) {
        ct_rwlock rw = CT_RWLOCK_INIT;
        contender reader, writer, *first, *second;
        ct_thread *r, *w;
        ct_rwlock_acquire_write(&rw);
        r = start_contender(&reader, &rw, false, CT_FOREVER);
        ct_sleep(SETTLE);   /* the reader parks */
        w = start_contender(&writer, &rw, true, CT_FOREVER);
        ct_sleep(SETTLE);   /* and a writer behind it */
        CHECK_OK(ct_rwlock_release_write(&rw));
        if (ct_rwlock_acquire_write_timeout(&rw, 0) == CT_OK) {
            overtakes++;
            CHECK(!ct_event_is_set(&reader.inside));
            CHECK(!ct_event_is_set(&writer.inside));
            CHECK_OK(ct_rwlock_release_write(&rw));
        }
        /* Both get in, one mode at a time, whichever goes first. */
        first = first_inside(&reader, &writer);
        CHECK(first != NULL);
        if (!first) return;
        second = first == &reader ? &writer : &reader;
        CHECK(!ct_event_wait(&second->inside, 0.05));
        ct_event_set(&first->leave);
        CHECK(ct_event_wait(&second->inside, 30.0));
        ct_event_set(&second->leave);
        ct_test_join(r);
        ct_test_join(w);
        CHECK(can_write_now(&rw));
    }
    if (overtakes == 0)
        ct_test_skip("every admitted reader ran before this thread's next try: no overtake to check");
}

/* A writer that gives up must not strand the readers it held back. */
TEST(timed_out_writer_lets_held_back_readers_in)
{
    ct_rwlock rw = CT_RWLOCK_INIT;
    contender writer, reader;
    ct_thread *w, *r;
    ct_rwlock_acquire_read(&rw);
    w = start_contender(&writer, &rw, true, 0.5);
    CHECK(writer_waiting(&rw));
    r = start_contender(&reader, &rw, false, CT_FOREVER);
    ct_test_join(w);
    CHECK_STATUS(writer.status, CT_ETIMEDOUT);
    CHECK(ct_event_wait(&reader.inside, 30.0));   /* beside the main thread's hold */
    CHECK(can_read_now(&rw));
    ct_event_set(&reader.leave);
    ct_test_join(r);
    CHECK_OK(ct_rwlock_release_read(&rw));
    CHECK(can_write_now(&rw));
}

TEST(timed_out_reader_and_writer_leave_it_usable)
{
    ct_rwlock rw = CT_RWLOCK_INIT;
    contender reader, writer;
    ct_thread *r, *w;
    ct_rwlock_acquire_write(&rw);
    r = start_contender(&reader, &rw, false, 0.2);
    w = start_contender(&writer, &rw, true, 0.2);
    ct_test_join(r);
    ct_test_join(w);
    CHECK_STATUS(reader.status, CT_ETIMEDOUT);
    CHECK_STATUS(writer.status, CT_ETIMEDOUT);
    CHECK_OK(ct_rwlock_release_write(&rw));
    CHECK(can_read_now(&rw));
    CHECK(can_write_now(&rw));
}

TEST(waiters_woken_by_release_from_another_thread)
{
    ct_rwlock rw = CT_RWLOCK_INIT;
    contender writer, reader;
    ct_thread *w, *r;
    ct_rwlock_acquire_read(&rw);
    w = start_contender(&writer, &rw, true, 30.0);
    CHECK(writer_waiting(&rw));
    ct_test_join(ct_test_start(release_read_here, &rw));
    CHECK(ct_event_wait(&writer.inside, 30.0));
    r = start_contender(&reader, &rw, false, 30.0);
    CHECK(!ct_event_wait(&reader.inside, SETTLE));
    ct_event_set(&writer.leave);
    CHECK(ct_event_wait(&reader.inside, 30.0));
    ct_event_set(&reader.leave);
    ct_test_join(w);
    ct_test_join(r);
    CHECK(can_write_now(&rw));
}

/* --- exclusion under stress ---------------------------------------------------- */

#define WORDS 8

typedef struct stress {
    ct_rwlock rw;
    ct_lock count_lock;   /* guards the two counts */
    long readers_inside, writers_inside;
    long data[WORDS];     /* guarded by rw: every word equal */
    long reads, writes;   /* guarded by count_lock */
    long iterations;
    unsigned write_one_in;   /* one operation in this many writes */
    ct_event go;
} stress;

static void enter(stress *s, bool writer)
{
    ct_lock_acquire(&s->count_lock);
    CHECK_EQ(s->writers_inside, 0);
    if (writer) {
        CHECK_EQ(s->readers_inside, 0);
        s->writers_inside++;
        s->writes++;
    } else {
        s->readers_inside++;
        s->reads++;
    }
    ct_lock_release(&s->count_lock);
}

static void leave(stress *s, bool writer)
{
    ct_lock_acquire(&s->count_lock);
    if (writer) s->writers_inside--;
    else s->readers_inside--;
    ct_lock_release(&s->count_lock);
}

CT_NO_THREAD_SAFETY_ANALYSIS static void stress_thread(void *arg)
{
    stress *s = (stress *)arg;
    unsigned seed = (unsigned)(uintptr_t)&seed;
    CHECK(ct_event_wait(&s->go, 30.0));
    for (long i = 0; i < s->iterations; i++) {
        seed = seed * 1103515245u + 12345u;
        bool writer = (seed >> 16) % s->write_one_in == 0;
        int how = (int)((seed >> 20) % 3);   /* untimed, timed, try */
        int status = CT_OK;
        if (writer) {
            if (how == 0) ct_rwlock_acquire_write(&s->rw);
            else status = ct_rwlock_acquire_write_timeout(&s->rw, how == 1 ? 30.0 : 0);
        } else {
            if (how == 0) ct_rwlock_acquire_read(&s->rw);
            else status = ct_rwlock_acquire_read_timeout(&s->rw, how == 1 ? 30.0 : 0);
        }
        if (status == CT_ETIMEDOUT && how == 2) continue;
        CHECK_OK(status);
        enter(s, writer);
        if (writer) {
            for (int w = 0; w < WORDS; w++) s->data[w]++;
        } else {
            for (int w = 1; w < WORDS; w++) CHECK_EQ(s->data[w], s->data[0]);
        }
        leave(s, writer);
        CHECK_OK(writer ? ct_rwlock_release_write(&s->rw) : ct_rwlock_release_read(&s->rw));
    }
}

static void run_stress(stress *s, unsigned write_one_in)
{
    ct_thread *threads[16];
    memset(s, 0, sizeof *s);
    s->iterations = 20000;
    s->write_one_in = write_one_in;
    for (int i = 0; i < 16; i++) threads[i] = ct_test_start(stress_thread, s);
    ct_event_set(&s->go);
    for (int i = 0; i < 16; i++) ct_test_join(threads[i]);
    CHECK_EQ(s->readers_inside, 0);
    CHECK_EQ(s->writers_inside, 0);
    CHECK_GT(s->writes, 0);
    CHECK_GT(s->reads, 0);
    for (int w = 0; w < WORDS; w++) CHECK_EQ(s->data[w], s->writes);
    CHECK(can_write_now(&s->rw));
}

TEST_TIMEOUT(exclusion_under_stress, 240)
{
    static stress s;
    run_stress(&s, 8);
}

/* Half writes: writers woken to race for the lock, and handed it when due. */
TEST_TIMEOUT(exclusion_under_stress_half_writes, 240)
{
    static stress s;
    run_stress(&s, 2);
}

/* --- threads the library did not start ----------------------------------------- */

typedef struct foreign_use {
    ct_rwlock *rw;
    ct_event inside;
    bool writer;
} foreign_use;

CT_NO_THREAD_SAFETY_ANALYSIS static void foreign_acquire(void *arg)
{
    foreign_use *u = (foreign_use *)arg;
    if (u->writer) ct_rwlock_acquire_write(u->rw);
    else CHECK_OK(ct_rwlock_acquire_read_timeout(u->rw, 30.0));
    ct_event_set(&u->inside);
}

TEST(foreign_threads)
{
    ct_rwlock rw = CT_RWLOCK_INIT;
    foreign_thread reader_thread, writer_thread;
    foreign_use reader = { &rw, CT_EVENT_INIT, false }, writer = { &rw, CT_EVENT_INIT, true };
    /* A foreign writer waits for the main thread's read hold... */
    ct_rwlock_acquire_read(&rw);
    CHECK_EQ(foreign_thread_start(&writer_thread, foreign_acquire, &writer), 0);
    CHECK(writer_waiting(&rw));
    /* ...and a foreign reader waits behind it. */
    CHECK_EQ(foreign_thread_start(&reader_thread, foreign_acquire, &reader), 0);
    CHECK(!ct_event_wait(&reader.inside, SETTLE));
    CHECK_OK(ct_rwlock_release_read(&rw));
    CHECK(ct_event_wait(&writer.inside, 30.0));
    foreign_thread_join(&writer_thread);
    /* The writer's thread has ended holding the lock: any thread may release. */
    CHECK_OK(ct_rwlock_release_write(&rw));
    CHECK(ct_event_wait(&reader.inside, 30.0));
    foreign_thread_join(&reader_thread);
    CHECK_OK(ct_rwlock_release_read(&rw));
    CHECK(can_write_now(&rw));
}

TEST(exported_functions_by_address)
{
    ct_rwlock rw;
    void (*init)(ct_rwlock *) = ct_rwlock_init;
    void (*acquire_read)(ct_rwlock *) = ct_rwlock_acquire_read;
    void (*acquire_write)(ct_rwlock *) = ct_rwlock_acquire_write;
    int (*release_read)(ct_rwlock *) = ct_rwlock_release_read;
    int (*release_write)(ct_rwlock *) = ct_rwlock_release_write;
    init(&rw);
    acquire_read(&rw);
    CHECK_STATUS(ct_rwlock_acquire_write_timeout(&rw, 0), CT_ETIMEDOUT);
    CHECK_OK(release_read(&rw));
    acquire_write(&rw);
    CHECK_STATUS(ct_rwlock_acquire_read_timeout(&rw, 0), CT_ETIMEDOUT);
    CHECK_OK(release_write(&rw));
    CHECK_STATUS(release_write(&rw), CT_EPERM);
    CHECK_STATUS(release_read(&rw), CT_EPERM);
}

/* Taken by the inline fast path, released by the exported function, and back. */
TEST(inline_and_exported_paths_mix)
{
    ct_rwlock rw = CT_RWLOCK_INIT;
    ct_rwlock_acquire_read(&rw);
    (ct_rwlock_acquire_read)(&rw);
    CHECK_STATUS(ct_rwlock_acquire_write_timeout(&rw, 0), CT_ETIMEDOUT);
    CHECK_OK((ct_rwlock_release_read)(&rw));
    CHECK_OK(ct_rwlock_release_read(&rw));
    CHECK_STATUS(ct_rwlock_release_read(&rw), CT_EPERM);
    CHECK_STATUS((ct_rwlock_release_read)(&rw), CT_EPERM);
    (ct_rwlock_acquire_write)(&rw);
    CHECK_STATUS(ct_rwlock_release_read(&rw), CT_EPERM);
    CHECK_OK(ct_rwlock_release_write(&rw));
    ct_rwlock_acquire_write(&rw);
    CHECK_OK((ct_rwlock_release_write)(&rw));
    CHECK_STATUS(ct_rwlock_release_write(&rw), CT_EPERM);
    CHECK(can_write_now(&rw));
}

/* The inline entry points by name, as a binding that cannot expand the
 * header's macros would call them: the word layout they encode is ABI. */
TEST(inline_entry_points_by_name)
{
#if defined(CT__CAS_U64) && !defined(CT_NO_INLINE)
    ct_rwlock rw = CT_RWLOCK_INIT;
    ct__rwlock_acquire_read_inline(&rw);
    ct__rwlock_acquire_read_inline(&rw);
    CHECK_STATUS(ct_rwlock_acquire_write_timeout(&rw, 0), CT_ETIMEDOUT);
    CHECK_OK(ct__rwlock_release_read_inline(&rw));
    CHECK_OK(ct__rwlock_release_read_inline(&rw));
    CHECK_STATUS(ct__rwlock_release_read_inline(&rw), CT_EPERM);
    ct__rwlock_acquire_write_inline(&rw);
    CHECK_STATUS(ct_rwlock_acquire_read_timeout(&rw, 0), CT_ETIMEDOUT);
    CHECK_STATUS(ct__rwlock_release_read_inline(&rw), CT_EPERM);
    CHECK_OK(ct__rwlock_release_write_inline(&rw));
    CHECK_STATUS(ct__rwlock_release_write_inline(&rw), CT_EPERM);
    CHECK(can_write_now(&rw));
#else
    ct_test_skip("this build has no inline rwlock paths: under ThreadSanitizer or "
                 "CT_VALGRIND_ANNOTATIONS the header calls the exported functions");
#endif
}
