#pragma once
// How a cluster chooses and moves its primary, from the config's [failover]
// section. Pure data.
#include <cstdint>
#include <string>
#include <vector>

#include "core/base/version_vector.h"

namespace meridian {

enum class Pattern : uint8_t {
  kActiveActive,   // every region takes writes
  kActivePassive,  // only the primary takes writes; standbys refuse them
  kWriteGlobal,    // read-local/write-global: standbys forward writes to the primary
};

// A region's disaster-recovery tier (the config's [[regions]] tier): what it
// does while it is not the primary.
enum class Tier : uint8_t {
  kActive,         // multi-site active-active: serves clients, writes per the pattern
  kWarmStandby,    // applies the log and serves reads; takes writes only as primary
  kPilotLight,     // applies the log, serves no clients until promoted to primary
  kBackupRestore,  // not a running replica: receives the others' backups
};

const char* tier_name(Tier t);

struct FailoverSettings {
  Pattern pattern = Pattern::kActiveActive;
  int64_t check_interval_ms = 250;  // each region checks every other this often
  int64_t check_timeout_ms = 500;   // a check without an answer by then failed
  int64_t degraded_ms = 0;          // slower answers make a region degraded (0: off)
  int failure_threshold = 3;        // consecutive failures before unhealthy
  int recovery_threshold = 3;       // consecutive successes before healthy again
  // The primary holds a lease renewed by a majority; it stops taking writes
  // when the lease runs out, and no region votes for a new primary until
  // the lease it granted has run out.
  int64_t lease_ms = 1500;
  // Async writes: a candidate further behind the old primary than this is
  // not promoted (0: no limit).
  uint64_t max_lag_ops = 0;
  bool auto_failback = false;
  int64_t failback_hold_ms = 60000;       // the original primary healthy this long first
  int64_t failover_cooldown_ms = 300000;  // no second automatic failover before this
  std::vector<RegionId> priority;         // candidate order after the other criteria
};

const char* pattern_name(Pattern p);

}  // namespace meridian
