// SPDX-License-Identifier: Apache-2.0
#pragma once

// atsync_buffer helpers shared by both sides of the ABI: each side allocates with malloc and releases with free, in
// its own free slot (abi.h: a buffer is released by the side that allocated it).

#include <atsync/sdk/abi.h>
#include <atsync/sdk/detail/json_io.hpp>
#include <atsync/sdk/error.hpp>

#include <boost/json.hpp>

#include <cstdlib>
#include <cstring>
#include <string_view>

namespace atsync::sdk::detail {

inline void fillBuffer(atsync_buffer* out, std::string_view bytes) {
  out->data = nullptr;
  out->size = 0;
  if (bytes.empty()) return;
  auto* data = static_cast<std::uint8_t*>(std::malloc(bytes.size()));
  if (data == nullptr) return;
  std::memcpy(data, bytes.data(), bytes.size());
  out->data = data;
  out->size = bytes.size();
}

/// Serialises `doc` straight into `*out` (a new malloc'd buffer), starting at `capacity` bytes.
inline void fillJson(atsync_buffer* out, const boost::json::value& doc, std::size_t capacity = 256) {
  serializeToBuffer(out, doc, capacity);
}

/// Fills `*out` with an error document. Runs on error paths only, often inside a catch handler: never throws;
/// when even that fails (out of memory) the buffer stays empty, which the receiver reads as "no error document".
inline void fillError(atsync_buffer* out, const Error& error) noexcept {
  if (out == nullptr) return;
  out->data = nullptr;
  out->size = 0;
  try {
    fillJson(out, boost::json::value_from(error));
  } catch (...) {
  }
}

inline void freeBuffer(atsync_buffer* buffer) {
  if (buffer == nullptr) return;
  std::free(buffer->data);
  buffer->data = nullptr;
  buffer->size = 0;
}

}  // namespace atsync::sdk::detail
