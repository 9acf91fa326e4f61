#include "core/region/region_metrics.h"

#include <string>
#include <vector>

#include "core/crdt/conflict.h"
#include "core/region/region.h"
#include "core/region/version.h"

namespace meridian {
namespace {

using T = PrometheusText::Type;

// Command latency buckets, in seconds (Prometheus' defaults, finer below 1 ms
// where a region's commands live).
const std::vector<double>& latency_bounds_s() {
  static const std::vector<double> b = {0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025,
                                        0.005,   0.01,   0.025,   0.05,   0.1,   0.25,
                                        0.5,     1,      2.5,     5,      10};
  return b;
}

// One histogram sample set of a family already opened.
void histogram(PrometheusText& m, const char* label, const std::string& value,
               const LatencyHistogram& h, uint64_t sum_usec) {
  static const std::vector<double> us = [] {
    std::vector<double> v;
    for (double s : latency_bounds_s()) v.push_back(s * 1e6);
    return v;
  }();
  auto counts = h.cumulative_at(us);
  std::vector<std::pair<double, uint64_t>> le;
  for (size_t i = 0; i < us.size(); ++i) le.emplace_back(latency_bounds_s()[i], counts[i]);
  m.histogram({{label, value}}, le, h.count(), static_cast<double>(sum_usec) / 1e6);
}

void commands(Region& region, PrometheusText& m) {
  const auto& cmds = region.command_stats().commands();
  m.family("meridian_commands_total", T::kCounter, "Commands run, by command");
  for (const auto& [name, c] : cmds) m.sample({{"command", name}}, static_cast<double>(c.calls));
  m.family("meridian_command_failures_total", T::kCounter,
           "Commands that ran and replied an error, by command");
  for (const auto& [name, c] : cmds) m.sample({{"command", name}}, static_cast<double>(c.failed));
  m.family("meridian_commands_rejected_total", T::kCounter,
           "Commands refused before they ran (arity, NOAUTH, NOPERM, a standby's refusal), by "
           "command");
  for (const auto& [name, c] : cmds) {
    m.sample({{"command", name}}, static_cast<double>(c.rejected));
  }
  m.family("meridian_errors_total", T::kCounter,
           "Error replies by their first word (ERR, WRONGTYPE, NOPERM...), as INFO errorstats");
  for (const auto& [prefix, n] : region.command_stats().errors()) {
    m.sample({{"error", prefix}}, static_cast<double>(n));
  }
  m.family("meridian_command_duration_seconds", T::kHistogram,
           "Time each command took to run in this region, by command");
  for (const auto& [name, c] : cmds) histogram(m, "command", name, c.latency, c.usec);
  m.family("meridian_write_duration_seconds", T::kHistogram,
           "Time clients waited for a write, by write mode, waits for other regions included");
  for (const auto& [mode, p] : region.command_stats().write_modes()) {
    histogram(m, "mode", mode, p.latency, p.usec);
  }
  m.family("meridian_read_duration_seconds", T::kHistogram,
           "Time clients waited for a read of keys, by read level, waits for other regions "
           "included");
  for (const auto& [level, p] : region.command_stats().read_levels()) {
    histogram(m, "level", level, p.latency, p.usec);
  }
}

void data(Region& region, PrometheusText& m) {
  const Stats& st = region.stats();
  Keyspace& ks = region.keyspace();
  m.single("meridian_connected_clients", T::kGauge, "Client connections open",
           static_cast<double>(st.connected_clients));
  m.single("meridian_connections_received_total", T::kCounter, "Client connections accepted",
           static_cast<double>(st.total_connections_received));
  m.single("meridian_connections_rejected_total", T::kCounter,
           "Client connections refused (maxclients)", static_cast<double>(st.rejected_connections));
  m.single("meridian_keyspace_hits_total", T::kCounter, "Reads that found their key",
           static_cast<double>(st.keyspace_hits));
  m.single("meridian_keyspace_misses_total", T::kCounter, "Reads that did not find their key",
           static_cast<double>(st.keyspace_misses));
  m.single("meridian_keys", T::kGauge, "Keys this region holds (DBSIZE)",
           static_cast<double>(ks.key_count()));
  m.single("meridian_keys_with_expiry", T::kGauge, "Keys with a time to live",
           static_cast<double>(ks.expires_count()));
  m.single("meridian_expired_keys_total", T::kCounter, "Keys removed because their TTL passed",
           static_cast<double>(ks.expired_total()));
  m.single("meridian_commits_total", T::kCounter, "Storage commits (one per event-loop pass)",
           static_cast<double>(st.commits));

  m.family("meridian_conflicts_total", T::kCounter,
           "Resolutions that discarded a write, by the key's conflict policy");
  const auto& counts = region.conflicts().counts();
  for (const char* policy : {"crdt", "lww", "fww", "siblings", "region-priority"}) {
    auto it = counts.find(policy);
    m.sample({{"policy", policy}}, it == counts.end() ? 0 : static_cast<double>(it->second));
  }
  m.single("meridian_siblings_dropped_total", T::kCounter,
           "Concurrent values dropped because a key had more than max_siblings",
           static_cast<double>(ks.siblings_dropped()));
  m.single("meridian_tombstones", T::kGauge,
           "Deleted keys kept for their causal context until every region has seen the delete",
           static_cast<double>(ks.tombstone_count()));
  m.single("meridian_tombstones_purged_total", T::kCounter, "Tombstones purged once stable",
           static_cast<double>(ks.tombstones_purged()));
}

void runtime_probes(Region& region, PrometheusText& m) {
  if (region.memory != nullptr) {
    MemoryUse u = region.memory->sample();
    m.single("meridian_memory_allocated_bytes", T::kGauge,
             "Bytes the allocator has handed out (INFO used_memory; measured at most every 10 s)",
             static_cast<double>(u.allocated));
    m.single("meridian_memory_resident_bytes", T::kGauge, "The process's resident set size",
             static_cast<double>(u.resident));
    m.single("meridian_storage_memory_bytes", T::kGauge,
             "RocksDB's memtables, block cache and table readers in use",
             static_cast<double>(u.storage));
    m.single("meridian_storage_memtable_bytes", T::kGauge, "RocksDB's memtables, every column",
             static_cast<double>(u.storage_memtables));
    m.single("meridian_storage_block_cache_bytes", T::kGauge, "RocksDB's block cache in use",
             static_cast<double>(u.storage_block_cache));
    m.single("meridian_storage_table_reader_bytes", T::kGauge,
             "Index and filter blocks of RocksDB's table files, held in memory",
             static_cast<double>(u.storage_table_readers));
    m.single("meridian_record_cache_bytes", T::kGauge,
             "Record caches, field filters and score buckets (within cache_mb x 1.25)",
             static_cast<double>(region.keyspace().cache_bytes()));
    m.single("meridian_storage_pending_compaction_bytes", T::kGauge,
             "RocksDB's estimate of the bytes compaction has yet to rewrite",
             static_cast<double>(u.storage_pending_compaction));
    m.single("meridian_storage_disk_bytes", T::kGauge, "RocksDB's live table files on disk",
             static_cast<double>(u.storage_disk));
  }
  if (region.backups != nullptr) {
    BackupState b = region.backups->state();
    m.single("meridian_backup_last_success_timestamp_seconds", T::kGauge,
             "Unix time the last good backup finished (0: never)",
             static_cast<double>(b.last_ok_unix_ms) / 1000);
    m.single("meridian_backup_last_duration_seconds", T::kGauge, "How long the last backup took",
             static_cast<double>(b.last_duration_ms) / 1000);
    m.single("meridian_backup_in_progress", T::kGauge, "1 while a backup runs",
             b.in_progress ? 1 : 0);
    m.single("meridian_backups_total", T::kCounter, "Backups that succeeded since start",
             static_cast<double>(b.ok_count));
    m.single("meridian_backup_failures_total", T::kCounter, "Backups that failed since start",
             static_cast<double>(b.failed_count));
  }
}

}  // namespace

void write_region_metrics(Region& region, PrometheusText& m) {
  const int64_t now = region.now_ms();
  m.family("meridian_region_info", T::kGauge,
           "Always 1; labels name this region, its cluster and version");
  m.sample({{"region", region.settings().region_name},
            {"cluster", region.settings().cluster_name},
            {"version", kMeridianVersion}},
           1);
  m.single("meridian_start_time_seconds", T::kGauge, "Unix time the region started",
           static_cast<double>(region.start_time_ms()) / 1000);
  commands(region, m);
  data(region, m);
  region.replicator().write_metrics(m, now);
  region.failover().write_metrics(m);
  runtime_probes(region, m);
}

}  // namespace meridian
