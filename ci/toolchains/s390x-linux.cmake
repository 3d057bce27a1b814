# SPDX-License-Identifier: MIT
# Cross-build for IBM Z (big-endian) Linux (Debian's gcc-s390x-linux-gnu) and run what CTest runs under
# qemu-s390x (qemu-user):
#   cmake -S . -B build/s390x -G Ninja -DCMAKE_TOOLCHAIN_FILE=ci/toolchains/s390x-linux.cmake
set(CROSS_CPU s390x)
set(CROSS_TRIPLE s390x-linux-gnu)
set(CROSS_QEMU qemu-s390x)
include(${CMAKE_CURRENT_LIST_DIR}/linux-cross.cmake)
