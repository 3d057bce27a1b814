# SPDX-License-Identifier: MIT
# Build with musl libc instead of glibc, through Debian's musl-gcc wrapper
# (apt-get install musl-tools), and link every program statically:
#   cmake -S . -B build/musl -G Ninja -DCMAKE_TOOLCHAIN_FILE=ci/toolchains/musl-gcc.cmake
# Same machine, same kernel: the programs run here, so this is no cross build.
find_program(MUSL_GCC musl-gcc REQUIRED)
set(CMAKE_C_COMPILER ${MUSL_GCC})
set(CMAKE_EXE_LINKER_FLAGS_INIT "-static")

# musl-gcc sees musl's headers only, and musl ships no kernel headers. The
# kernel's own (linux/, asm/, asm-generic/) use no C library, so they are
# linked in from the host, as Alpine's linux-headers package provides them:
# without linux/futex.h the backend would quietly fall back to the pthread parker.
execute_process(COMMAND gcc -print-multiarch OUTPUT_VARIABLE MUSL_HOST_MULTIARCH
                OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
set(MUSL_KERNEL_HEADERS ${CMAKE_BINARY_DIR}/musl-kernel-headers)
foreach(dir linux asm-generic asm)
  if(dir STREQUAL "asm" AND MUSL_HOST_MULTIARCH)
    set(host_dir /usr/include/${MUSL_HOST_MULTIARCH}/asm)
  else()
    set(host_dir /usr/include/${dir})
  endif()
  if(NOT EXISTS ${host_dir}/types.h)
    message(FATAL_ERROR "musl-gcc.cmake: no kernel headers in ${host_dir} (apt-get install linux-libc-dev)")
  endif()
  if(NOT EXISTS ${MUSL_KERNEL_HEADERS}/${dir})
    file(MAKE_DIRECTORY ${MUSL_KERNEL_HEADERS})
    file(CREATE_LINK ${host_dir} ${MUSL_KERNEL_HEADERS}/${dir} SYMBOLIC)
  endif()
endforeach()
set(CMAKE_C_FLAGS_INIT "-isystem ${MUSL_KERNEL_HEADERS}")
