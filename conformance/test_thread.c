/* SPDX-License-Identifier: MIT */
/* threading.Thread and the module functions: ct_thread_*, ct_current_thread,
 * ct_main_thread, ct_active_count, ct_enumerate, ct_get_ident,
 * ct_get_native_id, ct_sleep, ct_monotonic, ct_stack_size. */
#include "harness.h"
#include "foreign_thread.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Timed waits may end up to this much early (clock granularity). */
#define SLACK 0.001
#define MAX_SEEN_NAME 128

/* What a thread observed about itself through ct_current_thread(). */
typedef struct self_view {
    ct_event go;          /* set by the test to let the thread finish */
    ct_event ready;       /* set by the thread once it has looked */
    uint64_t ident, get_ident, native_id, get_native_id, main_ident;
    char name[MAX_SEEN_NAME];
    bool daemon, alive, current_is_main;
    int self_join, self_join_timed;
} self_view;

static void self_view_init(self_view *view)
{
    memset(view, 0, sizeof *view);
    ct_event_init(&view->go);
    ct_event_init(&view->ready);
}

static void look_at_self(self_view *view)
{
    ct_thread *self = ct_current_thread();
    CHECK(self != NULL);
    view->ident = ct_thread_ident(self);
    view->get_ident = ct_get_ident();
    view->native_id = ct_thread_native_id(self);
    view->get_native_id = ct_get_native_id();
    view->main_ident = ct_thread_ident(ct_main_thread());
    view->daemon = ct_thread_is_daemon(self);
    view->alive = ct_thread_is_alive(self);
    view->current_is_main = self == ct_main_thread();
    CHECK(strlen(ct_thread_name(self)) < MAX_SEEN_NAME);
    strcpy(view->name, ct_thread_name(self));
}

/* Look, report, then wait for the test's go. */
static void look_and_wait(void *arg)
{
    self_view *view = (self_view *)arg;
    look_at_self(view);
    ct_event_set(&view->ready);
    CHECK(ct_event_wait(&view->go, 30.0));
}

static void wait_for_go(void *arg)
{
    CHECK(ct_event_wait((ct_event *)arg, 30.0));
}

static void set_flag(void *arg)
{
    *(int *)arg = 1;
}

static ct_thread *start_with(void (*fn)(void *), void *arg, const ct_thread_options *options)
{
    ct_thread *thread = NULL;
    CHECK_OK(ct_thread_start(&thread, fn, arg, options));
    CHECK(thread != NULL);
    return thread;
}

/* "Thread-N" with N a positive decimal number: returns N, or 0 if not that form. */
static long default_name_number(const char *name)
{
    const char *digits = name + strlen("Thread-");
    char *end;
    long n;
    if (strncmp(name, "Thread-", strlen("Thread-")) != 0) return 0;
    if (*digits < '1' || *digits > '9') return 0;
    n = strtol(digits, &end, 10);
    return *end == '\0' ? n : 0;
}

static bool is_dummy_name(const char *name)
{
    const char *p = name + strlen("Dummy-");
    if (strncmp(name, "Dummy-", strlen("Dummy-")) != 0 || *p == '\0') return false;
    for (; *p; p++)
        if (*p < '0' || *p > '9') return false;
    return true;
}

TEST(start_with_null_options)
{
    int ran = 0;
    ct_thread *thread = start_with(set_flag, &ran, NULL);
    CHECK_OK(ct_thread_join(thread, CT_FOREVER));
    CHECK_EQ(ran, 1);
    CHECK(!ct_thread_is_alive(thread));
    CHECK(!ct_thread_is_daemon(thread));
    CHECK_MSG(default_name_number(ct_thread_name(thread)) > 0, "unexpected default name '%s'",
              ct_thread_name(thread));
    ct_thread_release(thread);
}

TEST(start_with_default_options)
{
    int ran = 0;
    ct_thread_options options = CT_THREAD_OPTIONS_INIT;
    ct_thread *thread = start_with(set_flag, &ran, &options);
    CHECK_OK(ct_thread_join(thread, CT_FOREVER));
    CHECK_EQ(ran, 1);
    CHECK(!ct_thread_is_daemon(thread));
    CHECK(default_name_number(ct_thread_name(thread)) > 0);
    ct_thread_release(thread);
}

