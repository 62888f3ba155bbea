// SPDX-License-Identifier: Apache-2.0
// The host's HTTP front against a misbehaving world, through the real `atsync run` (security issue, items 2, 5, 6,
// 9 and 10): what a client or an attacker sees over the socket.
#include "../server/prometheus_parser.hpp"
#include "e2e_fixture.hpp"
#include "raw_http.hpp"

#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/StreamCopier.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <fstream>
#include <mutex>
#include <random>
#include <thread>

namespace atsync::e2e {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kAdminToken[] = "e2e-admin-token";  // e2e_fixture.cpp writes it into the config

struct Answer {
  int status = 0;  ///< 0: no answer
  std::string body;
  std::string error;
};

Answer get(Poco::Net::HTTPClientSession& session, const std::string& path, const std::string& bearer = {}) {
  Answer a;
  try {
    Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_GET, path, Poco::Net::HTTPMessage::HTTP_1_1);
    if (!bearer.empty()) request.set("Authorization", "Bearer " + bearer);
    session.sendRequest(request);
    Poco::Net::HTTPResponse response;
    auto& in = session.receiveResponse(response);
    Poco::StreamCopier::copyToString(in, a.body);
    a.status = static_cast<int>(response.getStatus());
  } catch (const std::exception& e) {
    a.error = e.what();
  }
  return a;
}

Answer plainGet(std::uint16_t port, const std::string& path, const std::string& bearer = {},
                std::chrono::seconds timeout = 5s) {
  Poco::Net::HTTPClientSession session("127.0.0.1", port);
  session.setTimeout(Poco::Timespan(timeout.count(), 0));
  return get(session, path, bearer);
}

std::size_t seriesOf(const std::string& metrics, const std::string& family) {
  const auto parsed = testing::parsePrometheusText(metrics);
  auto it = parsed.families.find(family);
  return it == parsed.families.end() ? 0 : it->second.samples.size();
}

class HttpHardening : public EndToEnd {};

// ---- Item 2: server.tls ----

struct Cert {
  std::string cert_file;
  std::string key_file;
};

Cert makeSelfSignedCert(const std::filesystem::path& dir) {
  Cert c{(dir / "cert.pem").string(), (dir / "key.pem").string()};
  const std::string cmd =
      "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 -subj /CN=127.0.0.1 "
      "-addext subjectAltName=IP:127.0.0.1,DNS:localhost -keyout " + c.key_file + " -out " + c.cert_file +
      " >/dev/null 2>&1";
  if (std::system(cmd.c_str()) != 0) throw std::runtime_error("openssl req failed: " + cmd);
  return c;
}

std::string tlsYaml(const Cert& cert) {
  return "  tls:\n    cert_file: " + cert.cert_file + "\n    key_file: " + cert.key_file + "\n";
}

/// An HTTPS client that trusts exactly `ca_file` and checks the host name.
Poco::Net::Context::Ptr clientTrusting(const std::string& ca_file) {
  static std::once_flag once;
  std::call_once(once, [] { Poco::Net::initializeSSL(); });
  Poco::Net::Context::Params params;
  params.caLocation = ca_file;
  params.verificationMode = Poco::Net::Context::VERIFY_STRICT;
  params.loadDefaultCAs = false;
  return new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, params);
}

Answer httpsGet(std::uint16_t port, const Poco::Net::Context::Ptr& context, const std::string& path) {
  Poco::Net::HTTPSClientSession session("127.0.0.1", port, context);
  session.setTimeout(Poco::Timespan(2, 0));
  return get(session, path);
}

TEST_F(HttpHardening, ServesHttpsWithTheConfiguredCertificate) {
  WorldOptions options;
  const Cert cert = makeSelfSignedCert(dir());
  options.public_scheme = "https";
  options.server_yaml = tlsYaml(cert);
  startSandboxes(options);
  ASSERT_TRUE(host().start());
  const auto context = clientTrusting(cert.cert_file);
  Answer health;
  waitFor(
      [&] {
        health = httpsGet(hostPort(), context, "/healthz");
        return health.status == 200 || !host().running();
      },
      20s);
  EXPECT_EQ(health.status, 200) << health.error << "\n" << host().output();
  EXPECT_THAT(health.body, HasSubstr("\"ok\""));
  // Plain HTTP on the TLS port is not served.
  const Answer plain = plainGet(hostPort(), "/healthz", {}, 3s);
  EXPECT_NE(plain.status, 200) << plain.body;
}

