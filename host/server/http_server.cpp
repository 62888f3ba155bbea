// SPDX-License-Identifier: Apache-2.0
#include "server/http_server.hpp"

#include "server/admin_api.hpp"
#include "server/connection_view.hpp"
#include "server/connection_watchdog.hpp"
#include "server/guarded_connection.hpp"
#include "server/http_io.hpp"
#include "server/metrics_exporter.hpp"
#include "server/oauth_flow.hpp"
#include "server/tls_context.hpp"
#include "server/web_assets_route.hpp"

#include <Poco/Exception.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/NameValueCollection.h>
#include <Poco/Net/SecureServerSocket.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/TCPServer.h>
#include <Poco/ThreadPool.h>

#include <boost/json.hpp>

#include <algorithm>
#include <stdexcept>

namespace atsync::host::server {
namespace {

namespace json = boost::json;
using Poco::Net::HTTPServerRequest;
using Poco::Net::HTTPServerResponse;

// The label refused webhooks to a path that names no configured connection and plugin count under: the path is the
// sender's choice, and each new label value would be a new series, in memory and in every scrape, for good.
constexpr char kUnknownLabel[] = "unknown";

// Whether body bytes may follow the request's head: a length or chunks say so, and without either any method but
// GET, HEAD and DELETE may be followed by bytes until the client closes (Poco reads them so).
bool hasBody(const HTTPServerRequest& request) {
  if (request.getChunkedTransferEncoding()) return true;
  if (request.hasContentLength()) return request.getContentLength64() > 0;
  const std::string& m = request.getMethod();
  return m != "GET" && m != "HEAD" && m != "DELETE";
}

class Handler final : public Poco::Net::HTTPRequestHandler {
 public:
  Handler(ServerContext& context, OAuthFlow& oauth, ConnectionWatchdog& watchdog)
      : context_(context), oauth_(oauth), watchdog_(watchdog) {}

  void handleRequest(HTTPServerRequest& request, HTTPServerResponse& response) override {
    const std::string path = request.getURI().substr(0, request.getURI().find('?'));
    const auto segments = pathSegments(request.getURI());
    const bool body_route = (segments.size() == 3 && segments[0] == "hooks" && request.getMethod() == "POST") ||
                            (segments.size() >= 2 && segments[0] == "api" && segments[1] == "v1");
    if (!body_route) {
      // Nothing here reads a body; one left on the wire would be read as the next request of this connection.
      requestRead(request);
      if (hasBody(request)) response.setKeepAlive(false);
    }
    try {
      route(request, response);
    } catch (const Poco::Exception& e) {
      // Poco's what() is only the exception's kind ("PostgreSQL"); displayText() says what went wrong.
      context_.logger->error(request.getMethod() + " " + path + " failed: " + e.displayText());
      if (!response.sent()) sendJson(response, 503, errorBody("internal", e.displayText()), redactor());
    } catch (const std::exception& e) {
      // For a webhook nothing was committed: the 5xx makes the sender retry, so nothing is lost.
      context_.logger->error(request.getMethod() + " " + path + " failed: " + e.what());
      if (!response.sent()) sendJson(response, 503, errorBody("internal", e.what()), redactor());
    }
    if (auto* impl = dynamic_cast<Poco::Net::HTTPServerRequestImpl*>(&request)) watchdog_.answerSent(impl->socket());
    if (context_.logger->enabled(logging::Level::kDebug)) {
      context_.logger->log(logging::Level::kDebug, "http " + request.getMethod() + " " + path, {}, {},
                           json::object{{"status", static_cast<int>(response.getStatus())}});
    }
  }

 private:
  const logging::Redactor* redactor() const { return &context_.logger->redactor(); }

  // The request is read: from here on the host works and the client waits, which the watchdog does not limit.
  void requestRead(HTTPServerRequest& request) {
    if (auto* impl = dynamic_cast<Poco::Net::HTTPServerRequestImpl*>(&request)) watchdog_.requestRead(impl->socket());
  }