TEST(name_is_copied)
{
    const char *const name = "copied-name";
    char *buffer = (char *)malloc(64);
    ct_thread_options options = CT_THREAD_OPTIONS_INIT;
    self_view view;
    ct_thread *thread;
    CHECK(buffer != NULL);
    strcpy(buffer, name);
    self_view_init(&view);
    options.name = buffer;
    thread = start_with(look_and_wait, &view, &options);
    memset(buffer, 'x', 63);
    buffer[63] = '\0';
    free(buffer);

    CHECK(strcmp(ct_thread_name(thread), name) == 0);
    ct_event_set(&view.go);
    CHECK_OK(ct_thread_join(thread, CT_FOREVER));
    CHECK_MSG(strcmp(view.name, name) == 0, "thread saw its name as '%s'", view.name);
    CHECK(strcmp(ct_thread_name(thread), name) == 0);
    ct_thread_release(thread);
}

/* A thread started with name has it whole, seen from outside and from itself. */
static void check_name_kept_whole(const char *name)
{
    ct_thread_options options = CT_THREAD_OPTIONS_INIT;
    self_view view;
    ct_thread *thread;
    self_view_init(&view);
    options.name = name;
    thread = start_with(look_and_wait, &view, &options);
    CHECK(strcmp(ct_thread_name(thread), name) == 0);
    ct_event_set(&view.go);
    CHECK_OK(ct_thread_join(thread, CT_FOREVER));
    CHECK_MSG(strcmp(view.name, name) == 0, "a %zu-byte name seen as '%s'", strlen(name), view.name);
    ct_thread_release(thread);
}

/* Linux limits the OS-visible name to 15 bytes; the library's name is whole. */
TEST(long_name_kept_whole)
{
    check_name_kept_whole("a-thread-name-much-longer-than-fifteen-bytes");
}

TEST(default_names_count_up)
{
    int ran[2] = { 0, 0 };
    ct_thread *first = start_with(set_flag, &ran[0], NULL);
    ct_thread *second = start_with(set_flag, &ran[1], NULL);
    long n1 = default_name_number(ct_thread_name(first));
    long n2 = default_name_number(ct_thread_name(second));
    CHECK_MSG(n1 > 0, "first default name '%s'", ct_thread_name(first));
    CHECK_MSG(n2 > 0, "second default name '%s'", ct_thread_name(second));
    CHECK_EQ(n2, n1 + 1);
    ct_test_join(first);
    ct_test_join(second);
    CHECK(ran[0] && ran[1]);
}

TEST(daemon_option)
{
    ct_thread_options options = CT_THREAD_OPTIONS_INIT;
    self_view daemon_view, plain_view, inherit_view;
    ct_thread *daemon_thread, *plain_thread, *inherit_thread;
    self_view_init(&daemon_view);
    self_view_init(&plain_view);
    self_view_init(&inherit_view);

    options.daemon = 1;
    daemon_thread = start_with(look_and_wait, &daemon_view, &options);
    options.daemon = 0;
    plain_thread = start_with(look_and_wait, &plain_view, &options);
    options.daemon = CT_INHERIT;
    inherit_thread = start_with(look_and_wait, &inherit_view, &options);

    CHECK(ct_thread_is_daemon(daemon_thread));
    CHECK(!ct_thread_is_daemon(plain_thread));
    CHECK(!ct_thread_is_daemon(inherit_thread)); /* the main thread is not a daemon */

    ct_event_set(&daemon_view.go);
    ct_event_set(&plain_view.go);
    ct_event_set(&inherit_view.go);
    ct_test_join(daemon_thread);
    ct_test_join(plain_thread);
    ct_test_join(inherit_thread);
    CHECK(daemon_view.daemon);
    CHECK(!plain_view.daemon);
    CHECK(!inherit_view.daemon);
}

