# SPDX-License-Identifier: MIT
# The package tests (CTest label "package"): cthreading is installed, from a
# fresh build of this source tree, into a prefix under this build tree, once
# static and once shared, and conformance/consumer is built against each
# install with find_package and with pkg-config, then run. For the shared
# install, the exported symbols are checked against the header. The steps are
# in conformance/consumer/package_test.cmake. Included by CMakeLists.txt when
# CT_PACKAGE_TESTS is on: by default on Unix-like hosts, not when
# cross-compiling (the consumer must run here).
find_program(CT_PKG_CONFIG NAMES pkg-config pkgconf)

set(ct_package_dir ${CMAKE_CURRENT_BINARY_DIR}/package-tests)
if(CMAKE_EXECUTABLE_FORMAT STREQUAL "ELF")
  set(ct_package_elf ON)
else()
  set(ct_package_elf OFF)
endif()
set(ct_package_script ${CMAKE_CURRENT_SOURCE_DIR}/conformance/consumer/package_test.cmake)

# ct_package_test(NAME STEP VARIANT): one CTest test package.NAME.
function(ct_package_test name step variant)
  add_test(NAME package.${name}
    COMMAND ${CMAKE_COMMAND}
      -DSTEP=${step}
      -DVARIANT=${variant}
      -DSOURCE_DIR=${CMAKE_CURRENT_SOURCE_DIR}
      -DWORK_DIR=${ct_package_dir}
      -DC_COMPILER=${CMAKE_C_COMPILER}
      -DGENERATOR=${CMAKE_GENERATOR}
      -DMAKE_PROGRAM=${CMAKE_MAKE_PROGRAM}
      -DNM=${CMAKE_NM}
      -DELF=${ct_package_elf}
      -DPKG_CONFIG=${CT_PKG_CONFIG}
      -DVERSION_MAJOR=${PROJECT_VERSION_MAJOR}
      -P ${ct_package_script})
  set_tests_properties(package.${name} PROPERTIES LABELS package TIMEOUT 600)
endfunction()

foreach(variant static shared)
  ct_package_test(install_${variant} install ${variant})
  # The two fresh builds take turns: the conformance suite runs beside them.
  set_tests_properties(package.install_${variant} PROPERTIES
    FIXTURES_SETUP package_${variant}
    RESOURCE_LOCK package_build)
  set(users find_package_${variant})
  ct_package_test(find_package_${variant} cmake ${variant})
  if(CT_PKG_CONFIG)
    ct_package_test(pkg_config_${variant} pkgconfig ${variant})
    list(APPEND users pkg_config_${variant})
  else()
    message(STATUS "cthreading: no pkg-config, so no package.pkg_config_* tests")
  endif()
  foreach(user IN LISTS users)
    set_tests_properties(package.${user} PROPERTIES FIXTURES_REQUIRED package_${variant})
  endforeach()
endforeach()

# A project taking this tree in with FetchContent (conformance/fetchcontent).
ct_package_test(fetchcontent fetchcontent fetchcontent)
set_tests_properties(package.fetchcontent PROPERTIES RESOURCE_LOCK package_build)

# nm -D reads ELF dynamic symbol tables.
if(CMAKE_NM AND ct_package_elf)
  ct_package_test(exports exports shared)
  set_tests_properties(package.exports PROPERTIES FIXTURES_REQUIRED package_shared)
endif()
