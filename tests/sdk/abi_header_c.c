/* SPDX-License-Identifier: Apache-2.0 */
/* abi.h is plain C: this file is compiled as C99 and as C11 with warnings as errors (see CMakeLists.txt), and
 * checks at run time the layout the header pins at compile time in C11/C++. */
#include <atsync/sdk/abi.h>

#include <stdio.h>

static atsync_status describe(atsync_buffer* out) {
  out->data = 0;
  out->size = 0;
  return ATSYNC_STATUS_OK;
}

int main(void) {
  atsync_plugin_api api;
  api.header.struct_size = (uint32_t)sizeof api;
  api.header.abi_major = ATSYNC_ABI_VERSION_MAJOR;
  api.header.abi_minor = ATSYNC_ABI_VERSION_MINOR;
  api.on_describe = &describe;
  if (sizeof(atsync_version_header) != 8 || offsetof(atsync_plugin_api, on_describe) != 8 ||
      offsetof(atsync_host_api, callback_log) != 8) {
    fprintf(stderr, "unexpected ABI layout\n");
    return 1;
  }
  if (sizeof(void*) == 8 && (ATSYNC_PLUGIN_API_SIZE_1_0 != 48 || ATSYNC_HOST_API_SIZE_1_0 != 64)) {
    fprintf(stderr, "unexpected ABI 1.0 table sizes: plugin %zu, host %zu\n", (size_t)ATSYNC_PLUGIN_API_SIZE_1_0,
            (size_t)ATSYNC_HOST_API_SIZE_1_0);
    return 1;
  }
  if (sizeof(atsync_plugin_api) < ATSYNC_PLUGIN_API_SIZE_1_0 || sizeof(atsync_host_api) < ATSYNC_HOST_API_SIZE_1_0) {
    fprintf(stderr, "a table is smaller than its ABI 1.0 size\n");
    return 1;
  }
  printf("abi.h compiled as C (%ld): ABI %d.%d, plugin table %zu bytes, host table %zu bytes\n", (long)__STDC_VERSION__,
         ATSYNC_ABI_VERSION_MAJOR, ATSYNC_ABI_VERSION_MINOR, sizeof(atsync_plugin_api), sizeof(atsync_host_api));
  return 0;
}
