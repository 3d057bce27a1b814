# SPDX-License-Identifier: MIT
# Cross-build for 64-bit POWER (little-endian) Linux (Debian's gcc-powerpc64le-linux-gnu) and run what CTest runs under
# qemu-ppc64le (qemu-user):
#   cmake -S . -B build/ppc64le -G Ninja -DCMAKE_TOOLCHAIN_FILE=ci/toolchains/ppc64le-linux.cmake
set(CROSS_CPU ppc64le)
set(CROSS_TRIPLE powerpc64le-linux-gnu)
set(CROSS_QEMU qemu-ppc64le)
include(${CMAKE_CURRENT_LIST_DIR}/linux-cross.cmake)
