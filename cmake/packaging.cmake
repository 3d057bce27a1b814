# SPDX-License-Identifier: MIT
# CPack from the install rules: `cpack -G DEB` and `cpack -G TGZ` in a build
# directory. The packages hold what `cmake --install` installs there (the
# library as configured, static or shared, headers, CMake package,
# cthreading.pc, the license) under CMAKE_INSTALL_PREFIX: configure with
# -DCMAKE_INSTALL_PREFIX=/usr for a .deb (ci/package.sh does).
set(CPACK_PACKAGE_NAME cthreading)
set(CPACK_PACKAGE_VENDOR "the cthreading authors")
set(CPACK_PACKAGE_CONTACT "the cthreading authors")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Python's threading, queue and thread pool as a C library")
set(CPACK_PACKAGE_DESCRIPTION
    "Lock, RLock, Condition, Semaphore, Event, Barrier, Timer, thread-local data, threads, queues and a thread pool with futures, with Python's semantics, for C11 and C++11.")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_RESOURCE_FILE_LICENSE ${CMAKE_CURRENT_SOURCE_DIR}/LICENSE)
set(CPACK_PACKAGING_INSTALL_PREFIX ${CMAKE_INSTALL_PREFIX})
set(CPACK_GENERATOR TGZ DEB)

set(CPACK_DEBIAN_PACKAGE_MAINTAINER "the cthreading authors")
set(CPACK_DEBIAN_PACKAGE_SECTION libdevel)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
# The library needs the C library only (pthreads are part of it since glibc 2.34;
# Debian 12 has 2.36).
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libc6")
include(CPack)
