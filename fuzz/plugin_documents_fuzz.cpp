// SPDX-License-Identifier: Apache-2.0
// The host's reading of what a plugin hands it. A plugin is code the operator installed, but its documents are
// built from vendor data and must never take the host down:
//   - the description (host/plugin/manifest.hpp parseManifest), then describe.auth/oauth bound to a config
//     (runtime/auth_binding.hpp bindAuth) and the described config_schema applied to configs (json_schema.hpp);
//   - the documents crossing the ABI, read with the SDK's value_to conversions (sdk/model.hpp, events.hpp,
//     http.hpp, error.hpp): error, HTTP request, change event, command, command result and every model record.
// Expected refusals: error values (Expected), OperationError from value_to. Anything else fails.

#include "fuzz_support.hpp"

#include "config/json_schema.hpp"
#include "plugin/manifest.hpp"
#include "runtime/auth_binding.hpp"

#include <atsync/sdk/error.hpp>
#include <atsync/sdk/events.hpp>
#include <atsync/sdk/http.hpp>
#include <atsync/sdk/model.hpp>

#include <boost/json.hpp>

#include <vector>

namespace {

namespace json = boost::json;
using atsync::fuzz::allowing;

// Configs in the shapes the real plugins' describe.auth points into: an API key mode, an OAuth mode (with and
// without an environment), a flat key, and nothing at all.
const std::vector<json::object>& configs() {
  static const std::vector<json::object> kConfigs{
      {{"base_url", "https://api.lever.co/v1"}, {"auth", {{"mode", "api_key"}, {"api_key", "key-1"}}}},
      {{"auth", {{"mode", "oauth"}, {"client_id", "cid"}, {"client_secret", "csecret"}, {"environment", "sandbox"}}}},
      {{"auth", {{"mode", "oauth"}, {"client_id", "cid"}, {"client_secret", "csecret"}}}},
      {{"base_url", "https://api.kula.test"}, {"api_key", "kula-key"}, {"webhook_secret", "0123456789abcdef"}},
      {},
  };
  return kConfigs;
}

void readDescription(std::string_view text) {
  const auto manifest = atsync::host::plugin::parseManifest(text);
  if (!manifest) {
    ATSYNC_FUZZ_CHECK(!manifest.error().empty());
    return;
  }
  ATSYNC_FUZZ_CHECK(!manifest->name.empty() && !manifest->version.empty());
  ATSYNC_FUZZ_CHECK(manifest->role == "ats" || manifest->role == "platform");
  ATSYNC_FUZZ_CHECK(manifest->config_schema.is_object());
  for (const auto& config : configs()) {
    const auto binding = atsync::host::runtime::bindAuth(*manifest, config);
    if (binding) {
      // Credentials are taken out of the config before the plugin sees it.
      if (binding->credentials) ATSYNC_FUZZ_CHECK(binding->plugin_config.size() <= config.size());
    } else {
      ATSYNC_FUZZ_CHECK(!binding.error().empty());
    }
    const json::value instance(config);
    for (const auto& e : atsync::host::config::validateJson(manifest->config_schema, instance)) {
      ATSYNC_FUZZ_CHECK(!e.message.empty());
    }
    const auto pointers = atsync::host::config::secretPointers(manifest->config_schema, instance);
    (void)atsync::host::config::redacted(instance, pointers);
  }
}

template <class T>
void convert(const json::value& v) {
  allowing<atsync::sdk::OperationError>([&] { (void)json::value_to<T>(v); });
}

void readDocument(const json::value& v) {
  convert<atsync::sdk::Error>(v);
  convert<atsync::sdk::HttpRequest>(v);
  convert<atsync::sdk::HttpResponse>(v);
  convert<atsync::sdk::ChangeEvent>(v);
  convert<atsync::sdk::Posting>(v);
  convert<atsync::sdk::Stage>(v);
  convert<atsync::sdk::Person>(v);
  convert<atsync::sdk::Candidate>(v);
  convert<atsync::sdk::Opportunity>(v);
  convert<atsync::sdk::Note>(v);
  convert<atsync::sdk::Message>(v);
  convert<atsync::sdk::FileRef>(v);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = atsync::fuzz::asText(data, size);
  try {
    readDescription(text);
    boost::system::error_code ec;
    const json::value doc = json::parse(text, ec);
    if (ec) return 0;
    readDocument(doc);
    // Operation outputs carry records in lists under a key ({"stages":[...]}, {"events":[...]}): read those too.
    if (const auto* o = doc.if_object()) {
      for (const auto& [key, member] : *o) {
        if (const auto* list = member.if_array()) {
          for (const auto& item : *list) readDocument(item);
        } else {
          readDocument(member);
        }
      }
    }
  } catch (const std::exception& e) {
    atsync::fuzz::unexpectedException(e);
  }
  return 0;
}
