#pragma once
// A region's users and their permissions (Redis' ACL): who may connect,
// what each may run, touch and publish, and the log of refusals. ACLs are
// per region: the config's [[users]] give every region the same start, and
// ACL SETUSER / DELUSER change the region they run in (ACL SAVE writes them
// to the region's aclfile, from which it starts next time).
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/acl/acl_log.h"
#include "core/acl/acl_user.h"

namespace meridian {

class Acl {
 public:
  // Only the default user: on, nopass, every key, channel and command.
  Acl();

  AclUser* find(std::string_view name);
  const AclUser* find(std::string_view name) const;
  const std::map<std::string, AclUser, std::less<>>& users() const { return users_; }

  // ACL SETUSER: applies every rule to a copy of the user (a new user if
  // there is none), and keeps it only if all apply. The error is the whole
  // reply line, in Redis' words.
  std::optional<std::string> set_user(std::string_view name,
                                      const std::vector<std::string_view>& rules);
  // Splits `rules` at spaces and applies them (config and aclfile lines).
  std::optional<std::string> set_user(std::string_view name, std::string_view rules);
  // False for an unknown user. The default user cannot be deleted.
  bool del_user(std::string_view name);

  // Connections start as the default user, authenticated when it is on and
  // has nopass.
  bool default_needs_auth() const;
  // AUTH: the user, if it exists, is on, and the password is right.
  const AclUser* authenticate(std::string_view name, std::string_view password) const;

  // ACL LOAD: replaces every user by those of `text` (aclfile lines
  // "user <name> <rules...>"), all or nothing; the error names `source`
  // and the line. Without a default user in the text, it is the default.
  std::optional<std::string> load(std::string_view text, std::string_view source);
  // ACL SAVE's text: one line per user, as ACL LIST.
  std::string save() const;

  AclLog& log() { return log_; }
  const AclLog& log() const { return log_; }

 private:
  std::map<std::string, AclUser, std::less<>> users_;
  AclLog log_;
};

}  // namespace meridian
