# SPDX-License-Identifier: Apache-2.0
# cmake -DSOURCE_DIR=<checkout> -P walls.cmake: fails, naming file and line, when a source crosses one of the walls
# docs/architecture.md draws:
#   - the host never names a vendor (code and comments alike: a vendor's quirk belongs in its plugin);
#   - the host includes nothing of the sandboxes or the plugins;
#   - connectors know only the SDK (no host or sandbox header);
#   - sandboxes share no code with connectors or the host (no plugin, host or SDK header).
# The shipped binary's own wall (no sandbox symbol) is checked on the binary: tests/host/scripts/no_sandbox_symbols.cmake.
set(crossings "")

function(check_files folder globs regex why)
  set(files "")
  foreach(glob IN LISTS globs)
    file(GLOB_RECURSE found "${SOURCE_DIR}/${folder}/${glob}")
    list(APPEND files ${found})
  endforeach()
  foreach(path IN LISTS files)
    file(STRINGS "${path}" lines)
    set(number 0)
    foreach(line IN LISTS lines)
      math(EXPR number "${number} + 1")
      string(TOLOWER "${line}" lowered)
      if(lowered MATCHES "${regex}")
        file(RELATIVE_PATH shown "${SOURCE_DIR}" "${path}")
        string(STRIP "${line}" stripped)
        list(APPEND crossings "${shown}:${number}: ${why}: ${stripped}")
      endif()
    endforeach()
  endforeach()
  set(crossings "${crossings}" PARENT_SCOPE)
endfunction()

set(code "*.cpp;*.hpp;*.h;*.c;CMakeLists.txt;*.cmake")
check_files(host "${code}" "lever|greenhouse|kula" "the host names a vendor")
check_files(host "${code}" "#include [<\"](atsync/sandbox/|sandbox/|plugins/)" "the host includes a sandbox or plugin header")
check_files(plugins "${code}" "#include [<\"](atsync/host/|host/|atsync/sandbox/|sandbox/)"
            "a connector includes a host or sandbox header")
check_files(sandbox "${code}" "#include [<\"](atsync/host/|host/|atsync/sdk/|plugins/)"
            "a sandbox includes a host, SDK or plugin header")

list(LENGTH crossings count)
if(count GREATER 0)
  string(REPLACE ";" "\n  " shown "${crossings}")
  message(FATAL_ERROR "${count} wall crossing(s) (docs/architecture.md, 'Walls'):\n  ${shown}")
endif()
message(STATUS "the walls hold: host, plugins and sandboxes stay on their side")
