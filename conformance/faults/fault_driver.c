/* SPDX-License-Identifier: MIT */
/* fault_run: see fault_driver.h. */
#include "fault_driver.h"
#include "fault_injection.h"

static const char *const mode_names[] = { "count", "only the Nth", "the Nth and later" };

/* One run under a fault: its status, the points it reached and how many failed. */
static int run_armed(int (*scenario)(void), ct__fault_mode mode, uint64_t nth, uint64_t *points,
                     uint64_t *injected)
{
    int status;
    ct__fault_arm(mode, nth);
    status = scenario();
    *points = ct__fault_points();
    *injected = ct__fault_injected();
    ct__fault_arm(CT__FAULT_COUNT, 0);
    return status;
}

void fault_run(const char *name, int (*scenario)(void))
{
    uint64_t points, reached, injected, nth, failed_runs = 0, survived_runs = 0;
    int mode, status;

    status = run_armed(scenario, CT__FAULT_COUNT, 0, &points, &injected);
    CHECK_MSG(status == CT_OK, "%s without faults: %s", name, ct_strerror(status));
    CHECK_MSG(points > 0, "%s reaches no injection point", name);

    /* Threads make the count vary a little: go one past what the count saw. */
    for (nth = 1; nth <= points + 1; nth++) {
        for (mode = CT__FAULT_ONLY_NTH; mode <= CT__FAULT_NTH_AND_LATER; mode++) {
            status = run_armed(scenario, (ct__fault_mode)mode, nth, &reached, &injected);
            CHECK_MSG(status == CT_OK || (injected > 0 && (status == CT_ENOMEM || status == CT_EAGAIN)),
                      "%s, failing %s of %llu points (nth %llu, %llu injected): %s", name,
                      mode_names[mode], (unsigned long long)points, (unsigned long long)nth,
                      (unsigned long long)injected, ct_strerror(status));
            if (status == CT_OK) survived_runs++;
            else failed_runs++;
            status = run_armed(scenario, CT__FAULT_COUNT, 0, &reached, &injected);
            CHECK_MSG(status == CT_OK, "%s after failing point %llu (%s): %s", name,
                      (unsigned long long)nth, mode_names[mode], ct_strerror(status));
        }
    }
    printf("%s: %llu injection points; %llu runs reported the fault, %llu absorbed it\n", name,
           (unsigned long long)points, (unsigned long long)failed_runs,
           (unsigned long long)survived_runs);
    fflush(stdout);
}
