// SPDX-License-Identifier: Apache-2.0
#pragma once

// The Kula platform connector: translates atsync operations into Kula API requests and Kula webhooks into
// change events. It holds no sockets: the host runs every request and injects the API key. It keeps no state
// about events either: the same delivery always parses to the same events, and the engine dedupes and orders.

#include "kula_api.hpp"

#include <atsync/sdk/connector.hpp>
#include <atsync/sdk/json_reader.hpp>
#include <atsync/sdk/model.hpp>

#include <boost/json.hpp>

#include <atomic>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace atsync::kula {

class KulaConnector : public sdk::Connector {
 public:
  KulaConnector(sdk::Host host, const boost::json::object& config);

  static sdk::Description describe();
  static std::span<const sdk::Operation<KulaConnector>> operations();

  // webhook.cpp, events_poll.cpp
  sdk::Output webhookParse(const sdk::Input& input);
  sdk::Output eventsPoll(const sdk::Input& input);
  // catalog.cpp
  sdk::Output stagesList(const sdk::Input& input);
  sdk::Output flowGet(const sdk::Input& input);
  // candidates.cpp
  sdk::Output candidateGet(const sdk::Input& input);
  sdk::Output candidateFindByEmail(const sdk::Input& input);
  sdk::Output candidateUpsert(const sdk::Input& input);
  sdk::Output candidateLink(const sdk::Input& input);
  sdk::Output candidateSetStage(const sdk::Input& input);
  // candidate_records.cpp
  sdk::Output notesList(const sdk::Input& input);
  sdk::Output messagesList(const sdk::Input& input);
  sdk::Output resumesList(const sdk::Input& input);
  sdk::Output resumeContent(const sdk::Input& input);

 private:
  /// Logs a refused webhook or event-log entry with the running count, so an operator sees refusals pile up.
  void countRefusal(std::string_view what, std::string_view reason);
  /// GET /v1/candidates/{id}, shared by candidate.get and candidate.set_stage.
  sdk::Candidate fetchCandidate(const std::string& candidate_id) const;

  KulaApi api_;
  std::string webhook_secret_;
  std::atomic<std::uint64_t> refusals_{0};
};

/// Reads an operation's input; an sdk::ShapeError becomes invalid_input naming the operation and the field.
template <class Read>
auto readInput(std::string_view operation, Read&& read) -> decltype(read()) {
  try {
    return read();
  } catch (const sdk::ShapeError& e) {
    throw sdk::OperationError(sdk::errc::kInvalidInput, std::string(operation) + ": input " + e.what());
  }
}

/// The optional `page_size` of the list operations (Kula's limit, 1..200; the largest by default).
int readPageSize(const sdk::ObjectReader& input);

}  // namespace atsync::kula
