/* SPDX-License-Identifier: MIT */
/* The daemon contract: at normal process exit (main returns, exit(), or an
 * explicit ct_shutdown) the runtime waits for the non-daemon threads only;
 * daemon threads end with the process and print nothing after that moment.
 * Each case runs children/child_daemon.c as its own process. */
/* popen and the wait-status macros are POSIX, not C11. */
#define _POSIX_C_SOURCE 200809L
#include "harness.h"

#include <string.h>

/* The child's daemon threads sleep 10 s before printing; its worker works
 * 0.3 s. A child that ends long before 10 s did not wait for its daemons. */
#define WORK_TIME 0.3
#define CHILD_TIME_LIMIT 6.0
#define SLACK 0.001
#define OUTPUT_SIZE 4096

/* Running a command and reading its stdout is spelled differently by the
 * Windows CRT (also under Wine, where the child is a Windows process). */
#if defined(_WIN32)
#  define open_pipe _popen
#  define close_pipe _pclose
#  define PATH_SEPARATOR '\\'
#  define QUOTED_COMMAND "\"\"%s\" %s\"" /* cmd.exe /c strips the outer quotes */
#  define exit_status_of(raw) (raw)
#else
#  include <sys/wait.h>
#  define open_pipe popen
#  define close_pipe pclose
#  define PATH_SEPARATOR '/'
#  define QUOTED_COMMAND "'%s' %s"
#  define exit_status_of(raw) (WIFEXITED(raw) ? WEXITSTATUS(raw) : 128 + WTERMSIG(raw))
#endif

typedef struct child_run {
    char output[OUTPUT_SIZE];
    int exit_status;
    double seconds;
} child_run;

/* The child program sits next to this test executable. */
static void child_path(char *path, size_t size)
{
    const char *argv0 = ct_test_argv0;
    const char *last = NULL, *p;
    size_t dir_length;
    for (p = argv0; *p; p++)
        if (*p == '/' || *p == '\\') last = p;
    dir_length = last ? (size_t)(last - argv0 + 1) : 0;
    CHECK(dir_length + 64 < size);
    if (dir_length == 0) {
        path[0] = '.';
        path[1] = PATH_SEPARATOR;
        dir_length = 2;
    } else {
        memcpy(path, argv0, dir_length);
    }
    strcpy(path + dir_length, "conformance_child_daemon");
}

static void run_child(const char *mode, child_run *run)
{
    char path[1024], command[1800];
    size_t length = 0, got;
    int raw_status;
    double start;
    FILE *pipe;

    child_path(path, sizeof path);
    CHECK(strchr(path, '\'') == NULL && strchr(path, '"') == NULL);
    snprintf(command, sizeof command, "%s" QUOTED_COMMAND, ct_test_emulator(), path, mode);
    fflush(stdout);
    fflush(stderr);
    start = ct_monotonic();
    pipe = open_pipe(command, "r");
    CHECK_MSG(pipe != NULL, "cannot run %s", command);
    while ((got = fread(run->output + length, 1, OUTPUT_SIZE - 1 - length, pipe)) > 0)
        length += got;
    raw_status = close_pipe(pipe);
    run->exit_status = exit_status_of(raw_status);
    run->seconds = ct_monotonic() - start;
    run->output[length] = '\0';
    printf("--- %s (%.3f s, exit status %d):\n%s---\n", command, run->seconds, run->exit_status,
           run->output);
    fflush(stdout);
}

static void check_daemon_contract(const char *mode, child_run *run)
{
    run_child(mode, run);
    CHECK_EQ(run->exit_status, 0);
    CHECK_MSG(strstr(run->output, "main ending") != NULL, "the child did not get going");
    CHECK_MSG(strstr(run->output, "worker finished") != NULL,
              "the process ended without waiting for its non-daemon thread");
    CHECK_MSG(strstr(run->output, "DAEMON-LEAKED") == NULL,
              "a daemon thread ran past the end of the process");
    /* It waited for the worker, not for the daemons' 10 s. */
    CHECK_GE_D(run->seconds, WORK_TIME - SLACK);
    CHECK_LE_D(run->seconds, CHILD_TIME_LIMIT);
}

