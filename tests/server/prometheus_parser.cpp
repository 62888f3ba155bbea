// SPDX-License-Identifier: Apache-2.0
#include "prometheus_parser.hpp"

#include <cctype>
#include <cmath>
#include <sstream>

namespace atsync::testing {
namespace {

bool isNameStart(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || c == ':'; }
bool isNameChar(char c) { return isNameStart(c) || std::isdigit(static_cast<unsigned char>(c)); }

std::string readName(const std::string& s, std::size_t& i) {
  std::string out;
  if (i < s.size() && isNameStart(s[i])) {
    while (i < s.size() && isNameChar(s[i])) out.push_back(s[i++]);
  }
  return out;
}

std::optional<double> readValue(const std::string& text) {
  if (text == "+Inf") return INFINITY;
  if (text == "-Inf") return -INFINITY;
  if (text == "NaN") return NAN;
  try {
    std::size_t used = 0;
    const double v = std::stod(text, &used);
    if (used != text.size()) return std::nullopt;
    return v;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

/// The family a sample belongs to: histogram samples carry _bucket/_sum/_count suffixes.
std::string familyOf(const std::string& name, const std::map<std::string, PromFamily>& families) {
  if (families.count(name)) return name;
  for (const char* suffix : {"_bucket", "_sum", "_count"}) {
    const std::string s(suffix);
    if (name.size() > s.size() && name.compare(name.size() - s.size(), s.size(), s) == 0) {
      const std::string base = name.substr(0, name.size() - s.size());
      auto it = families.find(base);
      if (it != families.end() && it->second.type == "histogram") return base;
    }
  }
  return {};
}

bool isValidUtf8(const std::string& s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t extra = 0;
    if (c < 0x80) extra = 0;
    else if (c >= 0xC2 && c <= 0xDF) extra = 1;
    else if ((c & 0xF0) == 0xE0) extra = 2;
    else if (c >= 0xF0 && c <= 0xF4) extra = 3;
    else return false;
    for (std::size_t k = 1; k <= extra; ++k) {
      if (i + k >= s.size() || (static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    }
    i += extra + 1;
  }
  return true;
}

}  // namespace

PromParse parsePrometheusText(const std::string& text) {
  PromParse out;
  std::istringstream in(text);
  std::string line;
  int number = 0;
  auto error = [&](const std::string& why) { out.errors.push_back("line " + std::to_string(number) + ": " + why + ": " + line); };
  if (!text.empty() && text.back() != '\n') out.errors.push_back("the text does not end with a newline");
  while (std::getline(in, line)) {
    ++number;
    if (line.empty()) continue;
    if (!isValidUtf8(line)) error("not valid UTF-8 (a scraper refuses the whole page)");
    if (line.rfind("# HELP ", 0) == 0 || line.rfind("# TYPE ", 0) == 0) {
      const bool help = line[2] == 'H';
      std::size_t i = 7;
      const std::string name = readName(line, i);
      if (name.empty() || i >= line.size() || line[i] != ' ') {
        error("bad metric name");
        continue;
      }
      const std::string rest = line.substr(i + 1);
      auto& family = out.families[name];
      if (help) {
        if (!family.help.empty()) error("second HELP");
        family.help = rest;
      } else {
        if (!family.type.empty()) error("second TYPE");
        if (!family.samples.empty()) error("TYPE after samples");
        if (rest != "counter" && rest != "gauge" && rest != "histogram" && rest != "summary" && rest != "untyped") {
          error("unknown type");
        }
        family.type = rest;
      }
      continue;
    }
    if (line[0] == '#') continue;  // a comment
    std::size_t i = 0;
    PromSample sample;
    sample.name = readName(line, i);
    if (sample.name.empty()) {
      error("bad sample name");
      continue;
    }
    bool ok = true;
    if (i < line.size() && line[i] == '{') {
      ++i;
      while (ok && i < line.size() && line[i] != '}') {
        const std::string label = readName(line, i);
        if (label.empty() || i + 1 >= line.size() || line[i] != '=' || line[i + 1] != '"') {
          error("bad label");
          ok = false;
          break;
        }
        i += 2;
        std::string value;
        while (i < line.size() && line[i] != '"') {
          if (line[i] == '\\') {
            if (i + 1 >= line.size()) break;
            const char e = line[i + 1];
            if (e == 'n') value.push_back('\n');
            else if (e == '\\' || e == '"') value.push_back(e);
            else {
              error("bad escape in a label value");
              ok = false;
            }
            i += 2;
          } else {
            value.push_back(line[i++]);
          }
        }
        if (i >= line.size()) {
          error("unterminated label value");
          ok = false;
          break;
        }
        ++i;  // closing quote
        if (sample.labels.count(label)) error("repeated label " + label);
        sample.labels[label] = value;
        if (i < line.size() && line[i] == ',') ++i;
      }
      if (!ok) continue;
      if (i >= line.size() || line[i] != '}') {
        error("unterminated label set");
        continue;
      }
      ++i;
    }
    if (i >= line.size() || line[i] != ' ') {
      error("no value");
      continue;
    }
    std::string value_text = line.substr(i + 1);
    if (const auto space = value_text.find(' '); space != std::string::npos) value_text = value_text.substr(0, space);
    const auto value = readValue(value_text);
    if (!value) {
      error("bad value");
      continue;
    }
    sample.value = *value;
    const std::string family = familyOf(sample.name, out.families);
    if (family.empty() || out.families[family].type.empty()) {
      error("sample without a TYPE line before it");
      continue;
    }
    out.families[family].samples.push_back(std::move(sample));
  }
  return out;
}

}  // namespace atsync::testing
