/* SPDX-License-Identifier: MIT */
/* threading.Thread(target=..., args=(...), name=...): C passes one pointer, so
 * the arguments travel in a struct that outlives the thread.
 *
 *     def greet(name, times):
 *         for i in range(times):
 *             print(f"{threading.current_thread().name}: Hello, {name}! ({i + 1} of {times})")
 *
 *     t = threading.Thread(target=greet, args=("Alice", 3), name="greeter")
 *     t.start()
 *     t.join()
 */
#include <cthreading.h>
#include <stdio.h>

struct greet_args {
    const char *name;
    int times;
};

static void greet(void *arg)
{
    const struct greet_args *args = arg;
    const char *thread_name = ct_thread_name(ct_current_thread());
    for (int i = 0; i < args->times; i++)
        printf("%s: Hello, %s! (%d of %d)\n", thread_name, args->name, i + 1, args->times);
}

int main(void)
{
    struct greet_args args = { "Alice", 3 };
    ct_thread_options options = CT_THREAD_OPTIONS_INIT;
    options.name = "greeter";

    ct_thread *thread;
    int status = ct_thread_start(&thread, greet, &args, &options);
    if (status != CT_OK) {
        fprintf(stderr, "ct_thread_start: %s\n", ct_strerror(status));
        return 1;
    }
    ct_thread_join(thread, CT_FOREVER);
    ct_thread_release(thread);
    printf("Greeted %s %d times\n", args.name, args.times);
    return 0;
}
