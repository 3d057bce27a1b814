/* SPDX-License-Identifier: MIT */
#include "win32.h"

#include <stdio.h>
#include <stdlib.h>

/* os_error is a GetLastError() code. */
void ctb_fatal(const char *what, int os_error)
{
    char message[256];
    DWORD length = 0;
    if (os_error != 0)
        length = FormatMessageA(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, NULL,
                                (DWORD)os_error, 0, message, (DWORD)sizeof message, NULL);
    /* System messages end with ".\r\n". */
    while (length > 0 && (message[length - 1] == '\n' || message[length - 1] == '\r'
                          || message[length - 1] == '.'))
        length--;
    if (length > 0) fprintf(stderr, "cthreading: %s: %.*s (error %d)\n", what, (int)length, message, os_error);
    else if (os_error != 0) fprintf(stderr, "cthreading: %s: error %d\n", what, os_error);
    else fprintf(stderr, "cthreading: %s\n", what);
    fflush(stderr);
    abort();
}
