// SPDX-License-Identifier: Apache-2.0
#include "server/prometheus_text.hpp"

#include <charconv>
#include <cmath>

namespace atsync::host::server {
namespace {

// The text format is UTF-8, and one invalid byte makes a scraper refuse the whole page, every metric of it. Label
// values can come from plugins and, through vendor endpoints, from outside: each byte that does not start or
// continue a well-formed sequence (RFC 3629: no overlong forms, no surrogates, nothing past U+10FFFF) becomes U+FFFD.
std::string validUtf8(std::string_view in) {
  constexpr char kReplacement[] = "\xEF\xBF\xBD";
  std::string out;
  out.reserve(in.size());
  std::size_t i = 0;
  while (i < in.size()) {
    const auto c = static_cast<unsigned char>(in[i]);
    std::size_t length = 0;
    unsigned char low = 0x80, high = 0xBF;  // the allowed range of the second byte
    if (c < 0x80) length = 1;
    else if (c >= 0xC2 && c <= 0xDF) length = 2;
    else if (c >= 0xE0 && c <= 0xEF) {
      length = 3;
      if (c == 0xE0) low = 0xA0;
      if (c == 0xED) high = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      length = 4;
      if (c == 0xF0) low = 0x90;
      if (c == 0xF4) high = 0x8F;
    }
    bool ok = length > 0 && i + length <= in.size();
    for (std::size_t k = 1; ok && k < length; ++k) {
      const auto b = static_cast<unsigned char>(in[i + k]);
      ok = k == 1 ? (b >= low && b <= high) : (b >= 0x80 && b <= 0xBF);
    }
    if (ok) {
      out.append(in.substr(i, length));
      i += length;
    } else {
      out += kReplacement;
      ++i;
    }
  }
  return out;
}

}  // namespace

std::string PrometheusText::escapeLabelValue(std::string_view value) {
  std::string out;
  for (char c : validUtf8(value)) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out.push_back(c);
  }
  return out;
}

std::string PrometheusText::escapeHelp(std::string_view help) {
  std::string out;
  for (char c : validUtf8(help)) {
    if (c == '\\') out += "\\\\";
    else if (c == '\n') out += "\\n";
    else out.push_back(c);
  }
  return out;
}

std::string PrometheusText::formatDouble(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  char buffer[64];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  return std::string(buffer, end);
}

void PrometheusText::family(std::string_view name, std::string_view type, std::string_view help) {
  out_ += "# HELP ";
  out_ += name;
  out_ += ' ';
  out_ += escapeHelp(help);
  out_ += "\n# TYPE ";
  out_ += name;
  out_ += ' ';
  out_ += type;
  out_ += '\n';
}

void PrometheusText::labels(const Labels& labels) {
  if (labels.empty()) return;
  out_ += '{';
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (i > 0) out_ += ',';
    out_ += labels[i].first + "=\"" + escapeLabelValue(labels[i].second) + "\"";
  }
  out_ += '}';
}

void PrometheusText::sample(std::string_view name, const Labels& l, double value) {
  out_ += name;
  labels(l);
  out_ += ' ' + formatDouble(value) + '\n';
}

void PrometheusText::sample(std::string_view name, const Labels& l, std::uint64_t value) {
  out_ += name;
  labels(l);
  out_ += ' ' + std::to_string(value) + '\n';
}

}  // namespace atsync::host::server
