#pragma once
// One ACL user: whether it is on, its passwords (SHA-256), and what it may
// run (a bitmap over AclCatalog's ids), touch (key patterns, each for
// reading, writing or both) and publish to (channel patterns). Rules are
// Redis' ACL SETUSER language, applied one at a time as Redis applies them.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/acl/acl_catalog.h"

namespace meridian {

class AclUser {
 public:
  // A new user as ACL SETUSER creates it: off, no passwords, no keys, no
  // channels, no commands.
  explicit AclUser(std::string name);

  // Applies one rule; on failure returns why, in Redis' words (what follows
  // "Error in ACL SETUSER modifier '<rule>': ") and leaves the user as it was.
  std::optional<std::string> apply(std::string_view rule);

  const std::string& name() const { return name_; }
  bool enabled() const { return enabled_; }
  bool nopass() const { return nopass_; }
  // Every command, key and channel: nothing to check.
  bool unrestricted() const { return unrestricted_; }
  // The password is right (or the user has nopass). Compares every stored
  // hash in full, so timing does not tell which one matched.
  bool password_ok(std::string_view password) const;

  enum Permission : uint8_t { kRead = 1, kWrite = 2 };
  bool may_run(const AclCommand& command, const std::vector<std::string_view>& argv) const;
  // `flags`: KeyAccessFlag of what the call does to the key.
  bool may_touch(std::string_view key, uint32_t flags) const;
  // `is_pattern`: PSUBSCRIBE's pattern, which must be one of the user's own.
  bool may_use_channel(std::string_view channel, bool is_pattern) const;

  // ACL LIST's line after "user <name> ".
  std::string describe() const;
  // ACL GETUSER's fields.
  std::vector<std::string> flag_names() const;
  const std::vector<std::string>& password_hashes() const { return hashes_; }
  std::string describe_commands() const;
  std::string describe_keys() const;
  std::string describe_channels() const;

  static std::string sha256_hex(std::string_view s);

 private:
  struct KeyPattern {
    std::string pattern;
    uint8_t permissions;  // kRead | kWrite
  };
  std::optional<std::string> apply_one(std::string_view rule);
  std::optional<std::string> apply_command_rule(std::string_view rule);
  void set_command(const AclCommand& c, bool allow);
  void set_category(int category, bool allow);
  void set_all(bool allow);
  std::optional<std::string> add_key_pattern(std::string_view pattern, uint8_t permissions);

  std::string name_;
  bool enabled_ = false;
  bool nopass_ = false;
  bool sanitize_payload_ = false, skip_sanitize_payload_ = false;
  std::vector<std::string> hashes_;  // hex SHA-256, in the order they were added
  bool all_keys_ = false;
  std::vector<KeyPattern> keys_;
  bool all_channels_ = false;
  std::vector<std::string> channels_;
  std::vector<bool> commands_;    // by AclCatalog id
  bool future_commands_ = false;  // +@all: commands the catalogue does not know yet
  std::map<int, std::vector<std::string>> first_args_;  // +get|x: allowed first arguments
  bool unrestricted_ = false;
};

}  // namespace meridian
