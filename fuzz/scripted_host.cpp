// SPDX-License-Identifier: Apache-2.0
#include "scripted_host.hpp"

#include "fuzz_support.hpp"

#include <atsync/sdk/detail/buffers.hpp>
#include <atsync/sdk/error.hpp>

#include <boost/json.hpp>

#include <charconv>

namespace atsync::fuzz {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

// "=== 429 Retry-After: 2" → status 429 and one header.
ScriptedResponse responseHeader(std::string_view line) {
  ScriptedResponse r;
  line = trim(line);
  int status = 0;
  const auto [end, ec] = std::from_chars(line.data(), line.data() + line.size(), status);
  if (ec == std::errc()) r.status = status;
  std::string_view rest = trim(line.substr(static_cast<std::size_t>(end - line.data())));
  if (const auto colon = rest.find(':'); colon != std::string_view::npos) {
    r.headers.emplace_back(std::string(trim(rest.substr(0, colon))), std::string(trim(rest.substr(colon + 1))));
  }
  return r;
}

}  // namespace

Script parseScript(std::string_view text) {
  Script script;
  auto [first, rest] = splitOnce(text, "\n");
  first = trim(first);
  const auto space = first.find(' ');
  script.operation = std::string(first.substr(0, space));
  if (space != std::string_view::npos) script.input_json = std::string(trim(first.substr(space + 1)));

  // Answers start at lines beginning with "==="; anything before the first one is ignored.
  constexpr std::string_view kMark = "===";
  std::size_t at = rest.rfind(kMark, 0) == 0 ? 0 : rest.find("\n===");
  while (at != std::string_view::npos) {
    if (rest[at] == '\n') ++at;
    const auto line_end = rest.find('\n', at);
    ScriptedResponse r = responseHeader(rest.substr(at + kMark.size(), line_end == std::string_view::npos
                                                                           ? std::string_view::npos
                                                                           : line_end - at - kMark.size()));
    if (line_end == std::string_view::npos) {
      script.responses.push_back(std::move(r));
      break;
    }
    const auto next = rest.find("\n===", line_end);
    r.body = std::string(rest.substr(line_end + 1, next == std::string_view::npos ? std::string_view::npos
                                                                                  : next - line_end - 1));
    script.responses.push_back(std::move(r));
    at = next;
  }
  return script;
}

ScriptedHost::ScriptedHost(std::string base_url, std::vector<ScriptedResponse> responses, std::int64_t now_ms)
    : api_{}, base_url_(std::move(base_url)), responses_(std::move(responses)), now_ms_(now_ms) {
  api_.header = {static_cast<std::uint32_t>(sizeof(atsync_host_api)), ATSYNC_ABI_VERSION_MAJOR,
                 ATSYNC_ABI_VERSION_MINOR};
  api_.callback_log = &log;
  api_.callback_report_error = &reportError;
  api_.callback_http = &http;
  api_.callback_state_get = &stateGet;
  api_.callback_state_put = &statePut;
  api_.callback_clock_now_ms = &nowMs;
  api_.callback_buffer_free = &bufferFree;
}

sdk::Host ScriptedHost::host() const {
  return sdk::Host(&api_, reinterpret_cast<atsync_host_context*>(const_cast<ScriptedHost*>(this)));
}

ScriptedHost& ScriptedHost::self(atsync_host_context* context) { return *reinterpret_cast<ScriptedHost*>(context); }

void ScriptedHost::checkRequest(std::string_view request_json) const {
  boost::system::error_code ec;
  const auto doc = boost::json::parse(request_json, ec);
  ATSYNC_FUZZ_CHECK(!ec);
  sdk::HttpRequest request;
  try {
    request = boost::json::value_to<sdk::HttpRequest>(doc);
  } catch (const sdk::OperationError&) {
    invariantBroken("the plugin sent a request document the host refuses");
  }
  // Whatever ids the input or an earlier answer held, a request must stay on the vendor's API: under the base URL,
  // with no dot-segment that a server would resolve to another route, and with the query in `query`, not the path.
  ATSYNC_FUZZ_CHECK(request.url.rfind(base_url_ + "/", 0) == 0);
  const std::string_view path = std::string_view(request.url).substr(base_url_.size());
  ATSYNC_FUZZ_CHECK(path.find("/../") == std::string_view::npos && path.find("/./") == std::string_view::npos);
  ATSYNC_FUZZ_CHECK(!path.ends_with("/..") && !path.ends_with("/."));
  // An empty segment ("/v1/candidates/" for an empty id) names the collection instead of a record.
  ATSYNC_FUZZ_CHECK(path.find("//") == std::string_view::npos && !path.ends_with("/"));
  ATSYNC_FUZZ_CHECK(path.find_first_of("?# \r\n") == std::string_view::npos);
}

atsync_status ScriptedHost::http(atsync_host_context* context, const char* request_json, size_t request_json_size,
                                 const uint8_t*, size_t, atsync_buffer* response_json, atsync_buffer* response_body) {
  auto& host = self(context);
  host.checkRequest(std::string_view(request_json, request_json_size));
  response_body->data = nullptr;
  response_body->size = 0;
  if (host.next_ >= host.responses_.size()) {
    sdk::detail::fillError(response_json, sdk::Error{std::string(sdk::errc::kTransport),
                                                     "scripted host: no answer left", true, std::nullopt, false});
    return ATSYNC_STATUS_ERROR;
  }
  const ScriptedResponse& r = host.responses_[host.next_++];
  sdk::HttpResponse response;
  response.status = r.status;
  response.headers = r.headers;
  sdk::detail::fillJson(response_json, boost::json::value_from(response));
  sdk::detail::fillBuffer(response_body, r.body);
  return ATSYNC_STATUS_OK;
}

atsync_status ScriptedHost::stateGet(atsync_host_context* context, const char* key, size_t key_size,
                                     atsync_buffer* value) {
  auto& state = self(context).state_;
  const auto it = state.find(std::string_view(key, key_size));
  if (it == state.end()) return ATSYNC_STATUS_NOT_FOUND;
  sdk::detail::fillBuffer(value, it->second);
  return ATSYNC_STATUS_OK;
}

atsync_status ScriptedHost::statePut(atsync_host_context* context, const char* key, size_t key_size,
                                     const uint8_t* value, size_t value_size) {
  auto& state = self(context).state_;
  if (value == nullptr) {
    state.erase(std::string(key, key_size));
  } else {
    state[std::string(key, key_size)] = std::string(reinterpret_cast<const char*>(value), value_size);
  }
  return ATSYNC_STATUS_OK;
}

int64_t ScriptedHost::nowMs(atsync_host_context* context) { return self(context).now_ms_; }

void ScriptedHost::bufferFree(atsync_buffer* buffer) { sdk::detail::freeBuffer(buffer); }

}  // namespace atsync::fuzz
