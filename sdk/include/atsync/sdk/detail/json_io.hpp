// SPDX-License-Identifier: Apache-2.0
#pragma once

// JSON on the boundary, shared by both sides of the ABI: one arena per call to parse into, and serialisation
// straight into the buffer that crosses (no intermediate std::string).
//
// The lifetime rule of a per-call arena (CallArena): a value parsed into it, and every value copy-constructed
// from such a value, must be destroyed before the arena. Boost.JSON's copy constructors keep the *source's*
// memory resource (value(const value&) uses other.storage()), so `std::vector<json::value> kept{doc}` would
// point into the arena; copy assignment and insertion into a JSON container use the *target's* resource and are
// safe. To keep something beyond the call, convert it into owned types (value_to<T>, std::string) or copy it
// with an explicit resource: `json::value(v, json::storage_ptr())`.

#include <atsync/sdk/abi.h>

#include <boost/json.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>
#include <string_view>

namespace atsync::sdk::detail {

/// A per-call arena: a boost::json::monotonic_resource whose first block is inside this object (on the caller's
/// stack); a document larger than that continues in heap blocks, all released when the arena goes. Not copyable,
/// not movable, not thread-safe: one call, one thread. See the lifetime rule above.
template <std::size_t N = 4096>
class CallArena {
 public:
  CallArena() = default;
  CallArena(const CallArena&) = delete;
  CallArena& operator=(const CallArena&) = delete;

  /// A non-owning pointer to the arena: values made with it must not outlive this object.
  boost::json::storage_ptr storage() noexcept { return boost::json::storage_ptr(&resource_); }

 private:
  alignas(std::max_align_t) unsigned char first_block_[N];
  boost::json::monotonic_resource resource_{first_block_, N};
};

/// Parses a complete JSON text into `sp` (the parser's temporary stack is on the caller's stack).
inline boost::json::value parseInto(std::string_view text, boost::json::storage_ptr sp,
                                    boost::system::error_code& ec) {
  return boost::json::parse(boost::json::string_view(text.data(), text.size()), ec, std::move(sp));
}

/// Serialises `doc` straight into a new malloc'd buffer (released with free, i.e. by the allocating side's free
/// slot), growing it with realloc while the serializer has more; starts at `capacity` bytes. Throws bad_alloc
/// (nothing leaks); on return `*out` owns the bytes.
inline void serializeToBuffer(atsync_buffer* out, const boost::json::value& doc, std::size_t capacity) {
  out->data = nullptr;
  out->size = 0;
  if (capacity < 64) capacity = 64;
  auto* data = static_cast<std::uint8_t*>(std::malloc(capacity));
  if (data == nullptr) throw std::bad_alloc();
  boost::json::serializer sr;
  sr.reset(&doc);
  std::size_t size = 0;
  for (;;) {
    size += sr.read(reinterpret_cast<char*>(data) + size, capacity - size).size();
    if (sr.done()) break;
    capacity *= 2;
    auto* grown = static_cast<std::uint8_t*>(std::realloc(data, capacity));
    if (grown == nullptr) {
      std::free(data);
      throw std::bad_alloc();
    }
    data = grown;
  }
  out->data = data;
  out->size = size;
}

/// A document serialised for lending across the ABI ("borrowed for the call"): the text is written into an
/// inline buffer (on the caller's stack) and spills to the heap only when it does not fit.
template <std::size_t N = 4096>
class JsonText {
 public:
  explicit JsonText(const boost::json::value& doc) {
    boost::json::serializer sr;
    sr.reset(&doc);
    size_ = sr.read(inline_, N).size();
    if (sr.done()) return;
    std::size_t capacity = 2 * N;
    auto heap = std::make_unique_for_overwrite<char[]>(capacity);
    std::memcpy(heap.get(), inline_, size_);
    while (!sr.done()) {
      if (size_ == capacity) {
        auto bigger = std::make_unique_for_overwrite<char[]>(capacity * 2);
        std::memcpy(bigger.get(), heap.get(), size_);
        heap = std::move(bigger);
        capacity *= 2;
      }
      size_ += sr.read(heap.get() + size_, capacity - size_).size();
    }
    heap_ = std::move(heap);
  }
  JsonText(const JsonText&) = delete;
  JsonText& operator=(const JsonText&) = delete;

  const char* data() const noexcept { return heap_ ? heap_.get() : inline_; }
  std::size_t size() const noexcept { return size_; }
  std::string_view view() const noexcept { return {data(), size_}; }
  bool spilled() const noexcept { return heap_ != nullptr; }

 private:
  char inline_[N];
  std::unique_ptr<char[]> heap_;
  std::size_t size_ = 0;
};

}  // namespace atsync::sdk::detail
