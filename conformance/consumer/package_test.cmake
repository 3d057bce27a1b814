# SPDX-License-Identifier: MIT
# One step of the package tests (CTest label "package"), run as
# `cmake -DSTEP=... -P package_test.cmake`; cmake/package_tests.cmake wires them.
#
#   install    configure a fresh build of SOURCE_DIR as VARIANT (static or
#              shared, nothing but the library), build it, and install it into
#              WORK_DIR/VARIANT/prefix
#   cmake      build conformance/consumer against that prefix with
#              find_package(cthreading), check how it linked, run it
#   pkgconfig  compile conformance/consumer/main.c with only what pkg-config
#              says (--static for the static variant), check, run it
#   fetchcontent  build conformance/fetchcontent, which takes SOURCE_DIR in
#              with FetchContent (add_subdirectory underneath), run its
#              consumer, install it into WORK_DIR/fetchcontent/prefix and
#              check that nothing of cthreading was installed (CT_INSTALL is
#              off in a subproject)
#   exports    the shared library exports exactly the functions cthreading.h
#              declares CT_API: ct_* names, ct__ ones only where the header
#              declares them (its inline fast path calls them), nothing else;
#              and it carries its SOVERSION
#
# Variables: STEP VARIANT SOURCE_DIR WORK_DIR C_COMPILER GENERATOR, and as the
# step needs them MAKE_PROGRAM, NM and ELF (nm reads ELF symbol tables here),
# PKG_CONFIG, VERSION_MAJOR.
cmake_minimum_required(VERSION 3.20)

foreach(required STEP VARIANT SOURCE_DIR WORK_DIR C_COMPILER GENERATOR)
  if(NOT DEFINED ${required})
    message(FATAL_ERROR "package_test.cmake: -D${required}=... is required")
  endif()
endforeach()

set(variant_dir ${WORK_DIR}/${VARIANT})
set(prefix ${variant_dir}/prefix)
set(consumer_source ${SOURCE_DIR}/conformance/consumer)

# run(<command>...): the command must succeed; its output lands in run_output.
function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE out)
  if(NOT status EQUAL 0)
    string(REPLACE ";" " " shown "${ARGN}")
    message(FATAL_ERROR "failed (${status}): ${shown}\n${out}")
  endif()
  set(run_output "${out}" PARENT_SCOPE)
endfunction()

# The installed library's directory (lib, lib64, ...: GNUInstallDirs decides).
function(find_libdir out_var)
  file(GLOB pc_files ${prefix}/lib*/pkgconfig/cthreading.pc)
  if(NOT pc_files)
    message(FATAL_ERROR "no cthreading.pc under ${prefix}: did package.install_${VARIANT} run?")
  endif()
  list(GET pc_files 0 pc_file)
  get_filename_component(pc_dir ${pc_file} DIRECTORY)
  get_filename_component(libdir ${pc_dir} DIRECTORY)
  set(${out_var} ${libdir} PARENT_SCOPE)
endfunction()

# A static consumer carries the library's code; a shared one imports it.
function(check_linkage exe)
  if(NOT NM OR NOT ELF)
    return()
  endif()
  if(VARIANT STREQUAL "shared")
    run(${NM} -D --undefined-only ${exe})
    set(expected "imports ct_thread_start from libcthreading")
  else()
    run(${NM} --defined-only ${exe})
    set(expected "contains ct_thread_start")
  endif()
  if(NOT run_output MATCHES "[ \t]ct_thread_start\n")
    message(FATAL_ERROR "${exe} should have been linked against the ${VARIANT} library: it never ${expected}")
  endif()
endfunction()

function(run_consumer exe libdir)
  # The shared library is found the way a user's would be, through the loader's path.
  run(${CMAKE_COMMAND} -E env LD_LIBRARY_PATH=${libdir} DYLD_LIBRARY_PATH=${libdir} ${exe})
  message("${run_output}")
  if(NOT run_output MATCHES "consumer: cthreading [0-9.]+ works")
    message(FATAL_ERROR "the consumer ran but did not report success")
  endif()
endfunction()

if(STEP STREQUAL "install")
  if(VARIANT STREQUAL "shared")
    set(shared ON)
  else()
    set(shared OFF)
  endif()
  set(generator_options -G ${GENERATOR})
  if(MAKE_PROGRAM)
    list(APPEND generator_options -DCMAKE_MAKE_PROGRAM=${MAKE_PROGRAM})
  endif()
  file(REMOVE_RECURSE ${variant_dir})
  run(${CMAKE_COMMAND} -S ${SOURCE_DIR} -B ${variant_dir}/build ${generator_options}
      -DCMAKE_C_COMPILER=${C_COMPILER}
      -DCMAKE_BUILD_TYPE=Release
      -DBUILD_SHARED_LIBS=${shared}
      -DCT_BUILD_TESTS=OFF
      -DCT_BUILD_BENCHMARKS=OFF
      -DCMAKE_INSTALL_PREFIX=${prefix})
  # Two jobs: the conformance suite may be running beside this build.
  run(${CMAKE_COMMAND} --build ${variant_dir}/build --config Release --parallel 2)
  run(${CMAKE_COMMAND} --install ${variant_dir}/build --config Release)
  find_libdir(libdir)
  message("installed the ${VARIANT} library into ${prefix} (libraries in ${libdir})")

