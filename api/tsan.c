/* SPDX-License-Identifier: MIT */
/* ThreadSanitizer's model of ct_lock, in TSan builds only (the rest of the
 * library calls empty inline functions elsewhere: internal.h).
 *
 * A ct_lock is told to TSan as a mutex (<sanitizer/tsan_interface.h>), so TSan
 * names it in reports and reports lock-order inversions among ct_locks (and
 * RLocks, whose ct_lock it is) as it does for pthread_mutex_t. One thing does
 * not fit: Python lets any thread release a Lock, and TSan reports a mutex
 * unlocked by a thread other than its owner. So a side table, keyed by the
 * lock's address (sizeof(ct_lock) stays 1), remembers who holds each lock in
 * TSan's model. When another thread releases it, that lock stops being
 * modelled as a mutex for good: from then on its acquisitions and releases
 * are plain happens-before edges (__tsan_acquire/__tsan_release), which is
 * what a Lock used as a signal between threads is. The owner in TSan's model
 * still "holds" it; it lets go in the model at its own next lock operation
 * (an orphan), since TSan lets only the holder unlock.
 *
 * Between pre_lock and post_lock TSan ignores the thread's accesses and
 * synchronization; the real acquisition, which may park, runs "diverted" out
 * of that, so the parking lot's own hand-offs stay visible to TSan (ignored,
 * they made a waiter's queue node look raced on by the next thread queued).
 *
 * A lock the table has no room for is not modelled either: TSan still sees
 * its happens-before edges, only not the mutex. (Entries stay: a ct_lock has
 * no destroy call. A lock released by another thread and then freed before
 * its taker's next lock operation can draw a false "unlock of an unlocked
 * mutex" when the taker drops it from the model.)
 */
#include "internal.h"
#include "thread_shared.h"

#if defined(CT__TSAN)

#include <sanitizer/tsan_interface.h>

#define TABLE_SIZE 4096     /* power of two */
#define PROBES 64
#define ORPHANS 64

enum { UNMODELLED = 0, MODELLED = 1 };

typedef struct entry {
    size_t key;               /* the lock's address; 0: a free slot */
    uint64_t owner;           /* ct__ident() of the holder in TSan's model; 0: none */
    unsigned char unmodelled; /* released by another thread once: edges only */
} entry;

typedef struct orphan {
    size_t key;               /* the lock's address; 0: a free slot */
    uint64_t owner;           /* the thread that still holds it in TSan's model */
} orphan;

static entry table[TABLE_SIZE];
static orphan orphans[ORPHANS];
static size_t orphan_count;

static entry *entry_for(const void *lock)
{
    size_t key = (size_t)(uintptr_t)lock;
    size_t i = (key * 0x9E3779B97F4A7C15u) >> 20;
    for (int probe = 0; probe < PROBES; probe++, i++) {
        entry *e = &table[i % TABLE_SIZE];
        size_t seen = ct_load_size(&e->key);
        if (seen == key) return e;
        if (seen == 0) {
            if (ct_cas_size(&e->key, &seen, key) || seen == key) return e;
        }
    }
    return NULL;
}

/* The calling thread lets go, in TSan's model, of locks another thread
 * released for it. The clock the lock's address had is joined first, so the
 * unlock (which stores this thread's clock there) loses no edge. */
static void drop_orphans(uint64_t me)
{
    if (ct_load_relaxed_size(&orphan_count) == 0) return;
    for (size_t i = 0; i < ORPHANS; i++) {
        orphan *o = &orphans[i];
        size_t key = ct_load_size(&o->key);
        if (key == 0 || ct_load_u64(&o->owner) != me) continue;
        void *lock = (void *)(uintptr_t)key;
        __tsan_acquire(lock);
        __tsan_mutex_pre_unlock(lock, 0);
        __tsan_mutex_post_unlock(lock, 0);
        ct_store_u64(&o->owner, 0);
        ct_store_size(&o->key, 0);
        ct_fetch_add_size(&orphan_count, (size_t)-1);
    }
}

static void add_orphan(const void *lock, uint64_t owner)
{
    for (size_t i = 0; i < ORPHANS; i++) {
        size_t free_slot = 0;
        if (!ct_cas_size(&orphans[i].key, &free_slot, (size_t)(uintptr_t)lock)) continue;
        ct_store_u64(&orphans[i].owner, owner);
        ct_fetch_add_size(&orphan_count, 1);
        return;
    }
    /* No room: the owner keeps it in TSan's model; only its lock-order
     * edges from this lock can be stale. */
}

/* Read holds: TSan lets any thread drop a read lock in its model only if that
 * thread holds it there, and counts no owners; so each thread keeps its own
 * list, and drops, at its next lock operation, a hold whose lock another
 * thread's release has made unmodelled. */
#define READS 16
static CT_THREAD_LOCAL const void *reads[READS];
static CT_THREAD_LOCAL int read_count;

static void *addr(const void *lock)
{
    return (void *)(uintptr_t)lock;
}

static bool unmodelled(const void *lock)
{
    entry *e = entry_for(lock);
    return !e || ct_load_u8(&e->unmodelled);
}

static bool forget_read(const void *lock)
{
    for (int i = 0; i < read_count; i++) {
        if (reads[i] != lock) continue;
        reads[i] = reads[--read_count];
        return true;
    }
    return false;
}

static void drop_unmodelled_reads(void)
{
    for (int i = 0; i < read_count;) {
        const void *lock = reads[i];
        if (!unmodelled(lock)) {
            i++;
            continue;
        }
        reads[i] = reads[--read_count];
        __tsan_acquire(addr(lock));
        __tsan_mutex_pre_unlock(addr(lock), __tsan_mutex_read_lock);
        __tsan_mutex_post_unlock(addr(lock), __tsan_mutex_read_lock);
    }
}

