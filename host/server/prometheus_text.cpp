// SPDX-License-Identifier: Apache-2.0
#include "server/prometheus_text.hpp"

#include <charconv>
#include <cmath>

namespace atsync::host::server {

std::string PrometheusText::escapeLabelValue(std::string_view value) {
  std::string out;
  for (char c : value) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out.push_back(c);
  }
  return out;
}

std::string PrometheusText::escapeHelp(std::string_view help) {
  std::string out;
  for (char c : help) {
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
