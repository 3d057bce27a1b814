# SPDX-License-Identifier: MIT
# POSIX backend: pthreads, CLOCK_MONOTONIC, and the Linux futex where present.
#
# Whatever differs between systems is found here by feature checks, never by
# the system's name: each CT_HAVE_* / CT_USE_* below selects one small function
# in backend/posix/*.c. CT_POSIX_PORTABLE keeps only what macOS offers for
# blocking and waiting (no futex, no pthread_condattr_setclock, no
# sched_getaffinity), so that a Linux build runs the code paths macOS runs.
include(CheckCSourceCompiles)
include(CheckIncludeFile)
include(CheckSymbolExists)
set(THREADS_PREFER_PTHREAD_FLAG ON)
find_package(Threads REQUIRED)

target_sources(cthreading PRIVATE
  backend/posix/clock.c
  backend/posix/thread.c
  backend/posix/process.c
  backend/posix/park.c
  backend/posix/fatal.c)
target_link_libraries(cthreading PUBLIC Threads::Threads)
target_compile_definitions(cthreading PRIVATE _GNU_SOURCE=1)

# ct_posix_feature(VARIABLE <check result>): VARIABLE becomes a compile
# definition of the library when the check passed.
function(ct_posix_feature variable)
  if(${variable})
    target_compile_definitions(cthreading PRIVATE ${variable}=1)
  endif()
endfunction()

set(CMAKE_REQUIRED_DEFINITIONS -D_GNU_SOURCE=1)
set(CMAKE_REQUIRED_LIBRARIES Threads::Threads)
# An undeclared function must fail a check, not pass it as an implicit
# declaration that links: pthread_setname_np(name) would "work" on glibc.
if(CMAKE_C_COMPILER_ID MATCHES "GNU|Clang")
  set(CMAKE_REQUIRED_FLAGS "-Werror=implicit-function-declaration")
endif()

# Parking a thread (park.c): the futex, else a mutex and condition variable
# timed on CLOCK_MONOTONIC (pthread_condattr_setclock), else relative waits
# (macOS's pthread_cond_timedwait_relative_np), else CLOCK_REALTIME slices.
check_include_file(linux/futex.h CT_HAVE_LINUX_FUTEX_H)
check_symbol_exists(pthread_condattr_setclock pthread.h CT_HAVE_CONDATTR_SETCLOCK)
check_symbol_exists(pthread_cond_timedwait_relative_np pthread.h CT_HAVE_COND_TIMEDWAIT_RELATIVE_NP)
if(CT_HAVE_LINUX_FUTEX_H AND NOT CT_POSIX_PORTABLE)
  target_compile_definitions(cthreading PRIVATE CT_USE_FUTEX=1)
endif()
if(CT_HAVE_CONDATTR_SETCLOCK AND NOT CT_POSIX_PORTABLE)
  target_compile_definitions(cthreading PRIVATE CT_USE_CONDATTR_SETCLOCK=1)
endif()
ct_posix_feature(CT_HAVE_COND_TIMEDWAIT_RELATIVE_NP)

# The OS thread id (thread.c, os_thread_id): gettid (glibc 2.30+, musl),
# syscall(SYS_gettid) (older Linux C libraries), pthread_threadid_np (macOS),
# pthread_getthreadid_np (FreeBSD).
check_symbol_exists(gettid unistd.h CT_HAVE_GETTID)
if(NOT CT_HAVE_GETTID)
  check_symbol_exists(SYS_gettid sys/syscall.h CT_HAVE_SYS_GETTID)
endif()
check_symbol_exists(pthread_threadid_np pthread.h CT_HAVE_PTHREAD_THREADID_NP)
check_include_file(pthread_np.h CT_HAVE_PTHREAD_NP_H)
if(CT_HAVE_PTHREAD_NP_H)
  check_symbol_exists(pthread_getthreadid_np "pthread.h;pthread_np.h" CT_HAVE_PTHREAD_GETTHREADID_NP)
  check_symbol_exists(pthread_set_name_np "pthread.h;pthread_np.h" CT_HAVE_PTHREAD_SET_NAME_NP)
endif()
foreach(feature CT_HAVE_GETTID CT_HAVE_SYS_GETTID CT_HAVE_PTHREAD_THREADID_NP
                CT_HAVE_PTHREAD_GETTHREADID_NP CT_HAVE_PTHREAD_SET_NAME_NP)
  ct_posix_feature(${feature})
endforeach()

# Naming the calling thread (thread.c, os_set_name). The two spellings of
# pthread_setname_np differ only in their arguments, so they are told apart
# by compiling a call: (thread, name) on glibc and musl, (name) on macOS.
check_c_source_compiles("
#include <pthread.h>
int main(void) { return pthread_setname_np(pthread_self(), \"x\"); }"
  CT_HAVE_PTHREAD_SETNAME_NP_THREAD_NAME)
check_c_source_compiles("
#include <pthread.h>
int main(void) { return pthread_setname_np(\"x\"); }"
  CT_HAVE_PTHREAD_SETNAME_NP_NAME)
ct_posix_feature(CT_HAVE_PTHREAD_SETNAME_NP_THREAD_NAME)
ct_posix_feature(CT_HAVE_PTHREAD_SETNAME_NP_NAME)

# The processors this process may use (thread.c, affinity_cpu_count). macOS
# has no affinity mask, so the portable build counts online processors.
if(NOT CT_POSIX_PORTABLE)
  check_c_source_compiles("
#include <sched.h>
int main(void) { cpu_set_t set; return sched_getaffinity(0, sizeof set, &set) == 0 ? CPU_COUNT(&set) : 0; }"
    CT_HAVE_SCHED_GETAFFINITY)
  ct_posix_feature(CT_HAVE_SCHED_GETAFFINITY)
endif()

unset(CMAKE_REQUIRED_DEFINITIONS)
unset(CMAKE_REQUIRED_LIBRARIES)
unset(CMAKE_REQUIRED_FLAGS)

set(CT_PC_CFLAGS "-pthread")
set(CT_PC_LIBS_PRIVATE "-pthread")
