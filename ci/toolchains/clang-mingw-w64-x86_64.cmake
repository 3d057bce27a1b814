# SPDX-License-Identifier: MIT
# Cross-build for 64-bit Windows with clang (--target=x86_64-w64-mingw32) and
# mingw-w64's headers, libraries and linker, run under Wine like the gcc build:
#   cmake -S . -B build/win32-clang -G Ninja -DCMAKE_TOOLCHAIN_FILE=ci/toolchains/clang-mingw-w64-x86_64.cmake
# Debian and Ubuntu: apt-get install clang mingw-w64 wine.
include(${CMAKE_CURRENT_LIST_DIR}/mingw-w64-x86_64.cmake)

find_program(CLANG_C_COMPILER NAMES clang REQUIRED)
set(CMAKE_C_COMPILER ${CLANG_C_COMPILER})
set(CMAKE_C_COMPILER_TARGET ${MINGW_TRIPLE})
find_program(CLANG_CXX_COMPILER NAMES clang++)
if(CLANG_CXX_COMPILER)
  set(CMAKE_CXX_COMPILER ${CLANG_CXX_COMPILER})
  set(CMAKE_CXX_COMPILER_TARGET ${MINGW_TRIPLE})
endif()

# Debian keeps mingw-w64's libgcc in gcc's own directory (.../12-win32),
# where clang does not look: ask the gcc found above.
execute_process(COMMAND ${MINGW_C_COMPILER} -print-libgcc-file-name
                OUTPUT_VARIABLE MINGW_LIBGCC OUTPUT_STRIP_TRAILING_WHITESPACE)
get_filename_component(MINGW_LIBGCC_DIR "${MINGW_LIBGCC}" DIRECTORY)
foreach(kind EXE SHARED MODULE)
  set(CMAKE_${kind}_LINKER_FLAGS_INIT "-static-libgcc -L${MINGW_LIBGCC_DIR}")
endforeach()
