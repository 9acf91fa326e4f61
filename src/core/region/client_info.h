#pragma once
// One line of CLIENT LIST / CLIENT INFO (and ACL LOG's client-info), with
// Redis' field names in Redis' order, for the fields Meridian has.
#include <cstdint>
#include <string>

#include "core/region/client.h"
#include "core/region/pubsub.h"

namespace meridian {

// Without the trailing newline.
std::string client_info_line(const Client& c, const PubSub& pubsub, int64_t now_ms);

}  // namespace meridian
