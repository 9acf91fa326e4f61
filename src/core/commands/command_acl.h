#pragma once
// What an ACL check needs of one call: the catalogue entry it is checked
// against, the keys it names with what it does to each (Redis' key specs,
// as Redis' ACL reads them), and the channels it publishes or subscribes to.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/acl/acl_catalog.h"
#include "core/acl/acl_user.h"
#include "core/commands/command_table.h"

namespace meridian {

struct AccessedKey {
  std::string_view key;
  uint32_t flags;  // KeyAccessFlag
};

// Keys found through the key specs; where a spec cannot say (SORT's STORE)
// or the flags depend on the arguments (SET ... GET), the command's own
// key finder and its options decide, as Redis' getkeys procedures do.
std::vector<AccessedKey> accessed_keys(const AclCommand& acl, const CommandSpec& spec,
                                       const std::vector<std::string_view>& argv);

struct AccessedChannel {
  std::string_view channel;
  bool is_pattern;  // PSUBSCRIBE: compared to the user's patterns literally
};
std::vector<AccessedChannel> accessed_channels(const CommandSpec& spec,
                                               const std::vector<std::string_view>& argv);

// Why `user` may not run `argv` (Redis' ACLCheckAllPerm: the command, then
// its keys, then its channels), or nothing.
struct AclRefusal {
  enum Kind { kCommand, kKey, kChannel } kind;
  std::string object;  // the command's full name, the key or the channel
};
std::optional<AclRefusal> acl_check(const AclUser& user, const CommandSpec& spec,
                                    const std::vector<std::string_view>& argv);

}  // namespace meridian
