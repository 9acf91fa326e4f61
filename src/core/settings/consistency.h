#pragma once
// Write modes and read levels: how long a write waits for other regions
// before its reply, and how fresh a read must be. A default per keyspace
// (config), overridable per connection (MR.WRITE / MR.READ) and per command
// (MR.ONCE). Pure data and parsing: no I/O.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/version_vector.h"
#include "core/crdt/cell.h"

namespace meridian {

enum class WriteMode : uint8_t { kAsync, kSemiSync, kSync };

struct WritePolicy {
  WriteMode mode = WriteMode::kAsync;
  int regions = 0;            // semi-sync: other regions that must apply the write
  int64_t timeout_ms = 5000;  // semi-sync and sync: how long the reply waits
  bool operator==(const WritePolicy&) const = default;
};

enum class ReadLevel : uint8_t { kLocal, kLeader, kQuorum, kSession };

struct ReadPolicy {
  ReadLevel level = ReadLevel::kLocal;
  int64_t timeout_ms = 5000;  // leader, quorum and session: how long a read waits
  bool operator==(const ReadPolicy&) const = default;
};

// "async", "sync", "semi-sync N" (also "semi-sync=N", case-insensitive).
// Returns an error message, or nothing on success.
std::optional<std::string> parse_write_policy(std::string_view text, WritePolicy* out);
// "local", "leader", "quorum", "session".
std::optional<std::string> parse_read_policy(std::string_view text, ReadPolicy* out);

std::string describe(const WritePolicy& p);  // "semi-sync 2", as parsed
const char* describe(ReadLevel level);       // "quorum"

// Session tokens: "origin:seq" pairs joined by commas, e.g. "1:57,3:4".
std::string format_token(const VersionVector& token);
bool parse_token(std::string_view text, VersionVector* out);

// The arguments of MR.WRITE, MR.READ and MR.ONCE:
//   ASYNC | SYNC [timeout-ms] | SEMI-SYNC N [timeout-ms]
//   LOCAL | LEADER [timeout-ms] | QUORUM [timeout-ms] | SESSION [token] [timeout-ms]
// Consumes tokens from args[*pos] while they form policies (at most one
// write and one read policy); stops at the first word that is not one.
// Timeouts not given keep the value already in *write / *read. Returns an
// error message (Redis style, without the "ERR " prefix) or nothing.
struct PolicyArgs {
  std::optional<WritePolicy> write;
  std::optional<ReadPolicy> read;
  std::optional<VersionVector> token;
};
std::optional<std::string> parse_policy_args(const std::vector<std::string_view>& args, size_t* pos,
                                             const WritePolicy& write_defaults,
                                             const ReadPolicy& read_defaults, PolicyArgs* out);

// A default for the keys that match a glob pattern (Redis' glob syntax). The
// first matching entry of the config wins.
struct KeyspacePolicy {
  std::string pattern;
  std::optional<WritePolicy> write;
  std::optional<ReadPolicy> read;
  std::optional<crdt::Policy> conflict;
  std::vector<RegionId> priority;  // region-priority: highest first
};

// "crdt", "lww", "fww", "siblings", "region-priority".
std::optional<crdt::Policy> parse_conflict_policy(std::string_view text);

}  // namespace meridian
