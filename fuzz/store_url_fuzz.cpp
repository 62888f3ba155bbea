// SPDX-License-Identifier: Apache-2.0
// The config's `store:` URL (host/store/store_url.hpp): sqlite:PATH, sqlite::memory:, postgresql://user:pass@host
// /db?key=value with percent-decoding and libpq quoting. Errors are values. Invariants: a location fills only its
// backend's fields, and what may be shown (`display`) stands "***" in place of a password.

#include "fuzz_support.hpp"

#include "store/store_url.hpp"

namespace {

namespace store = atsync::host::store;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view url = atsync::fuzz::asText(data, size);
  try {
    const auto parsed = store::parseStoreUrl(url);
    if (!parsed) {
      ATSYNC_FUZZ_CHECK(!parsed.error().empty());
      return 0;
    }
    const store::StoreLocation& at = *parsed;
    if (at.backend == store::Backend::kSqlite) {
      ATSYNC_FUZZ_CHECK(at.pg_connection_string.empty() && at.pg_password.empty());
      ATSYNC_FUZZ_CHECK(at.sqlite_memory || !at.sqlite_path.empty());
    } else {
      ATSYNC_FUZZ_CHECK(!at.pg_connection_string.empty());
      // A password is shown as "***" where it stood.
      if (!at.pg_password.empty()) ATSYNC_FUZZ_CHECK(at.display.find(":***@") != std::string::npos);
    }
    ATSYNC_FUZZ_CHECK(store::scrub(std::string(url), "") == url);
  } catch (const std::exception& e) {
    atsync::fuzz::unexpectedException(e);
  }
  return 0;
}
