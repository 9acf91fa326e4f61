#pragma once
// What the chaos runs report about a cluster's data: a region's whole
// state as comparable bytes, and, when two regions differ, which keys and
// (MERIDIAN_CHAOS_EXPLAIN) how.
#include <string>

namespace meridian::sim {

class SimCluster;

// Every key of region `region` with its canonical state (equal bytes:
// converged).
std::string dump_region(SimCluster& cluster, int region);
// The first keys whose state differs between regions a and b.
std::string differing_keys(SimCluster& cluster, int a, int b);

}  // namespace meridian::sim
