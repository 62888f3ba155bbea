// SPDX-License-Identifier: Apache-2.0
#pragma once

// A host for running a connector in-process on scripted vendor answers, so the response parsers are fuzzed where
// the plugin really calls them: inside its operations, with pagination, follow-up requests and error mapping.
//
// A script is text:
//   <operation> <input JSON on the rest of the line, optional>
//   === <status> [<Header-Name>: <value>]
//   <response body, up to the next line starting with "===">
//   === <status>
//   ...
// Every HTTP call the plugin makes takes the next answer; when none is left the call fails as a transport error
// (no answer), as a dead network would.

#include <atsync/sdk/abi.h>
#include <atsync/sdk/host.hpp>
#include <atsync/sdk/http.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace atsync::fuzz {

struct ScriptedResponse {
  int status = 200;
  std::vector<sdk::Header> headers;
  std::string body;
};

struct Script {
  std::string operation;
  std::string input_json;  ///< "" when the line had none
  std::vector<ScriptedResponse> responses;
};

Script parseScript(std::string_view text);

/// Checks each request document the plugin sends the way the host reads it, and that its URL stays under
/// `base_url` without a dot-segment or a query smuggled into the path.
class ScriptedHost {
 public:
  ScriptedHost(std::string base_url, std::vector<ScriptedResponse> responses, std::int64_t now_ms);
  ScriptedHost(const ScriptedHost&) = delete;
  ScriptedHost& operator=(const ScriptedHost&) = delete;

  sdk::Host host() const;
  /// Plugin state, so a test can seed what an earlier operation would have stored.
  std::map<std::string, std::string, std::less<>>& state() { return state_; }

 private:
  static ScriptedHost& self(atsync_host_context* context);
  static void log(atsync_host_context*, atsync_log_level, const char*, size_t) {}
  static void reportError(atsync_host_context*, const char*, size_t) {}
  static atsync_status http(atsync_host_context* context, const char* request_json, size_t request_json_size,
                            const uint8_t* body, size_t body_size, atsync_buffer* response_json,
                            atsync_buffer* response_body);
  static atsync_status stateGet(atsync_host_context* context, const char* key, size_t key_size, atsync_buffer* value);
  static atsync_status statePut(atsync_host_context* context, const char* key, size_t key_size, const uint8_t* value,
                                size_t value_size);
  static int64_t nowMs(atsync_host_context* context);
  static void bufferFree(atsync_buffer* buffer);

  void checkRequest(std::string_view request_json) const;

  atsync_host_api api_;
  std::string base_url_;
  std::vector<ScriptedResponse> responses_;
  std::size_t next_ = 0;
  std::int64_t now_ms_;
  std::map<std::string, std::string, std::less<>> state_;
};

}  // namespace atsync::fuzz
