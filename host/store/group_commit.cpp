// SPDX-License-Identifier: Apache-2.0
#include "store/group_commit.hpp"

namespace atsync::host::store {

std::size_t GroupCommit::queued() const {
  std::lock_guard lock(mutex_);
  return queue_.size();
}

void GroupCommit::submit(const std::function<void(Transaction&)>& fn) {
  Item item;
  item.fn = &fn;
  std::unique_lock lock(mutex_);
  queue_.push_back(&item);
  // Only a leader takes items off the queue, and it marks them done (under the lock) before it stops leading: an
  // item that is neither done nor in a running group is still queued, and its caller may lead.
  item.wake.wait(lock, [&] { return item.done || !leading_; });
  if (!item.done) {
    leading_ = true;
    std::vector<Item*> group;
    group.swap(queue_);
    lock.unlock();
    runGroup(group);
    lock.lock();
    leading_ = false;
    for (Item* member : group) {
      member->done = true;
      if (member != &item) member->wake.notify_one();
    }
    // Whoever queued during this group leads the next one (a newcomer may beat it to it; then it waits again).
    if (!queue_.empty()) queue_.front()->wake.notify_one();
  }
  lock.unlock();
  if (item.error) std::rethrow_exception(item.error);
}

void GroupCommit::runGroup(const std::vector<Item*>& group) {
  if (group.size() == 1) {
    runAlone(*group.front());
    return;
  }
  try {
    store_.transact([&](Transaction& tx) {
      for (Item* member : group) (*member->fn)(tx);
    });
    return;
  } catch (...) {
    // Whose fault it was cannot be told from here (a throwing function, a constraint, the commit itself), and on
    // PostgreSQL a failed statement spoils the whole transaction anyway: nothing of the group was kept, so each
    // function gets a transaction of its own and its caller the outcome of that one. A group that failed costs one
    // transaction per member, as if there had been no grouping.
  }
  for (Item* member : group) runAlone(*member);
}

void GroupCommit::runAlone(Item& item) {
  try {
    store_.transact(*item.fn);
  } catch (...) {
    item.error = std::current_exception();
  }
}

}  // namespace atsync::host::store
