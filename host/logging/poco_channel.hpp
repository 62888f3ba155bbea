// SPDX-License-Identifier: Apache-2.0
#pragma once

// Poco's loggers (the HTTP service and OAuth log through Poco::Logger) routed into the host's Logger, so their
// lines get the same format, level and redaction as everything else.

#include "logging/logger.hpp"

#include <memory>

namespace atsync::host::logging {

/// Points every Poco logger, present and future, at `logger`, with Poco's level set to match. Process-wide:
/// the last call wins (one host per process; tests run hosts one after another).
void routePocoLogsTo(std::shared_ptr<Logger> logger);

}  // namespace atsync::host::logging
