# SPDX-License-Identifier: MIT
# Shared by the <cpu>-linux.cmake toolchain files: Debian's gcc-<triple> cross
# compiler, the target's libraries under /usr/<triple>, and CTest running every
# program through qemu-user (apt-get install gcc-<triple> qemu-user).
# The including file sets CROSS_CPU (CMAKE_SYSTEM_PROCESSOR), CROSS_TRIPLE and
# CROSS_QEMU (the qemu-<cpu> program), and may set CROSS_QEMU_ARGS.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR ${CROSS_CPU})

find_program(CROSS_C_COMPILER NAMES ${CROSS_TRIPLE}-gcc REQUIRED)
set(CMAKE_C_COMPILER ${CROSS_C_COMPILER})
find_program(CROSS_CXX_COMPILER NAMES ${CROSS_TRIPLE}-g++)
if(CROSS_CXX_COMPILER)
  set(CMAKE_CXX_COMPILER ${CROSS_CXX_COMPILER})
endif()

# Headers, libraries and packages of the target only; programs of the host.
set(CMAKE_FIND_ROOT_PATH /usr/${CROSS_TRIPLE})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# -L: the target's dynamic loader and libraries, where Debian's cross packages
# put them.
find_program(CROSS_QEMU_PROGRAM NAMES ${CROSS_QEMU})
if(CROSS_QEMU_PROGRAM)
  set(CMAKE_CROSSCOMPILING_EMULATOR ${CROSS_QEMU_PROGRAM} -L /usr/${CROSS_TRIPLE} ${CROSS_QEMU_ARGS})
endif()
