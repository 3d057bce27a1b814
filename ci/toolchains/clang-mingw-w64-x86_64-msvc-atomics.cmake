# SPDX-License-Identifier: MIT
# The clang mingw-w64 build (clang-mingw-w64-x86_64.cmake) with the atomics MSVC
# users get: api/atomics.h's Interlocked intrinsics (CT_ATOMICS_MSVC), from
# mingw-w64's <intrin.h>, with -fms-extensions; run under Wine. No machine here
# has MSVC, so this is how that code runs:
#   cmake -S . -B build/win32-msvc-atomics -G Ninja -DCMAKE_TOOLCHAIN_FILE=ci/toolchains/clang-mingw-w64-x86_64-msvc-atomics.cmake
include(${CMAKE_CURRENT_LIST_DIR}/clang-mingw-w64-x86_64.cmake)
set(CMAKE_C_FLAGS_INIT "-fms-extensions -DCT_ATOMICS_MSVC=1")
