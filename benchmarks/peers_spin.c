/* SPDX-License-Identifier: MIT */
/* The floor: a bare test-and-test-and-set spinlock. Acquire reads until the
 * lock looks free, then swaps; release is a plain store. It never sleeps, so
 * it is the fastest possible uncontended lock and a poor one when threads
 * outnumber cores.
 *
 * And the floor for a lock that can put waiters to sleep (uncontended suite
 * only): a spinlock taken and released with a compare-and-swap each. A sleeping lock's
 * release must learn, in the same atomic step that frees it, whether anyone is
 * asleep: a plain store could erase a waiter's "I am parked" mark written just
 * before it, and that waiter would sleep forever. So every such lock (the
 * pthread, std, GLib and absl ones here too) pays two read-modify-writes per
 * acquire+release where the spinlock pays one. */
#include "common.h"

typedef struct ttas_lock {
    int v;
} ttas_lock;

static inline void cpu_pause(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

static void ttas_init(ttas_lock *l) { l->v = 0; }
static void ttas_nothing(ttas_lock *l) { (void)l; }

static inline void ttas_acquire(ttas_lock *l)
{
    for (;;) {
        while (__atomic_load_n(&l->v, __ATOMIC_RELAXED)) cpu_pause();
        if (!__atomic_exchange_n(&l->v, 1, __ATOMIC_ACQUIRE)) return;
    }
}

static inline void ttas_release(ttas_lock *l)
{
    __atomic_store_n(&l->v, 0, __ATOMIC_RELEASE);
}

BENCH_LOCK(ttas, ttas_lock, ttas_init, ttas_acquire, ttas_release, ttas_nothing)

static inline void cas_acquire(ttas_lock *l)
{
    int expected = 0;
    if (!__atomic_compare_exchange_n(&l->v, &expected, 1, 0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
        ttas_acquire(l);
}

static inline void cas_release(ttas_lock *l)
{
    int expected = 1;
    __atomic_compare_exchange_n(&l->v, &expected, 0, 0, __ATOMIC_RELEASE, __ATOMIC_RELAXED);
}

BENCH_LOCK_BODIES(cas_floor, ttas_lock, ttas_init, cas_acquire, cas_release, ttas_nothing)

BENCH_REGISTER(register_spin)
{
    ttas_register("ttas_spinlock");
    bench_add("lock_uncontended", "cas_release_floor", cas_floor_pairs, cas_floor_setup, NULL,
              cas_floor_teardown, &lock_tiny, 1000, NULL);
    bench_size("ttas_spinlock", sizeof(ttas_lock));
}
