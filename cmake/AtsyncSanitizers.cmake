# SPDX-License-Identifier: Apache-2.0
# ATSYNC_SANITIZE=ON builds everything (host, plugins, fixtures, tests) with ASan + UBSan:
# an ASan plugin inside a plain host aborts, so it is all or nothing.
option(ATSYNC_SANITIZE "Build with AddressSanitizer and UndefinedBehaviorSanitizer" OFF)
if(ATSYNC_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()
