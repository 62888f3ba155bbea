// SPDX-License-Identifier: Apache-2.0
// abi.h's threading rule under stress: the host invokes one instance from several threads at once. 8 threads call
// two instances of a real plugin library (fixtures/concurrent_plugin.cpp) with a mix of operations — shared
// counters, a locked ledger, echoes with raw bytes, host state and HTTP callbacks (large bodies lent by the host),
// errors, logs — and every answer is checked, then what the plugin counted is compared with what was sent.
#include "plugin/instance.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <iostream>
#include <latch>
#include <map>
#include <mutex>
#include <set>
#include <thread>

namespace atsync::host::plugin {
namespace {

const std::filesystem::path kFixtures = ATSYNC_FIXTURE_DIR;
constexpr int kThreads = 8;
constexpr int kCallsPerThread = 1000;
constexpr int kInstances = 2;
constexpr std::size_t kLargeBodyBytes = 40 * 1024;  // above host_api.cpp's lending threshold (16 KiB)

/// Services a plugin may call from any thread at once (abi.h: every callback is thread-safe), so these are too.
class SharedServices : public InstanceServices {
 public:
  void log(atsync_log_level, std::string_view message) override {
    std::lock_guard lock(mutex_);
    logs_.emplace(message);
  }
  void reportError(const sdk::Error& e) override { log(ATSYNC_LOG_ERROR, "error: " + e.message); }
  Expected<sdk::HttpResponse, sdk::Error> http(const sdk::HttpRequest& request, std::span<const std::uint8_t>) override {
    constexpr std::string_view kPrefix = "http://body.test/";
    if (!request.url.starts_with(kPrefix)) return unexpected(sdk::Error{"transport", "no such host", true, {}, false});
    sdk::HttpResponse r;
    r.status = 200;
    r.body.resize(std::stoul(request.url.substr(kPrefix.size())));
    for (std::size_t i = 0; i < r.body.size(); ++i) r.body[i] = static_cast<char>('a' + i % 26);
    return r;
  }
  std::optional<std::string> stateGet(std::string_view key) override {
    std::lock_guard lock(mutex_);
    auto it = state_.find(key);
    if (it == state_.end()) return std::nullopt;
    return it->second;
  }
  bool statePut(std::string_view key, std::optional<std::string_view> value) override {
    std::lock_guard lock(mutex_);
    if (value) state_[std::string(key)] = std::string(*value);
    else state_.erase(std::string(key));
    return true;
  }
  std::int64_t nowMs() override { return 1'700'000'000'000; }

  std::multiset<std::string> logs() const {
    std::lock_guard lock(mutex_);
    return logs_;
  }
  std::map<std::string, std::string, std::less<>> state() const {
    std::lock_guard lock(mutex_);
    return state_;
  }