/* Daemon flags of threads started from inside a thread by starter(). */
typedef struct inherited {
    bool null_options, inherit, explicit_plain, explicit_daemon;
} inherited;

static bool started_as_daemon(const ct_thread_options *options)
{
    int ran = 0;
    ct_thread *thread = start_with(set_flag, &ran, options);
    bool daemon = ct_thread_is_daemon(thread);
    ct_test_join(thread);
    CHECK_EQ(ran, 1);
    return daemon;
}

static void start_children(void *arg)
{
    inherited *result = (inherited *)arg;
    ct_thread_options options = CT_THREAD_OPTIONS_INIT;
    result->null_options = started_as_daemon(NULL);
    result->inherit = started_as_daemon(&options);
    options.daemon = 0;
    result->explicit_plain = started_as_daemon(&options);
    options.daemon = 1;
    result->explicit_daemon = started_as_daemon(&options);
}

TEST(inherit_from_daemon_thread)
{
    ct_thread_options options = CT_THREAD_OPTIONS_INIT;
    inherited result = { false, false, true, false };
    options.daemon = 1;
    ct_test_join(start_with(start_children, &result, &options));
    CHECK(result.null_options);
    CHECK(result.inherit);
    CHECK(!result.explicit_plain);
    CHECK(result.explicit_daemon);
}

TEST(inherit_from_non_daemon_thread)
{
    ct_thread_options options = CT_THREAD_OPTIONS_INIT;
    inherited result = { true, true, true, false };
    options.daemon = 0;
    ct_test_join(start_with(start_children, &result, &options));
    CHECK(!result.null_options);
    CHECK(!result.inherit);
    CHECK(!result.explicit_plain);
    CHECK(result.explicit_daemon);
}

/* Threads the library did not start are daemon threads (Dummy-N). */
TEST(inherit_from_foreign_thread)
{
    inherited result = { false, false, true, false };
    foreign_thread thread;
    CHECK_EQ(foreign_thread_start(&thread, start_children, &result), 0);
    foreign_thread_join(&thread);
    CHECK(result.null_options);
    CHECK(result.inherit);
    CHECK(!result.explicit_plain);
    CHECK(result.explicit_daemon);
}

static void small_frame(void *arg)
{
    volatile unsigned char buffer[1024];
    size_t i;
    for (i = 0; i < sizeof buffer; i++) buffer[i] = (unsigned char)i;
    *(int *)arg = buffer[100] + 1;
}

/* Half a MiB of locals: needs the 1 MiB stack asked for. */
static void big_frame(void *arg)
{
    unsigned char big[512 * 1024];
    unsigned sum = 0;
    size_t i;
    memset(big, 1, sizeof big);
    for (i = 0; i < sizeof big; i += 4096) sum += ((volatile unsigned char *)big)[i];
    *(unsigned *)arg = sum;
}

TEST(stack_size_option)
{
    ct_thread_options options = CT_THREAD_OPTIONS_INIT;
    int small_result = 0;
    unsigned big_result = 0;

    options.stack_size = 256 * 1024;
    ct_test_join(start_with(small_frame, &small_result, &options));
    CHECK_EQ(small_result, 101);

    options.stack_size = 1024 * 1024;
    ct_test_join(start_with(big_frame, &big_result, &options));
    CHECK_EQ(big_result, 512 * 1024 / 4096);
}

TEST(stack_size_default)
{
    size_t old = ct_stack_size(256 * 1024);
    int small_result = 0;
    CHECK_EQ_U(old, 0); /* the OS default until someone sets one */
    ct_test_join(start_with(small_frame, &small_result, NULL));
    CHECK_EQ(small_result, 101);
    CHECK_EQ_U(ct_stack_size(1024 * 1024), 256 * 1024);
    CHECK_EQ_U(ct_stack_size(old), 1024 * 1024);
    CHECK_EQ_U(ct_stack_size(old), old);
}

