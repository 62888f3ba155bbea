# SPDX-License-Identifier: Apache-2.0
# cmake -DBINARY=build/bin/atsync -DDIR=<scratch> -P demo_without_atsync_demo.cmake: a copy of atsync alone in a
# folder (a release install) answers `atsync demo` with one line saying where atsync-demo was looked for.
file(REMOVE_RECURSE ${DIR})
file(MAKE_DIRECTORY ${DIR})
file(COPY ${BINARY} DESTINATION ${DIR})
execute_process(COMMAND ${DIR}/atsync demo RESULT_VARIABLE status ERROR_VARIABLE err OUTPUT_VARIABLE out)
set(expected "atsync demo: atsync-demo not found next to ${DIR}/atsync; it is built with the sandboxes (not part of a release install)\n")
if(NOT status EQUAL 1 OR NOT err STREQUAL expected)
  message(FATAL_ERROR "exit ${status}, stderr:\n${err}\nexpected exit 1 and:\n${expected}")
endif()
file(REMOVE_RECURSE ${DIR})
