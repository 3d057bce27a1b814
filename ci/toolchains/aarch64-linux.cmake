# SPDX-License-Identifier: MIT
# Cross-build for 64-bit ARM Linux (Debian's gcc-aarch64-linux-gnu) and run what CTest runs under
# qemu-aarch64 (qemu-user):
#   cmake -S . -B build/aarch64 -G Ninja -DCMAKE_TOOLCHAIN_FILE=ci/toolchains/aarch64-linux.cmake
set(CROSS_CPU aarch64)
set(CROSS_TRIPLE aarch64-linux-gnu)
set(CROSS_QEMU qemu-aarch64)
include(${CMAKE_CURRENT_LIST_DIR}/linux-cross.cmake)