TEST(join_timeout_then_finish)
{
    ct_event go = CT_EVENT_INIT;
    ct_thread *thread = start_with(wait_for_go, &go, NULL);
    double start = ct_monotonic(), elapsed;

    CHECK_STATUS(ct_thread_join(thread, 0.1), CT_ETIMEDOUT);
    elapsed = ct_monotonic() - start;
    CHECK_GE_D(elapsed, 0.1 - SLACK);
    CHECK_LE_D(elapsed, 10.0);
    CHECK(ct_thread_is_alive(thread));
    CHECK_STATUS(ct_thread_join(thread, 0), CT_ETIMEDOUT);
    CHECK(ct_thread_is_alive(thread));

    ct_event_set(&go);
    CHECK_OK(ct_thread_join(thread, 30.0));
    CHECK(!ct_thread_is_alive(thread));
    /* Joining a finished thread again, with any timeout, is fine. */
    CHECK_OK(ct_thread_join(thread, CT_FOREVER));
    CHECK_OK(ct_thread_join(thread, 0));
    CHECK_OK(ct_thread_join(thread, 1.0));
    CHECK(!ct_thread_is_alive(thread));
    ct_thread_release(thread);
}

TEST(join_bad_timeouts)
{
    ct_event go = CT_EVENT_INIT;
    ct_thread *thread = start_with(wait_for_go, &go, NULL);
    double start = ct_monotonic();

    CHECK_STATUS(ct_thread_join(thread, -0.5), CT_EINVAL);
    CHECK_STATUS(ct_thread_join(thread, -2.0), CT_EINVAL);
    CHECK_STATUS(ct_thread_join(thread, -INFINITY), CT_EINVAL);
    CHECK_STATUS(ct_thread_join(thread, NAN), CT_EINVAL);
    CHECK_STATUS(ct_thread_join(thread, CT_TIMEOUT_MAX * 2), CT_EOVERFLOW);
    CHECK_STATUS(ct_thread_join(thread, INFINITY), CT_EOVERFLOW);
    /* Rejected at once, and the thread is untouched. */
    CHECK_LE_D(ct_monotonic() - start, 5.0);
    CHECK(ct_thread_is_alive(thread));

    ct_event_set(&go);
    ct_test_join(thread);
}

static void join_self(void *arg)
{
    self_view *view = (self_view *)arg;
    view->self_join = ct_thread_join(ct_current_thread(), CT_FOREVER);
    view->self_join_timed = ct_thread_join(ct_current_thread(), 1.0);
}

TEST(join_self_is_edeadlk)
{
    self_view view;
    double start = ct_monotonic();
    CHECK_STATUS(ct_thread_join(ct_current_thread(), CT_FOREVER), CT_EDEADLK);
    CHECK_STATUS(ct_thread_join(ct_main_thread(), 0), CT_EDEADLK);
    CHECK_STATUS(ct_thread_join(ct_main_thread(), 1.0), CT_EDEADLK);

    self_view_init(&view);
    ct_test_join(start_with(join_self, &view, NULL));
    CHECK_STATUS(view.self_join, CT_EDEADLK);
    CHECK_STATUS(view.self_join_timed, CT_EDEADLK);
    CHECK_LE_D(ct_monotonic() - start, 10.0);
}

TEST(is_alive_until_it_ends)
{
    ct_event go = CT_EVENT_INIT;
    ct_thread *thread = start_with(wait_for_go, &go, NULL);
    double deadline;
    CHECK(ct_thread_is_alive(thread));
    ct_sleep(0.02);
    CHECK(ct_thread_is_alive(thread));
    ct_event_set(&go);
    /* Not alive once it has ended, even before anyone joins it. */
    deadline = ct_monotonic() + 10.0;
    while (ct_thread_is_alive(thread) && ct_monotonic() < deadline) ct_sleep(0.001);
    CHECK(!ct_thread_is_alive(thread));
    CHECK_OK(ct_thread_join(thread, 0));
    CHECK(!ct_thread_is_alive(thread));
    ct_thread_release(thread);
}

#define LIVE_THREADS 4

