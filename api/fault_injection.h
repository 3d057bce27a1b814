/* SPDX-License-Identifier: MIT */
/* Test-only: fail the library's allocations (ct__malloc & co.) and thread
 * starts (around ctb_thread_create) on purpose, one numbered point at a time.
 * Compiled only into a build with CT_FAULT_INJECTION (the `faults` preset):
 * not public API, not installed, absent from the normal library. */
#ifndef CT_FAULT_INJECTION_H
#define CT_FAULT_INJECTION_H

#include <stdbool.h>
#include <stdint.h>

typedef enum ct__fault_mode {
    CT__FAULT_COUNT,         /* fail nothing, only count the points reached */
    CT__FAULT_ONLY_NTH,      /* fail the nth point only */
    CT__FAULT_NTH_AND_LATER  /* fail the nth point and every later one */
} ct__fault_mode;

/* Restart the count at 0 and fail points from now on as mode says (nth is 1-based). */
void ct__fault_arm(ct__fault_mode mode, uint64_t nth);

/* Points reached since the last ct__fault_arm, and how many of them failed. */
uint64_t ct__fault_points(void);
uint64_t ct__fault_injected(void);

/* Called by the library at every injection point: true to fail this one.
 * An allocation that fails returns NULL; a thread start, CT_EAGAIN. */
bool ct__fault_now(void);

#endif /* CT_FAULT_INJECTION_H */
