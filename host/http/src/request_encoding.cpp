// SPDX-License-Identifier: Apache-2.0
#include <atsync/host/http/request_encoding.hpp>

#include <atsync/host/common/percent_encoding.hpp>

#include <algorithm>
#include <charconv>
#include <random>

namespace atsync::host::http {

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// Quoted-string parameter in Content-Disposition. Browsers (and Poco's HTMLForm) escape '"' as %22 and drop
// line breaks; we do the same so a file name cannot break out of the header.
std::string quoteParam(std::string_view value) {
  std::string out;
  out.reserve(value.size() + 2);
  out.push_back('"');
  for (char c : value) {
    if (c == '"') {
      out += "%22";
    } else if (c == '\r' || c == '\n') {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  out.push_back('"');
  return out;
}

// A raw (already %-encoded) query value is sent as given, except the bytes that would break the request line
// (space and controls), which a correctly encoded value never holds: those are %-escaped.
std::string escapeRequestLineBreakers(std::string_view value) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(value.size());
  for (unsigned char c : value) {
    if (c <= 0x20 || c == 0x7f) {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0x0F]);
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  return out;
}

}  // namespace

Expected<ParsedUrl, sdk::Error> parseUrl(std::string_view url) {
  // The target goes onto the request line and the host into the Host header as they are: a space or a control
  // byte there would let a plugin's URL add headers or a second request.
  if (std::any_of(url.begin(), url.end(), [](char c) { return static_cast<unsigned char>(c) <= 0x20 || c == 0x7f; })) {
    return unexpected(makeError(sdk::errc::kInvalidInput, "request URL contains a space or a control character"));
  }
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) {
    return unexpected(makeError(sdk::errc::kInvalidInput,
        "request URL is not absolute (expected http:// or https://)"));
  }
  ParsedUrl out;
  out.scheme = lower(url.substr(0, scheme_end));
  if (out.scheme != "http" && out.scheme != "https") {
    return unexpected(makeError(sdk::errc::kInvalidInput, "request URL scheme '" + out.scheme
        + "' is not http or https"));
  }
  std::string_view rest = url.substr(scheme_end + 3);
  const auto authority_end = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, authority_end);
  std::string_view target = authority_end == std::string_view::npos ? std::string_view{} : rest.substr(authority_end);
  if (const auto at = authority.rfind('@'); at != std::string_view::npos) {
    // userinfo in a URL would be a credential the plugin is not supposed to have; refuse rather than send it.
    return unexpected(makeError(sdk::errc::kInvalidInput, "request URL must not contain user information"));
  }
  std::string_view host = authority;
  std::string_view port_text;
  if (!authority.empty() && authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return unexpected(makeError(sdk::errc::kInvalidInput,
        "request URL has a malformed IPv6 host"));
    host = authority.substr(1, close - 1);
    if (close + 1 < authority.size()) {
      if (authority[close + 1] != ':') return unexpected(makeError(sdk::errc::kInvalidInput,
          "request URL has a malformed host"));
      port_text = authority.substr(close + 2);
    }
  } else if (const auto colon = authority.rfind(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port_text = authority.substr(colon + 1);
  }
  if (host.empty()) return unexpected(makeError(sdk::errc::kInvalidInput, "request URL has no host"));
  out.host = lower(host);
  if (port_text.empty()) {
    out.port = out.scheme == "https" ? 443 : 80;
  } else {
    unsigned value = 0;
    const auto [ptr, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), value);
    if (ec != std::errc() || ptr != port_text.data() + port_text.size() || value == 0 || value > 65535) {
      return unexpected(makeError(sdk::errc::kInvalidInput, "request URL has an invalid port '"
          + std::string(port_text) + "'"));
    }
    out.port = static_cast<std::uint16_t>(value);
  }
  // A fragment is never sent to the server.
  if (const auto hash = target.find('#'); hash != std::string_view::npos) target = target.substr(0, hash);
  out.target = target.empty() ? "/" : std::string(target);
  if (out.target.front() == '?') out.target.insert(out.target.begin(), '/');
  return out;
}

std::string percentEncode(std::string_view text) { return host::percentEncode(text); }

std::string buildQueryString(const std::vector<sdk::QueryParam>& query, const std::vector<std::string>& raw_query_keys) {
  std::string out;
  for (const auto& [key, value] : query) {
    if (!out.empty()) out.push_back('&');
    out += percentEncode(key);
    out.push_back('=');
    const bool raw = std::find(raw_query_keys.begin(), raw_query_keys.end(), key) != raw_query_keys.end();
    out += raw ? escapeRequestLineBreakers(value) : percentEncode(value);
  }
  return out;
}

std::string appendQuery(const std::string& target, const std::string& query_string) {
  if (query_string.empty()) return target;
  const bool has_query = target.find('?') != std::string::npos;
  if (has_query && target.back() == '?') return target + query_string;
  return target + (has_query ? "&" : "?") + query_string;
}

Expected<MultipartBody, sdk::Error> buildMultipart(const std::vector<sdk::MultipartPart>& parts,
    std::span<const std::uint8_t> raw_body,
                                     const std::string& boundary) {
  std::size_t from_body_parts = 0;
  std::size_t size_estimate = raw_body.size();
  for (const auto& p : parts) {
    if (p.from_body) ++from_body_parts;
    size_estimate += p.value.size() + p.name.size() + 160;
    if (!isSafeHeaderValue(p.name) || (p.content_type && !isSafeHeaderValue(*p.content_type))) {
      return unexpected(makeError(sdk::errc::kInvalidInput,
          "multipart part has a name or content type with a line break"));
    }
  }
  if (from_body_parts > 1) {
    return unexpected(makeError(sdk::errc::kInvalidInput, "more than one multipart part is marked from_body"));
  }
  MultipartBody body;
  body.content_type = "multipart/form-data; boundary=" + boundary;
  body.bytes.reserve(size_estimate);
  for (const auto& p : parts) {
    body.bytes += "--" + boundary + "\r\n";
    body.bytes += "Content-Disposition: form-data; name=" + quoteParam(p.name);
    if (p.file_name) body.bytes += "; filename=" + quoteParam(*p.file_name);
    body.bytes += "\r\n";
    if (p.content_type) {
      body.bytes += "Content-Type: " + *p.content_type + "\r\n";
    } else if (p.file_name || p.from_body) {
      body.bytes += "Content-Type: application/octet-stream\r\n";
    }
    body.bytes += "\r\n";
    if (p.from_body) {
      body.bytes.append(reinterpret_cast<const char*>(raw_body.data()), raw_body.size());
    } else {
      body.bytes += p.value;
    }
    body.bytes += "\r\n";
  }
  body.bytes += "--" + boundary + "--\r\n";
  return body;
}

std::string randomBoundary() {
  static constexpr char kAlphabet[] = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
  thread_local std::mt19937_64 rng{std::random_device{}()};
  std::uniform_int_distribution<std::size_t> pick(0, sizeof(kAlphabet) - 2);
  std::string out = "atsync-";
  for (int i = 0; i < 32; ++i) out.push_back(kAlphabet[pick(rng)]);
  return out;
}

bool isSafeHeaderValue(std::string_view value) {
  return value.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}

}  // namespace atsync::host::http
