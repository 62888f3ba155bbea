// SPDX-License-Identifier: Apache-2.0
#include <atsync/host/http/client.hpp>

#include <atsync/host/http/request_encoding.hpp>
#include <atsync/host/http/session_pool.hpp>

#include <Poco/Exception.h>
#include <Poco/File.h>
#include <Poco/Logger.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SSLException.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/Timespan.h>

#include <algorithm>
#include <array>
#include <mutex>

namespace atsync::host::http {

namespace {

Poco::Logger& logger() { return Poco::Logger::get("atsync.http"); }

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](unsigned char x, unsigned char y) { return std::tolower(x) == std::tolower(y); });
}

// Framing headers are the client's business: a plugin-supplied Content-Length or Transfer-Encoding would
// desynchronise the connection for the next request on the same keep-alive socket.
bool isManagedHeader(std::string_view name) {
  static constexpr std::array<std::string_view, 5> kManaged = {"host", "content-length", "transfer-encoding",
                                                                "connection", "keep-alive"};
  return std::any_of(kManaged.begin(), kManaged.end(), [&](std::string_view m) { return iequals(m, name); });
}

void ensureSslInitialized() {
  // OpenSSL is initialised once for the process and never torn down: other parts of the host (the HTTPS
  // listener) share it, and process exit releases it anyway.
  static std::once_flag once;
  std::call_once(once, [] { Poco::Net::initializeSSL(); });
}

enum class Phase { kConnect, kSend, kReceive };

// Where an exchange failed decides what the caller may do next: nothing leaves the host before kSend.
sdk::Error transportError(const std::string& label, const std::string& origin, Phase phase, const Poco::Exception& e,
                          bool idempotent, std::int64_t timeout_ms) {
  sdk::Error err = makeError(sdk::errc::kTransport, "", true);
  const bool timed_out = dynamic_cast<const Poco::TimeoutException*>(&e) != nullptr;
  switch (phase) {
    case Phase::kConnect:
      if (dynamic_cast<const Poco::Net::CertificateValidationException*>(&e) != nullptr ||
          e.displayText().find("certificate verify failed") != std::string::npos) {
        err.message = label + ": TLS certificate of " + origin + " was refused: " + e.displayText();
        err.retryable = false;  // a bad certificate does not get better by asking again
      } else if (timed_out) {
        err.message = label + ": could not connect to " + origin + " within the connect timeout";
      } else {
        err.message = label + ": could not connect to " + origin + ": " + e.displayText();
      }
      err.outcome_unknown = false;
      break;
    case Phase::kSend:
    case Phase::kReceive:
      if (timed_out) {
        err.message = label + ": no response from " + origin + " within " + std::to_string(timeout_ms) + " ms";
      } else {
        err.message = label + ": connection to " + origin + " failed " +
                      (phase == Phase::kSend ? "while sending the request: " : "while reading the response: ") +
                      e.displayText();
      }
      // The server may have received the complete request; only an idempotent request is safe to repeat blind.
      err.outcome_unknown = !idempotent;
      break;
  }
  return err;
}

// A reused keep-alive connection the server closed between our liveness check and the write fails without
// a single response byte. Such a failure on an idempotent request is retried once on a fresh connection.
bool isStaleConnectionFailure(const Poco::Exception& e) {
  return dynamic_cast<const Poco::Net::NoMessageException*>(&e) != nullptr ||
         dynamic_cast<const Poco::Net::ConnectionResetException*>(&e) != nullptr ||
         dynamic_cast<const Poco::Net::ConnectionAbortedException*>(&e) != nullptr;
}

Expected<Poco::Net::Context::Ptr, sdk::Error> makeTlsContext(const TlsOptions& tls) {
  ensureSslInitialized();
  const std::string& ca = tls.ca_file.empty() ? tls.system_ca_file : tls.ca_file;
  if (!tls.insecure_skip_verify) {
    try {
      if (!Poco::File(ca).exists()) {
        return unexpected(makeError(sdk::errc::kInvalidConfig, "TLS CA file '" + ca + "' does not exist"));
      }
    } catch (const Poco::Exception& e) {
      return unexpected(makeError(sdk::errc::kInvalidConfig, "TLS CA file '" + ca + "' cannot be read: "
          + e.displayText()));
    }
  }
  try {
    Poco::Net::Context::Params params;
    params.caLocation = tls.insecure_skip_verify ? std::string() : ca;
    params.verificationMode =
        tls.insecure_skip_verify ? Poco::Net::Context::VERIFY_NONE : Poco::Net::Context::VERIFY_STRICT;
    params.loadDefaultCAs = false;
    params.cipherList = "HIGH:!aNULL:!eNULL:!MD5:!RC4:!3DES";
    Poco::Net::Context::Ptr ctx = new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, params);
    ctx->requireMinimumProtocol(Poco::Net::Context::PROTO_TLSV1_2);
    if (tls.insecure_skip_verify) {
      ctx->enableExtendedCertificateVerification(false);
      logger().error(
          "TLS CERTIFICATE VERIFICATION IS DISABLED (tls.insecure_skip_verify): any server can impersonate the "
          "vendor and read credentials. Never use this outside a local experiment.");
    }
    return ctx;
  } catch (const Poco::Exception& e) {
    return unexpected(makeError(sdk::errc::kInvalidConfig, "TLS context could not be created with CA file '" + ca +
                                                    "': " + e.displayText()));
  }
}

