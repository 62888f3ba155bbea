// SPDX-License-Identifier: Apache-2.0
#pragma once

// The host's log: one line per record, either a JSON object (ts, level, msg, connection, plugin, fields) for log
// shippers, or human text for a terminal. Every line passes the Redactor before it is written. Thread-safe.

#include "logging/redactor.hpp"

#include <boost/json/object.hpp>

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

namespace atsync::host::logging {

enum class Level { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3 };
enum class Format { kText, kJson };

std::string_view toString(Level level);

/// Where finished lines go (without the trailing newline). Empty: stderr.
using LineSink = std::function<void(std::string_view line)>;

struct LoggerOptions {
  Level level = Level::kInfo;
  Format format = Format::kJson;
  LineSink sink;
};

class Logger {
 public:
  explicit Logger(LoggerOptions options, std::shared_ptr<Redactor> redactor = std::make_shared<Redactor>());

  void log(Level level, std::string_view message, std::string_view connection = {}, std::string_view plugin = {},
           const boost::json::object& fields = {});
  void debug(std::string_view message, std::string_view connection = {}) { log(Level::kDebug, message, connection); }
  void info(std::string_view message, std::string_view connection = {}) { log(Level::kInfo, message, connection); }
  void warn(std::string_view message, std::string_view connection = {}) { log(Level::kWarn, message, connection); }
  void error(std::string_view message, std::string_view connection = {}) { log(Level::kError, message, connection); }

  bool enabled(Level level) const { return level >= options_.level; }
  Level level() const { return options_.level; }
  Redactor& redactor() { return *redactor_; }
  std::shared_ptr<Redactor> sharedRedactor() const { return redactor_; }

  /// The line a record becomes, before redaction (exposed for tests of the format).
  std::string format(Level level, std::int64_t now_ms, std::string_view message, std::string_view connection,
                     std::string_view plugin, const boost::json::object& fields) const;

 private:
  const LoggerOptions options_;
  std::shared_ptr<Redactor> redactor_;
  std::mutex write_mutex_;  // one whole line at a time
};

/// Text when `stream_is_terminal`, else JSON: what the host uses when the operator did not choose.
Format defaultFormat(bool stream_is_terminal);
bool stderrIsTerminal();

}  // namespace atsync::host::logging
