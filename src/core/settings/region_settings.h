#pragma once
// What a region's core needs to know from the configuration. Pure data: the
// TOML loader (src/config) fills it; the core never reads files.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/base/version_vector.h"
#include "core/placement/placement.h"
#include "core/protocol/request_parser.h"
#include "core/settings/consistency.h"
#include "core/settings/failover_settings.h"

namespace meridian {

enum class FsyncMode { kAlways, kEverySec, kNo };

// A region of the cluster as replication sees it.
struct RegionInfo {
  RegionId id = 0;
  std::string name;
  std::string client_address;  // host:port, for messages that name a region
  Tier tier = Tier::kActive;
};

// How this region replicates, from the config's [replication] and
// [[keyspaces]] sections.
struct ReplicationSettings {
  // Every region of the cluster in config order, this one included. The
  // first is the leader that `leader` reads are answered by.
  std::vector<RegionInfo> regions;
  WritePolicy default_write;
  ReadPolicy default_read;
  std::vector<KeyspacePolicy> keyspaces;
  // On a semi-sync/sync timeout: false replies with an error naming how many
  // regions applied the write; true replies as if it succeeded (the achieved
  // count is in MR.LASTWRITE and INFO).
  bool timeout_replies_ok = false;
  // Log records kept beyond what every region has applied.
  uint64_t log_retention_ops = 100000;
  // A region further behind than this gets a full resync instead of the
  // log. (Records are still kept until every region has applied them:
  // concurrent deletes and pulls need them; see Replicator::truncate.)
  uint64_t log_max_ops = 10'000'000;
  // How often a region tells its peers its applied positions.
  int64_t heartbeat_ms = 100;
  // Records per replication message.
  size_t batch_records = 512;
  // How concurrent writes to a key resolve, unless a keyspace says otherwise.
  crdt::Policy default_conflict = crdt::Policy::kCrdt;
  // siblings: concurrent values kept per key; past it the oldest go (and
  // appear in the conflict feed).
  size_t max_siblings = 8;
  // Conflict feed entries kept in memory.
  size_t conflict_feed_size = 10000;
};

struct RegionSettings {
  std::string cluster_name = "local";
  std::string region_name = "local";
  RegionId region_id = 1;
  FsyncMode fsync = FsyncMode::kEverySec;
  int64_t maxclients = 10000;
  ParserLimits limits;
  bool enable_flushall = false;
  // MR.DEBUG (fault injection for tests); refused unless enabled.
  bool enable_debug = false;
  int hz = 10;  // active expiry cycles per second
  // Budget of the in-memory cache of key records (0: off).
  size_t cache_bytes = 256u << 20;
  // [server] memory_budget_mb (0: none). When set, cache_bytes and the two
  // sizes below come from split_memory_budget().
  size_t memory_budget_bytes = 0;
  // RocksDB's block cache, and the memtables of every column together (0:
  // RocksDB's own per-column limits).
  size_t block_cache_bytes = 128u << 20;
  size_t memtable_bytes = 0;
  // Redis' client-output-buffer-limit for one class of clients: a client
  // whose unsent replies pass `hard` bytes, or stay above `soft` for
  // `soft_seconds`, is closed (0: no limit).
  struct OutputLimit {
    uint64_t hard = 0, soft = 0;
    int64_t soft_seconds = 0;
  };
  OutputLimit output_limit_normal;  // Redis' default: none
  OutputLimit output_limit_pubsub{uint64_t{32} << 20, uint64_t{8} << 20, 60};
  // Password of the default user; empty: no password.
  std::string requirepass;
  // Further users: name -> password.
  std::map<std::string, std::string> users;
  // Their ACL rules (Redis' ACL SETUSER language); a user without any may
  // run every command on every key and channel.
  std::map<std::string, std::string> user_rules;
  // [server] aclfile: where ACL SAVE writes this region's users and where
  // it loads them from at start and on ACL LOAD; the runtime resolves a
  // relative path inside the region's data directory. Empty: none.
  std::string aclfile;
  // Shown by INFO.
  std::string tcp_address;
  ReplicationSettings replication;
  FailoverSettings failover;
  Placement placement;  // [[placement]]: homes and allowed regions of keys
};

}  // namespace meridian
