#include "runtime/sim/chaos_units.h"

#include <memory>

#include "core/region/region.h"
#include "runtime/sim/sim_cluster.h"

namespace meridian::sim {
namespace {

constexpr int kUnitKeys = 4;

std::string unit_key(int client, int i) {
  return "tx" + std::to_string(client) + ":" + std::to_string(i);
}

std::string tag_value(int client, uint64_t tag) {
  return std::to_string(client) + "-" + std::to_string(tag);
}

}  // namespace

UnitPlan UnitChecker::transaction(const Pick& pick, int client) {
  UnitPlan p;
  p.tag = ++next_tag_[client];
  p.sync = pick(4) == 0;
  p.doomed = pick(8) == 0;
  const std::string v = tag_value(client, p.tag);
  auto& c = p.commands;
  p.last_key = unit_key(client, 3);
  if (pick(2) == 0) {
    // The same writes by a script; a doomed one fails before writing (a
    // script that fails later keeps what it wrote, as in Redis).
    std::vector<std::string> eval = {
        "EVAL",
        std::string(p.doomed ? "redis.call('SET', KEYS[1]) " : "") +
            "redis.call('SET', KEYS[1], ARGV[1]) redis.call('DEL', KEYS[2]) "
            "redis.call('SET', KEYS[2], ARGV[1]) redis.call('SET', KEYS[3], 'overwritten') "
            "redis.call('SET', KEYS[3], ARGV[1]) redis.call('SET', KEYS[4], ARGV[1]) return 1",
        "4"};
    for (int i = 0; i < kUnitKeys; ++i) eval.push_back(unit_key(client, i));
    eval.push_back(v);
    if (p.sync) eval.insert(eval.begin(), {"MR.ONCE", "SYNC"});
    c.push_back(std::move(eval));
    return p;
  }
  c.push_back(p.sync ? std::vector<std::string>{"MR.ONCE", "SYNC", "MULTI"}
                     : std::vector<std::string>{"MULTI"});
  c.push_back({"SET", unit_key(client, 0), v});
  c.push_back({"DEL", unit_key(client, 1)});
  c.push_back({"SET", unit_key(client, 1), v});
  if (p.doomed) c.push_back({"SET", unit_key(client, 2)});  // wrong arity: EXECABORT
  c.push_back({"SET", unit_key(client, 2), "overwritten"});
  c.push_back({"SET", unit_key(client, 2), v});
  c.push_back({"SET", unit_key(client, 3), v});
  c.push_back({"EXEC"});
  return p;
}

void UnitChecker::replied(int client, const UnitPlan& plan, const std::optional<std::string>& raw) {
  // An array reply: it ran (NOTREPLICATED inside a sync transaction still
  // committed it locally).
  if (!raw || raw->empty() || plan.doomed) return;
  if ((*raw)[0] == '*' || (*raw)[0] == ':' || raw->rfind("-NOTREPLICATED", 0) == 0) {
    ++committed_;
    acked_[client] = std::max(acked_[client], plan.tag);
  }
}

std::vector<std::string> UnitChecker::check_whole(SimCluster& cluster) {
  std::vector<std::string> out;
  for (int r = 0; r < cluster.size(); ++r) {
    Keyspace& ks = cluster.region(r).keyspace();
    for (const auto& [client, next] : next_tag_) {
      std::optional<std::string> first;
      for (int i = 0; i < kUnitKeys; ++i) {
        const KeyRecord* rec = ks.peek(unit_key(client, i), cluster.now());
        std::optional<std::string> v;
        if (rec != nullptr) v = rec->payload;
        if (i == 0) {
          first = v;
        } else if (v != first) {
          out.push_back("region " + std::to_string(r + 1) + " shows part of a transaction: " +
                        unit_key(client, 0) + "=" + first.value_or("(none)") + " but " +
                        unit_key(client, i) + "=" + v.value_or("(none)"));
          break;
        }
      }
    }
  }
  return out;
}

std::vector<std::string> UnitChecker::check_final(SimCluster& cluster) {
  std::vector<std::string> out = check_whole(cluster);
  Keyspace& ks = cluster.region(0).keyspace();
  for (const auto& [client, tag] : acked_) {
    const KeyRecord* rec = ks.peek(unit_key(client, 0), cluster.now());
    uint64_t have = 0;
    if (rec != nullptr) {
      const std::string& v = rec->payload;
      have = std::stoull(v.substr(v.find('-') + 1));
    }
    if (have < tag) {
      out.push_back("client " + std::to_string(client) + "'s acknowledged transaction " +
                    std::to_string(tag) + " is lost (its keys show " + std::to_string(have) + ")");
    }
  }
  return out;
}

namespace {

struct Chain {
  SimConn& conn;
  std::vector<std::vector<std::string>> commands;
  size_t next = 0;
  std::function<void(const std::optional<std::string>&)> done;
};

void advance(const std::shared_ptr<Chain>& chain, const std::optional<std::string>& raw) {
  if (!raw || chain->next == chain->commands.size()) return chain->done(raw);
  const auto& argv = chain->commands[chain->next++];
  bool sent = chain->conn.send(
      argv, [chain](const std::optional<std::string>& reply) { advance(chain, reply); });
  if (!sent) chain->done(std::nullopt);
}

}  // namespace

void send_chain(SimConn& conn, std::vector<std::vector<std::string>> commands,
                std::function<void(const std::optional<std::string>&)> done) {
  advance(std::make_shared<Chain>(Chain{conn, std::move(commands), 0, std::move(done)}),
          std::string("+OK\r\n"));
}

}  // namespace meridian::sim
