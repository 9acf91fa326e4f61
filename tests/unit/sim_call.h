#pragma once
// Test helper: one command on a simulated connection, running virtual time
// until its reply (or 10 s of virtual time).
#include <optional>
#include <string>
#include <vector>

#include "runtime/sim/sim_cluster.h"

namespace meridian::sim {

inline std::optional<std::string> call(SimCluster& c, SimConn& conn,
                                       const std::vector<std::string>& argv) {
  std::optional<std::string> out;
  bool done = false;
  conn.send(argv, [&](const std::optional<std::string>& r) {
    out = r;
    done = true;
  });
  for (int i = 0; !done && i < 10000; ++i) c.run_for(1);
  return out;
}

}  // namespace meridian::sim