static unsigned tsan_flags(unsigned how)
{
    return ((how & CT__TSAN_TRY) ? __tsan_mutex_try_lock : 0u) |
           ((how & CT__TSAN_READ) ? __tsan_mutex_read_lock : 0u);
}

int ct__tsan_lock_begin(const void *lock, unsigned how)
{
    drop_orphans(ct__ident());
    drop_unmodelled_reads();
    if (unmodelled(lock) || ((how & CT__TSAN_READ) && read_count == READS)) return UNMODELLED;
    __tsan_mutex_pre_lock(addr(lock), tsan_flags(how));
    __tsan_mutex_pre_divert(addr(lock), 0);
    return MODELLED;
}

void ct__tsan_lock_end(const void *lock, int model, unsigned how, bool acquired)
{
    if (model == UNMODELLED) {
        if (acquired) __tsan_acquire(addr(lock));
        return;
    }
    __tsan_mutex_post_divert(addr(lock), 0);
    entry *e = entry_for(lock);
    if (!acquired || ct_load_u8(&e->unmodelled)) {
        /* Ends what pre_lock began without a lock in the model. */
        __tsan_mutex_post_lock(addr(lock), tsan_flags(how | CT__TSAN_TRY) | __tsan_mutex_try_lock_failed, 0);
        if (acquired) __tsan_acquire(addr(lock));
        return;
    }
    __tsan_mutex_post_lock(addr(lock), tsan_flags(how), 0);
    if (how & CT__TSAN_READ) {
        reads[read_count++] = lock;
        return;
    }
    uint64_t me = ct__ident();
    (void)ct_exchange_u64(&e->owner, me);
    /* Another thread released it at once and found no owner yet: let go in
     * the model at this thread's next lock operation. */
    if (ct_load_u8(&e->unmodelled) && ct_exchange_u64(&e->owner, 0) == me) add_orphan(lock, me);
}

int ct__tsan_unlock_begin(const void *lock, unsigned how, bool (*held)(const void *lock))
{
    uint64_t me = ct__ident();
    drop_orphans(me);
    drop_unmodelled_reads();
    entry *e = entry_for(lock);
    if (!e) {
        __tsan_release(addr(lock));
        return UNMODELLED;
    }
    bool modelled = !ct_load_u8(&e->unmodelled);
    if (how & CT__TSAN_READ) {
        if (modelled && forget_read(lock)) {
            __tsan_mutex_pre_unlock(addr(lock), __tsan_mutex_read_lock);
            __tsan_mutex_pre_divert(addr(lock), 0);
            return MODELLED;
        }
        /* A read hold this thread does not have: edges only from now on;
         * the readers drop theirs from the model themselves. */
        if (held(lock)) ct_store_u8(&e->unmodelled, 1);
        __tsan_release(addr(lock));
        return UNMODELLED;
    }
    if (modelled && ct_load_u64(&e->owner) == me) {
        ct_store_u64(&e->owner, 0);
        __tsan_mutex_pre_unlock(addr(lock), 0);
        __tsan_mutex_pre_divert(addr(lock), 0);
        return MODELLED;
    }
    if (held(lock)) {
        /* Released by a thread that is not its holder: a Lock as a signal. */
        ct_store_u8(&e->unmodelled, 1);
        uint64_t owner = ct_exchange_u64(&e->owner, 0);
        if (owner != 0) add_orphan(lock, owner);
    }
    __tsan_release(addr(lock));
    return UNMODELLED;
}

void ct__tsan_unlock_end(const void *lock, int model, unsigned how)
{
    if (model != MODELLED) return;
    __tsan_mutex_post_divert(addr(lock), 0);
    __tsan_mutex_post_unlock(addr(lock), tsan_flags(how & CT__TSAN_READ));
}

void ct__tsan_lock_nested(const void *lock, long levels)
{
    entry *e = entry_for(lock);
    if (!e || ct_load_u8(&e->unmodelled) || ct_load_u64(&e->owner) != ct__ident()) return;
    for (; levels > 0; levels--) {
        __tsan_mutex_pre_lock(addr(lock), 0);
        __tsan_mutex_post_lock(addr(lock), 0, 0);
    }
    for (; levels < 0; levels++) {
        __tsan_mutex_pre_unlock(addr(lock), 0);
        __tsan_mutex_post_unlock(addr(lock), 0);
    }
}

void ct__tsan_lock_reset(const void *lock)
{
    uint64_t me = ct__ident();
    entry *e = entry_for(lock);
    if (!e) return;
    uint64_t owner = ct_exchange_u64(&e->owner, 0);
    if (forget_read(lock) && !ct_load_u8(&e->unmodelled)) {
        __tsan_mutex_pre_unlock(addr(lock), __tsan_mutex_read_lock);
        __tsan_mutex_post_unlock(addr(lock), __tsan_mutex_read_lock);
    }
    if (owner == 0 || ct_load_u8(&e->unmodelled)) return;
    if (owner == me) {
        __tsan_mutex_pre_unlock(addr(lock), 0);
        __tsan_mutex_post_unlock(addr(lock), 0);
    } else {
        /* Held by another thread (one a fork left behind, say): TSan lets
         * only the holder unlock, so the lock is edges only from now on. */
        ct_store_u8(&e->unmodelled, 1);
    }
}

#else
/* ISO C wants a declaration in every translation unit. */
typedef int ct__tsan_not_built;
#endif
