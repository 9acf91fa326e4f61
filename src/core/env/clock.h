#pragma once
#include <cstdint>

namespace meridian {

// Wall-clock time as the core sees it. The real runtime reads the system clock;
// the simulator returns virtual time, so a seed reproduces a run exactly.
class Clock {
 public:
  virtual ~Clock() = default;
  // Milliseconds since the Unix epoch.
  virtual int64_t now_ms() = 0;
  // Microseconds of a steady clock, for how long commands take (SLOWLOG,
  // INFO commandstats). The simulator's virtual time has milliseconds only.
  virtual int64_t now_us() { return now_ms() * 1000; }
  // Microseconds since the Unix epoch (TIME). now_ms() in finer units where
  // the clock has them: the simulator's virtual time has milliseconds only.
  virtual int64_t wall_us() { return now_ms() * 1000; }
};

}  // namespace meridian
