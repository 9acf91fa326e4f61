// Which client-output-buffer-limit class a connection is in.
#include "core/region/region.h"
#include "core/session/session.h"

namespace meridian {

const RegionSettings::OutputLimit& Session::output_limit() const {
  const PubSub& ps = region_.pubsub();
  const bool subscribed = ps.count(this, PubSub::kChannel) + ps.count(this, PubSub::kPattern) +
                              ps.count(this, PubSub::kShard) >
                          0;
  return subscribed ? region_.settings().output_limit_pubsub
                    : region_.settings().output_limit_normal;
}

}  // namespace meridian
