# POSIX backend: pthreads, CLOCK_MONOTONIC, and the Linux futex where present.
include(CheckSymbolExists)
include(CheckIncludeFile)
set(THREADS_PREFER_PTHREAD_FLAG ON)
find_package(Threads REQUIRED)

target_sources(cthreading PRIVATE
  backend/posix/clock.c
  backend/posix/thread.c
  backend/posix/park.c
  backend/posix/fatal.c)
target_link_libraries(cthreading PUBLIC Threads::Threads)
target_compile_definitions(cthreading PRIVATE _GNU_SOURCE=1)

check_include_file(linux/futex.h CT_HAVE_LINUX_FUTEX_H)
if(CT_HAVE_LINUX_FUTEX_H AND NOT CT_POSIX_PORTABLE)
  target_compile_definitions(cthreading PRIVATE CT_USE_FUTEX=1)
endif()

set(CMAKE_REQUIRED_DEFINITIONS -D_GNU_SOURCE=1)
set(CMAKE_REQUIRED_LIBRARIES Threads::Threads)
check_symbol_exists(pthread_condattr_setclock pthread.h CT_HAVE_CONDATTR_SETCLOCK)
check_symbol_exists(pthread_setname_np pthread.h CT_HAVE_PTHREAD_SETNAME_NP)
check_symbol_exists(pthread_cond_timedwait_relative_np pthread.h CT_HAVE_COND_TIMEDWAIT_RELATIVE_NP)
unset(CMAKE_REQUIRED_DEFINITIONS)
unset(CMAKE_REQUIRED_LIBRARIES)
if(CT_HAVE_CONDATTR_SETCLOCK AND NOT CT_POSIX_PORTABLE)
  target_compile_definitions(cthreading PRIVATE CT_USE_CONDATTR_SETCLOCK=1)
endif()
if(CT_HAVE_COND_TIMEDWAIT_RELATIVE_NP)
  target_compile_definitions(cthreading PRIVATE CT_HAVE_COND_TIMEDWAIT_RELATIVE_NP=1)
endif()
if(CT_HAVE_PTHREAD_SETNAME_NP)
  target_compile_definitions(cthreading PRIVATE CT_HAVE_PTHREAD_SETNAME_NP=1)
endif()

set(CT_PC_CFLAGS "-pthread")
set(CT_PC_LIBS_PRIVATE "-pthread")