TEST(current_thread_in_started_threads)
{
    ct_thread_options options = CT_THREAD_OPTIONS_INIT;
    self_view views[LIVE_THREADS];
    ct_thread *threads[LIVE_THREADS];
    char names[LIVE_THREADS][16];
    uint64_t main_ident = ct_get_ident();
    int i, j;

    for (i = 0; i < LIVE_THREADS; i++) {
        self_view_init(&views[i]);
        sprintf(names[i], "looker-%d", i);
        options.name = names[i];
        options.daemon = i % 2;
        threads[i] = start_with(look_and_wait, &views[i], &options);
    }
    for (i = 0; i < LIVE_THREADS; i++) CHECK(ct_event_wait(&views[i].ready, 30.0));

    /* All alive together: idents and OS ids are distinct. */
    for (i = 0; i < LIVE_THREADS; i++) {
        self_view *v = &views[i];
        CHECK(v->ident != 0);
        CHECK_EQ_U(v->ident, v->get_ident);
        CHECK_EQ_U(v->ident, ct_thread_ident(threads[i]));
        CHECK(v->ident != main_ident);
        CHECK(v->native_id != 0);
        CHECK_EQ_U(v->native_id, v->get_native_id);
        CHECK_EQ_U(v->native_id, ct_thread_native_id(threads[i]));
        CHECK(v->native_id != ct_get_native_id());
        CHECK_EQ_U(v->main_ident, main_ident);
        CHECK(!v->current_is_main);
        CHECK(v->alive);
        CHECK_EQ(v->daemon, i % 2);
        CHECK_MSG(strcmp(v->name, names[i]) == 0, "thread %d saw its name as '%s'", i, v->name);
        CHECK(strcmp(ct_thread_name(threads[i]), names[i]) == 0);
        for (j = 0; j < i; j++) {
            CHECK(views[j].ident != v->ident);
            CHECK(views[j].native_id != v->native_id);
        }
    }
    for (i = 0; i < LIVE_THREADS; i++) ct_event_set(&views[i].go);
    for (i = 0; i < LIVE_THREADS; i++) ct_test_join(threads[i]);
}

TEST(main_thread)
{
    ct_thread *main_thread = ct_main_thread();
    CHECK(main_thread != NULL);
    CHECK(ct_current_thread() == main_thread);
    CHECK(strcmp(ct_thread_name(main_thread), "MainThread") == 0);
    CHECK(!ct_thread_is_daemon(main_thread));
    CHECK(ct_thread_is_alive(main_thread));
    CHECK(ct_thread_ident(main_thread) != 0);
    CHECK_EQ_U(ct_thread_ident(main_thread), ct_get_ident());
    CHECK(ct_get_native_id() != 0);
    CHECK_EQ_U(ct_thread_native_id(main_thread), ct_get_native_id());
    CHECK(ct_main_thread() == main_thread);
}

/* ---- threads the library did not start ---------------------------------- */

typedef struct foreign_view {
    self_view self;
    bool same_on_second_call, listed;
    size_t active;
} foreign_view;

static void look_from_foreign_thread(void *arg)
{
    foreign_view *view = (foreign_view *)arg;
    ct_thread *listed[64];
    size_t total, i;
    look_at_self(&view->self);
    view->same_on_second_call = ct_thread_ident(ct_current_thread()) == view->self.ident &&
                                strcmp(ct_thread_name(ct_current_thread()), view->self.name) == 0;
    view->active = ct_active_count();
    total = ct_enumerate(listed, 64);
    CHECK_LE(total, 64);
    for (i = 0; i < total; i++) {
        if (ct_thread_ident(listed[i]) == view->self.ident) view->listed = true;
        ct_thread_release(listed[i]);
    }
}

