# SPDX-License-Identifier: MIT
# Cross-build for 32-bit x86 Linux (Debian's gcc-i686-linux-gnu) and run what CTest runs under
# qemu-i386 (qemu-user):
#   cmake -S . -B build/i686 -G Ninja -DCMAKE_TOOLCHAIN_FILE=ci/toolchains/i686-linux.cmake
set(CROSS_CPU i686)
set(CROSS_TRIPLE i686-linux-gnu)
set(CROSS_QEMU qemu-i386)
# Under qemu-i386 (7.2, Debian 12) the cross loader reads the host's library
# cache (/etc/ld.so.cache), which on a host with its own 32-bit x86 libc names
# that libc: loaded beside the cross loader, every thread start hangs. The
# search path puts the cross libraries first.
set(CROSS_QEMU_ARGS -E LD_LIBRARY_PATH=/usr/${CROSS_TRIPLE}/lib)
include(${CMAKE_CURRENT_LIST_DIR}/linux-cross.cmake)
