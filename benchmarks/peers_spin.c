/* The floor: a bare test-and-test-and-set spinlock. Acquire reads until the
 * lock looks free, then swaps; release is a plain store. It never sleeps, so
 * it is the fastest possible uncontended lock and a poor one when threads
 * outnumber cores. */
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

BENCH_REGISTER(register_spin)
{
    ttas_register("ttas_spinlock");
    bench_size("ttas_spinlock", sizeof(ttas_lock));
}
