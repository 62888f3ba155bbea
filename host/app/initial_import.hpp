// SPDX-License-Identifier: Apache-2.0
#pragma once

// The initial import (F2): every ATS opportunity becomes a linked platform candidate. One place for the page
// loop, so `atsync import` and `atsync demo` import the same way. Resumable: each page's commands commit with the
// cursor after it, so a crash resumes at that page or the next, and links keep a page seen twice from duplicating.
//
// The next page is read while the commands of the pages before it run, and imports of different people run at once
// (app/command_pool.hpp), so the import keeps pace with the ATS's rate limit rather than with one command's round
// trips (bench/NOTES.md, finding 5).
//
// Runs the connection's dispatcher itself, so the engine's workers must not be stepping the same connection. A
// one-shot run has no worker to come back later: a page read that fails briefly is tried again in place
// (runtime/one_shot_retry.hpp), and commands the dispatcher scheduled for a retry are waited for, as long as the
// next one falls due within kMaxImportRetryWaitMs; what is still pending after that is left for `atsync run`.

#include "engine/lane.hpp"
#include "store/store.hpp"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace atsync::host::app {

struct ImportProgress {
  int pages = 0;
  std::int64_t seen = 0;     ///< opportunities read from the ATS
  std::int64_t queued = 0;   ///< of which not yet linked: queued for import
  bool final = false;        ///< the last page
};

struct ImportSummary {
  bool resumed = false;      ///< continued an interrupted run
  ImportProgress progress;
  std::int64_t links = 0;    ///< linked candidates of the connection afterwards
  std::int64_t dead = 0;     ///< commands of the connection in the dead letters afterwards
  std::int64_t pending = 0;  ///< commands of the connection still waiting for a retry when the import stopped waiting
  /// Opportunities that can never become a platform candidate (kNothingToImportFrom), over the whole import: a
  /// resumed run counts the pages its interrupted runs read too. Not failures: no retry could import them.
  std::int64_t skipped = 0;
  std::vector<std::string> skipped_ids;  ///< the first few of them that this run read, to look up in the ATS
};

/// Why an opportunity is skipped: its person has neither a name nor an email (anonymized under a data-retention
/// policy, or entered without contact details), so there is nothing a platform candidate could be made of or matched
/// by.
inline constexpr char kNothingToImportFrom[] = "no name and no email";

/// The longest the import waits for one scheduled retry. The dispatcher's backoff passes a minute after about seven
/// failures in a row: by then the vendor is down rather than blinking, and a serving host finishes the work later.
inline constexpr std::int64_t kMaxImportRetryWaitMs = 60000;
/// Imports of different people run at once, at most this many (app/command_pool.hpp). Each mostly waits on vendor
/// round trips; 8 kept up with an ATS's page rate of 10 requests/s on a loaded 2-core machine where 4 did not
/// (bench/NOTES.md, 5).
inline constexpr int kImportConcurrency = 8;

using ImportProgressFn = std::function<void(const ImportProgress&)>;
using ImportNoticeFn = std::function<void(const std::string&)>;  ///< one line for the operator
using NowFn = std::function<std::int64_t()>;

/// Imports through `connection` (connected first when needed). The error is one line naming what failed; a run
/// that fails part-way resumes from its last page when called again. `on_notice` hears about retries and waits.
Expected<ImportSummary, std::string> runInitialImport(engine::Lane& connection, store::Store& store,
                                                      const NowFn& now_ms, const ImportProgressFn& on_page = {},
                                                      const std::function<void()>& on_resume = {},
                                                      const ImportNoticeFn& on_notice = {});

}  // namespace atsync::host::app
