// SPDX-License-Identifier: Apache-2.0
#pragma once

// Expected failures of the HTTP service (transport errors, refused credentials, rate limits) are values, not
// exceptions (STYLE.md). The error type is the SDK's error document so it can cross the ABI unchanged.

#include <atsync/sdk/error.hpp>

#include <cassert>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace atsync::host::http {

/// Either a value or an sdk::Error. A deliberately small `std::expected`-like type (C++23 is not available).
template <class T>
class Result {
 public:
  Result(T value) : state_(std::in_place_index<0>, std::move(value)) {}            // NOLINT: implicit by design
  Result(sdk::Error error) : state_(std::in_place_index<1>, std::move(error)) {}  // NOLINT: implicit by design

  bool ok() const noexcept { return state_.index() == 0; }
  explicit operator bool() const noexcept { return ok(); }

  T& value() & { assert(ok()); return std::get<0>(state_); }
  const T& value() const& { assert(ok()); return std::get<0>(state_); }
  T&& value() && { assert(ok()); return std::get<0>(std::move(state_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  sdk::Error& error() & { assert(!ok()); return std::get<1>(state_); }
  const sdk::Error& error() const& { assert(!ok()); return std::get<1>(state_); }
  sdk::Error&& error() && { assert(!ok()); return std::get<1>(std::move(state_)); }

 private:
  std::variant<T, sdk::Error> state_;
};

/// Builds an error document; `outcome_unknown` and `http_status` are set by the caller where they apply.
inline sdk::Error makeError(std::string_view code, std::string message, bool retryable = false) {
  sdk::Error e;
  e.code = std::string(code);
  e.message = std::move(message);
  e.retryable = retryable;
  return e;
}

}  // namespace atsync::host::http