 private:
  mutable std::mutex mutex_;
  std::multiset<std::string> logs_;
  std::map<std::string, std::string, std::less<>> state_;
};

/// What one thread sent and saw; merged after the threads have joined.
struct ThreadRecord {
  std::array<std::vector<std::int64_t>, kInstances> tickets;
  std::array<std::map<std::string, std::int64_t>, kInstances> ledger_sent;
  std::array<int, kInstances> logs_sent{};
  std::array<std::map<std::string, std::string>, kInstances> state_sent;  // key -> last value this thread wrote
  std::map<std::string, int> calls_by_op;
  std::vector<std::string> problems;
};

std::string dump(const boost::json::value& v) { return boost::json::serialize(v); }

/// One call of the mix, checked against what its answer must be.
void callAndCheck(Instance& instance, int which, int thread, int call, ThreadRecord& record) {
  const std::string id = std::to_string(thread) + "-" + std::to_string(call);
  const auto problem = [&](std::string what) { record.problems.push_back("call " + id + ": " + std::move(what)); };
  switch ((thread + call) % 7) {
    case 0: {
      ++record.calls_by_op["ticket"];
      auto out = instance.invoke("ticket", boost::json::object{});
      if (!out) return problem("ticket failed: " + out.error().message);
      record.tickets[which].push_back(out->document.at("ticket").as_int64());
      return;
    }
    case 1: {
      ++record.calls_by_op["ledger"];
      const std::string account = "acct-" + std::to_string(call % 5);
      const std::int64_t amount = thread * 1000 + call % 97 - 40;
      auto out = instance.invoke("ledger", boost::json::object{{"account", account}, {"amount", amount}});
      if (!out) return problem("ledger failed: " + out.error().message);
      if (out->document.at("account").as_string() != account) problem("ledger answered for another account");
      record.ledger_sent[which][account] += amount;
      return;
    }
    case 2: {
      ++record.calls_by_op["echo"];
      const boost::json::value input = {{"id", id}, {"text", std::string(call % 300, static_cast<char>('A' + thread))}};
      std::vector<std::uint8_t> bytes(static_cast<std::size_t>(call % 64));
      for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<std::uint8_t>(thread * 31 + call + i);
      auto out = instance.invoke("echo", input, bytes);
      if (!out) return problem("echo failed: " + out.error().message);
      if (out->document != input) problem("echo answered " + dump(out->document) + " for " + dump(input));
      std::reverse(bytes.begin(), bytes.end());
      if (out->bytes != bytes) problem("echo returned other bytes");
      return;
    }
    case 3: {
      ++record.calls_by_op["state"];
      const std::string key = "t" + std::to_string(thread) + "/k" + std::to_string(call % 4);
      auto out = instance.invoke("state", boost::json::object{{"key", key}, {"value", id}});
      if (!out) return problem("state failed: " + out.error().message);
      if (out->document.at("read_back").as_string() != id) problem("state read back " + dump(out->document));
      record.state_sent[which][key] = id;
      return;
    }
    case 4: {
      ++record.calls_by_op["http"];
      const std::size_t size = call % 3 == 0 ? kLargeBodyBytes + static_cast<std::size_t>(call) : 200u + call;
      auto out = instance.invoke("http", boost::json::object{{"url", "http://body.test/" + std::to_string(size)}});
      if (!out) return problem("http failed: " + out.error().message);
      const auto& doc = out->document.as_object();
      if (doc.at("status").as_int64() != 200 || doc.at("size").to_number<std::uint64_t>() != size ||
          doc.at("mismatches").to_number<std::uint64_t>() != 0) {
        problem("http of " + std::to_string(size) + " bytes answered " + dump(out->document));
      }
      return;
    }
    case 5: {
      ++record.calls_by_op["fail"];
      auto out = instance.invoke("fail", boost::json::object{{"id", id}});
      if (out) return problem("fail succeeded");
      if (out.error().code != "vendor_error" || !out.error().retryable ||
          out.error().message != "failure of call " + id) {
        problem("fail answered code '" + out.error().code + "' message '" + out.error().message + "'");
      }
      return;
    }
    default: {
      ++record.calls_by_op["log"];
      auto out = instance.invoke("log", boost::json::object{{"id", id}});
      if (!out) return problem("log failed: " + out.error().message);
      ++record.logs_sent[which];
      return;
    }
  }
}

TEST(ConcurrentInvoke, EightThreadsOnTwoInstancesGetEveryAnswerRight) {
  auto loaded = loadPlugin(kFixtures / "libfixture_concurrent.so");
  ASSERT_TRUE(loaded) << loaded.error().str();
  std::array<SharedServices*, kInstances> services{};
  std::array<std::unique_ptr<Instance>, kInstances> instances;
  for (int i = 0; i < kInstances; ++i) {
    auto owned = std::make_unique<SharedServices>();
    services[i] = owned.get();
    auto made = Instance::create(*loaded, std::move(owned), boost::json::object{});
    ASSERT_TRUE(made) << made.error().message;
    instances[i] = std::move(*made);
  }

  std::array<ThreadRecord, kThreads> records;
  std::latch start(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      start.arrive_and_wait();  // all at once, so the calls overlap from the first
      for (int c = 0; c < kCallsPerThread; ++c) {
        const int which = (t + c / 3) % kInstances;
        callAndCheck(*instances[which], which, t, c, records[t]);
      }
    });
  }
  for (auto& thread : threads) thread.join();

