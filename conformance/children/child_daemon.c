/* SPDX-License-Identifier: MIT */
/* The child program of test_daemon.c: main ends, in the way argv[1] names,
 * while daemon threads are still asleep or blocked and a non-daemon worker
 * is still working. The process must wait for the worker only: its output
 * must have "worker finished" and never "DAEMON-LEAKED".
 *
 *   return    main returns
 *   exit      main calls exit(0)
 *   shutdown  main calls ct_shutdown(), prints "shutdown returned", returns
 *   nested    as return, but the worker is started (daemon = 0) by a daemon
 *
 * With join_main_return, join_main_exit or join_main_shutdown, main ends the
 * same three ways while a non-daemon thread joins the main thread: the output
 * must be "end of main", then "end of thread", and the process must exit, as
 * test_threading.ThreadJoinOnShutdown.test_1_join_on_shutdown expects.
 */
#include <cthreading.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DAEMON_SLEEP 10.0
#define WORK_TIME 0.3

/* Released once by every thread when it is running: main waits for all. */
static ct_semaphore running = CT_SEMAPHORE_INIT(0);
static ct_event never_set = CT_EVENT_INIT;

static void say(const char *line)
{
    fputs(line, stdout);
    fputc('\n', stdout);
    fflush(stdout);
}

static ct_thread *start(void (*fn)(void *), int daemon)
{
    ct_thread_options options = CT_THREAD_OPTIONS_INIT;
    ct_thread *thread = NULL;
    int status;
    options.daemon = daemon;
    status = ct_thread_start(&thread, fn, NULL, &options);
    if (status != CT_OK) {
        fprintf(stderr, "child_daemon: ct_thread_start: %s\n", ct_strerror(status));
        exit(3);
    }
    return thread;
}

static void worker(void *unused)
{
    (void)unused;
    ct_semaphore_release(&running, 1);
    ct_sleep(WORK_TIME);
    say("worker finished");
}

static void sleeper(void *unused)
{
    (void)unused;
    ct_semaphore_release(&running, 1);
    ct_sleep(DAEMON_SLEEP);
    say("DAEMON-LEAKED (sleeper)");
}

static void blocked_forever(void *unused)
{
    (void)unused;
    ct_semaphore_release(&running, 1);
    ct_event_wait(&never_set, CT_FOREVER);
    say("DAEMON-LEAKED (blocked)");
}

/* A daemon thread whose own child inherits the daemon flag. */
static void daemon_parent(void *unused)
{
    (void)unused;
    ct_thread_release(start(sleeper, CT_INHERIT));
    ct_semaphore_release(&running, 1);
    ct_sleep(DAEMON_SLEEP);
    say("DAEMON-LEAKED (parent)");
}

static void daemon_starting_worker(void *unused)
{
    (void)unused;
    ct_thread_release(start(worker, 0));
    ct_semaphore_release(&running, 1);
    ct_sleep(DAEMON_SLEEP);
    say("DAEMON-LEAKED (worker's parent)");
}

static void join_main_thread(void *unused)
{
    (void)unused;
    ct_semaphore_release(&running, 1);
    if (ct_thread_join(ct_main_thread(), CT_FOREVER) != CT_OK) exit(4);
    say("end of thread");
}

static int join_main(const char *how)
{
    ct_thread_release(start(join_main_thread, 0));
    ct_semaphore_acquire(&running);
    ct_sleep(0.1);   /* the thread is waiting in its join */
    say("end of main");
    if (strcmp(how, "exit") == 0) exit(0);
    if (strcmp(how, "shutdown") == 0) {
        ct_shutdown();
        say("shutdown returned");
    }
    return 0;
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "";
    int threads = 0, i;

    if (strncmp(mode, "join_main_", strlen("join_main_")) == 0)
        return join_main(mode + strlen("join_main_"));
    if (strcmp(mode, "return") && strcmp(mode, "exit") && strcmp(mode, "shutdown") &&
        strcmp(mode, "nested")) {
        fprintf(stderr, "usage: child_daemon return|exit|shutdown|nested|join_main_{return,exit,shutdown}\n");
        return 2;
    }
    ct_thread_release(start(daemon_parent, 1));
    ct_thread_release(start(blocked_forever, 1));
    threads += 3;
    if (strcmp(mode, "nested") == 0) {
        ct_thread_release(start(daemon_starting_worker, 1));
        threads += 2;
    } else {
        ct_thread_release(start(worker, 0));
        threads += 1;
    }
    for (i = 0; i < threads; i++) ct_semaphore_acquire(&running);
    say("main ending");

    if (strcmp(mode, "exit") == 0) exit(0);
    if (strcmp(mode, "shutdown") == 0) {
        ct_shutdown();
        say("shutdown returned");
    }
    return 0;
}
