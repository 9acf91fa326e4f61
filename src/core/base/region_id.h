#pragma once
#include <cstdint>

namespace meridian {

// A region's number in the cluster, as its [[regions]] entry gives it.
using RegionId = uint32_t;

}  // namespace meridian
