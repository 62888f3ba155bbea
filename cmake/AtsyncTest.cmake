# SPDX-License-Identifier: Apache-2.0
# atsync_add_test(<name> SOURCES ... [LIBRARIES ...] [LABELS ...])
# A GoogleTest executable registered test by test with ctest. Tests run from the build directory and find
# the binaries and plugins through the ATSYNC_BUILD_DIR compile definition.
function(atsync_add_test name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBRARIES;LABELS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE GTest::gtest_main GTest::gmock ${ARG_LIBRARIES})
  target_compile_definitions(${name} PRIVATE
    ATSYNC_BUILD_DIR="${CMAKE_BINARY_DIR}"
    ATSYNC_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
  set_target_properties(${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)
  gtest_discover_tests(${name} WORKING_DIRECTORY ${CMAKE_BINARY_DIR} DISCOVERY_TIMEOUT 60
    PROPERTIES LABELS "${ARG_LABELS}")
endfunction()
