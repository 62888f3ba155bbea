# SPDX-License-Identifier: Apache-2.0
# cmake -DBINARY=build/bin/atsync -P no_sandbox_symbols.cmake: fails when the shipped binary carries a sandbox
# symbol (the sandboxes are dev tools; atsync demo runs atsync-demo, a separate program). The same finding as
# `nm -C build/bin/atsync | grep -i sandbox`, without demangling (a mangled name spells the namespace out too), which
# is what takes nm half a minute on a debug build.
execute_process(COMMAND nm ${BINARY} OUTPUT_VARIABLE symbols ERROR_VARIABLE problem RESULT_VARIABLE status)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "nm -C ${BINARY} failed: ${problem}")
endif()
string(REGEX MATCHALL "[^\n]*[Ss][Aa][Nn][Dd][Bb][Oo][Xx][^\n]*" found "${symbols}")
list(LENGTH found count)
if(count GREATER 0)
  list(SUBLIST found 0 5 some)
  string(REPLACE ";" "\n  " some "${some}")
  message(FATAL_ERROR "${BINARY} carries ${count} sandbox symbol(s), e.g.:\n  ${some}")
endif()
message(STATUS "${BINARY}: no sandbox symbol")
