// SPDX-License-Identifier: Apache-2.0
// "A 2xx means durable": the real `atsync run` on a real SQLite file, with an LD_PRELOAD probe (fsync_probe.c)
// logging every fsync/fdatasync the process makes. A webhook's acknowledgement must come after the commit that
// holds its event reached the disk (the WAL was synced), not merely after it reached the OS's page cache, which an
// OS crash or a power cut loses.
#include "e2e_fixture.hpp"
#include "http_call.hpp"

#include <atsync/sandbox/hmac.hpp>

#include <gmock/gmock.h>

#include <fstream>
#include <sstream>

namespace atsync::e2e {
namespace {

std::int64_t monotonicNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

/// Syncs of the store's write-ahead log logged between `from_ns` and `to_ns`.
int walSyncsBetween(const std::filesystem::path& log, std::int64_t from_ns, std::int64_t to_ns) {
  std::ifstream in(log);
  int n = 0;
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::int64_t at_ns = 0;
    std::string path;
    fields >> at_ns >> path;
    if (at_ns >= from_ns && at_ns <= to_ns && path.size() > 4 && path.ends_with("-wal")) ++n;
  }
  return n;
}

class Durability : public EndToEnd {};

TEST_F(Durability, AWebhookIsAcknowledgedOnlyAfterItsEventReachedTheDisk) {
  startSandboxes();
  const auto log = dir() / "fsync.log";
  host().setEnv("LD_PRELOAD", ATSYNC_FSYNC_PROBE);
  host().setEnv("ATSYNC_TEST_FSYNC_LOG", log.string());
  host().setEnv("ASAN_OPTIONS", "verify_asan_link_order=0:detect_leaks=1");
  startHost();

  for (int i = 0; i < 3; ++i) {
    const std::string body = R"({"id":"evt_durable_)" + std::to_string(i) +
                             R"(","type":"note.created","occurred_at":"2026-12-02T10:00:00Z","data":{"note":{"id":"note_d)" +
                             std::to_string(i) + R"(","candidate_id":"cand_nobody","body":"durable?","private":false,)" +
                             R"("author":{"name":"Sam","email":"sam@kula.example"},"created_at":"2026-12-02T10:00:00Z"}}})";
    const std::string timestamp = std::to_string(std::time(nullptr));
    const std::string signature = "v1=" + sandbox::hmacSha256Hex(kKulaWebhookSecret, timestamp + "." + body);
    const std::int64_t before = monotonicNs();
    const auto reply = httpCall("http://127.0.0.1:" + std::to_string(hostPort()) + "/hooks/" + kConnection + "/kula",
                                "POST", body,
                                {{"Content-Type", "application/json"}, {"Kula-Timestamp", timestamp},
                                 {"Kula-Signature", signature}});
    const std::int64_t after = monotonicNs();
    ASSERT_EQ(reply.status, 200) << reply.body;
    EXPECT_THAT(reply.body, ::testing::HasSubstr("\"accepted\":1"));
    EXPECT_GE(walSyncsBetween(log, before, after), 1)
        << "webhook " << i << " was acknowledged before its commit was synced to disk (SQLite synchronous=NORMAL?)";
  }
}

}  // namespace
}  // namespace atsync::e2e