  // Up to `limit` + 1 bytes. A request with neither a length nor chunks has no body (RFC 9112), though Poco would
  // read one until the client closes: a bodiless POST would wait for the read timeout. Whatever such a client
  // sends anyway is left unread, and so is the rest of a body over the limit: the connection closes after the answer.
  std::string readRequestBody(HTTPServerRequest& request, HTTPServerResponse& response, std::size_t limit) {
    std::string body;
    if (request.hasContentLength() || request.getChunkedTransferEncoding()) {
      body = readBody(request.stream(), limit);
      if (body.size() > limit) response.setKeepAlive(false);
    } else if (hasBody(request)) {
      response.setKeepAlive(false);
    }
    requestRead(request);
    return body;
  }

  void route(HTTPServerRequest& request, HTTPServerResponse& response) {
    const auto segments = pathSegments(request.getURI());
    const std::string& method = request.getMethod();
    const std::string first = segments.empty() ? std::string() : segments[0];
    if (segments.size() == 1 && (first == "healthz" || first == "readyz" || first == "metrics")) {
      if (method != "GET" && method != "HEAD") return notAllowed(response, "GET");
      if (first == "healthz") return sendJson(response, 200, {{"status", "ok"}}, redactor());
      if (first == "readyz") return readiness(response);
      return sendText(response, 200, "text/plain; version=0.0.4; charset=utf-8", renderMetrics(context_), redactor());
    }
    if (segments.size() == 3 && first == "hooks") {
      if (method != "POST") {
        response.set("Allow", "POST");
        return sendJson(response, 405, {{"error", "method_not_allowed"}, {"message", "webhooks are POSTed"}}, redactor());
      }
      return hook(segments[1], segments[2], request, response);
    }
    if (first == "oauth" && (segments.size() == 2 || segments.size() == 3)) {
      const bool callback = segments.size() == 2 && segments[1] == "callback";
      const bool start = segments.size() == 3 && segments[2] == "start";
      if (callback || start) {
        if (method != "GET") return notAllowed(response, "GET");
        const auto query = queryParameters(request.getURI());
        return sendPage(response, callback ? oauth_.callback(query, cookies(request)) : oauth_.start(segments[1], query));
      }
    }
    if (segments.size() >= 2 && first == "api" && segments[1] == "v1") return api(segments, request, response);
    if (serveWebAsset(request, response)) return;  // the console (host/web): last, so it never shadows a route
    // The path is not echoed: whether it came back redacted would tell the caller whether it holds a secret.
    sendJson(response, 404, errorBody("not_found", "no such path"), redactor());
  }

  static std::map<std::string, std::string> cookies(const HTTPServerRequest& request) {
    Poco::Net::NameValueCollection jar;
    request.getCookies(jar);
    std::map<std::string, std::string> out;
    for (const auto& [name, value] : jar) out.emplace(name, value);
    return out;
  }

  void notAllowed(HTTPServerResponse& response, const std::string& allow) {
    response.set("Allow", allow);
    sendJson(response, 405, errorBody("method_not_allowed", "allowed: " + allow), redactor());
  }

  void sendPage(HTTPServerResponse& response, const PageResponse& page) {
    for (const auto& [name, value] : page.headers) response.add(name, value);
    sendText(response, page.status, page.content_type, page.body, redactor());
  }

