# SPDX-License-Identifier: MIT
# CT_CLANG_EVERYTHING: clang's strictest diagnostics (the `clang` preset).
#
# The library is built with -Weverything, less the warnings below, each of
# which objects to something this C11 code does on purpose. Tests and examples
# get a curated strict set on top of their own -Wall -Wextra -Wpedantic: they
# are test code, where printf of floats and exact comparisons of doubles are
# the point. With CT_WARNINGS_AS_ERRORS (as in the preset) all of it is an error.
if(NOT CMAKE_C_COMPILER_ID MATCHES "Clang")
  message(FATAL_ERROR "CT_CLANG_EVERYTHING needs clang (the compiler is ${CMAKE_C_COMPILER_ID})")
endif()
include(CheckCCompilerFlag)

set(ct_everything_exceptions
  # Structs are laid out for readability; padding is expected, and the public
  # ones are plain C memory whose size is checked where it matters (ct_lock).
  -Wno-padded
  # C99 and later allow declarations after statements; this is C11.
  -Wno-declaration-after-statement
  # Notes that _Thread_local and friends did not exist before C11 are
  # meaningless for code that requires C11 (newer clang only).
  -Wno-pre-c11-compat
  # Python's timeout sentinels are exact values: timeout == CT_FOREVER and
  # timeout == 0 compare with what the caller passed, not with a computation.
  -Wno-float-equal
  # (double)ctb_monotonic_ns() is how C converts an integer result to double.
  -Wno-bad-function-cast
  # Query functions take const handles and still read under the object's own
  # lock or wait for its event (ct_barrier_broken, ct_thread_native_id): the
  # object is logically const, its synchronization state is not.
  -Wno-cast-qual
  # ctb_fatal aborts, but api/backend.h declares it without _Noreturn so that
  # every backend's definition stays a plain function.
  -Wno-missing-noreturn
  # The "unsafe buffer" programming model (flag every pointer subscript) is
  # for C++ with std::span; C has no alternative to offer (newer clang only).
  -Wno-unsafe-buffer-usage
  # Negative capabilities (clang's beta -Wthread-safety-negative) would have
  # every caller of a function that takes a static lock say it does not hold
  # it; the lock pairing itself is checked by -Wthread-safety.
  -Wno-thread-safety-negative
)

set(ct_curated_test_warnings
  -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wmissing-variable-declarations
  -Wconversion -Wsign-conversion -Wcast-align -Wundef -Wcomma -Wextra-semi
  -Wunreachable-code -Wimplicit-fallthrough -Wdocumentation -Wnewline-eof -Wvla)

# A -Wno-X for a warning this clang does not have would itself be a warning.
set(ct_everything_flags -Weverything)
foreach(flag IN LISTS ct_everything_exceptions)
  string(MAKE_C_IDENTIFIER "CT_CLANG_HAS${flag}" have_flag)
  string(REGEX REPLACE "^-Wno-" "-W" positive ${flag})
  check_c_compiler_flag(${positive} ${have_flag})
  if(${have_flag})
    list(APPEND ct_everything_flags ${flag})
  endif()
endforeach()

target_compile_options(cthreading PRIVATE ${ct_everything_flags})
# `pthread_cleanup_push(fn, arg);` is POSIX's own spelling, but glibc's macro
# ends in an open brace, so its `;` is an empty statement to -Wextra-semi-stmt.
if(CT_BACKEND STREQUAL "posix")
  set_property(SOURCE ${PROJECT_SOURCE_DIR}/backend/posix/thread.c APPEND PROPERTY
               COMPILE_OPTIONS -Wno-extra-semi-stmt)
endif()
# Every C target made after this point (tests, examples, consumers in this
# build): the curated set. C only: the benchmarks are C++.
add_compile_options("$<$<COMPILE_LANGUAGE:C>:${ct_curated_test_warnings}>")
