// SPDX-License-Identifier: Apache-2.0
#include "server/admin_api.hpp"

#include <openssl/crypto.h>
#include <openssl/sha.h>

namespace atsync::host::server {

bool adminAuthorized(std::string_view authorization_header, std::string_view admin_token) {
  constexpr std::string_view kScheme = "Bearer ";
  if (admin_token.empty() || authorization_header.size() < kScheme.size()) return false;
  // The scheme is not secret; compare it case-insensitively as RFC 7235 says.
  for (std::size_t i = 0; i < kScheme.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(authorization_header[i])) !=
        std::tolower(static_cast<unsigned char>(kScheme[i]))) {
      return false;
    }
  }
  const std::string_view presented = authorization_header.substr(kScheme.size());
  // Hashing both sides first makes the comparison length-independent: neither a length mismatch nor the
  // position of the first differing byte changes how long it takes.
  unsigned char a[SHA256_DIGEST_LENGTH];
  unsigned char b[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(presented.data()), presented.size(), a);
  SHA256(reinterpret_cast<const unsigned char*>(admin_token.data()), admin_token.size(), b);
  return CRYPTO_memcmp(a, b, SHA256_DIGEST_LENGTH) == 0;
}

ApiResponse handleAdminApi(const ApiRequest& request, ServerContext& context) {
  const auto& p = request.path;
  const std::string& m = request.method;
  if (p.empty()) return notFound("no such resource: /api/v1/");
  if (p[0] == "connections") {
    if (p.size() == 1) return m == "GET" ? listConnections(request, context) : methodNotAllowed("GET");
    const std::string& id = p[1];
    if (findConnection(context, id) == nullptr) return notFound("no connection '" + id + "'");
    if (p.size() == 2) return m == "GET" ? getConnection(request, context, id) : methodNotAllowed("GET");
    if (p.size() == 3) {
      if (p[2] == "postings") return m == "GET" ? listPostings(request, context, id) : methodNotAllowed("GET");
      if (p[2] == "links") return m == "GET" ? listLinks(request, context, id) : methodNotAllowed("GET");
      if (p[2] == "replay") return m == "POST" ? replay(request, context, id) : methodNotAllowed("POST");
      if (p[2] == "authorize") return m == "POST" ? startAuthorization(request, context, id) : methodNotAllowed("POST");
      if (p[2] == "stage-mappings") {
        if (m == "GET") return getStageMappings(request, context, id);
        if (m == "PUT") return putStageMappings(request, context, id);
        if (m == "PATCH") return patchStageMappings(request, context, id);
        if (m == "DELETE") return deleteStageMappings(request, context, id);
        return methodNotAllowed("GET, PUT, PATCH, DELETE");
      }
    }
  } else if (p[0] == "activity" && p.size() == 1) {
    return m == "GET" ? listActivity(request, context) : methodNotAllowed("GET");
  } else if (p[0] == "dead-letters") {
    if (p.size() == 1) return m == "GET" ? listDeadLetters(request, context) : methodNotAllowed("GET");
    if (p.size() == 2 && p[1] == "retry-all") {
      return m == "POST" ? retryAllDeadLetters(request, context) : methodNotAllowed("POST");
    }
    if (p.size() == 3 && p[2] == "retry") {
      return m == "POST" ? retryDeadLetter(request, context, p[1]) : methodNotAllowed("POST");
    }
  }
  std::string path = "/api/v1";
  for (const auto& s : p) path += "/" + s;
  return notFound("no such resource: " + path);
}

}  // namespace atsync::host::server
