#pragma once
// What operators ask a region about its commands: per-command calls, time
// and errors (INFO commandstats, errorstats, latencystats), the slow log
// (SLOWLOG) and the latency monitor (LATENCY). Fed by the session, one call
// per command; bounded (the slow log and latency history are rings, the
// per-command table has one entry per command name, errors per prefix up to
// kMaxErrorKinds as Redis does). No I/O.
#include <array>
#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace meridian {

// Latencies in microseconds, in buckets of 1/8 of a power of two: a
// percentile is exact to 12.5 %.
class LatencyHistogram {
 public:
  void add(uint64_t usec);
  uint64_t count() const { return count_; }
  // The smallest bucket bound under which `p` percent of the samples lie.
  double percentile(double p) const;
  // LATENCY HISTOGRAM: per power of two (its upper bound, in us) that holds
  // samples, how many samples lie at or below it.
  std::vector<std::pair<uint64_t, uint64_t>> cumulative_pow2() const;
  // For each bound (us, ascending), the samples of the buckets that lie
  // wholly at or below it (Prometheus' cumulative buckets).
  std::vector<uint64_t> cumulative_at(const std::vector<double>& bounds_us) const;

 private:
  static constexpr int kSub = 8;
  static constexpr int kBuckets = 64 * kSub;
  static int bucket(uint64_t v);
  static double upper(int b);
  std::array<uint64_t, kBuckets> counts_{};
  uint64_t count_ = 0;
};

class CommandStats {
 public:
  struct PerCommand {
    uint64_t calls = 0, usec = 0, rejected = 0, failed = 0;
    LatencyHistogram latency;
  };
  struct SlowEntry {
    uint64_t id = 0;
    int64_t unix_s = 0;
    uint64_t usec = 0;
    std::vector<std::string> args;  // at most 32, each at most 128 bytes, as Redis
    std::string client_addr, client_name;
  };
  struct LatencySample {
    int64_t unix_s = 0;
    uint64_t ms = 0;
  };
  struct LatencyEvent {
    std::deque<LatencySample> history;  // at most kLatencyHistory
    uint64_t max_ms = 0;
  };
  static constexpr size_t kLatencyHistory = 160;
  static constexpr size_t kMaxErrorKinds = 128;

  // Settings that CONFIG SET changes at run time (Redis' defaults).
  int64_t slowlog_slower_than_us = 10000;  // negative: off; 0: every command
  uint64_t slowlog_max_len = 128;
  uint64_t latency_threshold_ms = 0;  // 0: the latency monitor is off

  // A command that ran for `usec`, finishing at `unix_ms`; `failed`: it
  // replied an error.
  void record(std::string_view name, uint64_t usec, bool failed, int64_t unix_ms);
  // A command refused before it ran (arity, NOAUTH, a standby's refusal).
  void reject(std::string_view name);
  // An error reply, by its first word ("ERR", "WRONGTYPE").
  void error(std::string_view reply_line);
  void slow(const std::vector<std::string_view>& argv, uint64_t usec, int64_t unix_ms,
            std::string_view addr, std::string_view client_name);

  // What a client waited for a write, by write mode ("async", "semi-sync
  // 2", "sync"), and for a read of keys, by read level ("local", "quorum"):
  // from the command's turn to its reply, waits for other regions included.
  struct PerPolicy {
    uint64_t usec = 0;
    LatencyHistogram latency;
  };
  using PolicyTable = std::map<std::string, PerPolicy, std::less<>>;
  void record_write(std::string_view mode, uint64_t usec) { add(write_modes_, mode, usec); }
  void record_read(std::string_view level, uint64_t usec) { add(read_levels_, level, usec); }
  const PolicyTable& write_modes() const { return write_modes_; }
  const PolicyTable& read_levels() const { return read_levels_; }

  const std::map<std::string, PerCommand, std::less<>>& commands() const { return commands_; }
  const std::map<std::string, uint64_t, std::less<>>& errors() const { return errors_; }
  const std::deque<SlowEntry>& slowlog() const { return slowlog_; }  // newest first
  void reset_slowlog() { slowlog_.clear(); }
  const std::map<std::string, LatencyEvent, std::less<>>& latency() const { return latency_; }
  // LATENCY RESET [event ...]: how many events were reset.
  size_t reset_latency(const std::vector<std::string_view>& events);
  // CONFIG RESETSTAT.
  void reset();

 private:
  static void add(PolicyTable& t, std::string_view label, uint64_t usec);
  std::map<std::string, PerCommand, std::less<>> commands_;
  PolicyTable write_modes_, read_levels_;  // a few labels each
  std::map<std::string, uint64_t, std::less<>> errors_;
  bool errors_full_ = false;
  std::deque<SlowEntry> slowlog_;
  uint64_t next_slow_id_ = 0;
  std::map<std::string, LatencyEvent, std::less<>> latency_;
};

}  // namespace meridian