TEST(main_returns)
{
    child_run run;
    check_daemon_contract("return", &run);
}

TEST(exit_called)
{
    child_run run;
    check_daemon_contract("exit", &run);
}

TEST(explicit_shutdown)
{
    child_run run;
    const char *finished, *returned;
    check_daemon_contract("shutdown", &run);
    finished = strstr(run.output, "worker finished");
    returned = strstr(run.output, "shutdown returned");
    CHECK_MSG(returned != NULL, "ct_shutdown did not return");
    CHECK_MSG(finished < returned, "ct_shutdown returned before the worker finished");
}

TEST(non_daemon_started_by_daemon)
{
    child_run run;
    check_daemon_contract("nested", &run);
}

/* issue 10 item 1: a non-daemon thread joining the main thread. At shutdown
 * the main thread counts as finished before the wait for non-daemon threads
 * (CPython's threading._shutdown), so the join returns and the process exits. */
static void check_join_main(const char *mode, child_run *run)
{
    const char *main_end, *thread_end;
    run_child(mode, run);
    CHECK_EQ(run->exit_status, 0);
    main_end = strstr(run->output, "end of main");
    thread_end = strstr(run->output, "end of thread");
    CHECK_MSG(main_end != NULL, "the child did not get going");
    CHECK_MSG(thread_end != NULL, "the join of the main thread never returned");
    CHECK_MSG(main_end < thread_end, "the main thread was joined before it ended");
    CHECK_LE_D(run->seconds, CHILD_TIME_LIMIT);
}

TEST_TIMEOUT(join_main_then_return, 20)
{
    child_run run;
    check_join_main("join_main_return", &run);
}

TEST_TIMEOUT(join_main_then_exit, 20)
{
    child_run run;
    check_join_main("join_main_exit", &run);
}

TEST_TIMEOUT(join_main_then_shutdown, 20)
{
    child_run run;
    check_join_main("join_main_shutdown", &run);
    CHECK_MSG(strstr(run.output, "shutdown returned") != NULL, "ct_shutdown did not return");
    CHECK(strstr(run.output, "end of thread") < strstr(run.output, "shutdown returned"));
}

/* ct_shutdown inside this process: it waits for non-daemon threads, not for
 * daemons (the harness's watchdog is one). It is the test's last call. */
typedef struct slow_work {
    double finished_at;
} slow_work;

static void work_a_while(void *arg)
{
    ct_sleep(WORK_TIME);
    ((slow_work *)arg)->finished_at = ct_monotonic();
}

static void wait_for_never(void *arg)
{
    ct_event_wait((ct_event *)arg, CT_FOREVER);
}

TEST(shutdown_waits_for_non_daemon_only)
{
    static ct_event never_set = CT_EVENT_INIT;
    static slow_work work = { 0 };
    ct_thread_options options = CT_THREAD_OPTIONS_INIT;
    ct_thread *worker, *daemon_thread = NULL;
    double start = ct_monotonic(), returned;

    options.daemon = 1;
    CHECK_OK(ct_thread_start(&daemon_thread, wait_for_never, &never_set, &options));
    worker = ct_test_start(work_a_while, &work);
    ct_thread_release(worker);

    ct_shutdown();
    returned = ct_monotonic();
    CHECK_GE_D(returned - start, WORK_TIME - SLACK);
    CHECK(work.finished_at > 0);
    CHECK_LE_D(work.finished_at, returned);
    CHECK_LE_D(returned - start, CHILD_TIME_LIMIT);
    CHECK(ct_thread_is_alive(daemon_thread));
    ct_thread_release(daemon_thread);
}
