/* SPDX-License-Identifier: MIT */
#include "backend.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void ctb_fatal(const char *what, int os_error)
{
    if (os_error != 0) fprintf(stderr, "cthreading: %s: %s\n", what, strerror(os_error));
    else fprintf(stderr, "cthreading: %s\n", what);
    fflush(stderr);
    abort();
}
