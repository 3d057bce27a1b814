/* SPDX-License-Identifier: MIT */
/* Shared by the Win32 backend's sources. Windows 8 is the oldest target:
 * WaitOnAddress comes with it. */
#ifndef CT_BACKEND_WIN32_H
#define CT_BACKEND_WIN32_H

#ifndef WIN32_LEAN_AND_MEAN
#  define WIN32_LEAN_AND_MEAN
#endif
#include <windows.h>

#include "backend.h"

/* The milliseconds to wait from now until deadline, for an API that takes a
 * DWORD: rounded up, so that a wait never ends before the deadline just because
 * milliseconds are coarse (half a millisecond left must not become a poll), and
 * kept below INFINITE, so that a far deadline is waited for in chunks by a caller
 * that loops until the deadline. CTB_NEVER gives INFINITE, a past deadline 0. */
DWORD ctb__timeout_ms(int64_t deadline, int64_t now);

#endif /* CT_BACKEND_WIN32_H */
