// SPDX-License-Identifier: Apache-2.0
#pragma once

// What the host offers one plugin instance, in C++. host_api.cpp adapts it to the C callback table.

#include <atsync/host/common/expected.hpp>

#include <atsync/sdk/abi.h>
#include <atsync/sdk/error.hpp>
#include <atsync/sdk/http.hpp>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace atsync::host::plugin {

class InstanceServices {
 public:
  virtual ~InstanceServices() = default;

  virtual void log(atsync_log_level level, std::string_view message) = 0;
  virtual void reportError(const sdk::Error& error) = 0;
  /// Runs a vendor request for this instance: credentials, rate limit, retries, metrics.
  virtual Expected<sdk::HttpResponse, sdk::Error> http(const sdk::HttpRequest& request,
                                                       std::span<const std::uint8_t> body) = 0;
  virtual std::optional<std::string> stateGet(std::string_view key) = 0;
  /// Writes a value, or erases the key when value is nullopt. Returns false when the store failed.
  virtual bool statePut(std::string_view key, std::optional<std::string_view> value) = 0;
  virtual std::int64_t nowMs() = 0;
};

/// The C table handed to every instance; its context is the instance's InstanceServices.
const atsync_host_api& hostApi();

}  // namespace atsync::host::plugin
