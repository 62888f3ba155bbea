// SPDX-License-Identifier: Apache-2.0
#include "logging/logger.hpp"

#include <atsync/host/common/rfc3339.hpp>
#include <atsync/host/common/wall_clock.hpp>

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <unistd.h>

#include <chrono>
#include <ctime>
#include <iostream>

namespace atsync::host::logging {
namespace {

/// Messages are one line: a newline inside one would let a vendor's text forge log records.
std::string oneLine(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return out;
}

}  // namespace

std::string_view toString(Level level) {
  switch (level) {
    case Level::kDebug: return "debug";
    case Level::kInfo: return "info";
    case Level::kWarn: return "warn";
    case Level::kError: return "error";
  }
  return "info";
}

Logger::Logger(LoggerOptions options, std::shared_ptr<Redactor> redactor)
    : options_(std::move(options)), redactor_(redactor ? std::move(redactor) : std::make_shared<Redactor>()) {}

std::string Logger::format(Level level, std::int64_t now_ms, std::string_view message, std::string_view connection,
                           std::string_view plugin, const boost::json::object& fields) const {
  if (options_.format == Format::kJson) {
    boost::json::object line;
    line["ts"] = rfc3339(now_ms);
    line["level"] = toString(level);
    line["msg"] = message;
    if (!connection.empty()) line["connection"] = connection;
    if (!plugin.empty()) line["plugin"] = plugin;
    if (!fields.empty()) line["fields"] = fields;
    return boost::json::serialize(line);
  }
  std::string line = rfc3339(now_ms) + " " + std::string(toString(level));
  if (line.size() < 29) line.append(29 - line.size(), ' ');  // align messages after "warn"/"info"
  if (!connection.empty() || !plugin.empty()) {
    line += " [" + std::string(connection) + (plugin.empty() ? "" : "/" + std::string(plugin)) + "]";
  }
  line += " " + oneLine(message);
  for (const auto& [key, value] : fields) {
    line += " " + std::string(key) + "=" +
            (value.is_string() ? oneLine(value.get_string()) : boost::json::serialize(value));
  }
  return line;
}

void Logger::log(Level level, std::string_view message, std::string_view connection, std::string_view plugin,
                 const boost::json::object& fields) {
  if (!enabled(level)) return;
  const std::string line = redactor_->apply(format(level, wallClockMs(), message, connection, plugin, fields));
  std::lock_guard lock(write_mutex_);
  if (options_.sink) {
    options_.sink(line);
  } else {
    std::cerr << line << '\n' << std::flush;
  }
}

Format defaultFormat(bool stream_is_terminal) { return stream_is_terminal ? Format::kText : Format::kJson; }

bool stderrIsTerminal() { return ::isatty(STDERR_FILENO) == 1; }

}  // namespace atsync::host::logging
