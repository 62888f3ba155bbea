// SPDX-License-Identifier: Apache-2.0
#pragma once

// Expected failures of the HTTP service (transport errors, refused credentials, rate limits) are values, not
// exceptions (STYLE.md): the host's one result type, Expected<T, sdk::Error>. The error is the SDK's error
// document so it can cross the ABI unchanged.

#include <atsync/host/common/expected.hpp>
#include <atsync/sdk/error.hpp>

#include <string>
#include <string_view>
#include <utility>

namespace atsync::host::http {

/// Builds an error document; `outcome_unknown` and `http_status` are set by the caller where they apply.
inline sdk::Error makeError(std::string_view code, std::string message, bool retryable = false) {
  sdk::Error e;
  e.code = std::string(code);
  e.message = std::move(message);
  e.retryable = retryable;
  return e;
}

}  // namespace atsync::host::http
