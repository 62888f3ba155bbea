// SPDX-License-Identifier: Apache-2.0
#include "logging/redactor.hpp"

#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>

#include <algorithm>
#include <cctype>
#include <mutex>

namespace atsync::host::logging {
namespace {

std::string percentEncoded(std::string_view in) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : in) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

std::string jsonEscaped(std::string_view in) {
  std::string quoted = boost::json::serialize(boost::json::string(in));
  return quoted.substr(1, quoted.size() - 2);
}

}  // namespace

void Redactor::addOneLocked(std::string value) {
  if (value.size() < kMinSecretLength || known_.count(value)) return;
  known_.insert(value);
  order_.push_back(std::move(value));
  while (order_.size() > kMaxSecrets) {
    known_.erase(order_.front());
    order_.pop_front();
  }
  longest_first_.assign(order_.begin(), order_.end());
  std::stable_sort(longest_first_.begin(), longest_first_.end(),
                   [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
}

void Redactor::add(std::string_view secret) {
  if (secret.size() < kMinSecretLength) return;
  std::unique_lock lock(mutex_);
  addOneLocked(std::string(secret));
  addOneLocked(jsonEscaped(secret));
  addOneLocked(percentEncoded(secret));
}

void Redactor::addAll(const std::vector<std::string>& secrets) {
  for (const auto& s : secrets) add(s);
}

std::string Redactor::apply(std::string text) const {
  std::shared_lock lock(mutex_);
  for (const auto& secret : longest_first_) {
    for (auto at = text.find(secret); at != std::string::npos; at = text.find(secret, at + kRedacted.size())) {
      text.replace(at, secret.size(), kRedacted);
    }
  }
  return text;
}

bool Redactor::empty() const {
  std::shared_lock lock(mutex_);
  return known_.empty();
}

}  // namespace atsync::host::logging
