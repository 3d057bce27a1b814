# SPDX-License-Identifier: MIT
# Cross-build for 64-bit Windows with mingw-w64, and run what CTest runs under Wine:
#   cmake -S . -B build/win32 -G Ninja -DCMAKE_TOOLCHAIN_FILE=ci/toolchains/mingw-w64-x86_64.cmake
# Debian and Ubuntu: apt-get install mingw-w64 wine; then once, quietly:
#   WINEDEBUG=-all wineboot -i
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86_64)

set(MINGW_TRIPLE x86_64-w64-mingw32)

# The -win32 thread-model compilers first: the plain names may be alternatives
# pointing at the -posix ones, whose runtime pulls in winpthreads.
find_program(MINGW_C_COMPILER NAMES ${MINGW_TRIPLE}-gcc-win32 ${MINGW_TRIPLE}-gcc REQUIRED)
find_program(MINGW_CXX_COMPILER NAMES ${MINGW_TRIPLE}-g++-win32 ${MINGW_TRIPLE}-g++ REQUIRED)
find_program(MINGW_RC_COMPILER NAMES ${MINGW_TRIPLE}-windres REQUIRED)
set(CMAKE_C_COMPILER ${MINGW_C_COMPILER})
set(CMAKE_CXX_COMPILER ${MINGW_CXX_COMPILER})
set(CMAKE_RC_COMPILER ${MINGW_RC_COMPILER})

# Headers, libraries and packages of the target only; programs of the host.
set(CMAKE_FIND_ROOT_PATH /usr/${MINGW_TRIPLE})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# libgcc (and libstdc++) linked in, so programs need no mingw runtime DLL at run time.
set(CMAKE_EXE_LINKER_FLAGS_INIT "-static-libgcc -static-libstdc++")
set(CMAKE_SHARED_LINKER_FLAGS_INIT "-static-libgcc -static-libstdc++")
set(CMAKE_MODULE_LINKER_FLAGS_INIT "-static-libgcc -static-libstdc++")

# CTest runs the test programs through this. Wine's debug channels stay quiet
# unless WINEDEBUG was set when configuring.
find_program(WINE_PROGRAM NAMES wine64 wine)
find_program(ENV_PROGRAM env)
if(WINE_PROGRAM AND ENV_PROGRAM)
  if(DEFINED ENV{WINEDEBUG})
    set(MINGW_WINEDEBUG "$ENV{WINEDEBUG}")
  else()
    set(MINGW_WINEDEBUG "-all")
  endif()
  set(CMAKE_CROSSCOMPILING_EMULATOR ${ENV_PROGRAM} WINEDEBUG=${MINGW_WINEDEBUG} ${WINE_PROGRAM})
endif()
