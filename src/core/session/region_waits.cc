// Session: what waits for other regions. A write held until enough regions
// applied it (semi-sync, sync), a read deferred until the data is fresh
// enough (session, leader, quorum), and the client-seen latency each records
// by write mode and read level when its wait ends.
#include "core/commands/command_util.h"
#include "core/protocol/reply.h"
#include "core/region/region.h"
#include "core/session/session.h"

namespace meridian {

std::function<void()> Session::timer(bool write, std::string label, int64_t arrived_us) {
  // The region outlives every wait its replicator runs, unlike the session.
  Region* region = &region_;
  return [region, write, label = std::move(label), arrived_us] {
    auto usec = static_cast<uint64_t>(std::max<int64_t>(0, region->now_us() - arrived_us));
    if (write) {
      region->command_stats().record_write(label, usec);
    } else {
      region->command_stats().record_read(label, usec);
    }
  };
}

void Session::hold_write(const WritePolicy& policy, std::string& out, size_t reply_start,
                         int64_t arrived_us) {
  Replicator& repl = region_.replicator();
  // Keys only some regions may hold: only those count (and they alone
  // receive the write).
  std::vector<RegionId> among;
  for (RegionId r : home_allowed_) {
    if (r != repl.self().id && region_.region_names().count(r)) among.push_back(r);
  }
  const bool homed = !home_allowed_.empty();
  const int peers = homed ? static_cast<int>(among.size()) : repl.peer_count();
  int down = 0;
  for (RegionId r : among) down += region_.failover().health_of(r) == Health::kUnhealthy ? 1 : 0;
  if (!homed) down = region_.failover().unhealthy_peers();
  // sync: every region still in the cluster, not one found down (else one
  // lost region would block every sync write until it returns), and never
  // fewer than a majority, so a quorum read always meets the write.
  const int needed = policy.mode == WriteMode::kSync ? std::max(peers - down, (peers + 1) / 2)
                                                     : std::min(policy.regions, peers);
  const uint64_t seq = last_write_seq_;
  auto done = timer(true, describe(policy), arrived_us);
  if (repl.acked_count(seq, among) >= needed) return done();
  std::string held = out.substr(reply_start);
  out.resize(reply_start);
  uint64_t* errors = &region_.stats().total_error_replies;
  const bool reply_ok = region_.settings().replication.timeout_replies_ok;
  std::string msg = "NOTREPLICATED the write is committed locally (" + repl.self().name +
                    ") and on {} of the " + std::to_string(needed) + " other regions " +
                    describe(policy) + " requires after waiting " +
                    std::to_string(policy.timeout_ms) +
                    " ms; it stays committed and reaches the other regions when they catch up";
  suspend([&](std::function<void(Finish)> complete) {
    repl.wait_acks(
        seq, needed, policy.timeout_ms,
        [complete, held, errors, reply_ok, msg, done](int acked, bool met) {
          done();
          complete([=](std::string& o, int proto) {
            if (met || reply_ok) {
              o.append(held);
              return;
            }
            std::string m = msg;
            m.replace(m.find("{}"), 2, std::to_string(acked));
            Reply(o, proto, errors).error(m);
          });
        },
        among);
  });
}

bool Session::defer_read(const CommandSpec& spec, const std::vector<std::string_view>& argv,
                         const ReadPolicy& policy, int64_t arrived_us) {
  Replicator& repl = region_.replicator();
  std::vector<std::string> args(argv.begin(), argv.end());
  const CommandSpec* s = &spec;
  uint64_t* errors = &region_.stats().total_error_replies;
  // Runs the command against local data once it is fresh enough.
  auto run = [this, s, args](std::string& o) {
    std::vector<std::string_view> av(args.begin(), args.end());
    Reply reply(o, proto_, &region_.stats().total_error_replies);
    Keyspace& ks = region_.keyspace();
    CommandContext ctx{region_, *this, ks, av, reply, region_.now_ms()};
    // A read writes too when it finds a key expired (a replicated delete).
    ks.begin_command();
    const size_t start = o.size();
    const int64_t started_us = region_.now_us();
    s->handler(ctx);
    account(*s, av, o, start, started_us);
    if (ks.writes().seq != 0) region_.replicator().log_command(ks.writes());
    ks.begin_command();
  };
  switch (policy.level) {
    case ReadLevel::kLocal:
      return false;
    case ReadLevel::kSession: {
      if (repl.covers(token_)) return false;
      VersionVector need = token_;
      std::string msg = "TRYAGAIN this region (" + repl.self().name +
                        ") has not yet applied the session's writes (token " + format_token(need) +
                        ") after waiting " + std::to_string(policy.timeout_ms) +
                        " ms; retry, or read in the region that made the write";
      suspend([&](std::function<void(Finish)> complete) {
        auto done = timer(false, describe(policy.level), arrived_us);
        repl.wait_applied(need, policy.timeout_ms, [complete, run, msg, errors, done](bool ok) {
          done();
          complete([=](std::string& o, int proto) {
            if (ok) return run(o);
            Reply(o, proto, errors).error(msg);
          });
        });
      });
      return true;
    }
    case ReadLevel::kLeader:
    case ReadLevel::kQuorum: {
      if (policy.level == ReadLevel::kLeader ? repl.is_leader() : repl.quorum_peers() == 0) {
        return false;
      }
      auto source = policy.level == ReadLevel::kLeader ? Replicator::Source::kLeader
                                                       : Replicator::Source::kQuorum;
      std::vector<std::string> keys;
      for (auto k : command_keys(spec, argv)) keys.emplace_back(k);
      auto done = timer(false, describe(policy.level), arrived_us);
      suspend([&](std::function<void(Finish)> complete) {
        repl.fetch(std::move(keys), source, policy.timeout_ms,
                   [complete, run, errors, done](std::optional<std::string> err) {
                     done();
                     complete([=](std::string& o, int proto) {
                       if (!err) return run(o);
                       Reply(o, proto, errors).error(*err);
                     });
                   });
      });
      return true;
    }
  }
  return false;
}

}  // namespace meridian