TEST(foreign_thread_is_dummy)
{
    size_t baseline = ct_active_count();
    foreign_view view;
    foreign_thread thread;
    memset(&view, 0, sizeof view);
    CHECK_EQ(foreign_thread_start(&thread, look_from_foreign_thread, &view), 0);
    foreign_thread_join(&thread);

    CHECK_MSG(is_dummy_name(view.self.name), "foreign thread named '%s'", view.self.name);
    CHECK(view.self.daemon);
    CHECK(view.self.alive);
    CHECK(view.self.ident != 0);
    CHECK_EQ_U(view.self.ident, view.self.get_ident);
    CHECK(view.self.ident != ct_get_ident());
    CHECK(view.self.native_id != 0);
    CHECK_EQ_U(view.self.native_id, view.self.get_native_id);
    CHECK(!view.self.current_is_main);
    CHECK(view.same_on_second_call);
    CHECK_EQ_U(view.active, baseline + 1);
    CHECK(view.listed);
    /* Gone from the count once the OS thread has ended. */
    CHECK_EQ_U(ct_active_count(), baseline);
}

/* ---- active_count, enumerate --------------------------------------------- */

static bool listed_in(ct_thread *const *list, size_t n, uint64_t ident)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (ct_thread_ident(list[i]) == ident) return true;
    return false;
}

#define LIST_CAPACITY 64

TEST(active_count_and_enumerate)
{
    size_t baseline = ct_active_count(), total, i;
    ct_event go = CT_EVENT_INIT;
    ct_thread *threads[3];
    uint64_t idents[3];
    ct_thread *list[LIST_CAPACITY];
    ct_thread *const sentinel = (ct_thread *)&go;

    CHECK_GE(baseline, 2); /* this thread and the harness's watchdog */
    for (i = 0; i < 3; i++) {
        threads[i] = start_with(wait_for_go, &go, NULL);
        idents[i] = ct_thread_ident(threads[i]);
    }
    CHECK_EQ_U(ct_active_count(), baseline + 3);

    /* Too small a buffer: the total comes back, only capacity slots are written. */
    list[0] = list[1] = sentinel;
    CHECK_EQ_U(ct_enumerate(list, 1), baseline + 3);
    CHECK(list[0] != NULL && list[0] != sentinel);
    CHECK(list[1] == sentinel);
    ct_thread_release(list[0]);
    list[0] = sentinel;
    CHECK_EQ_U(ct_enumerate(list, 0), baseline + 3);
    CHECK(list[0] == sentinel);

    total = ct_enumerate(list, LIST_CAPACITY);
    CHECK_EQ_U(total, baseline + 3);
    for (i = 0; i < 3; i++) CHECK(listed_in(list, total, idents[i]));
    CHECK(listed_in(list, total, ct_get_ident()));
    for (i = 0; i < total; i++) {
        CHECK(list[i] != NULL);
        CHECK(ct_thread_is_alive(list[i]));
    }
    for (i = 0; i < total; i++) ct_thread_release(list[i]);

    ct_event_set(&go);
    for (i = 0; i < 3; i++) ct_test_join(threads[i]);
    CHECK_EQ_U(ct_active_count(), baseline);
    total = ct_enumerate(list, LIST_CAPACITY);
    CHECK_EQ_U(total, baseline);
    for (i = 0; i < 3; i++) CHECK(!listed_in(list, total, idents[i]));
    for (i = 0; i < total; i++) ct_thread_release(list[i]);
}

/* ---- releasing a running thread's handle ---------------------------------- */

typedef struct detached_work {
    ct_event go, done;
    int result;
} detached_work;

static void work_after_go(void *arg)
{
    detached_work *work = (detached_work *)arg;
    CHECK(ct_event_wait(&work->go, 30.0));
    work->result = 42;
    ct_event_set(&work->done);
}

TEST(release_does_not_stop_thread)
{
    static detached_work work = { CT_EVENT_INIT, CT_EVENT_INIT, 0 };
    size_t baseline = ct_active_count();
    double deadline;
    ct_thread_release(start_with(work_after_go, &work, NULL));
    CHECK_EQ_U(ct_active_count(), baseline + 1);
    ct_event_set(&work.go);
    CHECK(ct_event_wait(&work.done, 30.0));
    CHECK_EQ(work.result, 42);
    deadline = ct_monotonic() + 10.0;
    while (ct_active_count() != baseline && ct_monotonic() < deadline) ct_sleep(0.001);
    CHECK_EQ_U(ct_active_count(), baseline);
}

