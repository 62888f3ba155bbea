// SPDX-License-Identifier: Apache-2.0
#include "support/remote_sandboxes.hpp"

#include <boost/json.hpp>

#include <iostream>

namespace atsync::bench {

namespace json = boost::json;

RemoteSandboxes::RemoteSandboxes(const std::vector<std::string>& flags) {
  std::vector<std::string> argv{ATSYNC_BENCH_SANDBOX_SERVER};
  argv.insert(argv.end(), flags.begin(), flags.end());
  child_ = std::make_unique<ChildProcess>(argv);
  const auto line = child_->readLine(60000);
  boost::system::error_code ec;
  const auto doc = line ? json::parse(*line, ec) : json::value();
  if (!line || ec || !doc.is_object()) {
    std::cerr << "bench: the sandbox server did not start (" << line.value_or("no output") << ")\n";
    std::exit(1);
  }
  const auto& o = doc.get_object();
  auto str = [&](const char* key) { return std::string(o.at(key).as_string()); };
  urls_ = {str("lever_base_url"), str("lever_api_key"), str("kula_base_url"), str("kula_api_key"),
           str("kula_webhook_secret")};
  opportunities_ = static_cast<std::size_t>(o.at("opportunities").to_number<std::int64_t>());
}

json::object RemoteSandboxes::stop() {
  child_->closeStdin();
  const auto line = child_->readLine(10000);
  child_->wait(10000);
  boost::system::error_code ec;
  const auto doc = line ? json::parse(*line, ec) : json::value();
  return (!ec && doc.is_object()) ? doc.get_object() : json::object{};
}

}  // namespace atsync::bench
