#include "core/acl/acl.h"

namespace meridian {

namespace {

std::vector<std::string_view> split_spaces(std::string_view s) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r')) ++i;
    size_t j = i;
    while (j < s.size() && s[j] != ' ' && s[j] != '\t' && s[j] != '\r') ++j;
    if (j > i) out.push_back(s.substr(i, j - i));
    i = j;
  }
  return out;
}

AclUser default_user() {
  AclUser u("default");
  for (const char* r : {"on", "nopass", "~*", "&*", "+@all"}) u.apply(r);
  return u;
}

}  // namespace

Acl::Acl() {
  users_.emplace("default", default_user());
}

AclUser* Acl::find(std::string_view name) {
  auto it = users_.find(name);
  return it == users_.end() ? nullptr : &it->second;
}

const AclUser* Acl::find(std::string_view name) const {
  auto it = users_.find(name);
  return it == users_.end() ? nullptr : &it->second;
}

std::optional<std::string> Acl::set_user(std::string_view name,
                                         const std::vector<std::string_view>& rules) {
  const AclUser* old = find(name);
  AclUser u = old != nullptr ? *old : AclUser(std::string(name));
  for (auto rule : rules) {
    if (!rule.empty() && rule.front() == '(') {
      return "ERR Error in ACL SETUSER modifier '" + std::string(rule) +
             "': Selectors are not supported by Meridian; use one user per set of permissions";
    }
    if (auto err = u.apply(rule)) {
      return "ERR Error in ACL SETUSER modifier '" + std::string(rule) + "': " + *err;
    }
  }
  users_.insert_or_assign(std::string(name), std::move(u));
  return std::nullopt;
}

std::optional<std::string> Acl::set_user(std::string_view name, std::string_view rules) {
  return set_user(name, split_spaces(rules));
}

bool Acl::del_user(std::string_view name) {
  if (name == "default") return false;
  auto it = users_.find(name);
  if (it == users_.end()) return false;
  users_.erase(it);
  return true;
}

bool Acl::default_needs_auth() const {
  const AclUser* d = find("default");
  return d == nullptr || !d->enabled() || !d->nopass();
}

const AclUser* Acl::authenticate(std::string_view name, std::string_view password) const {
  const AclUser* u = find(name);
  if (u == nullptr || !u->enabled() || !u->password_ok(password)) return nullptr;
  return u;
}

std::optional<std::string> Acl::load(std::string_view text, std::string_view source) {
  Acl fresh;
  fresh.users_.clear();
  std::string errors;
  int line_no = 0;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    auto words = split_spaces(line);
    if (words.empty()) continue;
    const std::string where = std::string(source) + ":" + std::to_string(line_no) + ": ";
    if (words[0] != "user" || words.size() < 2) {
      errors += where + "should start with user keyword. ";
      continue;
    }
    if (fresh.find(words[1]) != nullptr) {
      errors += where + "user '" + std::string(words[1]) + "' is duplicated. ";
      continue;
    }
    std::vector<std::string_view> rules(words.begin() + 2, words.end());
    AclUser u{std::string(words[1])};
    for (auto r : rules) {
      if (auto err = u.apply(r)) {
        errors += where + *err + ". ";
        break;
      }
    }
    fresh.users_.insert_or_assign(std::string(words[1]), std::move(u));
  }
  if (!errors.empty()) {
    return "ERR " + errors +
           "WARNING: ACL errors detected, no change to the previously active ACL rules was "
           "performed";
  }
  if (fresh.find("default") == nullptr) fresh.users_.emplace("default", default_user());
  users_ = std::move(fresh.users_);
  return std::nullopt;
}

std::string Acl::save() const {
  std::string out;
  for (const auto& [name, u] : users_) out += "user " + name + " " + u.describe() + "\n";
  return out;
}

}  // namespace meridian
