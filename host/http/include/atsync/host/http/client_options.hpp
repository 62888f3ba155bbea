// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace atsync::host::http {

/// TLS verification settings. Verification is on unless `insecure_skip_verify` is set explicitly.
struct TlsOptions {
  /// PEM file of trusted CAs. Empty: `system_ca_file`. When set it REPLACES the system bundle (like curl's
  /// --cacert), so a test CA cannot quietly widen trust for production hosts in the same process.
  std::string ca_file;
  std::string system_ca_file{"/etc/ssl/certs/ca-certificates.crt"};
  /// Accept any certificate. Only for local experiments; the client logs an error on every use of it.
  bool insecure_skip_verify = false;
};

struct ClientOptions {
  TlsOptions tls;
  /// Idle keep-alive sessions kept per scheme+host+port.
  std::size_t max_idle_sessions_per_origin = 4;
  /// An idle session older than this is closed instead of reused. Below common server idle timeouts (Poco 10 s,
  /// many proxies 5-60 s) so we rarely write into a connection the server is closing.
  std::int64_t idle_timeout_ms = 4000;
  /// Upper bound on TCP connect + TLS handshake; the request's own timeout_ms applies when it is smaller.
  std::int64_t connect_timeout_ms = 10000;
  /// Responses larger than this fail with code too_large (protects the host's memory).
  std::size_t max_response_bytes = std::size_t{64} * 1024 * 1024;
  std::string user_agent{"atsync/0.1"};
};

}  // namespace atsync::host::http
