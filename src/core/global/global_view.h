#pragma once
// MR.GLOBAL: a view across regions, on request only (the design text's "no
// global view" made explicit). Key names (never values) are gathered from
// every region; each region answers with only the names the asking region
// may hold ([[placement]]), so the view leaks nothing sovereignty forbids,
// and the answer says which regions did not reply in time. No I/O: messages
// go through Network after the pass commits.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "core/data/keyspace.h"
#include "core/env/env.h"
#include "core/env/lifetime.h"
#include "core/env/network.h"
#include "core/env/outbox.h"
#include "core/settings/region_settings.h"

namespace meridian {

class GlobalView {
 public:
  struct Result {
    std::vector<std::string> names;  // byte order, no duplicates
    bool more = false;               // names after the last one remain somewhere
    std::vector<RegionId> missing;   // regions that did not answer
  };

  GlobalView(const RegionSettings& settings, Keyspace& keyspace, Env env);
  ~GlobalView();
  void attach(Network* network) { network_ = network; }

  // Names greater than `after` matching `pattern`, at most `count` (0: all),
  // from this region and every other; done() after all answered or after
  // timeout_ms.
  void scan(const std::string& after, const std::string& pattern, size_t count, int64_t timeout_ms,
            std::function<void(Result)> done);
  void on_message(RegionId from, std::string_view message);
  void after_commit();

 private:
  struct Pending {
    std::set<std::string> names;
    std::set<RegionId> waiting;
    bool more = false;
    size_t count = 0;
    std::function<void(Result)> done;
  };
  // This region's names for `asker` (0: itself).
  bool local(const std::string& after, const std::string& pattern, size_t count, RegionId asker,
             std::vector<std::string>* out);
  void finish(uint64_t id);

  const RegionSettings& settings_;
  Keyspace& keyspace_;
  Env env_;
  Network* network_ = nullptr;
  uint64_t next_id_ = 1;
  std::map<uint64_t, Pending> pending_;
  Outbox outbox_{env_.storage};
  Lifetime lifetime_;
};

}  // namespace meridian
