// SPDX-License-Identifier: Apache-2.0
#pragma once

// Runs one scripted operation of a connector class, the way the SDK edge would, and checks that what comes out is
// something the host can read. Shared by the Lever and Kula response harnesses.

#include "fuzz_support.hpp"
#include "scripted_host.hpp"

#include <atsync/sdk/connector.hpp>
#include <atsync/sdk/events.hpp>
#include <atsync/sdk/model.hpp>

#include <boost/json.hpp>

#include <array>
#include <cstdint>
#include <string_view>

namespace atsync::fuzz {

// Raw bytes handed to operations that take a file (file.add): a tiny PDF, as a resume would be.
inline constexpr std::string_view kFileBytes = "%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n";

/// Every element of `output[key]`, when present, must convert with value_to<T>: the host reads them that way.
template <class T>
void requireReadable(const boost::json::object& output, std::string_view key) {
  const auto* list = output.if_contains(key);
  if (list == nullptr || !list->is_array()) return;
  for (const auto& item : list->get_array()) {
    try {
      (void)boost::json::value_to<T>(item);
    } catch (const sdk::OperationError& e) {
      unexpectedException(e);
    }
  }
}

template <class Connector>
void runScripted(std::string_view text, const boost::json::object& config, const std::string& base_url,
                 std::int64_t now_ms) {
  const Script script = parseScript(text);
  boost::system::error_code ec;
  const boost::json::value input =
      script.input_json.empty() ? boost::json::value(boost::json::object{}) : boost::json::parse(script.input_json, ec);
  // The SDK edge refuses input that is not JSON before any plugin code runs.
  if (ec) return;
  ScriptedHost scripted(base_url, script.responses, now_ms);
  allowing<sdk::OperationError>([&] {
    Connector connector(scripted.host(), config);
    const auto bytes = std::span(reinterpret_cast<const std::uint8_t*>(kFileBytes.data()), kFileBytes.size());
    const sdk::Output out = sdk::dispatch<Connector>(connector, Connector::operations(), script.operation,
                                                     sdk::Input{input, bytes});
    // The SDK edge serialises the document; the host reads it back as an object with these lists.
    ATSYNC_FUZZ_CHECK(out.document.is_object());
    const auto& o = out.document.get_object();
    requireReadable<sdk::Posting>(o, "postings");
    requireReadable<sdk::Stage>(o, "stages");
    requireReadable<sdk::ChangeEvent>(o, "events");
    const std::string text = boost::json::serialize(out.document);
    if (debugEnabled()) std::fprintf(stderr, "%s: %s\n", script.operation.c_str(), text.c_str());
  });
}

}  // namespace atsync::fuzz
