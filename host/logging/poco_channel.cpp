// SPDX-License-Identifier: Apache-2.0
#include "logging/poco_channel.hpp"

#include <Poco/AutoPtr.h>
#include <Poco/Channel.h>
#include <Poco/Logger.h>
#include <Poco/Message.h>

namespace atsync::host::logging {
namespace {

class ForwardingChannel final : public Poco::Channel {
 public:
  explicit ForwardingChannel(std::shared_ptr<Logger> logger) : logger_(std::move(logger)) {}

  void log(const Poco::Message& message) override {
    Level level = Level::kError;
    switch (message.getPriority()) {
      case Poco::Message::PRIO_TRACE:
      case Poco::Message::PRIO_DEBUG: level = Level::kDebug; break;
      case Poco::Message::PRIO_INFORMATION:
      case Poco::Message::PRIO_NOTICE: level = Level::kInfo; break;
      case Poco::Message::PRIO_WARNING: level = Level::kWarn; break;
      default: level = Level::kError; break;
    }
    logger_->log(level, message.getText(), {}, {}, boost::json::object{{"source", message.getSource()}});
  }

 private:
  std::shared_ptr<Logger> logger_;  // shared: Poco keeps the channel as long as any Poco logger lives
};

int pocoLevel(Level level) {
  switch (level) {
    case Level::kDebug: return Poco::Message::PRIO_DEBUG;
    case Level::kInfo: return Poco::Message::PRIO_INFORMATION;
    case Level::kWarn: return Poco::Message::PRIO_WARNING;
    case Level::kError: return Poco::Message::PRIO_ERROR;
  }
  return Poco::Message::PRIO_INFORMATION;
}

}  // namespace

void routePocoLogsTo(std::shared_ptr<Logger> logger) {
  const int level = pocoLevel(logger->level());
  Poco::AutoPtr<Poco::Channel> channel(new ForwardingChannel(std::move(logger)));
  // Channel::Ptr, not a raw pointer: an AutoPtr made from a raw pointer takes ownership without a reference.
  // The root first: Poco creates it lazily, and setChannel("") only reaches loggers that exist. Then "" (every
  // existing logger); new loggers copy channel and level from their parent.
  Poco::Logger::root().setChannel(channel);
  Poco::Logger::root().setLevel(level);
  Poco::Logger::setChannel("", channel);
  Poco::Logger::setLevel("", level);
}

}  // namespace atsync::host::logging
