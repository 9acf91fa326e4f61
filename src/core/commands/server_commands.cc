// INFO, COMMAND, CONFIG, TIME.
#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "core/acl/acl_catalog.h"
#include "core/base/glob.h"
#include "core/commands/command_docs.h"
#include "core/commands/command_util.h"
#include "core/region/client.h"
#include "core/region/keyspace_events.h"
#include "core/region/region.h"
#include "core/region/version.h"

namespace meridian {
namespace {

using cmd::equals_ci;

const char* fsync_name(FsyncMode m) {
  switch (m) {
    case FsyncMode::kAlways:
      return "always";
    case FsyncMode::kEverySec:
      return "everysec";
    case FsyncMode::kNo:
      break;
  }
  return "no";
}

void section(std::string& out, const char* title) {
  if (!out.empty()) out.append("\r\n");
  out.append("# ").append(title).append("\r\n");
}

void field(std::string& out, const char* name, const std::string& value) {
  out.append(name).append(":").append(value).append("\r\n");
}
void field(std::string& out, const char* name, uint64_t value) {
  field(out, name, std::to_string(value));
}

void info(CommandContext& ctx) {
  Region& r = ctx.region;
  const auto& s = r.settings();
  const Stats& st = r.stats();
  Keyspace& ks = ctx.keyspace;

  std::vector<std::string> wanted;
  for (size_t i = 1; i < ctx.argv.size(); ++i) {
    wanted.push_back(cmd::lower(ctx.argv[i]));
  }
  auto want = [&](const char* name) {
    if (wanted.empty()) return true;
    for (const auto& w : wanted)
      if (w == name || w == "all" || w == "everything" || w == "default") return true;
    return false;
  };
  // As Redis: per-command sections only when asked for (or "all").
  auto want_extra = [&](const char* name) {
    for (const auto& w : wanted)
      if (w == name || w == "all" || w == "everything") return true;
    return false;
  };

  std::string out;
  if (want("server")) {
    section(out, "Server");
    field(out, "redis_version", kRedisCompatVersion);
    field(out, "meridian_version", kMeridianVersion);
    field(out, "redis_mode", "standalone");
    field(out, "arch_bits", "64");
    field(out, "tcp_address", s.tcp_address);
    field(out, "uptime_in_seconds", static_cast<uint64_t>((ctx.now_ms - r.start_time_ms()) / 1000));
    field(out, "hz", static_cast<uint64_t>(s.hz));
  }
  if (want("clients")) {
    section(out, "Clients");
    field(out, "connected_clients", st.connected_clients);
    field(out, "maxclients", static_cast<uint64_t>(s.maxclients));
    uint64_t blocked = 0;
    for (const Client* c : r.clients()) blocked += c->blocked() ? 1 : 0;
    field(out, "blocked_clients", blocked);
  }
  if (want("memory")) {
    // Meridian's data lives in RocksDB: used_memory is the heap (RocksDB's
    // memtables and block cache included), not the dataset.
    MemoryUse m = r.memory ? r.memory->sample() : MemoryUse{};
    section(out, "Memory");
    field(out, "used_memory", m.allocated);
    field(out, "used_memory_human", bytes_to_human(m.allocated));
    field(out, "used_memory_rss", m.resident);
    field(out, "used_memory_rss_human", bytes_to_human(m.resident));
    field(out, "used_memory_peak", m.peak_allocated);
    field(out, "used_memory_peak_human", bytes_to_human(m.peak_allocated));
    field(out, "used_memory_dataset", m.storage);
    // Where the memory is: the parts memory_budget_mb splits, each in use.
    const uint64_t budget = s.memory_budget_bytes;
    field(out, "memory_budget", budget);
    field(out, "memory_budget_human", bytes_to_human(budget));
    // The simulator measures no memory (r.memory unset): its figures stay 0,
    // the caches' fill included, so a region's replies never depend on how
    // big its caches are.
    const uint64_t caches = r.memory ? ks.cache_bytes() : 0;
    field(out, "record_cache_memory", caches);
    field(out, "record_cache_memory_human", bytes_to_human(caches));
    field(out, "record_cache_limit", r.memory ? static_cast<uint64_t>(s.cache_bytes / 4 * 5) : 0);
    field(out, "storage_memory", m.storage);
    field(out, "storage_memory_human", bytes_to_human(m.storage));
    field(out, "storage_memtables", m.storage_memtables);
    field(out, "storage_memtables_limit", static_cast<uint64_t>(s.memtable_bytes));
    field(out, "storage_block_cache", m.storage_block_cache);
    field(out, "storage_block_cache_limit", m.storage_block_cache_capacity);
    field(out, "storage_table_readers", m.storage_table_readers);
    const uint64_t counted = caches + m.storage;
    field(out, "other_memory", m.resident > counted ? m.resident - counted : 0);
    field(out, "storage_disk", m.storage_disk);
    field(out, "storage_disk_human", bytes_to_human(m.storage_disk));
    field(out, "storage_wal", m.storage_wal);
    field(out, "storage_wal_human", bytes_to_human(m.storage_wal));
    field(out, "maxmemory", "0");
    field(out, "maxmemory_human", "0B");
    field(out, "maxmemory_policy", "noeviction");
    char ratio[32];
    std::snprintf(
        ratio, sizeof(ratio), "%.2f",
        m.allocated ? static_cast<double>(m.resident) / static_cast<double>(m.allocated) : 0.0);
    field(out, "mem_fragmentation_ratio", ratio);
    field(out, "mem_allocator", "libc");
  }
  if (want("persistence")) {
    section(out, "Persistence");
    field(out, "storage_engine", "rocksdb");
    field(out, "fsync", fsync_name(s.fsync));
    if (const Compactor* c = ctx.region.compactor) {
      // Redis' names for its log rewrite, here a compaction of RocksDB.
      CompactionState cs = c->state();
      field(out, "aof_rewrite_in_progress", cs.in_progress ? "1" : "0");
      field(out, "aof_rewrite_scheduled", "0");
      field(out, "aof_last_rewrite_time_sec",
            cs.runs ? std::to_string(cs.last_duration_ms / 1000) : std::string("-1"));
      field(out, "aof_last_bgrewrite_status", cs.last_ok ? "ok" : "err");
      field(out, "aof_rewrites", cs.runs);
    }
    field(out, "commits", st.commits);
    field(out, "synced_commits", st.synced_commits);
    if (const Backups* b = ctx.region.backups) {
      // Redis' names for its snapshot, here a RocksDB backup.
      BackupState bs = b->state();
      field(out, "rdb_bgsave_in_progress", bs.in_progress ? "1" : "0");
      field(out, "rdb_last_save_time", static_cast<uint64_t>(bs.last_ok_unix_ms / 1000));
      field(out, "rdb_last_bgsave_status", bs.last_status == "err" ? "err" : "ok");
      field(out, "rdb_last_bgsave_time_sec", static_cast<uint64_t>(bs.last_duration_ms / 1000));
      field(out, "backup_bytes_done", bs.bytes_done);
      field(out, "backup_bytes_total", bs.bytes_total);
      field(out, "backups_ok", bs.ok_count);
      field(out, "backups_failed", bs.failed_count);
    }
  }
  if (want("stats")) {
    section(out, "Stats");
    field(out, "total_connections_received", st.total_connections_received);
    field(out, "total_commands_processed", st.total_commands_processed);
    field(out, "rejected_connections", st.rejected_connections);
    field(out, "expired_keys", ks.expired_total());
    field(out, "keyspace_hits", st.keyspace_hits);
    field(out, "keyspace_misses", st.keyspace_misses);
    field(out, "total_error_replies", st.total_error_replies);
    field(out, "protocol_errors", st.protocol_errors);
    PubSub& ps = r.pubsub();
    field(out, "pubsub_channels", static_cast<uint64_t>(ps.names(PubSub::kChannel)));
    field(out, "pubsub_patterns", static_cast<uint64_t>(ps.names(PubSub::kPattern)));
    field(out, "pubsubshard_channels", static_cast<uint64_t>(ps.names(PubSub::kShard)));
  }
  if (want("replication")) {
    section(out, "Replication");
    // Redis tools read these two; every region accepts writes.
    field(out, "role", "master");
    field(out, "connected_slaves", "0");
    ctx.region.replicator().info(out, ctx.now_ms);
    for (const char* policy : {"crdt", "lww", "fww", "siblings", "region-priority"}) {
      auto it = ctx.region.conflicts().counts().find(policy);
      std::string name = std::string("conflicts_") + policy;
      std::replace(name.begin(), name.end(), '-', '_');
      field(out, name.c_str(), it == ctx.region.conflicts().counts().end() ? 0 : it->second);
    }
    field(out, "conflict_feed_last_id", ctx.region.conflicts().last_id());
    field(out, "siblings_dropped", ctx.keyspace.siblings_dropped());
    field(out, "tombstones", static_cast<uint64_t>(ctx.keyspace.tombstone_count()));
    field(out, "tombstones_purged", ctx.keyspace.tombstones_purged());
    auto& fm = ctx.region.failover();
    field(out, "failover_epoch", fm.epoch());
    field(out, "primary",
          ctx.region.region_names().count(fm.primary()) ? ctx.region.region_names().at(fm.primary())
                                                        : std::to_string(fm.primary()));
    field(out, "accepts_writes", fm.accepts_writes() ? "1" : "0");
    field(out, "tier", tier_name(fm.tier()));
    field(out, "serves_clients", fm.serves_clients() ? "1" : "0");
    for (const auto& [id, name] : ctx.region.region_names()) {
      if (id == ctx.region.settings().region_id) continue;
      field(out, ("health_" + name).c_str(), health_name(fm.health_of(id)));
    }
  }
  if (want("meridian")) {
    section(out, "Meridian");
    field(out, "cluster", s.cluster_name);
    field(out, "region", s.region_name);
    field(out, "region_id", static_cast<uint64_t>(s.region_id));
    field(out, "hlc", ks.last_hlc().packed);
    field(out, "write_sequence", ks.sequence());
  }
  const CommandStats& cs = r.command_stats();
  if (want_extra("commandstats")) {
    section(out, "Commandstats");
    char buf[64];
    for (const auto& [name, c] : cs.commands()) {
      double per_call = c.calls ? static_cast<double>(c.usec) / static_cast<double>(c.calls) : 0;
      std::snprintf(buf, sizeof(buf), "%.2f", per_call);
      out.append("cmdstat_" + name + ":calls=" + std::to_string(c.calls) +
                 ",usec=" + std::to_string(c.usec) + ",usec_per_call=" + buf + ",rejected_calls=" +
                 std::to_string(c.rejected) + ",failed_calls=" + std::to_string(c.failed) + "\r\n");
    }
  }
  if (want("errorstats")) {
    section(out, "Errorstats");
    for (const auto& [kind, n] : cs.errors())
      out.append("errorstat_" + kind + ":count=" + std::to_string(n) + "\r\n");
  }
  if (want_extra("latencystats")) {
    section(out, "Latencystats");
    char buf[128];
    for (const auto& [name, c] : cs.commands()) {
      if (c.latency.count() == 0) continue;
      std::snprintf(buf, sizeof(buf), "p50=%.3f,p99=%.3f,p99.9=%.3f", c.latency.percentile(50),
                    c.latency.percentile(99), c.latency.percentile(99.9));
      out.append("latency_percentiles_usec_" + name + ":" + buf + "\r\n");
    }
  }
  if (want("keyspace")) {
    section(out, "Keyspace");
    if (ks.key_count() > 0) {
      out.append("db0:keys=" + std::to_string(ks.key_count()) +
                 ",expires=" + std::to_string(ks.expires_count()) + ",avg_ttl=0\r\n");
    }
  }
  ctx.reply.verbatim(out);
}

void flag_names(const CommandSpec& c, std::vector<const char*>& out) {
  if (c.flags & kCmdWrite) out.push_back("write");
  if (c.flags & kCmdReadOnly) out.push_back("readonly");
  if (c.flags & kCmdDenyOom) out.push_back("denyoom");
  if (c.flags & kCmdAdmin) out.push_back("admin");
  if (c.flags & kCmdNoAuth) out.push_back("no_auth");
  if (c.flags & kCmdLoading) out.push_back("loading");
  if (c.flags & kCmdStale) out.push_back("stale");
  if (c.flags & kCmdFast) out.push_back("fast");
  if (c.movable_keys()) out.push_back("movablekeys");
}

// One COMMAND entry in Redis 7's ten-element layout.
void command_entry(Reply& reply, const CommandSpec& c) {
  reply.array(10);
  reply.bulk(c.name);
  reply.integer(c.arity);
  std::vector<const char*> flags;
  flag_names(c, flags);
  reply.set(flags.size());
  for (const char* f : flags) reply.simple(f);
  reply.integer(c.first_key);
  reply.integer(c.last_key);
  reply.integer(c.step);
  // ACL categories, in Redis' order
  const AclCommand* acl = AclCatalog::get().find(c.name);
  const uint64_t cats = acl != nullptr ? acl->categories : 0;
  const auto& names = AclCatalog::category_names();
  reply.set(static_cast<size_t>(__builtin_popcountll(cats)));
  for (size_t i = 0; i < names.size(); ++i) {
    if (cats >> i & 1) reply.simple("@" + names[i]);
  }
  reply.set(0);    // tips
  reply.array(0);  // key specs
  reply.array(0);  // subcommands
}

void command(CommandContext& ctx) {
  const auto& all = command_table().all();
  const auto& argv = ctx.argv;
  if (argv.size() == 1) {
    ctx.reply.array(all.size());
    for (const auto& c : all) command_entry(ctx.reply, c);
    return;
  }
  std::string_view sub = argv[1];
  if (equals_ci(sub, "COUNT")) {
    if (argv.size() != 2) return cmd::arity_error(ctx.reply, "command|count");
    return ctx.reply.integer(static_cast<int64_t>(all.size()));
  }
  if (equals_ci(sub, "INFO")) {
    ctx.reply.array(argv.size() - 2);
    for (size_t i = 2; i < argv.size(); ++i) {
      const CommandSpec* c = command_table().find(argv[i]);
      if (c == nullptr) {
        ctx.reply.null();
      } else {
        command_entry(ctx.reply, *c);
      }
    }
    return;
  }
  if (equals_ci(sub, "LIST")) {
    ctx.reply.array(all.size());
    for (const auto& c : all) ctx.reply.bulk(c.name);
    return;
  }
  if (equals_ci(sub, "GETKEYS")) {
    if (argv.size() < 4) return cmd::arity_error(ctx.reply, "command|getkeys");  // arity -4
    const CommandSpec* c = command_table().find(argv[2]);
    if (c == nullptr) return ctx.reply.error("ERR Invalid command specified");
    std::vector<std::string_view> args(argv.begin() + 2, argv.end());
    const int argc = static_cast<int>(args.size());
    if ((c->arity > 0 && c->arity != argc) || argc < -c->arity) {
      return ctx.reply.error("ERR Invalid number of arguments specified for command");
    }
    auto keys = command_keys(*c, args);
    if (keys.empty()) return ctx.reply.error("ERR The command has no key arguments");
    ctx.reply.array(keys.size());
    for (auto k : keys) ctx.reply.bulk(k);
    return;
  }
  if (equals_ci(sub, "DOCS")) {
    // No names: every command. Names without docs are left out, as Redis does.
    if (argv.size() == 2) {
      size_t found = 0;
      for (const auto& c : all) found += has_command_doc(c.name) ? 1 : 0;
      ctx.reply.map(found);
      for (const auto& c : all) {
        if (has_command_doc(c.name)) reply_command_doc(ctx.reply, c.name);
      }
      return;
    }
    size_t found = 0;
    for (size_t i = 2; i < argv.size(); ++i) found += has_command_doc(argv[i]) ? 1 : 0;
    ctx.reply.map(found);
    for (size_t i = 2; i < argv.size(); ++i) {
      if (has_command_doc(argv[i])) reply_command_doc(ctx.reply, argv[i]);
    }
    return;
  }
  cmd::unknown_subcommand(ctx.reply, sub, "COMMAND");
}

// CONFIG SET name value [name value ...]: the settings that change at run
// time; the others are named in the error with where to change them.
void config_set(CommandContext& ctx) {
  const auto& argv = ctx.argv;
  if (argv.size() < 4 || argv.size() % 2 != 0) return cmd::arity_error(ctx.reply, "config|set");
  static const char* const kFileOnly[] = {"appendonly",
                                          "appendfsync",
                                          "save",
                                          "databases",
                                          "maxclients",
                                          "proto-max-bulk-len",
                                          "client-query-buffer-limit",
                                          "client-output-buffer-limit",
                                          "hz",
                                          "requirepass",
                                          "port",
                                          "bind",
                                          "dir"};
  CommandStats& cs = ctx.region.command_stats();
  // All or nothing, as Redis: every pair is checked before any is applied.
  struct Change {
    std::string name;
    int64_t value;
  };
  std::vector<Change> changes;
  for (size_t i = 2; i + 1 < argv.size(); i += 2) {
    const std::string name = cmd::lower(argv[i]);
    if (name == "notify-keyspace-events") {
      auto flags = notify::parse(argv[i + 1]);
      if (!flags) {
        return ctx.reply.error(
            "ERR CONFIG SET failed (possibly related to argument 'notify-keyspace-events') - "
            "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.");
      }
      changes.push_back({name, static_cast<int64_t>(*flags)});
      continue;
    }
    const bool runtime = name == "slowlog-log-slower-than" || name == "slowlog-max-len" ||
                         name == "latency-monitor-threshold" || name == "lua-time-limit" ||
                         name == "busy-reply-threshold" || name == "acllog-max-len";
    if (!runtime) {
      for (const char* f : kFileOnly) {
        if (name == f) {
          return ctx.reply.error("ERR CONFIG SET failed (possibly related to argument '" + name +
                                 "') - '" + name +
                                 "' is set in the region's config file and read at start: "
                                 "change it there and restart the region");
        }
      }
      return ctx.reply.error("ERR Unknown option or number of arguments for CONFIG SET - '" +
                             std::string(cmd::as_c_string(argv[i])) + "'");
    }
    auto v = parse_int64(argv[i + 1]);
    const int64_t low = name == "slowlog-log-slower-than" ? -1 : 0;
    if (!v || *v < low) {
      return ctx.reply.error("ERR CONFIG SET failed (possibly related to argument '" + name +
                             "') - argument couldn't be parsed into an integer");
    }
    changes.push_back({name, *v});
  }
  for (const auto& c : changes) {
    if (c.name == "slowlog-log-slower-than") cs.slowlog_slower_than_us = c.value;
    if (c.name == "slowlog-max-len") cs.slowlog_max_len = static_cast<uint64_t>(c.value);
    if (c.name == "latency-monitor-threshold")
      cs.latency_threshold_ms = static_cast<uint64_t>(c.value);
    if (c.name == "lua-time-limit" || c.name == "busy-reply-threshold") {
      ctx.region.scripts().set_time_limit_ms(c.value);
    }
    if (c.name == "notify-keyspace-events") {
      ctx.region.set_notify_flags(static_cast<uint32_t>(c.value));
    }
    if (c.name == "acllog-max-len") {
      ctx.region.acl().log().set_max_len(static_cast<size_t>(c.value));
    }
  }
  ctx.reply.ok();
}

// CONFIG GET client-output-buffer-limit, as Redis prints it (Meridian has
// no replica clients, so no "slave" class).
std::string output_limits(const RegionSettings& s) {
  auto one = [](const char* cls, const RegionSettings::OutputLimit& l) {
    return std::string(cls) + " " + std::to_string(l.hard) + " " + std::to_string(l.soft) + " " +
           std::to_string(l.soft_seconds);
  };
  return one("normal", s.output_limit_normal) + " " + one("pubsub", s.output_limit_pubsub);
}

void config(CommandContext& ctx) {
  const auto& argv = ctx.argv;
  const auto& s = ctx.region.settings();
  std::string_view sub = argv[1];
  if (equals_ci(sub, "GET")) {
    if (argv.size() < 3) return cmd::arity_error(ctx.reply, "config|get");
    const CommandStats& cs = ctx.region.command_stats();
    const std::pair<const char*, std::string> params[] = {
        {"slowlog-log-slower-than", std::to_string(cs.slowlog_slower_than_us)},
        {"slowlog-max-len", std::to_string(cs.slowlog_max_len)},
        {"latency-monitor-threshold", std::to_string(cs.latency_threshold_ms)},
        {"notify-keyspace-events", notify::format(ctx.region.notify_flags())},
        {"lua-time-limit", std::to_string(ctx.region.scripts().time_limit_ms())},
        {"busy-reply-threshold", std::to_string(ctx.region.scripts().time_limit_ms())},
        {"acllog-max-len", std::to_string(ctx.region.acl().log().max_len())},
        {"client-output-buffer-limit", output_limits(s)},
        {"appendonly", "yes"},
        {"appendfsync", fsync_name(s.fsync)},
        {"save", ""},
        {"databases", "1"},
        {"maxclients", std::to_string(s.maxclients)},
        {"proto-max-bulk-len", std::to_string(s.limits.proto_max_bulk_len)},
        {"client-query-buffer-limit", std::to_string(s.limits.client_query_buffer_limit)},
        {"hz", std::to_string(s.hz)},
    };
    std::vector<const std::pair<const char*, std::string>*> hits;
    for (const auto& p : params) {
      for (size_t i = 2; i < argv.size(); ++i) {
        if (glob_match(argv[i], p.first, true)) {
          hits.push_back(&p);
          break;
        }
      }
    }
    ctx.reply.map(hits.size());
    for (const auto* p : hits) {
      ctx.reply.bulk(p->first);
      ctx.reply.bulk(p->second);
    }
    return;
  }
  if (equals_ci(sub, "SET")) return config_set(ctx);
  if (equals_ci(sub, "RESETSTAT")) {
    ctx.region.command_stats().reset();
    return ctx.reply.ok();
  }
  cmd::unknown_subcommand(ctx.reply, sub, "CONFIG");
}

// TIME: seconds and microseconds of the region's wall clock (the simulator's
// virtual time, in the deterministic runtime).
void time_cmd(CommandContext& ctx) {
  const int64_t us = ctx.region.wall_us();
  ctx.reply.array(2);
  ctx.reply.bulk(std::to_string(us / 1'000'000));
  ctx.reply.bulk(std::to_string(us % 1'000'000));
}

}  // namespace

void register_server_commands(CommandTable& t) {
  t.add({"info", -1, kCmdLoading | kCmdStale, 0, 0, 0, info});
  t.add({"command", -1, kCmdLoading | kCmdStale, 0, 0, 0, command});
  t.add({"config", -2, kCmdAdmin | kCmdLoading | kCmdStale, 0, 0, 0, config});
  t.add({"time", 1, kCmdFast | kCmdLoading | kCmdStale, 0, 0, 0, time_cmd});
}

}  // namespace meridian
