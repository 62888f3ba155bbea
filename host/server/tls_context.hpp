// SPDX-License-Identifier: Apache-2.0
#pragma once

// The server side of `server.tls`: a NetSSL context from the operator's PEM certificate (chain) and private key,
// TLS 1.2 or newer with forward-secret AEAD ciphers only. `atsync check` and `atsync run` both build it, so a file
// that cannot be loaded is found before the host starts serving.

#include "config/config.hpp"

#include <atsync/host/common/expected.hpp>

#include <Poco/Net/Context.h>

#include <string>

namespace atsync::host::server {

/// The context, or one line naming the file and what is wrong with it.
Expected<Poco::Net::Context::Ptr, std::string> makeServerTlsContext(const config::TlsConfig& tls);

}  // namespace atsync::host::server