/* ---- sleep, monotonic ------------------------------------------------------ */

TEST(sleep_lasts_at_least_the_time)
{
    double start = ct_monotonic(), elapsed;
    ct_sleep(0.1);
    elapsed = ct_monotonic() - start;
    CHECK_GE_D(elapsed, 0.1 - SLACK);
    CHECK_LE_D(elapsed, 10.0);
    start = ct_monotonic();
    ct_sleep(0);
    CHECK_LE_D(ct_monotonic() - start, 5.0);
}

TEST(monotonic_never_goes_back)
{
    double previous = ct_monotonic(), now, first = previous;
    int i;
    for (i = 0; i < 200000; i++) {
        now = ct_monotonic();
        CHECK_GE_D(now, previous);
        previous = now;
    }
    ct_sleep(0.01);
    CHECK_GE_D(ct_monotonic() - first, 0.01 - SLACK);
}

/* ---- refusals and early ends ---------------------------------------------- */

/* A stack no system can reserve: the OS refuses the thread. Seven eighths of
 * the address space, since half of it (2 GiB) can be reserved on a 32-bit CPU. */
#define IMPOSSIBLE_STACK (SIZE_MAX / 8 * 7)

/* The OS refuses the thread (glibc, Win32), or the size itself (musl:
 * EINVAL above SIZE_MAX / 4, Python's ValueError from stack_size()). */
static bool refused_stack(int status)
{
    return status == CT_EAGAIN || status == CT_ENOMEM || status == CT_EINVAL;
}

typedef struct enumerator {
    ct_event stop;
    size_t seen;
} enumerator;

/* Looks at every thread it can see, as a monitoring thread would. */
static void enumerate_until_stopped(void *arg)
{
    enumerator *e = (enumerator *)arg;
    ct_thread *seen[64];
    while (!ct_event_is_set(&e->stop)) {
        size_t n = ct_enumerate(seen, 64), i;
        if (n > 64) n = 64;
        for (i = 0; i < n; i++) {
            CHECK(ct_thread_name(seen[i]) != NULL && ct_thread_name(seen[i])[0] != '\0');
            (void)ct_thread_is_alive(seen[i]);
            (void)ct_thread_native_id(seen[i]);   /* waits for the start: must not hang */
            ct_thread_release(seen[i]);
        }
        e->seen += n;
    }
}

/* issue 10 item 2: a refused thread's record was freed while still reachable
 * through the registry (ASan: heap-use-after-free in ct_thread_is_alive). */
TEST(refused_start_is_safe_for_enumerators)
{
    enumerator e;
    ct_thread_options options = CT_THREAD_OPTIONS_INIT;
    ct_thread *watcher, *never = NULL;
    size_t baseline = ct_active_count(), refused = 0;
    double until = ct_monotonic() + 1.0;
    memset(&e, 0, sizeof e);
    ct_event_init(&e.stop);
    watcher = start_with(enumerate_until_stopped, &e, NULL);
    options.stack_size = IMPOSSIBLE_STACK;
    while (ct_monotonic() < until) {
        int status = ct_thread_start(&never, set_flag, NULL, &options);
        CHECK_MSG(refused_stack(status), "a %zu-byte stack gave %s", (size_t)IMPOSSIBLE_STACK,
                  ct_strerror(status));
        refused++;
    }
    ct_event_set(&e.stop);
    ct_test_join(watcher);
    CHECK_GT(refused, 0);
    CHECK_GT(e.seen, 0);
    CHECK_EQ_U(ct_active_count(), baseline);
}

/* issue 10 item 4: page rounding of SIZE_MAX wrapped to 0, the OS default. */
TEST(huge_stack_size_does_not_wrap)
{
    ct_thread_options options = CT_THREAD_OPTIONS_INIT;
    ct_thread *thread = NULL;
    int ran = 0, status;
    size_t stored;
    options.stack_size = SIZE_MAX;
    status = ct_thread_start(&thread, set_flag, &ran, &options);
    CHECK_MSG(refused_stack(status), "a SIZE_MAX stack gave %s", ct_strerror(status));
    CHECK_EQ(ran, 0);
    CHECK_EQ_U(ct_stack_size(SIZE_MAX), 0);
    stored = ct_stack_size(0);
    CHECK_MSG(stored != 0, "ct_stack_size(SIZE_MAX) stored 0, the OS default");
}

