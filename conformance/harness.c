/* SPDX-License-Identifier: MIT */
/* The conformance harness runner: `<exe>` runs every test of the program in
 * order, `<exe> NAME` runs one, `<exe> --list` prints the names. */
#include "harness.h"

#include <stdarg.h>
#include <string.h>

const char *ct_test_argv0;
static const char *current_test = "?";

void ct_test_fail(const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "FAIL %s (%s:%d): ", current_test, file, line);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    fflush(stderr);
    fflush(stdout);
    _Exit(1);
}

void ct_test_skip(const char *reason)
{
    printf("skip %s: %s\n", current_test, reason);
    fflush(stdout);
    _Exit(CT_TEST_SKIPPED);
}

const char *ct_test_emulator(void)
{
    static char prefix[512];
    const char *emulator = getenv("CT_TEST_EMULATOR");
    if (!emulator || !*emulator) return "";
    if (!prefix[0]) {
        CHECK_MSG(strlen(emulator) + 2 <= sizeof prefix, "CT_TEST_EMULATOR is too long");
        snprintf(prefix, sizeof prefix, "%s ", emulator);
    }
    return prefix;
}

ct_thread *ct_test_start(void (*fn)(void *), void *arg)
{
    ct_thread *thread = NULL;
    CHECK_OK(ct_thread_start(&thread, fn, arg, NULL));
    CHECK(thread != NULL);
    return thread;
}

void ct_test_join(ct_thread *thread)
{
    CHECK_OK(ct_thread_join(thread, CT_FOREVER));
    ct_thread_release(thread);
}

/* The watchdog is a daemon thread of the library under test: if the library is
 * so broken that it cannot wait, CTest's own TIMEOUT still ends the test. */
typedef struct watch {
    const ct_test_case *test;
    ct_event done;
} watch;

static void watchdog(void *arg)
{
    watch *w = (watch *)arg;
    if (ct_event_wait(&w->done, w->test->timeout)) {
        free(w);
        return;
    }
    fprintf(stderr, "FAIL %s: timed out after %.0f s (hang?)\n", w->test->name, w->test->timeout);
    fflush(stderr);
    _Exit(124);
}

static int run_one(const ct_test_case *test)
{
    ct_thread_options options = CT_THREAD_OPTIONS_INIT;
    ct_thread *dog = NULL;
    watch *w = (watch *)calloc(1, sizeof *w);
    double start;
    if (!w) return 1;
    w->test = test;
    ct_event_init(&w->done);
    options.name = "watchdog";
    options.daemon = 1;
    current_test = test->name;
    if (ct_thread_start(&dog, watchdog, w, &options) != CT_OK) {
        fprintf(stderr, "FAIL %s: cannot start the watchdog thread\n", test->name);
        return 1;
    }
    ct_thread_release(dog);
    start = ct_monotonic();
    test->fn();
    printf("ok %s (%.3f s)\n", test->name, ct_monotonic() - start);
    fflush(stdout);
    ct_event_set(&w->done);
    return 0;
}

int main(int argc, char **argv)
{
    size_t i;
    ct_test_argv0 = argv[0];
    if (argc >= 2 && strcmp(argv[1], "--list") == 0) {
        for (i = 0; i < ct_test_count; i++) printf("%s\n", ct_tests[i].name);
        return 0;
    }
    if (argc >= 2) {
        for (i = 0; i < ct_test_count; i++)
            if (strcmp(ct_tests[i].name, argv[1]) == 0) return run_one(&ct_tests[i]);
        fprintf(stderr, "no test named %s\n", argv[1]);
        return 2;
    }
    /* Running them all in one process is for humans; CTest runs each alone. */
    for (i = 0; i < ct_test_count; i++)
        if (run_one(&ct_tests[i]) != 0) return 1;
    return 0;
}
