# SPDX-License-Identifier: MIT
# cmake -DEXAMPLE=<program> -DEXPECTED=<file> [-DEMULATOR=<cmd|arg|...>] -P check_output.cmake
#
# Runs the program (under the emulator when cross-compiled) and fails unless it
# exits with 0 and every non-empty line of the expected file appears in its
# stdout as a whole line, in the same order. Other lines may come in between,
# so output whose interleaving depends on scheduling can simply be left out of
# the expected file.
#
# Text is searched with string(FIND) rather than split into lists, because
# CMake lists mangle lines that contain ';' or '['.
cmake_minimum_required(VERSION 3.20)

foreach(required EXAMPLE EXPECTED)
  if(NOT DEFINED ${required} OR "${${required}}" STREQUAL "")
    message(FATAL_ERROR "check_output.cmake: -D${required}=... is required")
  endif()
endforeach()

set(command)
if(NOT "${EMULATOR}" STREQUAL "")
  string(REPLACE "|" ";" command "${EMULATOR}")
endif()
list(APPEND command "${EXAMPLE}")

execute_process(COMMAND ${command}
  OUTPUT_VARIABLE output
  ERROR_VARIABLE errors
  RESULT_VARIABLE result
  TIMEOUT 100)

string(REPLACE "\r" "" output "${output}")
file(READ "${EXPECTED}" expected)
string(REPLACE "\r" "" expected "${expected}")

# The plain message() form prints the text as it is; FATAL_ERROR would reflow it.
function(report_failure why)
  list(JOIN command " " command_line)
  message("--- command: ${command_line}\n--- stdout:\n${output}\n--- stderr:\n${errors}")
  message(FATAL_ERROR "${why}")
endfunction()

if(NOT "${result}" STREQUAL "0")
  report_failure("${EXAMPLE} failed: exit status ${result}")
endif()

# Surrounding newlines make every line, the first and the last included, "\n<line>\n".
set(remaining "\n${output}\n")
set(expected "${expected}\n")
set(line_number 0)
while(NOT "${expected}" STREQUAL "")
  string(FIND "${expected}" "\n" end)
  string(SUBSTRING "${expected}" 0 ${end} line)
  math(EXPR after "${end} + 1")
  string(SUBSTRING "${expected}" ${after} -1 expected)
  math(EXPR line_number "${line_number} + 1")

  string(STRIP "${line}" stripped)
  if("${stripped}" STREQUAL "")
    continue()
  endif()
  string(FIND "${remaining}" "\n${line}\n" found)
  if(found EQUAL -1)
    report_failure("${EXPECTED}:${line_number}: line not found in order in the output:\n  ${line}")
  endif()
  # Keep the matched line's final newline: it starts the next candidate line.
  string(LENGTH "${line}" line_length)
  math(EXPR resume "${found} + ${line_length} + 1")
  string(SUBSTRING "${remaining}" ${resume} -1 remaining)
endwhile()
