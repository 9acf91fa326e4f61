#pragma once
// Transactions in the replication chaos run (chaos.cc): what a region must
// never show, beyond convergence.
//
// Each client owns four keys, tx<client>:0-3 (crdt strings), and writes
// them only in transactions (MULTI ... EXEC) or Lua scripts (EVAL), each
// setting all four to one new tag ("<client>-<n>"), one of them deleted and
// one overwritten first within the unit; some are doomed (a queuing error:
// EXECABORT; a script failing before it writes) and write nothing, some run
// under MR.ONCE SYNC. A client's
// transactions are sequential, so in every region, at every moment
// (checked between passes, crashes included), a client's keys hold one
// tag or none: never part of a transaction. After healing, each client's
// keys hold its last acknowledged tag or a later one.
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "runtime/sim/chaos_ops.h"

namespace meridian::sim {

class SimCluster;
class SimConn;

// One transaction or script of `client`: the commands in order.
struct UnitPlan {
  std::vector<std::vector<std::string>> commands;
  uint64_t tag = 0;
  bool sync = false;
  bool doomed = false;
  std::string last_key;  // the key its last write goes to
};

class UnitChecker {
 public:
  UnitPlan transaction(const Pick& pick, int client);
  // The EXEC reply (raw RESP), or nothing if the connection was lost.
  void replied(int client, const UnitPlan& plan, const std::optional<std::string>& raw);
  // Violations: a region showing part of a transaction now / after healing.
  std::vector<std::string> check_whole(SimCluster& cluster);
  std::vector<std::string> check_final(SimCluster& cluster);
  uint64_t committed() const { return committed_; }

 private:
  std::map<int, uint64_t> next_tag_;
  std::map<int, uint64_t> acked_;  // client -> last acknowledged tag
  uint64_t committed_ = 0;
};

// Sends `commands` one after the other on `conn`, each once the previous
// replied; `done` gets the last reply, or nothing if the connection was
// lost.
void send_chain(SimConn& conn, std::vector<std::vector<std::string>> commands,
                std::function<void(const std::optional<std::string>&)> done);

}  // namespace meridian::sim
