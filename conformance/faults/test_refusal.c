/* SPDX-License-Identifier: MIT */
/* A real refusal, no injection: threads started under a small RLIMIT_NPROC
 * by an unprivileged user (root ignores the limit; CI runs as root, so a
 * forked child becomes nobody, uid 65534). The OS refuses a thread; the
 * library says CT_EAGAIN, keeps every thread it did start, and starts
 * threads again once some have ended. POSIX only: the stage runs on Linux. */
#define _GNU_SOURCE 1
#include "harness.h"

#include <stdatomic.h>

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#define NOBODY 65534
#define LIMIT 8          /* processes and threads of the user, all together */
#define SKIP_STATUS 77

static ct_event release_all = CT_EVENT_INIT;

static void hold(void *arg)
{
    atomic_fetch_add((atomic_size_t *)arg, 1);
    ct_event_wait(&release_all, CT_FOREVER);
}

/* In the child: 0 passed, SKIP_STATUS, or the line of the first failure. */
static int child_under_limit(void)
{
    ct_thread *threads[LIMIT + 1];
    struct rlimit original, small;
    atomic_size_t ran = 0;
    size_t started = 0, i;
    int status = CT_OK;
    if (getuid() == 0 && (setgid(NOBODY) != 0 || setuid(NOBODY) != 0)) return SKIP_STATUS;
    if (getrlimit(RLIMIT_NPROC, &original) != 0) return __LINE__;
    small = original;
    small.rlim_cur = LIMIT;
    if (setrlimit(RLIMIT_NPROC, &small) != 0) return __LINE__;
    while (started < LIMIT + 1) {
        status = ct_thread_start(&threads[started], hold, &ran, NULL);
        if (status != CT_OK) break;
        started++;
    }
    if (status != CT_EAGAIN) return __LINE__;   /* refused, and said so */
    ct_event_set(&release_all);
    for (i = 0; i < started; i++) {
        if (ct_thread_join(threads[i], 30.0) != CT_OK) return __LINE__;
        ct_thread_release(threads[i]);
    }
    if (atomic_load(&ran) != started) return __LINE__;
    /* Room again: the library starts threads as before. */
    if (started > 0) {
        ct_thread *again = NULL;
        double until = ct_monotonic() + 10.0;
        while ((status = ct_thread_start(&again, hold, &ran, NULL)) == CT_EAGAIN && ct_monotonic() < until)
            ct_sleep(0.01);   /* an ended thread leaves the kernel's count a moment later */
        if (status != CT_OK || ct_thread_join(again, 30.0) != CT_OK) return __LINE__;
        ct_thread_release(again);
    }
    printf("started %zu threads under RLIMIT_NPROC %d, then CT_EAGAIN\n", started, LIMIT);
    fflush(stdout);
    /* LeakSanitizer's check at exit needs a thread of its own. */
    if (setrlimit(RLIMIT_NPROC, &original) != 0) return __LINE__;
    return 0;
}

/* fork() copies the sanitizer allocator's locks as they are. A thread still
 * starting (the harness's watchdog, inside ASan's thread set-up, which
 * allocates) may hold one; every thread the child starts then waits on it
 * forever (seen with GCC 12's libasan: the child's threads stuck in
 * asan_calloc, its exit stuck joining them). Fork once every thread has
 * started: ct_thread_native_id waits for that. */
static void wait_all_started(void)
{
    ct_thread *threads[16];
    size_t n = ct_enumerate(threads, 16), i;
    if (n > 16) n = 16;
    for (i = 0; i < n; i++) {
        (void)ct_thread_native_id(threads[i]);
        ct_thread_release(threads[i]);
    }
}

TEST(nproc_limit_refuses_threads)
{
    int raw = 0, code;
    double until = ct_monotonic() + 60.0;
    pid_t pid, done;
    wait_all_started();
    fflush(stdout);
    pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) exit(child_under_limit());
    while ((done = waitpid(pid, &raw, WNOHANG)) == 0 && ct_monotonic() < until) ct_sleep(0.01);
    if (done == 0) {
        kill(pid, SIGKILL);
        waitpid(pid, &raw, 0);
        CHECK_MSG(false, "the child under RLIMIT_NPROC hung");
    }
    CHECK(WIFEXITED(raw));
    code = WEXITSTATUS(raw);
    if (code == SKIP_STATUS) ct_test_skip("cannot become an unprivileged user (setuid to 65534 refused)");
    CHECK_MSG(code == 0, "the child failed at test_refusal.c line %d", code);
}
