# SPDX-License-Identifier: MIT
# Cross-build for 64-bit RISC-V Linux (Debian's gcc-riscv64-linux-gnu) and run what CTest runs under
# qemu-riscv64 (qemu-user):
#   cmake -S . -B build/riscv64 -G Ninja -DCMAKE_TOOLCHAIN_FILE=ci/toolchains/riscv64-linux.cmake
set(CROSS_CPU riscv64)
set(CROSS_TRIPLE riscv64-linux-gnu)
set(CROSS_QEMU qemu-riscv64)
include(${CMAKE_CURRENT_LIST_DIR}/linux-cross.cmake)
