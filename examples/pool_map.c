/* SPDX-License-Identifier: MIT */
/* Executor.map: the results come back in input order, whichever call
 * finishes first.
 *
 *     def square(n):
 *         time.sleep(0.01 * (10 - n))   # later calls finish first
 *         return n * n
 *
 *     with ThreadPoolExecutor(max_workers=4) as executor:
 *         for n, result in zip(range(10), executor.map(square, range(10), buffersize=4)):
 *             print(f'square({n}) = {result}')
 *
 * buffersize=4 keeps at most four calls submitted and not yet collected, as
 * Python 3.14 does for a long (or endless) input.
 */
#include <cthreading.h>
#include <stdint.h>
#include <stdio.h>

#define COUNT 10

static void *square(void *arg)
{
    intptr_t n = (intptr_t)arg;
    ct_sleep(0.01 * (double)(COUNT - n));
    return (void *)(n * n);
}

int main(void)
{
    ct_pool *executor;
    void *args[COUNT], *results[COUNT];
    int status = ct_pool_new(&executor, 4, NULL);
    if (status != CT_OK) {
        fprintf(stderr, "ct_pool_new: %s\n", ct_strerror(status));
        return 1;
    }
    for (intptr_t n = 0; n < COUNT; n++) args[n] = (void *)n;
    status = ct_pool_map(executor, square, args, results, COUNT, CT_FOREVER, 4);
    if (status != CT_OK) {
        fprintf(stderr, "ct_pool_map: %s\n", ct_strerror(status));
        return 1;
    }
    for (int n = 0; n < COUNT; n++) printf("square(%d) = %d\n", n, (int)(intptr_t)results[n]);
    ct_pool_release(executor);   /* the end of the with block */
    return 0;
}