TEST_F(HttpHardening, AnUnloadableTlsKeyIsAOneLineStartupError) {
  WorldOptions options;
  const Cert cert = makeSelfSignedCert(dir());
  const std::string bad_key = (dir() / "not-a-key.pem").string();
  std::ofstream(bad_key) << "-----BEGIN PRIVATE KEY-----\nnot base64\n-----END PRIVATE KEY-----\n";
  options.public_scheme = "https";
  options.server_yaml = tlsYaml(Cert{cert.cert_file, bad_key});
  startSandboxes(options);

  const auto check = atsync({"check"});
  EXPECT_NE(check.exit_code, 0) << check.out << check.err;
  EXPECT_THAT(check.err, HasSubstr(bad_key));

  ASSERT_TRUE(host().start());
  EXPECT_TRUE(waitFor([&] { return !host().running(); }, 10s)) << host().output();
  const auto code = host().terminate(1s);
  EXPECT_TRUE(code.has_value() && *code != 0) << host().output();
  EXPECT_THAT(host().output(), HasSubstr(bad_key));
}

TEST_F(HttpHardening, AMissingCertificateFileIsNamedByCheck) {
  WorldOptions options;
  const Cert cert = makeSelfSignedCert(dir());
  const std::string missing = (dir() / "missing-cert.pem").string();
  options.public_scheme = "https";
  options.server_yaml = tlsYaml(Cert{missing, cert.key_file});
  startSandboxes(options);
  const auto check = atsync({"check"});
  EXPECT_NE(check.exit_code, 0) << check.out << check.err;
  EXPECT_THAT(check.err, HasSubstr(missing));
}

TEST_F(HttpHardening, TlsWithAnHttpPublicUrlIsRefused) {
  WorldOptions options;
  const Cert cert = makeSelfSignedCert(dir());
  options.server_yaml = tlsYaml(cert);  // public_url stays http://
  startSandboxes(options);
  const auto check = atsync({"check"});
  EXPECT_NE(check.exit_code, 0) << check.out << check.err;
  EXPECT_THAT(check.err, HasSubstr("server.public_url"));
  EXPECT_THAT(check.err, HasSubstr("https"));
}

// ---- Item 5: attacker-chosen webhook paths and /metrics ----

TEST_F(HttpHardening, WebhooksToMadeUpPathsNeitherGrowNorBreakMetrics) {
  startWorld();
  if (HasFatalFailure()) return;
  const Answer before = plainGet(hostPort(), "/metrics");
  ASSERT_EQ(before.status, 200);
  ASSERT_TRUE(testing::parsePrometheusText(before.body).errors.empty());
  const std::size_t series_before = seriesOf(before.body, "atsync_events_received_total");

  std::mt19937 random(42);
  const std::vector<std::string> nasty = {"%FF", "%22", "%5C", "%0A", "\"", "\\", "%E2%82", "%C0%AF", "%00", "%7B"};
  Poco::Net::HTTPClientSession session("127.0.0.1", hostPort());
  session.setTimeout(Poco::Timespan(5, 0));
  session.setKeepAlive(true);
  int answered = 0;
  for (int i = 0; i < 1000; ++i) {
    auto part = [&] {
      std::string s = "x" + std::to_string(random() % 100000);
      for (int k = 0; k < 3; ++k) s += nasty[random() % nasty.size()] + std::to_string(random() % 10);
      return s;
    };
    // Every tenth goes to the real connection with a made-up plugin.
    const std::string path = "/hooks/" + (i % 10 == 0 ? std::string(kConnection) : part()) + "/" + part();
    try {
      Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_POST, path, Poco::Net::HTTPMessage::HTTP_1_1);
      request.setContentType("application/json");
      request.setContentLength(2);
      session.sendRequest(request) << "{}";
      Poco::Net::HTTPResponse response;
      std::string body;
      Poco::StreamCopier::copyToString(session.receiveResponse(response), body);
      answered += response.getStatus() >= 400 ? 1 : 0;
    } catch (const std::exception& e) {
      ADD_FAILURE() << path << ": " << e.what();
      session.reset();
    }
  }
  EXPECT_EQ(answered, 1000);

  const Answer after = plainGet(hostPort(), "/metrics");
  ASSERT_EQ(after.status, 200);
  const auto parsed = testing::parsePrometheusText(after.body);
  EXPECT_TRUE(parsed.errors.empty()) << ::testing::PrintToString(parsed.errors).substr(0, 2000);  // UTF-8 included
  // One series for everything refused on paths that name no configured connection and plugin, at most.
  EXPECT_LE(seriesOf(after.body, "atsync_events_received_total"), series_before + 1);
  EXPECT_LT(after.body.size(), before.body.size() + 512);
}

// ---- Item 6: slow clients ----

constexpr char kSlowRequestHead[] = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ";
// A TLS handshake record announcing 512 bytes: the server waits for the rest of the record.
constexpr char kSlowTlsHello[] = "\x16\x03\x01\x02\x00";