  void api(const std::vector<std::string>& segments, HTTPServerRequest& request, HTTPServerResponse& response) {
    if (!adminAuthorized(request.get("Authorization", ""), context_.config->server.admin_token)) {
      requestRead(request);
      if (hasBody(request)) response.setKeepAlive(false);  // not read: it would be taken for the next request
      response.set("WWW-Authenticate", "Bearer realm=\"atsync\"");
      return sendJson(response, 401,
                      errorBody("unauthorized", "the admin API needs 'Authorization: Bearer <server.admin_token>'"),
                      redactor());
    }
    const auto limit = context_.max_api_body_bytes;
    if (request.hasContentLength() && request.getContentLength64() > static_cast<Poco::Int64>(limit)) {
      // A body up to a few times the limit is read and dropped first, so the client, still sending, gets the 413
      // instead of a reset connection; anything larger is cut off.
      if (request.getContentLength64() <= static_cast<Poco::Int64>(4 * limit)) {
        readBody(request.stream(), 4 * limit);
      } else {
        response.setKeepAlive(false);
      }
      requestRead(request);
      return sendJson(response, 413, errorBody("too_large", "body over the limit of " + std::to_string(limit) + " bytes"),
                      redactor());
    }
    ApiRequest api_request;
    api_request.method = request.getMethod();
    api_request.path.assign(segments.begin() + 2, segments.end());
    api_request.query = queryParameters(request.getURI());
    api_request.body = readRequestBody(request, response, limit);
    if (api_request.body.size() > limit) {
      return sendJson(response, 413, errorBody("too_large", "body over the limit of " + std::to_string(limit) + " bytes"),
                      redactor());
    }
    const ApiResponse answer = handleAdminApi(api_request, context_);
    for (const auto& [name, value] : answer.headers) response.set(name, value);
    sendJson(response, answer.status, answer.body, redactor());
  }

  void hook(const std::string& connection, const std::string& plugin, HTTPServerRequest& request,
            HTTPServerResponse& response) {
    const bool configured = std::any_of(context_.config->connections.begin(), context_.config->connections.end(),
                                        [&](const config::ConnectionConfig& c) {
                                          return c.id == connection && (c.platform.plugin == plugin || c.ats.plugin == plugin);
                                        });
    const std::string& counted_connection = configured ? connection : std::string(kUnknownLabel);
    const std::string& counted_plugin = configured ? plugin : std::string(kUnknownLabel);
    const auto limit = context_.ingress->maxBodyBytes();
    if (request.hasContentLength() && request.getContentLength64() > static_cast<Poco::Int64>(limit)) {
      requestRead(request);
      // The body is not read: kept alive, the connection would read it as the next request.
      response.setKeepAlive(false);
      context_.counters->events().add({counted_connection, counted_plugin, "refused"}, 1);
      return sendJson(response, 413,
                      {{"error", "too_large"}, {"message", "body over the limit of " + std::to_string(limit) + " bytes"}},
                      redactor());
    }
    const std::string body = readRequestBody(request, response, limit);
    std::vector<sdk::Header> headers;
    for (const auto& [name, value] : request) headers.emplace_back(name, value);
    const auto result = context_.ingress->accept(connection, plugin, headers, body, nowMs());
    if (result.http_status < 300) {
      auto& events = context_.counters->events();
      events.add({counted_connection, counted_plugin, "accepted"}, static_cast<std::uint64_t>(result.accepted));
      events.add({counted_connection, counted_plugin, "duplicate"}, static_cast<std::uint64_t>(result.duplicates));
    } else {
      context_.counters->events().add({counted_connection, counted_plugin, "refused"}, 1);
      context_.logger->log(logging::Level::kWarn, "webhook refused: " + result.message, connection, plugin,
                           json::object{{"status", result.http_status}});
    }
    sendJson(response, result.http_status,
             result.http_status < 300
                 ? json::value{{"accepted", result.accepted}, {"duplicates", result.duplicates}}
                 : json::value{{"error", result.http_status == 401 ? "bad_signature" : "refused"},
                               {"message", result.message}},
             redactor());
  }

  void readiness(HTTPServerResponse& response) {
    json::object detail;
    bool ready = true;
    try {
      context_.store->transact([&](store::Transaction& tx) { tx.probe(); });
      detail["store"] = "ok";
    } catch (const std::exception& e) {
      ready = false;
      detail["store"] = std::string("unavailable: ") + e.what();
    }
    json::object connections;
    for (const auto& c : context_.config->connections) {
      auto* engine = context_.lanes->find(c.id);
      if (engine == nullptr) continue;  // disabled in the config: not part of readiness
      const ConnectionView view = viewOf(c, engine);
      connections[c.id] = view.summary();
      ready = ready && view.ready;
    }
    detail["connections"] = std::move(connections);
    detail["status"] = ready ? "ready" : "not_ready";
    sendJson(response, ready ? 200 : 503, detail, redactor());
  }

