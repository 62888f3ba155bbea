// SPDX-License-Identifier: Apache-2.0
#include "server/http_server.hpp"

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>

#include <boost/json.hpp>

#include <chrono>
#include <istream>
#include <vector>

namespace atsync::host::server {
namespace {

namespace json = boost::json;
using Poco::Net::HTTPResponse;
using Poco::Net::HTTPServerRequest;
using Poco::Net::HTTPServerResponse;

std::int64_t nowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void sendJson(HTTPServerResponse& response, int status, const json::value& body) {
  const std::string text = json::serialize(body);
  response.setStatus(static_cast<HTTPResponse::HTTPStatus>(status));
  response.setContentType("application/json");
  response.setContentLength(static_cast<std::streamsize>(text.size()));
  response.send() << text;
}

/// Reads at most `limit` + 1 bytes, so an oversized body is detected without buffering all of it.
std::string readBody(std::istream& in, std::size_t limit) {
  std::string body;
  std::vector<char> chunk(64 * 1024);
  while (in && body.size() <= limit) {
    in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
    body.append(chunk.data(), static_cast<std::size_t>(in.gcount()));
  }
  return body;
}

std::vector<std::string> pathSegments(const std::string& uri) {
  std::string path = uri.substr(0, uri.find('?'));
  std::vector<std::string> segments;
  std::size_t start = 1;
  while (start <= path.size()) {
    const auto slash = path.find('/', start);
    const auto end = slash == std::string::npos ? path.size() : slash;
    if (end > start) segments.push_back(path.substr(start, end - start));
    start = end + 1;
  }
  return segments;
}

class Handler final : public Poco::Net::HTTPRequestHandler {
 public:
  Handler(engine::Engine& engine, engine::Ingress& ingress, store::Store& store)
      : engine_(engine), ingress_(ingress), store_(store) {}

  void handleRequest(HTTPServerRequest& request, HTTPServerResponse& response) override {
    try {
      route(request, response);
    } catch (const std::exception& e) {
      // The webhook was not committed: a 5xx makes the sender retry, so nothing is lost.
      if (!response.sent()) sendJson(response, 503, {{"error", "internal"}, {"message", e.what()}});
    }
  }

 private:
  void route(HTTPServerRequest& request, HTTPServerResponse& response) {
    const auto segments = pathSegments(request.getURI());
    if (segments.size() == 1 && segments[0] == "healthz") {
      sendJson(response, 200, {{"status", "ok"}});
      return;
    }
    if (segments.size() == 1 && segments[0] == "readyz") {
      readiness(response);
      return;
    }
    if (segments.size() == 3 && segments[0] == "hooks") {
      if (request.getMethod() != "POST") {
        response.set("Allow", "POST");
        sendJson(response, 405, {{"error", "method_not_allowed"}, {"message", "webhooks are POSTed"}});
        return;
      }
      hook(segments[1], segments[2], request, response);
      return;
    }
    sendJson(response, 404, {{"error", "not_found"}, {"message", "no such path: " + request.getURI()}});
  }

  void hook(const std::string& connection, const std::string& plugin, HTTPServerRequest& request,
            HTTPServerResponse& response) {
    const auto limit = ingress_.maxBodyBytes();
    if (request.hasContentLength() && request.getContentLength64() > static_cast<Poco::Int64>(limit)) {
      sendJson(response, 413, {{"error", "too_large"},
                               {"message", "body over the limit of " + std::to_string(limit) + " bytes"}});
      return;
    }
    const std::string body = readBody(request.stream(), limit);
    std::vector<sdk::Header> headers;
    for (const auto& [name, value] : request) headers.emplace_back(name, value);
    const auto result = ingress_.accept(connection, plugin, headers, body, nowMs());
    sendJson(response, result.http_status,
             result.http_status < 300
                 ? json::value{{"accepted", result.accepted}, {"duplicates", result.duplicates}}
                 : json::value{{"error", result.http_status == 401 ? "bad_signature" : "refused"}, {"message", result.message}});
  }

  void readiness(HTTPServerResponse& response) {
    json::object detail;
    bool ready = true;
    try {
      store_.transact([&](store::Transaction& tx) { tx.counts(""); });
      detail["store"] = "ok";
    } catch (const std::exception& e) {
      ready = false;
      detail["store"] = std::string("unavailable: ") + e.what();
    }
    json::object connections;
    for (auto* c : engine_.connections()) {
      connections[c->id()] = c->ready() ? std::string("ready") : "connecting: " + c->lastConnectError();
      ready = ready && c->ready();
    }
    detail["connections"] = std::move(connections);
    detail["status"] = ready ? "ready" : "not_ready";
    sendJson(response, ready ? 200 : 503, detail);
  }

  engine::Engine& engine_;
  engine::Ingress& ingress_;
  store::Store& store_;
};

class Factory final : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  Factory(engine::Engine& engine, engine::Ingress& ingress, store::Store& store)
      : engine_(engine), ingress_(ingress), store_(store) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(const HTTPServerRequest&) override {
    return new Handler(engine_, ingress_, store_);
  }

 private:
  engine::Engine& engine_;
  engine::Ingress& ingress_;
  store::Store& store_;
};

}  // namespace

HttpServer::HttpServer(ServerOptions options, engine::Engine& engine, engine::Ingress& ingress, store::Store& store)
    : options_(std::move(options)), engine_(engine), ingress_(ingress), store_(store) {}

HttpServer::~HttpServer() { stop(); }

void HttpServer::start() {
  Poco::Net::ServerSocket socket(Poco::Net::SocketAddress(options_.host, options_.port), 64);
  auto* params = new Poco::Net::HTTPServerParams();
  params->setMaxThreads(options_.max_threads);
  params->setMaxQueued(256);
  params->setKeepAlive(true);
  // HTTPServer owns the factory and the params (Poco's contract).
  server_ = std::make_unique<Poco::Net::HTTPServer>(new Factory(engine_, ingress_, store_), socket, params);
  server_->start();
}

void HttpServer::stop() {
  if (server_) {
    server_->stopAll(false);
    server_.reset();
  }
}

std::uint16_t HttpServer::port() const { return server_ ? server_->port() : 0; }

}  // namespace atsync::host::server
