/* SPDX-License-Identifier: MIT */
/* Subclassing threading.Thread and overriding run(), in C: a struct that holds
 * the thread handle, a run function pointer (the override) and the subclass's
 * own fields; one bootstrap function calls self->run(self) on the new thread.
 *
 *     class FactorialThread(threading.Thread):
 *         def __init__(self, n):
 *             super().__init__(name=f"factorial-{n}")
 *             self.n = n
 *         def run(self):
 *             self.result = math.factorial(self.n)
 */
#include <cthreading.h>
#include <stdio.h>

struct task_thread {
    ct_thread *handle;
    void (*run)(struct task_thread *self);
    const char *name;
    unsigned n;
    unsigned long long result;
};

static void task_thread_bootstrap(void *arg)
{
    struct task_thread *self = arg;
    self->run(self);
}

static int task_thread_start(struct task_thread *self)
{
    ct_thread_options options = CT_THREAD_OPTIONS_INIT;
    options.name = self->name;
    return ct_thread_start(&self->handle, task_thread_bootstrap, self, &options);
}

static void task_thread_join(struct task_thread *self)
{
    ct_thread_join(self->handle, CT_FOREVER);
    ct_thread_release(self->handle);
    self->handle = NULL;
}

static void factorial_run(struct task_thread *self)
{
    self->result = 1;
    for (unsigned i = 2; i <= self->n; i++)
        self->result *= i;
}

static void fibonacci_run(struct task_thread *self)
{
    unsigned long long previous = 0, current = 1;
    for (unsigned i = 0; i < self->n; i++) {
        unsigned long long next = previous + current;
        previous = current;
        current = next;
    }
    self->result = previous;
}

int main(void)
{
    struct task_thread tasks[] = {
        { NULL, factorial_run, "factorial-20", 20, 0 },
        { NULL, fibonacci_run, "fibonacci-90", 90, 0 },
    };
    size_t task_count = sizeof tasks / sizeof tasks[0];

    for (size_t i = 0; i < task_count; i++) {
        int status = task_thread_start(&tasks[i]);
        if (status != CT_OK) {
            fprintf(stderr, "ct_thread_start: %s\n", ct_strerror(status));
            return 1;
        }
    }
    for (size_t i = 0; i < task_count; i++)
        task_thread_join(&tasks[i]);
    for (size_t i = 0; i < task_count; i++)
        printf("%s computed %llu\n", tasks[i].name, tasks[i].result);
    return 0;
}