typedef struct early_end {
    int before;
    int after;
} early_end;

static void end_own_thread(void *arg)
{
    early_end *e = (early_end *)arg;
    e->before = 1;
    foreign_thread_exit_current();
    e->after = 1;
}

/* issue 10 item 3: a target that ends its thread itself still finishes its record. */
TEST(target_ending_its_own_thread)
{
    early_end e = { 0, 0 };
    ct_thread *thread = start_with(end_own_thread, &e, NULL);
    CHECK_OK(ct_thread_join(thread, 30.0));
    CHECK(!ct_thread_is_alive(thread));
    CHECK_EQ(e.before, 1);
    CHECK_EQ(e.after, 0);
    ct_thread_release(thread);
}

/* The first CT_FOREVER joiner waits for the OS thread to be gone; the others,
 * and a timed joiner, wait for the thread's end as before: all of them return. */
typedef struct joiner_view {
    ct_thread *joined;
    double timeout;
    int status;
    bool alive_after;
} joiner_view;

static void join_and_look(void *arg)
{
    joiner_view *view = (joiner_view *)arg;
    view->status = ct_thread_join(view->joined, view->timeout);
    view->alive_after = ct_thread_is_alive(view->joined);
}

TEST(joiners_forever_and_timed_together)
{
    ct_event go = CT_EVENT_INIT;
    ct_thread *thread = start_with(wait_for_go, &go, NULL);
    joiner_view views[4] = {
        { thread, CT_FOREVER, -1, true }, { thread, CT_FOREVER, -1, true },
        { thread, 30.0, -1, true }, { thread, CT_FOREVER, -1, true },
    };
    ct_thread *joiners[4];
    for (int i = 0; i < 4; i++) joiners[i] = start_with(join_and_look, &views[i], NULL);
    ct_sleep(0.05);
    CHECK(ct_thread_is_alive(thread));
    ct_event_set(&go);
    for (int i = 0; i < 4; i++) {
        ct_test_join(joiners[i]);
        CHECK_EQ(views[i].status, CT_OK);
        CHECK(!views[i].alive_after);
    }
    CHECK_OK(ct_thread_join(thread, CT_FOREVER));
    ct_thread_release(thread);
}

/* A thread that ends before anyone joins it, or that nobody joins at all,
 * frees itself; a later CT_FOREVER join returns at once. */
TEST(join_forever_after_the_end)
{
    int ran = 0;
    ct_thread *thread = start_with(set_flag, &ran, NULL);
    double deadline = ct_monotonic() + 30.0;
    while (ct_thread_is_alive(thread) && ct_monotonic() < deadline) ct_sleep(0.001);
    CHECK(!ct_thread_is_alive(thread));
    CHECK_OK(ct_thread_join(thread, CT_FOREVER));
    CHECK_OK(ct_thread_join(thread, CT_FOREVER));
    CHECK_EQ(ran, 1);
    ct_thread_release(thread);
}

TEST(target_ending_its_own_thread_joined_forever)
{
    early_end e = { 0, 0 };
    ct_thread *thread = start_with(end_own_thread, &e, NULL);
    CHECK_OK(ct_thread_join(thread, CT_FOREVER));
    CHECK(!ct_thread_is_alive(thread));
    CHECK_EQ(e.before, 1);
    CHECK_EQ(e.after, 0);
    ct_thread_release(thread);
}

/* Names of every length around the record's inline room are kept whole. */
TEST(names_around_the_inline_size)
{
    char name[40];
    for (size_t n = 29; n < sizeof name; n++) {
        memset(name, 'a' + (int)(n % 26), n);
        name[n] = '\0';
        check_name_kept_whole(name);
    }
}
