// SPDX-License-Identifier: Apache-2.0
#pragma once

// The /v1 endpoints of KULA-API.md over the store. Authentication, rate limiting and fault injection happen
// before a request gets here (KulaSandbox), so these handlers are only about the contract's semantics.

#include <atsync/sandbox/kula/kula_store.hpp>
#include <atsync/sandbox/router.hpp>

#include <cstddef>
#include <cstdint>
#include <utility>
#include <optional>
#include <string>

namespace atsync::sandbox::kula {

class KulaApi {
 public:
  explicit KulaApi(KulaStore& store);

  /// Any request under /v1; answers 404/405 with the error envelope for unknown routes and methods.
  Response handle(Request& req) const;

 private:
  Response stages() const;
  Response flow(const Request& req) const;
  Response listCandidates(const Request& req) const;
  Response upsertCandidate(const Request& req) const;
  Response getCandidate(const Request& req) const;
  Response putStage(const Request& req) const;
  Response putAts(const Request& req) const;
  Response subList(const Request& req, const std::string& kind) const;
  Response resumeContent(const Request& req) const;
  Response events(const Request& req) const;

  KulaStore& store_;
  Router router_;
};

/// Opaque list cursors: `kind` keeps one list's cursor from being replayed against another.
std::string encodeCursor(const std::string& kind, std::size_t position);
std::optional<std::size_t> decodeCursor(const std::string& kind, const std::string& cursor);
/// Event-log cursors also name the log's epoch (see KulaStore::eventEpoch).
std::string encodeEventCursor(const std::string& epoch, std::uint64_t seq);
std::optional<std::pair<std::string, std::uint64_t>> decodeEventCursor(const std::string& cursor);

}  // namespace atsync::sandbox::kula
