# SPDX-License-Identifier: Apache-2.0
# For the generators that run in script mode (host/web/embed_assets.cmake, host/config/embed_schemas.cmake):
# writes `text` to `path` only when it differs, so an unchanged input does not recompile and relink the host.
function(atsync_write_if_changed path text)
  if(EXISTS "${path}")
    file(READ "${path}" old)
    if(old STREQUAL text)
      return()
    endif()
  endif()
  file(WRITE "${path}" "${text}")
endfunction()
