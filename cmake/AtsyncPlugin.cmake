# SPDX-License-Identifier: Apache-2.0
# add_atsync_plugin(<name> SOURCES ... [LIBRARIES ...] [OUTPUT_DIR dir])
# A connector plugin: a MODULE library, every symbol hidden except the one entry point,
# named lib<name>.so, placed in build/plugins/ unless OUTPUT_DIR says otherwise.
set(ATSYNC_PLUGIN_EXPORTS_MAP ${CMAKE_CURRENT_LIST_DIR}/atsync-plugin-exports.map)

function(add_atsync_plugin name)
  cmake_parse_arguments(ARG "" "OUTPUT_DIR" "SOURCES;LIBRARIES" ${ARGN})
  add_library(${name} MODULE ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE atsync::sdk ${ARG_LIBRARIES})
  if(NOT ARG_OUTPUT_DIR)
    set(ARG_OUTPUT_DIR ${ATSYNC_PLUGIN_OUTPUT_DIR})
  endif()
  set_target_properties(${name} PROPERTIES
    PREFIX "lib"
    LIBRARY_OUTPUT_DIRECTORY ${ARG_OUTPUT_DIR}
    CXX_VISIBILITY_PRESET hidden
    C_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON)
  # A plugin with an unresolved symbol must fail to link, not fail at load time.
  target_link_options(${name} PRIVATE "LINKER:--no-undefined"
    "LINKER:--version-script=${ATSYNC_PLUGIN_EXPORTS_MAP}")
  set_property(TARGET ${name} APPEND PROPERTY LINK_DEPENDS ${ATSYNC_PLUGIN_EXPORTS_MAP})
endfunction()
