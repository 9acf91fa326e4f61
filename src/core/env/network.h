#pragma once
// Messages between regions, as the core sees them. The real runtime carries
// them over authenticated TCP peer links (src/runtime/real); the simulator
// delivers them in virtual time with the latency, loss, duplication and
// partitions a test asks for (src/runtime/sim/sim_network.h).
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

#include "core/base/version_vector.h"

namespace meridian {

class Network {
 public:
  virtual ~Network() = default;
  // Sends `message` to region `to`. Best effort: a message may arrive late,
  // twice or never, and messages may overtake each other unless the link
  // keeps order; the protocol above must cope (sequence numbers, retries).
  virtual void send(RegionId to, std::string message) = 0;
  // Bytes handed to send() for `to` that the runtime still holds (not yet
  // written to the link). The replicator resends what seems lost only when
  // nothing is waiting here: a slow peer is not a lossy one.
  virtual size_t queued_bytes(RegionId /*to*/) const { return 0; }
  // Why the link with `peer` was last refused (a config that differs, a
  // certificate, the secret), until it comes up again; empty otherwise.
  virtual std::string refusal(RegionId /*peer*/) const { return {}; }
};

// What a runtime calls when a message for the core arrives.
using MessageHandler = std::function<void(RegionId from, std::string message)>;

}  // namespace meridian
