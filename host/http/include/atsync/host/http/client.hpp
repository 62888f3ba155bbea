// SPDX-License-Identifier: Apache-2.0
#pragma once

// Runs one HTTP exchange described by an sdk::HttpRequest over Poco Net/NetSSL. No retries, no credentials, no
// rate limiting: those belong to ConnectionHttp, which calls this once per attempt.

#include <atsync/host/http/client_options.hpp>
#include <atsync/host/http/clock.hpp>
#include <atsync/host/http/errors.hpp>
#include <atsync/sdk/http.hpp>

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

namespace atsync::host::http {

namespace detail {
class SessionPool;
}

/// Thread-safe; one per process is enough (sessions are pooled per origin).
class HttpClient {
 public:
  /// Builds the TLS context (CA bundle, verification mode). Fails when the CA file cannot be loaded.
  static Expected<std::unique_ptr<HttpClient>, sdk::Error> create(ClientOptions options = {},
      Clock& clock = SystemClock::instance());
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  /// Executes `request`. `body` is the raw bytes of the multipart part marked from_body, or, when the request
  /// has neither JSON nor multipart, the request body itself. `extra_headers` (credentials) override request
  /// headers of the same name. Any HTTP status is a response; no answer at all is an sdk::Error with code
  /// "transport", retryable, and outcome_unknown when the request is not idempotent and may have been sent.
  Expected<sdk::HttpResponse, sdk::Error> execute(const sdk::HttpRequest& request,
      std::span<const std::uint8_t> body = {},
                                    const std::vector<sdk::Header>& extra_headers = {});

  const ClientOptions& options() const { return options_; }
  std::uint64_t sessionsCreated() const;
  std::uint64_t sessionsReused() const;

 private:
  struct Prepared;
  HttpClient(ClientOptions options, Clock& clock);

  ClientOptions options_;
  Clock& clock_;
  std::unique_ptr<detail::SessionPool> pool_;
};

}  // namespace atsync::host::http