std::string pathOnly(const std::string& target) { return target.substr(0, target.find('?')); }

// Closes a session after a failure. Poco throws from abort() when the socket never connected or is already
// closed; that must not turn a clean transport error into an escaping exception.
void abortQuietly(Poco::Net::HTTPClientSession& session) noexcept {
  try {
    session.abort();
  } catch (...) {
  }
}

}  // namespace

struct HttpClient::Prepared {
  ParsedUrl url;
  std::string target;
  std::string origin;
  std::string label;
  std::string body;
  std::string content_type;
  bool has_body = false;
  std::vector<sdk::Header> headers;
};

HttpClient::HttpClient(ClientOptions options, Clock& clock) : options_(std::move(options)), clock_(clock) {}

HttpClient::~HttpClient() = default;

Expected<std::unique_ptr<HttpClient>, sdk::Error> HttpClient::create(ClientOptions options, Clock& clock) {
  auto ctx = makeTlsContext(options.tls);
  if (!ctx) return unexpected(std::move(ctx).error());
  std::unique_ptr<HttpClient> client(new HttpClient(std::move(options), clock));
  client->pool_ = std::make_unique<detail::SessionPool>(client->options_, std::move(ctx).value(), clock);
  return client;
}

std::uint64_t HttpClient::sessionsCreated() const { return pool_->sessionsCreated(); }
std::uint64_t HttpClient::sessionsReused() const { return pool_->sessionsReused(); }

