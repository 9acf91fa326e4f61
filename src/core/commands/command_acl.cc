#include "core/commands/command_acl.h"

#include <algorithm>

#include "core/base/numbers.h"
#include "core/commands/command_util.h"

namespace meridian {

namespace {

// Redis' getKeysUsingKeySpecs for one spec: the positions it names, or
// false when it cannot say (an unknown or incomplete spec, bad arguments).
bool spec_positions(const KeySpec& s, const std::vector<std::string_view>& argv,
                    std::vector<int>* out) {
  const int argc = static_cast<int>(argv.size());
  int first = 0;
  if (s.begin == KeySpec::Begin::kIndex) {
    first = s.index;
  } else if (s.begin == KeySpec::Begin::kKeyword) {
    const int start = s.startfrom > 0 ? s.startfrom : argc + s.startfrom;
    const int end = s.startfrom > 0 ? argc - 1 : 1;
    for (int i = start; i != end; i = start <= end ? i + 1 : i - 1) {
      if (i >= argc || i < 1) break;
      if (cmd::equals_ci(argv[static_cast<size_t>(i)], s.keyword)) {
        first = i + 1;
        break;
      }
    }
    if (first == 0) return true;  // keyword absent: no keys
  } else {
    return false;
  }
  int last = 0, step = s.keystep;
  if (s.find == KeySpec::Find::kRange) {
    if (s.lastkey >= 0) {
      last = first + s.lastkey;
    } else if (s.limit == 0) {
      last = argc + s.lastkey;
    } else {
      last = first + ((argc - first) / s.limit + s.lastkey);
    }
  } else if (s.find == KeySpec::Find::kKeynum) {
    const int at = first + s.keynumidx;
    if (at >= argc) return false;
    auto n = parse_int64(argv[static_cast<size_t>(at)]);
    if (!n || *n < 0 || *n > argc) return false;
    first += s.firstkey;
    last = first + static_cast<int>(*n) - 1;
  } else {
    return false;
  }
  if (first >= argc || last >= argc || last < first) return false;
  for (int i = first; i <= last && step > 0; i += step) out->push_back(i);
  return (s.flags & kKeyIncomplete) == 0;
}

bool has_arg(const std::vector<std::string_view>& argv, std::string_view word) {
  return std::any_of(argv.begin() + 1, argv.end(),
                     [&](std::string_view a) { return cmd::equals_ci(a, word); });
}

// Redis' getkeys procedures for the commands whose key flags depend on
// their arguments.
uint32_t variable_flags(const AclCommand& acl, const std::vector<std::string_view>& argv,
                        uint32_t flags) {
  if (acl.name == "set") {
    return has_arg(argv, "GET") ? kKeyAccess | kKeyUpdate : kKeyUpdate;
  }
  if (acl.name == "bitfield") {
    const bool writes = has_arg(argv, "SET") || has_arg(argv, "INCRBY");
    return writes ? kKeyAccess | kKeyUpdate : kKeyAccess;
  }
  return flags;
}

}  // namespace

std::vector<AccessedKey> accessed_keys(const AclCommand& acl, const CommandSpec& spec,
                                       const std::vector<std::string_view>& argv) {
  std::vector<AccessedKey> out;
  bool complete = true;
  uint32_t unknown_flags = 0;  // of the specs that could not say
  for (const auto& s : acl.specs) {
    if (s.flags & kKeyNotKey) continue;
    std::vector<int> at;
    if (!spec_positions(s, argv, &at)) {
      complete = false;
      unknown_flags |= s.flags;
    }
    const uint32_t f = (s.flags & kKeyVariable) ? variable_flags(acl, argv, s.flags) : s.flags;
    for (int i : at) out.push_back({argv[static_cast<size_t>(i)], f});
  }
  if (acl.specs.empty() && spec.first_key > 0) {
    // A Meridian command without specs: its key positions, by its flags.
    complete = false;
    unknown_flags = (spec.flags & kCmdWrite) ? kKeyUpdate : kKeyAccess;
  }
  if (complete) return out;
  // The command's own finder names every key; those the specs missed get
  // what the specs that could not say do (SORT's STORE: a write).
  const uint32_t writes = unknown_flags & kKeyWrites;
  const uint32_t missing = writes != 0 ? writes : (unknown_flags | kKeyAccess);
  for (auto k : command_keys(spec, argv)) {
    const bool found = std::any_of(out.begin(), out.end(), [&](const AccessedKey& a) {
      return a.key.data() == k.data() && a.key.size() == k.size();
    });
    if (!found) out.push_back({k, missing & ~(kKeyVariable | kKeyIncomplete)});
  }
  return out;
}

std::vector<AccessedChannel> accessed_channels(const CommandSpec& spec,
                                               const std::vector<std::string_view>& argv) {
  std::vector<AccessedChannel> out;
  const std::string& n = spec.name;
  if ((n == "publish" || n == "spublish") && argv.size() > 1) {
    out.push_back({argv[1], false});
  } else if (n == "subscribe" || n == "ssubscribe" || n == "psubscribe") {
    for (size_t i = 1; i < argv.size(); ++i) out.push_back({argv[i], n == "psubscribe"});
  }
  return out;
}

std::optional<AclRefusal> acl_check(const AclUser& user, const CommandSpec& spec,
                                    const std::vector<std::string_view>& argv) {
  if (user.unrestricted() || (spec.flags & kCmdNoAuth)) return std::nullopt;
  const AclCommand* c = AclCatalog::get().for_call(spec.name, argv);
  if (c == nullptr || !user.may_run(*c, argv)) {
    return AclRefusal{AclRefusal::kCommand, c != nullptr ? c->name : spec.name};
  }
  for (const auto& k : accessed_keys(*c, spec, argv)) {
    if (!user.may_touch(k.key, k.flags)) return AclRefusal{AclRefusal::kKey, std::string(k.key)};
  }
  for (const auto& ch : accessed_channels(spec, argv)) {
    if (!user.may_use_channel(ch.channel, ch.is_pattern)) {
      return AclRefusal{AclRefusal::kChannel, std::string(ch.channel)};
    }
  }
  return std::nullopt;
}

}  // namespace meridian
