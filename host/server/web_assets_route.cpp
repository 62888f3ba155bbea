// SPDX-License-Identifier: Apache-2.0
#include "server/web_assets_route.hpp"

#include "web/web_assets.hpp"

#include <string>

namespace atsync::host::server {

bool serveWebAsset(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) {
  const std::string& uri = request.getURI();
  const std::string path = uri.substr(0, uri.find_first_of("?#"));
  const auto asset = web::findAsset(path == "/" ? std::string_view("/index.html") : std::string_view(path));
  if (!asset) return false;

  const std::string& method = request.getMethod();
  if (method != "GET" && method != "HEAD") {
    response.set("Allow", "GET, HEAD");
    response.setStatusAndReason(Poco::Net::HTTPResponse::HTTP_METHOD_NOT_ALLOWED);
    response.setContentLength(0);
    response.send();
    return true;
  }
  // The console runs only its own files and talks only to this host: an injected script (were one ever to get
  // in) could load nothing and send the admin token nowhere else. No framing: the console cannot be clickjacked.
  response.set("Content-Security-Policy",
               "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
               "form-action 'self'; base-uri 'none'; frame-ancestors 'none'");
  response.set("X-Content-Type-Options", "nosniff");
  response.set("Referrer-Policy", "no-referrer");
  // Revalidate every time: after an upgrade the browser must not mix an old app.js with a new API.
  response.set("Cache-Control", "no-cache");
  response.set("ETag", std::string(asset->etag));
  if (request.get("If-None-Match", "") == asset->etag) {
    response.setStatusAndReason(Poco::Net::HTTPResponse::HTTP_NOT_MODIFIED);
    response.setContentLength(0);
    response.send();
    return true;
  }
  response.setStatusAndReason(Poco::Net::HTTPResponse::HTTP_OK);
  response.setContentType(std::string(asset->content_type));
  response.setContentLength(static_cast<std::streamsize>(asset->body.size()));
  auto& out = response.send();
  if (method == "GET") out.write(asset->body.data(), static_cast<std::streamsize>(asset->body.size()));
  return true;
}

}  // namespace atsync::host::server