/// Sockets that send `head`, then one byte at a time, and never finish.
class Tricklers {
 public:
  Tricklers(std::uint16_t port, int count, const std::string& head = kSlowRequestHead) {
    for (int i = 0; i < count; ++i) {
      auto socket = connectLoopback(port);
      socket.sendBytes(head.data(), static_cast<int>(head.size()));
      sockets_.push_back({std::move(socket), false});
    }
    started_ = std::chrono::steady_clock::now();
    thread_ = std::thread([this] { loop(); });
  }
  ~Tricklers() {
    stop_ = true;
    thread_.join();
  }
  int closed() const { return closed_; }
  /// Since the sockets opened, when the last one was closed by the server (nullopt: not all are).
  std::optional<std::chrono::milliseconds> allClosedAfter() const {
    std::lock_guard lock(mutex_);
    return all_closed_after_;
  }

 private:
  struct Slow {
    Poco::Net::StreamSocket socket;
    bool closed = false;
  };

  void loop() {
    while (!stop_) {
      for (auto& s : sockets_) {
        if (s.closed) continue;
        try {
          if (s.socket.poll(Poco::Timespan(0), Poco::Net::Socket::SELECT_READ)) {
            char buffer[512];
            if (s.socket.receiveBytes(buffer, sizeof buffer) <= 0) s.closed = true;
          }
          if (!s.closed) s.socket.sendBytes("a", 1);
        } catch (const Poco::Exception&) {
          s.closed = true;
        }
        if (s.closed && ++closed_ == static_cast<int>(sockets_.size())) {
          std::lock_guard lock(mutex_);
          all_closed_after_ =
              std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started_);
        }
      }
      std::this_thread::sleep_for(200ms);
    }
  }

  std::vector<Slow> sockets_;
  std::chrono::steady_clock::time_point started_;
  std::atomic<bool> stop_{false};
  std::atomic<int> closed_{0};
  mutable std::mutex mutex_;
  std::optional<std::chrono::milliseconds> all_closed_after_;
  std::thread thread_;
};

TEST_F(HttpHardening, TricklingClientsDoNotStallHealthOrTheAdminApi) {
  startWorld();  // default limits
  if (HasFatalFailure()) return;
  Tricklers slow(hostPort(), 20);
  std::this_thread::sleep_for(300ms);  // every trickler holds whatever the server gives it

  const auto started = std::chrono::steady_clock::now();
  const Answer health = plainGet(hostPort(), "/healthz", {}, 3s);
  const Answer api = plainGet(hostPort(), "/api/v1/connections", kAdminToken, 3s);
  const auto took = std::chrono::steady_clock::now() - started;
  EXPECT_EQ(health.status, 200) << health.error;
  EXPECT_EQ(api.status, 200) << api.error;
  EXPECT_THAT(api.body, HasSubstr(kConnection));
  EXPECT_LT(took, 2s);
  EXPECT_EQ(slow.closed(), 0) << "the slow clients were still connected while the others were served";
}

TEST_F(HttpHardening, ATricklingClientIsCutOffAtTheRequestReadTimeout) {
  WorldOptions options;
  options.server_yaml = "  request_read_timeout_ms: 1500\n";
  startWorld(options);
  if (HasFatalFailure()) return;
  Tricklers slow(hostPort(), 16);
  ASSERT_TRUE(waitFor([&] { return slow.allClosedAfter().has_value(); }, 6s))
      << slow.closed() << " of 16 slow clients were closed by the server within 6 s";
  EXPECT_GE(*slow.allClosedAfter(), 1000ms);  // the deadline closed them, not something sooner
  EXPECT_LE(*slow.allClosedAfter(), 3500ms);
  EXPECT_EQ(plainGet(hostPort(), "/healthz").status, 200);
  const auto metrics = testing::parsePrometheusText(plainGet(hostPort(), "/metrics").body);
  const auto& timeouts = metrics.families.at("atsync_http_read_timeouts_total").samples;
  ASSERT_EQ(timeouts.size(), 1u);
  EXPECT_EQ(timeouts[0].value, 16);
}

TEST_F(HttpHardening, ASlowTlsHandshakeIsCutOffAndStallsNoOne) {
  WorldOptions options;
  const Cert cert = makeSelfSignedCert(dir());
  options.public_scheme = "https";
  options.server_yaml = tlsYaml(cert) + "  request_read_timeout_ms: 1500\n";
  startSandboxes(options);
  ASSERT_TRUE(host().start());
  const auto context = clientTrusting(cert.cert_file);
  ASSERT_TRUE(waitFor([&] { return httpsGet(hostPort(), context, "/healthz").status == 200; }, 20s)) << host().output();

  Tricklers slow(hostPort(), 16, std::string(kSlowTlsHello, sizeof kSlowTlsHello - 1));
  std::this_thread::sleep_for(200ms);
  const auto started = std::chrono::steady_clock::now();
  const Answer health = httpsGet(hostPort(), context, "/healthz");
  EXPECT_EQ(health.status, 200) << health.error;
  EXPECT_LT(std::chrono::steady_clock::now() - started, 2s);
  EXPECT_EQ(slow.closed(), 0);
  ASSERT_TRUE(waitFor([&] { return slow.allClosedAfter().has_value(); }, 6s))
      << slow.closed() << " of 16 slow handshakes were closed by the server within 6 s";
  EXPECT_GE(*slow.allClosedAfter(), 1000ms);
  EXPECT_LE(*slow.allClosedAfter(), 3500ms);
}

