# SPDX-License-Identifier: MIT
# Cross-build for 32-bit ARM (hard float) Linux (Debian's gcc-arm-linux-gnueabihf) and run what CTest runs under
# qemu-arm (qemu-user):
#   cmake -S . -B build/armhf -G Ninja -DCMAKE_TOOLCHAIN_FILE=ci/toolchains/armhf-linux.cmake
set(CROSS_CPU arm)
set(CROSS_TRIPLE arm-linux-gnueabihf)
set(CROSS_QEMU qemu-arm)
include(${CMAKE_CURRENT_LIST_DIR}/linux-cross.cmake)
