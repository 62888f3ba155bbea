// SPDX-License-Identifier: Apache-2.0
#pragma once

// Serves the admin console (host/web, embedded in the binary) at "/" and its files by their paths. The router
// asks it last, so it never shadows the API, webhooks, OAuth or metrics.

#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>

namespace atsync::host::server {

/// Answers GET and HEAD of "/" (the console's index.html) and of every embedded file ("/console.css",
/// "/js/app.js"), with an ETag and a Content-Security-Policy that allows only the host's own files. Returns false,
/// without answering, for any other path.
bool serveWebAsset(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response);

}  // namespace atsync::host::server