// ---- Item 10: an early 413 ----

TEST_F(HttpHardening, AnOversizedWebhookClosesTheConnectionInsteadOfReadingItsBodyAsARequest) {
  startWorld();
  if (HasFatalFailure()) return;
  auto socket = connectLoopback(hostPort());
  // The body claims 2 MiB (the limit is 1 MiB) and starts with what looks like a second request.
  const std::string smuggled = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
  const std::string request = "POST /hooks/" + std::string(kConnection) +
                              "/kula HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                              "Content-Length: 2097152\r\n\r\n" + smuggled;
  socket.sendBytes(request.data(), static_cast<int>(request.size()));
  bool closed = false;
  std::string raw = readUntilClosed(socket, 5s, &closed);
  const auto answers = parseResponses(raw);
  ASSERT_FALSE(answers.empty()) << raw;
  EXPECT_EQ(answers[0].status, 413) << answers[0].status_line;
  std::string connection = answers[0].headers.count("connection") ? answers[0].headers.at("connection") : "";
  std::transform(connection.begin(), connection.end(), connection.begin(), [](unsigned char c) { return std::tolower(c); });
  EXPECT_EQ(connection, "close");
  EXPECT_EQ(answers.size(), 1u) << "the body was read as request #2: " << answers.back().status_line;
  EXPECT_TRUE(closed) << "the server kept the connection open";
}

TEST_F(HttpHardening, AWebhookWithoutLengthIsAnsweredAtOnceAndTheConnectionClosed) {
  startWorld();
  if (HasFatalFailure()) return;
  // Neither Content-Length nor chunks: no body (RFC 9112), so nothing to wait for; bytes that follow anyway are not
  // read as a request.
  auto socket = connectLoopback(hostPort());
  const std::string request = "POST /hooks/" + std::string(kConnection) +
                              "/kula HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\nGET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
  const auto started = std::chrono::steady_clock::now();
  socket.sendBytes(request.data(), static_cast<int>(request.size()));
  bool closed = false;
  std::string raw = readUntilClosed(socket, 5s, &closed);
  const auto took = std::chrono::steady_clock::now() - started;
  const auto answers = parseResponses(raw);
  ASSERT_FALSE(answers.empty()) << "no answer within 5 s";
  EXPECT_EQ(answers[0].status, 401) << answers[0].status_line << " " << answers[0].body;  // no signature
  EXPECT_EQ(answers.size(), 1u) << answers.back().status_line;
  EXPECT_TRUE(closed);
  EXPECT_LT(took, 2s);
}

// ---- Item 9 (half): the 404 ----

TEST_F(HttpHardening, NotFoundDoesNotEchoThePath) {
  startWorld();
  if (HasFatalFailure()) return;
  const Answer secret = plainGet(hostPort(), std::string("/") + kAdminToken);
  EXPECT_EQ(secret.status, 404);
  EXPECT_THAT(secret.body, Not(HasSubstr(kAdminToken)));
  EXPECT_THAT(secret.body, Not(HasSubstr("[REDACTED]")));
  const Answer other = plainGet(hostPort(), "/no-such-page-4711");
  EXPECT_EQ(other.status, 404);
  EXPECT_THAT(other.body, Not(HasSubstr("4711")));
}

// ---- Reason phrases ----

TEST_F(HttpHardening, StatusLinesCarryTheirReasonPhrase) {
  startWorld();
  if (HasFatalFailure()) return;
  const auto not_found = exchange(hostPort(), "GET /nope HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  ASSERT_TRUE(not_found.has_value());
  EXPECT_EQ(not_found->status_line, "HTTP/1.1 404 Not Found");
  const auto unauthorized = exchange(hostPort(), "GET /api/v1/connections HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  ASSERT_TRUE(unauthorized.has_value());
  EXPECT_EQ(unauthorized->status_line, "HTTP/1.1 401 Unauthorized");
  const auto ok = exchange(hostPort(), "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  ASSERT_TRUE(ok.has_value());
  EXPECT_EQ(ok->status_line, "HTTP/1.1 200 OK");
}

}  // namespace
}  // namespace atsync::e2e
