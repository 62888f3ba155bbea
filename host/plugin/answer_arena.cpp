// SPDX-License-Identifier: Apache-2.0
#include "plugin/answer_arena.hpp"

#include <cstdint>
#include <memory>
#include <new>

namespace atsync::host::plugin {

AnswerArena::AnswerArena(std::size_t capacity, AnswerArena** self)
    : begin_(static_cast<unsigned char*>(::operator new(capacity))), next_(begin_), end_(begin_ + capacity) {
  *self = this;
}

AnswerArena::~AnswerArena() { ::operator delete(begin_); }

void* AnswerArena::do_allocate(std::size_t bytes, std::size_t align) {
  if (!sealed_) {
    const auto at = reinterpret_cast<std::uintptr_t>(next_);
    const std::uintptr_t aligned = (at + (align - 1)) & ~static_cast<std::uintptr_t>(align - 1);
    if (aligned + bytes <= reinterpret_cast<std::uintptr_t>(end_)) {
      next_ = reinterpret_cast<unsigned char*>(aligned + bytes);
      return reinterpret_cast<void*>(aligned);
    }
  }
  // Boost.JSON never asks for more than max_align_t, the alignment operator new gives (as its default resource).
  return ::operator new(bytes);
}

void AnswerArena::do_deallocate(void* p, std::size_t, std::size_t) {
  const auto* q = static_cast<unsigned char*>(p);
  if (q >= begin_ && q < end_) return;  // in the block: released with it
  ::operator delete(p);
}

boost::json::value parseAnswer(std::string_view text, boost::system::error_code& ec, AnswerArena** arena_out) {
  AnswerArena* raw = nullptr;
  auto arena = boost::json::make_shared_resource<AnswerArena>(answerArenaCapacity(text.size()), &raw);
  boost::json::value doc = boost::json::parse(boost::json::string_view(text.data(), text.size()), ec, arena);
  raw->seal();
  if (arena_out != nullptr) *arena_out = raw;
  return doc;
}

}  // namespace atsync::host::plugin
