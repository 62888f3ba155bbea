// SPDX-License-Identifier: Apache-2.0
#include "logging/redactor.hpp"

#include <atsync/host/common/percent_encoding.hpp>

#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>

#include <algorithm>
#include <cctype>
#include <mutex>

namespace atsync::host::logging {
namespace {

std::string jsonEscaped(std::string_view in) {
  std::string quoted = boost::json::serialize(boost::json::string(in));
  return quoted.substr(1, quoted.size() - 2);
}

std::string prefixOf(std::string_view value) { return std::string(value.substr(0, Redactor::kMinSecretLength)); }

}  // namespace

void Redactor::insertLocked(std::string value, bool pinned) {
  if (value.size() < kMinSecretLength) return;
  if (auto it = known_.find(value); it != known_.end()) {
    it->second = it->second || pinned;
    return;
  }
  known_.emplace(value, pinned);
  auto& bucket = by_prefix_[prefixOf(value)];
  const auto at = std::find_if(bucket.begin(), bucket.end(),
                               [&](const std::string& other) { return other.size() < value.size(); });
  bucket.insert(at, value);
  if (pinned) return;
  rotating_order_.push_back(std::move(value));
  while (rotating_order_.size() > kMaxRotatingValues) {
    const std::string oldest = std::move(rotating_order_.front());
    rotating_order_.pop_front();
    forgetLocked(oldest);
  }
}

void Redactor::forgetLocked(const std::string& value) {
  auto it = known_.find(value);
  if (it == known_.end() || it->second) return;  // pinned since: kept
  known_.erase(it);
  auto bucket = by_prefix_.find(prefixOf(value));
  if (bucket == by_prefix_.end()) return;
  std::erase(bucket->second, value);
  if (bucket->second.empty()) by_prefix_.erase(bucket);
}

void Redactor::addForms(std::string_view secret, bool pinned) {
  if (secret.size() < kMinSecretLength) return;
  std::unique_lock lock(mutex_);
  insertLocked(std::string(secret), pinned);
  insertLocked(jsonEscaped(secret), pinned);
  insertLocked(percentEncode(secret), pinned);
}

void Redactor::add(std::string_view secret) { addForms(secret, true); }

void Redactor::addAll(const std::vector<std::string>& secrets) {
  for (const auto& s : secrets) addForms(s, true);
}

void Redactor::addRotating(const std::vector<std::string>& secrets) {
  for (const auto& s : secrets) addForms(s, false);
}

std::string Redactor::apply(std::string text) const {
  std::shared_lock lock(mutex_);
  if (by_prefix_.empty() || text.size() < kMinSecretLength) return text;
  // Spans of the text covered by some secret, in order, merged when they overlap or touch: masking the union
  // means two overlapping secrets never leave a piece of either behind.
  std::vector<std::pair<std::size_t, std::size_t>> spans;
  std::string key(kMinSecretLength, '\0');
  for (std::size_t at = 0; at + kMinSecretLength <= text.size(); ++at) {
    key.assign(text, at, kMinSecretLength);
    const auto bucket = by_prefix_.find(key);
    if (bucket == by_prefix_.end()) continue;
    for (const auto& secret : bucket->second) {  // longest first: the first match covers the most
      if (text.compare(at, secret.size(), secret) != 0) continue;
      const std::size_t end = at + secret.size();
      if (!spans.empty() && at <= spans.back().second) {
        spans.back().second = std::max(spans.back().second, end);
      } else {
        spans.emplace_back(at, end);
      }
      break;
    }
  }
  if (spans.empty()) return text;
  std::string out;
  out.reserve(text.size());
  std::size_t from = 0;
  for (const auto& [begin, end] : spans) {
    out.append(text, from, begin - from);
    out.append(kRedacted);
    from = end;
  }
  out.append(text, from, std::string::npos);
  return out;
}

bool Redactor::empty() const {
  std::shared_lock lock(mutex_);
  return known_.empty();
}

}  // namespace atsync::host::logging
