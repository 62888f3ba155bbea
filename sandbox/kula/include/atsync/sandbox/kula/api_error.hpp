// SPDX-License-Identifier: Apache-2.0
#pragma once

// Expected failures are values: every store operation answers either its result or the error the HTTP layer
// turns into `{"error":{"code","message"}}` with `status`.

#include <string>
#include <utility>
#include <variant>

namespace atsync::sandbox::kula {

struct ApiError {
  int status = 500;
  std::string code;
  std::string message;
};

inline ApiError notFound(std::string what) { return {404, "not_found", std::move(what)}; }
inline ApiError badRequest(std::string code, std::string what) { return {400, std::move(code), std::move(what)}; }
inline ApiError invalid(std::string what) { return {422, "validation_failed", std::move(what)}; }

template <class T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT: implicit on purpose, like std::expected
  Result(ApiError error) : v_(std::move(error)) {}  // NOLINT

  bool ok() const { return std::holds_alternative<T>(v_); }
  explicit operator bool() const { return ok(); }
  T& value() { return std::get<T>(v_); }
  const T& value() const { return std::get<T>(v_); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const ApiError& error() const { return std::get<ApiError>(v_); }

 private:
  std::variant<T, ApiError> v_;
};

}  // namespace atsync::sandbox::kula