Expected<sdk::HttpResponse, sdk::Error> HttpClient::execute(const sdk::HttpRequest& request,
    std::span<const std::uint8_t> body,
                                              const std::vector<sdk::Header>& extra_headers) {
  auto url = parseUrl(request.url);
  if (!url) return unexpected(std::move(url).error());
  Prepared p;
  p.url = std::move(url).value();
  p.target = appendQuery(p.url.target, buildQueryString(request.query, request.raw_query_keys));
  p.origin = p.url.host + ":" + std::to_string(p.url.port);
  p.label = request.endpoint.empty() ? request.method + " " + pathOnly(p.url.target) : request.endpoint;

  if (!request.multipart.empty()) {
    if (request.json) return unexpected(makeError(sdk::errc::kInvalidInput, p.label
        + ": request has both a JSON and a multipart body"));
    auto mp = buildMultipart(request.multipart, body, randomBoundary());
    if (!mp) return unexpected(std::move(mp).error());
    p.body = std::move(mp->bytes);
    p.content_type = std::move(mp->content_type);
    p.has_body = true;
  } else if (request.json) {
    if (!body.empty()) {
      return unexpected(makeError(sdk::errc::kInvalidInput,
                       p.label + ": request has a JSON body and raw bytes that no multipart part claims"));
    }
    p.body = boost::json::serialize(*request.json);
    p.content_type = "application/json";
    p.has_body = true;
  } else if (!body.empty()) {
    p.body.assign(reinterpret_cast<const char*>(body.data()), body.size());
    p.content_type = "application/octet-stream";
    p.has_body = true;
  }

  for (const auto& [name, value] : request.headers) {
    if (name.empty() || !isSafeHeaderValue(name) || !isSafeHeaderValue(value)) {
      return unexpected(makeError(sdk::errc::kInvalidInput, p.label + ": header '" + name + "' contains a line break"));
    }
    if (isManagedHeader(name)) continue;
    // Captured through a plain reference: clang before 16 cannot capture a structured binding (scripts/fuzz).
    const std::string& header_name = name;
    const bool overridden = std::any_of(extra_headers.begin(), extra_headers.end(),
                                        [&](const sdk::Header& h) { return iequals(h.first, header_name); });
    if (overridden) continue;
    if (iequals(name, "content-type") && p.has_body && !request.multipart.empty()) continue;  // boundary is ours
    p.headers.emplace_back(name, value);
  }
  for (const auto& h : extra_headers) p.headers.push_back(h);
  const bool has_user_agent = std::any_of(p.headers.begin(), p.headers.end(),
                                          [](const sdk::Header& h) { return iequals(h.first, "user-agent"); });
  if (!has_user_agent) p.headers.emplace_back("User-Agent", options_.user_agent);
  const bool has_content_type = std::any_of(p.headers.begin(), p.headers.end(),
                                            [](const sdk::Header& h) { return iequals(h.first, "content-type"); });
  if (p.has_body && !has_content_type) p.headers.emplace_back("Content-Type", p.content_type);

  const std::int64_t timeout_ms = std::max<std::int64_t>(1, request.timeout_ms);
  const std::int64_t connect_ms = std::min(timeout_ms, options_.connect_timeout_ms);

  for (int attempt = 0;; ++attempt) {
    detail::Lease lease = pool_->acquire(p.url);
    const bool reused = lease.reused;
    Poco::Net::HTTPClientSession& session = lease.session->session();
    session.setTimeout(Poco::Timespan(connect_ms * 1000), Poco::Timespan(timeout_ms * 1000),
                       Poco::Timespan(timeout_ms * 1000));
    Phase phase = Phase::kConnect;
    const std::int64_t started_ms = clock_.steadyMs();
    try {
      if (!session.connected()) lease.session->open();
      phase = Phase::kSend;
      Poco::Net::HTTPRequest req(request.method, p.target, Poco::Net::HTTPMessage::HTTP_1_1);
      for (const auto& [name, value] : p.headers) req.add(name, value);
      if (p.has_body) {
        req.setContentLength64(static_cast<Poco::Int64>(p.body.size()));
      } else if (request.method == "POST" || request.method == "PUT" || request.method == "PATCH") {
        req.setContentLength(0);  // some servers answer 411 to a body-less POST without it
      }
      std::ostream& out = session.sendRequest(req);
      if (p.has_body) out.write(p.body.data(), static_cast<std::streamsize>(p.body.size()));
      phase = Phase::kReceive;
      Poco::Net::HTTPResponse resp;
      std::istream& in = session.receiveResponse(resp);
      // Rethrow the stream buffer's own exception (timeout, reset) instead of a bare badbit.
      in.exceptions(std::ios::badbit);
      const std::int64_t declared = resp.getContentLength64();
      if (declared != Poco::Net::HTTPMessage::UNKNOWN_CONTENT_LENGTH &&
          static_cast<std::uint64_t>(declared) > options_.max_response_bytes) {
        abortQuietly(session);
        return unexpected(makeError(sdk::errc::kTooLarge, p.label + ": response of " + std::to_string(declared) +
                                                   " bytes exceeds the limit of " +
                                                   std::to_string(options_.max_response_bytes) + " bytes"));
      }
      sdk::HttpResponse response;
      response.status = static_cast<int>(resp.getStatus());
      for (const auto& [name, value] : resp) response.headers.emplace_back(name, value);
      if (declared > 0) response.body.reserve(static_cast<std::size_t>(declared));
      std::array<char, 64 * 1024> buffer{};
      while (true) {
        in.read(buffer.data(), buffer.size());
        const std::streamsize n = in.gcount();
        if (n > 0) response.body.append(buffer.data(), static_cast<std::size_t>(n));
        if (response.body.size() > options_.max_response_bytes) {
          abortQuietly(session);
          return unexpected(makeError(sdk::errc::kTooLarge, p.label + ": response exceeds the limit of " +
                                                     std::to_string(options_.max_response_bytes) + " bytes"));
        }
        // The socket timeout bounds each read; this bounds the whole download against a slow-drip server.
        if (clock_.steadyMs() - started_ms > timeout_ms) throw Poco::TimeoutException("response body too slow");
        if (n <= 0 || !in) break;
      }
      if (declared != Poco::Net::HTTPMessage::UNKNOWN_CONTENT_LENGTH &&
          response.body.size() < static_cast<std::size_t>(declared)) {
        // Poco reports an early close as a normal end of stream; a short body must not pass as complete.
        abortQuietly(session);
        sdk::Error err = makeError(sdk::errc::kTransport,
                                   p.label + ": response from " + p.origin + " was truncated (" +
                                       std::to_string(response.body.size()) + " of " + std::to_string(declared) +
                                       " bytes)",
                                   true);
        err.outcome_unknown = false;  // the server answered, so it processed the request; the status is known
        err.http_status = response.status;
        return unexpected(err);
      }
      if (resp.getKeepAlive()) pool_->release(std::move(lease));
      return response;
    } catch (const Poco::Exception& e) {
      abortQuietly(session);
      if (reused && attempt == 0 && phase != Phase::kConnect && request.idempotent && isStaleConnectionFailure(e)) {
        logger().debug(p.label + ": reused connection to " + p.origin + " was closed by the server; retrying on a new one");
        continue;
      }
      return unexpected(transportError(p.label, p.origin, phase, e, request.idempotent, timeout_ms));
    } catch (const std::exception& e) {
      abortQuietly(session);
      sdk::Error err = makeError(sdk::errc::kTransport, p.label + ": " + p.origin + ": " + e.what(), true);
      err.outcome_unknown = phase != Phase::kConnect && !request.idempotent;
      return unexpected(err);
    }
  }
}

}  // namespace atsync::host::http