  std::size_t problem_count = 0;
  for (const auto& r : records) {
    problem_count += r.problems.size();
    for (std::size_t i = 0; i < r.problems.size() && i < 5; ++i) ADD_FAILURE() << r.problems[i];
  }
  EXPECT_EQ(problem_count, 0u);

  std::map<std::string, int> calls_by_op;
  for (const auto& r : records) {
    for (const auto& [op, n] : r.calls_by_op) calls_by_op[op] += n;
  }
  EXPECT_EQ(calls_by_op.size(), 7u) << "the mix must exercise every operation";

  std::int64_t library_calls = 0;
  int max_inflight = 0;
  for (int i = 0; i < kInstances; ++i) {
    SCOPED_TRACE("instance " + std::to_string(i));
    auto stats = instances[i]->invoke("stats", boost::json::object{});
    ASSERT_TRUE(stats) << stats.error().message;
    const auto& s = stats->document.as_object();

    // Tickets: each of 0..n-1 handed out exactly once — no update of the shared counter lost or doubled.
    std::vector<std::int64_t> tickets;
    for (const auto& r : records) tickets.insert(tickets.end(), r.tickets[i].begin(), r.tickets[i].end());
    std::sort(tickets.begin(), tickets.end());
    EXPECT_EQ(s.at("tickets").as_int64(), static_cast<std::int64_t>(tickets.size()));
    for (std::size_t k = 0; k < tickets.size(); ++k) {
      if (tickets[k] != static_cast<std::int64_t>(k)) {
        ADD_FAILURE() << "ticket " << k << " is " << tickets[k] << " (lost or duplicated)";
        break;
      }
    }

    // The ledger: every account's balance is the sum of what was sent to it.
    std::map<std::string, std::int64_t> expected_ledger;
    for (const auto& r : records) {
      for (const auto& [account, sum] : r.ledger_sent[i]) expected_ledger[account] += sum;
    }
    boost::json::object expected_balances;
    for (const auto& [account, sum] : expected_ledger) expected_balances[account] = sum;
    EXPECT_EQ(dump(s.at("ledger")), dump(expected_balances));

    // Host callbacks: each log line arrived once, each key holds the last value its (only) writer put.
    int logs_sent = 0;
    for (const auto& r : records) logs_sent += r.logs_sent[i];
    const auto logs = services[i]->logs();
    EXPECT_EQ(static_cast<int>(logs.size()), logs_sent);
    for (const auto& line : logs) EXPECT_TRUE(line.starts_with("line of call ")) << line;
    std::map<std::string, std::string, std::less<>> expected_state;
    for (const auto& r : records) expected_state.insert(r.state_sent[i].begin(), r.state_sent[i].end());
    EXPECT_EQ(services[i]->state(), expected_state);

    library_calls = s.at("library_calls").as_int64();  // the later reading: includes both stats calls so far
    max_inflight = std::max(max_inflight, static_cast<int>(s.at("max_inflight").as_int64()));
  }
  EXPECT_EQ(library_calls, static_cast<std::int64_t>(kThreads) * kCallsPerThread + kInstances);
  RecordProperty("max_inflight", max_inflight);
  std::cout << kThreads << " threads x " << kCallsPerThread << " calls; at most " << max_inflight
            << " invokes at once on one instance\n";
  // The point of the test: invokes on one instance really did overlap (else it proves nothing).
  EXPECT_GE(max_inflight, 2);
}

}  // namespace
}  // namespace atsync::host::plugin
