#pragma once
#include <cstdint>

#include "core/base/region_id.h"

namespace meridian {

// A hybrid logical clock timestamp: 48 bits of physical milliseconds since the
// epoch and 16 bits of logical counter, packed so that comparing the integers
// compares the timestamps.
struct Hlc {
  uint64_t packed = 0;

  static constexpr int kLogicalBits = 16;
  static Hlc from(int64_t physical_ms, uint32_t logical) {
    return Hlc{(static_cast<uint64_t>(physical_ms) << kLogicalBits) | (logical & 0xffff)};
  }
  int64_t physical_ms() const { return static_cast<int64_t>(packed >> kLogicalBits); }
  uint32_t logical() const { return static_cast<uint32_t>(packed & 0xffff); }
  auto operator<=>(const Hlc&) const = default;
};

// Issues monotonically increasing HLC timestamps for one region. The clock
// reading is passed in so that this stays free of I/O.
class HlcClock {
 public:
  // A local event (a write) at wall time now_ms.
  Hlc tick(int64_t now_ms) {
    int64_t pt = last_.physical_ms();
    if (now_ms > pt) {
      last_ = Hlc::from(now_ms, 0);
    } else if (last_.logical() < 0xffff) {
      last_ = Hlc{last_.packed + 1};
    } else {
      last_ = Hlc::from(pt + 1, 0);  // logical overflow borrows a millisecond
    }
    return last_;
  }
  // Merges a timestamp seen from another region (replication).
  void observe(Hlc remote) {
    if (remote > last_) last_ = remote;
  }
  Hlc last() const { return last_; }

 private:
  Hlc last_;
};

// Which of two writes is later, for last-writer-wins and for thresholds
// that void what was written at or before a point: the HLC, then the region
// id. Every write of the cluster has a distinct version.
struct Version {
  Hlc hlc;
  RegionId origin = 0;
  auto operator<=>(const Version&) const = default;
  bool empty() const { return hlc.packed == 0 && origin == 0; }
  // The latest version strictly before this one. A whole-key clear made by a
  // command voids what came before the command, never the command's own
  // writes, which share its version (an HSET that finds its key expired).
  Version just_before() const {
    if (origin > 0) return Version{hlc, origin - 1};
    if (hlc.packed == 0) return Version{};
    return Version{Hlc{hlc.packed - 1}, UINT32_MAX};
  }
};

}  // namespace meridian
