# SPDX-License-Identifier: MIT
# Win32 backend: _beginthreadex threads, QueryPerformanceCounter, and parkers on
# WaitOnAddress, which needs Windows 8 and the synchronization import library
# (synchronization.lib for MSVC, libsynchronization.a in mingw-w64).
target_sources(cthreading PRIVATE
  backend/win32/clock.c
  backend/win32/thread.c
  backend/win32/process.c
  backend/win32/park.c
  backend/win32/fatal.c)
target_compile_definitions(cthreading PRIVATE _WIN32_WINNT=0x0602)
target_link_libraries(cthreading PRIVATE synchronization)

# pkg-config users get the same CT_API that CMake users get (see CMakeLists.txt).
if(BUILD_SHARED_LIBS)
  set(CT_PC_CFLAGS "-DCT_API=__declspec(dllimport)")
else()
  set(CT_PC_CFLAGS "-DCT_API=")
endif()
set(CT_PC_LIBS_PRIVATE "-lsynchronization")
