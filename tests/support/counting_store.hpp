// SPDX-License-Identifier: Apache-2.0
#pragma once

// A store that counts the transactions run through it (and can make the n-th fail), over any real store: for
// tests that check how many transactions a piece of work takes, or what a failed commit leaves behind.

#include "store/store.hpp"

#include <atomic>
#include <functional>
#include <stdexcept>
#include <string>

namespace atsync::testing {

/// Counts transactions and can make one of them fail after its function ran (as a failed COMMIT would: nothing kept).
class CountingStore final : public host::store::Store {
 public:
  explicit CountingStore(host::store::Store& inner) : inner_(inner) {}

  void transact(const std::function<void(host::store::Transaction&)>& fn) override {
    const int number = ++transactions_;
    inner_.transact([&](host::store::Transaction& tx) {
      fn(tx);
      if (number == fail_transaction_) throw std::runtime_error("transaction " + std::to_string(number) + " failed");
    });
  }
  int schemaVersion() override { return inner_.schemaVersion(); }

  int transactions() const { return transactions_.load(); }
  /// Makes the n-th transaction (from 1) fail.
  void failTransaction(int n) { fail_transaction_ = n; }

 private:
  host::store::Store& inner_;
  std::atomic<int> transactions_{0};
  std::atomic<int> fail_transaction_{0};
};

}  // namespace atsync::testing