  ServerContext& context_;
  OAuthFlow& oauth_;
  ConnectionWatchdog& watchdog_;
};

}  // namespace

class RequestHandlerFactory final : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  RequestHandlerFactory(ServerContext& context, OAuthFlow& oauth, ConnectionWatchdog& watchdog)
      : context_(context), oauth_(oauth), watchdog_(watchdog) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(const HTTPServerRequest&) override {
    return new Handler(context_, oauth_, watchdog_);
  }
  /// What Poco's HTTPServer::stopAll does: every connection ends after the request it is handling (`abort`: now).
  void stopConnections(bool abort) { serverStopped(this, abort); }

 private:
  ServerContext& context_;
  OAuthFlow& oauth_;
  ConnectionWatchdog& watchdog_;
};

HttpServer::HttpServer(ServerOptions options, ServerContext context)
    : options_(std::move(options)), context_(context) {
  oauth_ = std::make_unique<OAuthFlow>(context_, options_.oauth_state_lifetime_ms);
  context_.oauth = oauth_.get();  // the admin API mints the start tickets
}

HttpServer::~HttpServer() { stop(); }

void HttpServer::start() {
  const Poco::Net::SocketAddress address(options_.host, options_.port);
  Poco::Net::ServerSocket socket;
  if (options_.tls) {
    auto tls = makeServerTlsContext(*options_.tls);
    if (!tls) throw std::runtime_error(tls.error());
    socket = Poco::Net::SecureServerSocket(address, 64, *tls);
  } else {
    socket = Poco::Net::ServerSocket(address, 64);
  }
  const std::int64_t read_timeout_ms = options_.request_read_timeout_ms;
  const std::int64_t idle_ms = std::min(options_.keep_alive_idle_ms, read_timeout_ms / 2);
  Poco::Net::HTTPServerParams::Ptr params = new Poco::Net::HTTPServerParams();
  params->setMaxThreads(options_.max_threads);
  params->setMaxQueued(256);
  params->setKeepAlive(true);
  params->setKeepAliveTimeout(Poco::Timespan(idle_ms * 1000));
  // Poco's own limit is per read; no single read may wait longer than a whole request may take.
  params->setTimeout(Poco::Timespan(read_timeout_ms * 1000));
  watchdog_ = std::make_unique<ConnectionWatchdog>(read_timeout_ms, idle_ms,
                                                   [counters = context_.counters] { counters->addReadTimeout(); });
  watchdog_->start();
  // Poco's default pool has 16 threads, fewer than max_threads: connections would be refused, not queued.
  threads_ = std::make_unique<Poco::ThreadPool>("atsync-http", 2, options_.max_threads);
  handlers_ = new RequestHandlerFactory(context_, *oauth_, *watchdog_);
  // The connection factory owns the handler factory (a Poco SharedPtr), and the server the connection factory.
  server_ = std::make_unique<Poco::Net::TCPServer>(
      new GuardedConnectionFactory(params, Poco::Net::HTTPRequestHandlerFactory::Ptr(handlers_), *watchdog_),
      *threads_, socket, params);
  server_->start();
}

void HttpServer::stop() {
  if (!server_) return;
  server_->stop();                    // accepts nothing more
  watchdog_->shutdownWaiting();       // connections between requests or still sending one end now
  handlers_->stopConnections(false);  // the others end after the request they are handling
  watchdog_->shutdownAll();           // and do not wait for another one
  threads_->joinAll();
  server_.reset();
  handlers_ = nullptr;
  watchdog_->stop();
}

std::uint16_t HttpServer::port() const { return server_ ? server_->port() : 0; }

}  // namespace atsync::host::server
