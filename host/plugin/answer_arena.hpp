// SPDX-License-Identifier: Apache-2.0
#pragma once

// Where the host parses a plugin's answer. The answer is handed on — Instance::invoke returns it and the engine
// keeps it, copies parts of it, edits it, possibly on another thread — so the per-call arena of the SDK
// (sdk/detail/json_io.hpp, a monotonic_resource on the stack) cannot hold it. The rule here is "the arena goes
// with the document":
//   - the arena is reference-counted (boost::json::make_shared_resource): every value parsed into it, and every
//     value later copy-constructed from one, holds it alive, so nothing can dangle wherever the document goes;
//   - it bump-allocates from one block only while the parser fills it; parseAnswer() then seals it, and every
//     later allocation (a copy of a sub-value, an insertion into the document) comes from the default heap and is
//     freed normally. A sealed arena is never written again, so values sharing it may be used from any thread
//     under Boost.JSON's usual rules (const access concurrent, mutation exclusive), as on the default resource;
//   - the block is released once, when the last value using it is gone. The cost of the rule: a small value
//     copy-constructed out of a large answer keeps the whole block (about twice the text) alive. Copy with an
//     explicit resource, json::value(v, json::storage_ptr()), to keep a part without the block.

#include <boost/json.hpp>

#include <cstddef>
#include <string_view>

namespace atsync::host::plugin {

class AnswerArena final : public boost::json::memory_resource {
 public:
  /// `*self` receives this object's address: make_shared_resource wraps the resource in another one (its get()
  /// is the wrapper), so this is how the parsing code reaches seal().
  AnswerArena(std::size_t capacity, AnswerArena** self);
  ~AnswerArena() override;
  AnswerArena(const AnswerArena&) = delete;
  AnswerArena& operator=(const AnswerArena&) = delete;

  /// From now on allocate from the default heap (called once, before the document leaves the parsing thread).
  void seal() noexcept { sealed_ = true; }
  /// Bytes handed out from the block so far (for tests).
  std::size_t used() const noexcept { return static_cast<std::size_t>(next_ - begin_); }
  std::size_t capacity() const noexcept { return static_cast<std::size_t>(end_ - begin_); }

 private:
  void* do_allocate(std::size_t bytes, std::size_t align) override;
  void do_deallocate(void* p, std::size_t bytes, std::size_t align) override;
  bool do_is_equal(const boost::json::memory_resource& other) const noexcept override { return this == &other; }

  unsigned char* begin_ = nullptr;
  unsigned char* next_ = nullptr;
  unsigned char* end_ = nullptr;
  bool sealed_ = false;
};

/// The block to reserve for an answer of `text_size` bytes: a parsed document takes about 1.5–2.5× its text.
inline std::size_t answerArenaCapacity(std::size_t text_size) { return text_size * 5 / 2 + 256; }

/// Parses a plugin's answer into a new sealed AnswerArena that the returned value (and its copies) own.
/// `arena`, when given, receives the arena (for tests: it lives as long as the returned value).
boost::json::value parseAnswer(std::string_view text, boost::system::error_code& ec, AnswerArena** arena = nullptr);

}  // namespace atsync::host::plugin
