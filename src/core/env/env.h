#pragma once
#include "core/env/clock.h"
#include "core/env/random.h"
#include "core/env/scheduler.h"
#include "core/storage/storage.h"

namespace meridian {

// Everything outside the core that a region needs, passed in by a runtime.
// The core holds references only; the runtime owns the objects and keeps them
// alive for the region's lifetime.
struct Env {
  Clock& clock;
  Random& random;
  Scheduler& scheduler;
  Storage& storage;
};

}  // namespace meridian
