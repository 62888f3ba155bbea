// SPDX-License-Identifier: Apache-2.0
// Kula webhook deliveries (plugins/kula/webhook.hpp, webhook_signature.hpp). Each input is used twice:
//   1. as a body that the harness signs with the secret, as Kula would, so the size, UTF-8, JSON and envelope
//      checks and the event normalisation behind authentication are reached;
//   2. as "Name: value" header lines, an empty line, then a body, delivered as they are, so the header reading
//      and the signature check themselves see hostile Kula-Timestamp and Kula-Signature values.
// Expected refusals are OperationError (bad_signature, invalid_input); an accepted delivery is one well-formed event.

#include "fuzz_support.hpp"

#include "webhook.hpp"
#include "webhook_signature.hpp"

#include <atsync/sdk/error.hpp>

#include <string>
#include <vector>

namespace {

using atsync::fuzz::allowing;
namespace kula = atsync::kula;

constexpr std::string_view kSecret = "whsec_fuzz_0123456789abcdef";
constexpr std::int64_t kNowSeconds = 1795860900;  // 2026-11-28T10:15:00Z

void deliver(const std::vector<atsync::sdk::Header>& headers, std::string_view body) {
  allowing<atsync::sdk::OperationError>([&] {
    const auto events = kula::parseWebhookDelivery(kula::WebhookDelivery{headers, kNowSeconds * 1000, body}, kSecret);
    ATSYNC_FUZZ_CHECK(events.size() == 1);
    ATSYNC_FUZZ_CHECK(!events[0].id.empty() && !events[0].type.empty());
  });
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

std::vector<atsync::sdk::Header> readHeaderLines(std::string_view block) {
  std::vector<atsync::sdk::Header> headers;
  while (!block.empty()) {
    const auto [line, rest] = atsync::fuzz::splitOnce(block, "\n");
    block = rest;
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    headers.emplace_back(std::string(trim(line.substr(0, colon))), std::string(trim(line.substr(colon + 1))));
  }
  return headers;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input = atsync::fuzz::asText(data, size);

  const std::string ts = std::to_string(kNowSeconds);
  deliver({{"Content-Type", "application/json"},
           {std::string(kula::kTimestampHeader), ts},
           {std::string(kula::kSignatureHeader), kula::signatureHeaderValue(kSecret, ts, input)}},
          input);

  if (input.find("\n\n") != std::string_view::npos) {
    const auto [header_block, body] = atsync::fuzz::splitOnce(input, "\n\n");
    deliver(readHeaderLines(header_block), body);
  }
  return 0;
}
