#include "core/region/command_stats.h"

#include <algorithm>
#include <bit>
#include <cmath>

namespace meridian {

int LatencyHistogram::bucket(uint64_t v) {
  if (v < kSub) return static_cast<int>(v);
  int exp = std::bit_width(v) - 1;  // v in [2^exp, 2^(exp+1))
  int sub = static_cast<int>((v >> (exp - 3)) & (kSub - 1));
  return std::min(kBuckets - 1, (exp - 2) * kSub + sub);
}

double LatencyHistogram::upper(int b) {
  if (b < kSub) return b + 1;
  int exp = b / kSub + 2, sub = b % kSub;
  return std::ldexp(1.0, exp) + (sub + 1) * std::ldexp(1.0, exp - 3);
}

void LatencyHistogram::add(uint64_t usec) {
  ++counts_[static_cast<size_t>(bucket(usec))];
  ++count_;
}

double LatencyHistogram::percentile(double p) const {
  if (count_ == 0) return 0;
  auto want = static_cast<uint64_t>(std::ceil(static_cast<double>(count_) * p / 100.0));
  uint64_t seen = 0;
  for (int b = 0; b < kBuckets; ++b) {
    seen += counts_[static_cast<size_t>(b)];
    if (seen >= std::max<uint64_t>(want, 1)) return upper(b);
  }
  return upper(kBuckets - 1);
}

std::vector<uint64_t> LatencyHistogram::cumulative_at(const std::vector<double>& bounds_us) const {
  std::vector<uint64_t> out;
  uint64_t seen = 0;
  int b = 0;
  for (double bound : bounds_us) {
    for (; b < kBuckets && upper(b) <= bound + 1; ++b) seen += counts_[static_cast<size_t>(b)];
    out.push_back(seen);
  }
  return out;
}

std::vector<std::pair<uint64_t, uint64_t>> LatencyHistogram::cumulative_pow2() const {
  std::vector<std::pair<uint64_t, uint64_t>> out;
  uint64_t seen = 0;
  for (int b = 0; b < kBuckets; ++b) {
    const uint64_t n = counts_[static_cast<size_t>(b)];
    if (n == 0) continue;
    seen += n;
    // The power of two at or above the bucket's upper bound.
    const auto bound = std::bit_ceil(static_cast<uint64_t>(upper(b)));
    if (!out.empty() && out.back().first == bound) {
      out.back().second = seen;
    } else {
      out.emplace_back(bound, seen);
    }
  }
  return out;
}

void CommandStats::record(std::string_view name, uint64_t usec, bool failed, int64_t unix_ms) {
  auto it = commands_.find(name);
  if (it == commands_.end()) it = commands_.emplace(std::string(name), PerCommand{}).first;
  PerCommand& c = it->second;
  ++c.calls;
  c.usec += usec;
  if (failed) ++c.failed;
  c.latency.add(usec);
  if (latency_threshold_ms != 0 && usec / 1000 >= latency_threshold_ms) {
    // The latency monitor's "command" event (Redis splits fast commands out).
    LatencyEvent& e = latency_["command"];
    e.max_ms = std::max<uint64_t>(e.max_ms, usec / 1000);
    e.history.push_back({unix_ms / 1000, usec / 1000});
    if (e.history.size() > kLatencyHistory) e.history.pop_front();
  }
}

void CommandStats::add(PolicyTable& t, std::string_view label, uint64_t usec) {
  auto it = t.find(label);
  if (it == t.end()) it = t.emplace(std::string(label), PerPolicy{}).first;
  it->second.usec += usec;
  it->second.latency.add(usec);
}

void CommandStats::reject(std::string_view name) {
  if (name.empty()) return;
  auto it = commands_.find(name);
  if (it == commands_.end()) it = commands_.emplace(std::string(name), PerCommand{}).first;
  ++it->second.rejected;
}

void CommandStats::error(std::string_view reply_line) {
  std::string_view kind = reply_line.substr(0, reply_line.find_first_of(" \r\n"));
  auto it = errors_.find(kind);
  if (it != errors_.end()) {
    ++it->second;
  } else if (errors_.size() < kMaxErrorKinds) {
    errors_.emplace(std::string(kind), 1);
  } else if (!errors_full_) {
    // Redis stops tracking new kinds past 128 (a client could invent many).
    errors_full_ = true;
  }
}

void CommandStats::slow(const std::vector<std::string_view>& argv, uint64_t usec, int64_t unix_ms,
                        std::string_view addr, std::string_view client_name) {
  if (slowlog_slower_than_us < 0 || usec < static_cast<uint64_t>(slowlog_slower_than_us)) return;
  if (slowlog_max_len == 0) return;
  SlowEntry e;
  e.id = next_slow_id_++;
  e.unix_s = unix_ms / 1000;
  e.usec = usec;
  const size_t kMaxArgs = 32, kMaxArgLen = 128;
  size_t shown = std::min(argv.size(), kMaxArgs);
  for (size_t i = 0; i < shown; ++i) {
    if (i == kMaxArgs - 1 && argv.size() > kMaxArgs) {
      e.args.push_back("... (" + std::to_string(argv.size() - kMaxArgs + 1) + " more arguments)");
      break;
    }
    std::string_view a = argv[i];
    if (a.size() > kMaxArgLen) {
      e.args.push_back(std::string(a.substr(0, kMaxArgLen)) + "... (" +
                       std::to_string(a.size() - kMaxArgLen) + " more bytes)");
    } else {
      e.args.emplace_back(a);
    }
  }
  e.client_addr.assign(addr);
  e.client_name.assign(client_name);
  slowlog_.push_front(std::move(e));
  while (slowlog_.size() > slowlog_max_len) slowlog_.pop_back();
}

size_t CommandStats::reset_latency(const std::vector<std::string_view>& events) {
  if (events.empty()) {
    size_t n = latency_.size();
    latency_.clear();
    return n;
  }
  size_t n = 0;
  for (auto e : events) {
    auto it = latency_.find(e);
    if (it == latency_.end()) continue;
    latency_.erase(it);
    ++n;
  }
  return n;
}

void CommandStats::reset() {
  commands_.clear();
  errors_.clear();
  errors_full_ = false;
  write_modes_.clear();
  read_levels_.clear();
}

}  // namespace meridian