elseif(STEP STREQUAL "cmake")
  find_libdir(libdir)
  set(build ${variant_dir}/consumer-cmake)
  file(REMOVE_RECURSE ${build})
  run(${CMAKE_COMMAND} -S ${consumer_source} -B ${build} -G ${GENERATOR}
      -DCMAKE_C_COMPILER=${C_COMPILER}
      -DCMAKE_PREFIX_PATH=${prefix}
      -DCMAKE_BUILD_TYPE=Release)
  run(${CMAKE_COMMAND} --build ${build} --config Release)
  set(exe ${build}/consumer)
  if(NOT EXISTS ${exe})
    set(exe ${build}/Release/consumer)   # a multi-config generator
  endif()
  check_linkage(${exe})
  run_consumer(${exe} ${libdir})

elseif(STEP STREQUAL "pkgconfig")
  find_libdir(libdir)
  set(ENV{PKG_CONFIG_PATH} ${libdir}/pkgconfig)
  set(static_option "")
  if(VARIANT STREQUAL "static")
    set(static_option --static)   # adds Libs.private: what the archive itself needs
  endif()
  run(${PKG_CONFIG} --cflags --libs ${static_option} cthreading)
  string(STRIP "${run_output}" flags_text)
  separate_arguments(flags UNIX_COMMAND "${flags_text}")
  run(${PKG_CONFIG} --modversion cthreading)
  string(STRIP "${run_output}" version)
  set(exe ${variant_dir}/consumer-pkg-config)
  message("cc main.c ${flags_text}")
  run(${C_COMPILER} ${consumer_source}/main.c "-DEXPECTED_VERSION=\"${version}\"" ${flags} -o ${exe})
  check_linkage(${exe})
  run_consumer(${exe} ${libdir})

elseif(STEP STREQUAL "fetchcontent")
  set(build ${variant_dir}/build)
  set(fetch_prefix ${variant_dir}/prefix)
  file(REMOVE_RECURSE ${variant_dir})
  run(${CMAKE_COMMAND} -S ${SOURCE_DIR}/conformance/fetchcontent -B ${build} -G ${GENERATOR}
      -DCMAKE_C_COMPILER=${C_COMPILER}
      -DCMAKE_BUILD_TYPE=Release
      -DCT_SOURCE_DIR=${SOURCE_DIR}
      -DCMAKE_INSTALL_PREFIX=${fetch_prefix})
  run(${CMAKE_COMMAND} --build ${build} --config Release --parallel 2)
  set(exe ${build}/consumer)
  if(NOT EXISTS ${exe})
    set(exe ${build}/Release/consumer)
  endif()
  run_consumer(${exe} ${build})
  run(${CMAKE_COMMAND} --install ${build} --config Release)
  file(GLOB_RECURSE installed RELATIVE ${fetch_prefix} ${fetch_prefix}/*)
  if(NOT installed MATCHES "^bin/consumer(\\.exe)?$")
    message(FATAL_ERROR "installing the FetchContent consumer installed more than bin/consumer: ${installed}")
  endif()
  message("FetchContent: built and ran the consumer; its install holds only ${installed}")

elseif(STEP STREQUAL "exports")
  find_libdir(libdir)
  file(GLOB libraries ${libdir}/libcthreading.so)
  if(NOT libraries)
    message(FATAL_ERROR "no libcthreading.so in ${libdir}")
  endif()
  if(NOT EXISTS ${libdir}/libcthreading.so.${VERSION_MAJOR})
    message(FATAL_ERROR "no libcthreading.so.${VERSION_MAJOR} in ${libdir}: SOVERSION is not ${VERSION_MAJOR}")
  endif()

  # What the installed header declares CT_API (its #define lines aside).
  file(STRINGS ${prefix}/include/cthreading.h api_lines REGEX "^CT_API ")
  set(declared "")
  foreach(line IN LISTS api_lines)
    if(line MATCHES "^CT_API[^(;]*[ *](ct_[A-Za-z0-9_]*)[ \t]*\\(")
      list(APPEND declared ${CMAKE_MATCH_1})
    endif()
  endforeach()
  list(LENGTH declared declared_count)
  if(declared_count LESS 50)
    message(FATAL_ERROR "read only ${declared_count} CT_API declarations from cthreading.h: the pattern is out of date")
  endif()

  run(${NM} -D --defined-only ${libraries})
  string(REPLACE "\n" ";" symbol_lines "${run_output}")
  set(exported "")
  set(wrong "")
  foreach(line IN LISTS symbol_lines)
    if(NOT line MATCHES "^[0-9a-fA-F]* *([A-Za-z]) ([^ ]+)$")
      continue()
    endif()
    set(name ${CMAKE_MATCH_2})
    list(APPEND exported ${name})
    if(NOT name MATCHES "^ct_")
      list(APPEND wrong "${name} (not a ct_ name)")
    elseif(name MATCHES "^ct__" AND NOT name IN_LIST declared)
      list(APPEND wrong "${name} (internal, and not in cthreading.h)")
    elseif(NOT name IN_LIST declared)
      list(APPEND wrong "${name} (not declared CT_API in cthreading.h)")
    endif()
  endforeach()
  foreach(name IN LISTS declared)
    if(NOT name IN_LIST exported)
      list(APPEND wrong "${name} (declared in cthreading.h, not exported)")
    endif()
  endforeach()
  if(wrong)
    string(REPLACE ";" "\n  " wrong_text "${wrong}")
    message(FATAL_ERROR "libcthreading.so's exports differ from cthreading.h:\n  ${wrong_text}")
  endif()
  list(LENGTH exported exported_count)
  message("libcthreading.so exports ${exported_count} symbols, exactly the CT_API functions of cthreading.h")

else()
  message(FATAL_ERROR "package_test.cmake: unknown STEP '${STEP}'")
endif()
