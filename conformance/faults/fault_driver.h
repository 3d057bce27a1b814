/* SPDX-License-Identifier: MIT */
/* The fault-injection driver: a scenario uses the library as a program would;
 * fault_run runs it once to count the injection points it reaches (every
 * allocation and thread start), then once per point in each mode ("only the
 * Nth", "the Nth and every later one"), and checks every run:
 *
 *   - the scenario's status is CT_OK, or, when a fault was injected,
 *     CT_ENOMEM or CT_EAGAIN (the documented codes);
 *   - the scenario's own CHECKs: counts and checksums of what it got back;
 *   - the library still works: a clean run afterwards returns CT_OK;
 *   - no crash (ASan), no leak (LSan at exit), no hang (the TEST's watchdog).
 *
 * Adding a scenario is a few lines in test_faults.c:
 *
 *   FAULT_SCENARIO(my_area)
 *   {
 *       ... use the library; undo everything it made, whatever failed;
 *       return CT_OK or the first failure status it saw;
 *   }
 */
#ifndef CT_FAULT_DRIVER_H
#define CT_FAULT_DRIVER_H

#include "harness.h"

/* Keep the first failure: `first = fault_first(first, status)`. */
static inline int fault_first(int first, int status)
{
    return first != CT_OK ? first : status;
}

void fault_run(const char *name, int (*scenario)(void));

/* A CTest test (faults.<name>) that runs the scenario under every fault; its
 * time limit is ct_test_seconds_FAULT_SCENARIO in conformance/CMakeLists.txt. */
#define FAULT_SCENARIO(name)                                             \
    static int scenario_##name(void);                                    \
    TEST(name) { fault_run(#name, scenario_##name); }                    \
    static int scenario_##name(void)

#endif
