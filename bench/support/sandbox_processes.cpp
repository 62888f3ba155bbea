// SPDX-License-Identifier: Apache-2.0
#include "support/sandbox_processes.hpp"

#include "support/loopback_http.hpp"

#include <boost/json.hpp>

#include <charconv>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace atsync::bench {

namespace json = boost::json;

std::string logTail(const std::filesystem::path& path, std::size_t lines) {
  std::ifstream in(path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string text = buffer.str();
  std::size_t at = text.size();
  for (std::size_t n = 0; n <= lines && at > 0; ++n) at = text.rfind('\n', at - 1);
  return at == std::string::npos ? text : text.substr(at + 1);
}

SandboxProcesses::SandboxProcesses(const SandboxCommand& command, const std::filesystem::path& dir) {
  const auto lever_log = dir / "lever-sandbox.log";
  lever_ = std::make_unique<ChildProcess>(
      std::vector<std::string>{command.lever_executable, "--port", "0", "--seed", "small", "--rate", "0", "--api-key",
                               command.lever_api_key},
      lever_log.string());
  const auto lever_url = lever_->readLine(30000);
  if (!lever_url) throw std::runtime_error("the Lever sandbox did not start: " + logTail(lever_log));
  lever_base_url_ = *lever_url;
  lever_port_ = portOf(lever_base_url_);
  const auto kula_log = dir / "kula-sandbox.log";
  kula_ = std::make_unique<ChildProcess>(
      std::vector<std::string>{command.kula_executable, "--port", "0", "--seed", "empty", "--api-key",
                               command.kula_api_key, "--webhook-secret", command.kula_webhook_secret},
      kula_log.string());
  const auto kula_url = kula_->readLine(30000);
  if (!kula_url) throw std::runtime_error("the Kula sandbox did not start: " + logTail(kula_log));
  kula_base_url_ = *kula_url;
}

SandboxProcesses::~SandboxProcesses() {
  if (kula_) kula_->terminate(10000);
  if (lever_) lever_->terminate(10000);
}

std::vector<std::string> SandboxProcesses::opportunityIds() const {
  const auto answer = httpGet(lever_port_, "/_sandbox/opportunities");
  if (answer.status != 200) {
    throw std::runtime_error("GET /_sandbox/opportunities answered " + std::to_string(answer.status));
  }
  std::vector<std::string> ids;
  const json::value doc = json::parse(answer.body);  // a named value: a range-for over a temporary's member dangles
  for (const auto& o : doc.at("data").as_array()) ids.emplace_back(o.at("id").as_string());
  return ids;
}

std::optional<std::uint64_t> SandboxProcesses::created() const {
  const auto answer = httpGet(lever_port_, "/_sandbox/counters", 2000);
  if (answer.status != 200) return std::nullopt;
  boost::system::error_code ec;
  const auto doc = json::parse(answer.body, ec);
  if (ec) return std::nullopt;
  const auto* n = doc.at("byStatus").as_object().if_contains("201");
  return n == nullptr ? 0 : n->to_number<std::uint64_t>();
}

std::vector<LeverNote> SandboxProcesses::markedNotes(const std::set<std::string>& opportunity_ids) const {
  std::vector<LeverNote> out;
  constexpr std::string_view kMarker = "bench-evt-";
  for (const auto& id : opportunity_ids) {
    const auto answer = httpGet(lever_port_, "/_sandbox/opportunities/" + id, 60000);
    if (answer.status != 200) {
      throw std::runtime_error("GET /_sandbox/opportunities/" + id + " answered " + std::to_string(answer.status));
    }
    const json::value doc = json::parse(answer.body);
    for (const auto& n : doc.at("data").at("notes").as_array()) {
      const auto& fields = n.at("fields").as_array();
      if (fields.empty()) continue;
      const auto text = fields.front().at("value").as_string();
      const auto at = std::string_view(text).find(kMarker);
      if (at == std::string_view::npos) continue;
      LeverNote note;
      const char* begin = text.data() + at + kMarker.size();
      if (std::from_chars(begin, text.data() + text.size(), note.marker).ec != std::errc()) continue;
      note.created_ms = fields.front().at("createdAt").to_number<std::int64_t>();
      out.push_back(note);
    }
  }
  return out;
}

}  // namespace atsync::bench
