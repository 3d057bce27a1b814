/* SPDX-License-Identifier: MIT */
#include "internal.h"

const char *ct_strerror(int status)
{
    switch (status) {
    case CT_OK: return "success";
    case CT_ETIMEDOUT: return "timed out";
    case CT_EINVAL: return "invalid argument";
    case CT_EPERM: return "operation not permitted: not locked or not owned by the caller";
    case CT_EDEADLK: return "cannot join current thread";
    case CT_EOVERFLOW: return "timeout value is too large";
    case CT_ENOMEM: return "out of memory";
    case CT_EAGAIN: return "can't start new thread";
    case CT_EBROKEN: return "barrier or thread pool is broken";
    case CT_ECANCELLED: return "future was cancelled";
    case CT_EEMPTY: return "queue is empty";
    case CT_EFULL: return "queue is full";
    case CT_ESHUTDOWN: return "shut down";
    default: return "unknown status code";
    }
}
