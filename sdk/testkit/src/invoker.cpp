// SPDX-License-Identifier: Apache-2.0
#include "atsync/sdk/testkit/invoker.hpp"

#include "atsync/sdk/testkit/support.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <atomic>
#include <fstream>
#include <iterator>

namespace atsync::sdk::testkit {

std::string Answer::errorCode() const {
  if (exit_code != 1 || !document.is_object()) return "";
  const auto* code = document.get_object().if_contains("code");
  return code != nullptr && code->is_string() ? std::string(code->get_string()) : "";
}

std::string Answer::describe() const {
  std::string text = "atsync invoke exited " + std::to_string(exit_code) + "\n  stdout: " + out.substr(0, 4000);
  if (!err.empty()) text += "\n  stderr: " + err.substr(0, 4000);
  return text;
}

Answer invoke(const Target& target, std::string_view operation, const boost::json::object& input,
              const InvokeOptions& options) {
  // Bytes travel through files; one folder for the whole program.
  static TempDir dir("atsync-testkit-invoke");
  static std::atomic<int> counter{0};
  const std::string n = std::to_string(counter++);

  std::vector<std::string> args{"invoke",  "--config", target.config_file.string(), "--connection", target.connection_id,
                                "--side",  target.side == Side::kAts ? "ats" : "platform",
                                std::string(operation), "--input", boost::json::serialize(input)};
  if (options.check_schema) args.push_back("--check-schema");
  if (!target.schema_dir.empty()) {
    args.push_back("--schema-dir");
    args.push_back(target.schema_dir.string());
  }
  if (options.repeat > 1) {
    args.push_back("--repeat");
    args.push_back(std::to_string(options.repeat));
  }
  if (!options.bytes.empty()) {
    const auto in_file = dir.path() / ("in-" + n);
    writeFile(in_file, options.bytes);
    args.push_back("--bytes");
    args.push_back(in_file.string());
  }
  const auto out_file = dir.path() / ("out-" + n);
  args.push_back("--bytes-out");
  args.push_back(out_file.string());
  args.insert(args.end(), target.invoke_options.begin(), target.invoke_options.end());

  const ProcessResult run = runProcess(target.atsync.string(), args);
  Answer answer;
  answer.exit_code = run.exit_code;
  answer.out = run.out;
  answer.err = run.err;
  boost::system::error_code ec;
  answer.document = boost::json::parse(run.out, ec);
  if (ec) answer.document = nullptr;
  std::ifstream bytes(out_file, std::ios::binary);
  if (bytes) answer.bytes.assign(std::istreambuf_iterator<char>(bytes), std::istreambuf_iterator<char>());
  std::error_code ignored;
  std::filesystem::remove(out_file, ignored);
  return answer;
}

}  // namespace atsync::sdk::testkit
