// SPDX-License-Identifier: Apache-2.0
// TLS verification: on by default, a private CA only when configured.
#include "test_server.hpp"

#include <atsync/host/http/client.hpp>

#include <gtest/gtest.h>

namespace atsync::host::http {
namespace {

using testing::reply;
using testing::TestServer;

std::unique_ptr<TestServer> httpsServer() {
  const auto& cert = testing::selfSignedCert();
  return std::make_unique<TestServer>(
      [](Poco::Net::HTTPServerRequest&, Poco::Net::HTTPServerResponse& resp) { reply(resp, 200, R"({"tls":true})"); },
      TestServer::Tls{cert.cert_file, cert.key_file});
}

TEST(HttpService, RefusesASelfSignedCertificateByDefault) {
  auto server = httpsServer();
  auto client = std::move(HttpClient::create()).value();
  sdk::HttpRequest req;
  req.method = "POST";
  req.url = server->url("/v1/postings");
  req.json = boost::json::object{};
  auto res = client->execute(req);
  ASSERT_FALSE(res.has_value());
  EXPECT_EQ(res.error().code, sdk::errc::kTransport);
  EXPECT_FALSE(res.error().retryable);        // asking again will not make the certificate trustworthy
  EXPECT_FALSE(res.error().outcome_unknown);  // the request never left the host
  EXPECT_NE(res.error().message.find("certificate"), std::string::npos) << res.error().message;
}

TEST(HttpService, AcceptsASelfSignedCertificateGivenAsTheCaFile) {
  auto server = httpsServer();
  ClientOptions options;
  options.tls.ca_file = testing::selfSignedCert().cert_file;
  auto client = HttpClient::create(options);
  ASSERT_TRUE(client.has_value()) << client.error().message;
  sdk::HttpRequest req;
  req.url = server->url("/v1/postings");
  for (int i = 0; i < 3; ++i) {
    auto res = (*client)->execute(req);
    ASSERT_TRUE(res.has_value()) << res.error().message;
    EXPECT_EQ(res->status, 200);
    EXPECT_EQ(res->body, R"({"tls":true})");
  }
  EXPECT_EQ(server->connectionsAccepted(), 1);  // TLS sessions are pooled too
}

TEST(HttpService, RefusesAMissingCaFileAtStartup) {
  ClientOptions options;
  options.tls.ca_file = "/nonexistent/ca.pem";
  auto client = HttpClient::create(options);
  ASSERT_FALSE(client.has_value());
  EXPECT_EQ(client.error().code, sdk::errc::kInvalidConfig);
  EXPECT_NE(client.error().message.find("/nonexistent/ca.pem"), std::string::npos);
}

}  // namespace
}  // namespace atsync::host::http
