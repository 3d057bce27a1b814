# SPDX-License-Identifier: MIT
# Child programs that conformance tests run as separate processes. Included by
# conformance/CMakeLists.txt after its test targets exist. The children land
# next to the test executables: tests find them through ct_test_argv0.
set(ct_child_programs daemon)

foreach(child IN LISTS ct_child_programs)
  set(child_exe conformance_child_${child})
  add_executable(${child_exe} ${CMAKE_CURRENT_LIST_DIR}/children/child_${child}.c)
  target_link_libraries(${child_exe} PRIVATE cthreading::cthreading)
  if(COMMAND ct_test_warnings)
    ct_test_warnings(${child_exe})
  endif()
  if(WIN32 AND BUILD_SHARED_LIBS)
    add_custom_command(TARGET ${child_exe} POST_BUILD
      COMMAND ${CMAKE_COMMAND} -E copy_if_different
              $<TARGET_FILE:cthreading> $<TARGET_FILE_DIR:${child_exe}>)
  endif()
  if(TARGET conformance_${child})
    add_dependencies(conformance_${child} ${child_exe})
  endif()
endforeach()
