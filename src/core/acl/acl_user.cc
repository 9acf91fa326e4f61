#include "core/acl/acl_user.h"

#include <openssl/evp.h>

#include <algorithm>
#include <cstdint>

#include "core/base/glob.h"

namespace meridian {

namespace {

constexpr std::string_view kUnknownCommand = "Unknown command or category name in ACL";
constexpr std::string_view kSyntax = "Syntax error";

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool valid_hash(std::string_view h) {
  return h.size() == 64 && std::all_of(h.begin(), h.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

// Equal lengths compared without an early exit.
bool same(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

}  // namespace

AclUser::AclUser(std::string name)
    : name_(std::move(name)), commands_(AclCatalog::get().all().size(), false) {}

std::string AclUser::sha256_hex(std::string_view s) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(s.data(), s.size(), md, &len, EVP_sha256(), nullptr);
  static const char* const kHex = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < len; ++i) {
    out.push_back(kHex[md[i] >> 4]);
    out.push_back(kHex[md[i] & 15]);
  }
  return out;
}

bool AclUser::password_ok(std::string_view password) const {
  if (nopass_) return true;
  const std::string h = sha256_hex(password);
  bool ok = false;
  for (const auto& stored : hashes_) ok |= same(stored, h);
  return ok;
}

std::optional<std::string> AclUser::apply(std::string_view rule) {
  auto err = apply_one(rule);
  unrestricted_ = all_keys_ && all_channels_ && future_commands_ &&
                  std::all_of(commands_.begin(), commands_.end(), [](bool b) { return b; });
  return err;
}

std::optional<std::string> AclUser::apply_one(std::string_view rule) {
  auto remove_hash = [&](const std::string& h) -> std::optional<std::string> {
    auto it = std::find(hashes_.begin(), hashes_.end(), h);
    if (it == hashes_.end()) {
      return std::string("The password you are trying to remove from the user does not exist");
    }
    hashes_.erase(it);
    return std::nullopt;
  };
  auto add_hash = [&](const std::string& h) {
    if (std::find(hashes_.begin(), hashes_.end(), h) == hashes_.end()) hashes_.push_back(h);
    nopass_ = false;
  };
  if (iequals(rule, "on")) {
    enabled_ = true;
  } else if (iequals(rule, "off")) {
    enabled_ = false;
  } else if (iequals(rule, "skip-sanitize-payload")) {
    skip_sanitize_payload_ = true;
    sanitize_payload_ = false;
  } else if (iequals(rule, "sanitize-payload")) {
    sanitize_payload_ = true;
    skip_sanitize_payload_ = false;
  } else if (iequals(rule, "nopass")) {
    nopass_ = true;
    hashes_.clear();
  } else if (iequals(rule, "resetpass")) {
    nopass_ = false;
    hashes_.clear();
  } else if (!rule.empty() && rule[0] == '>') {
    add_hash(sha256_hex(rule.substr(1)));
  } else if (!rule.empty() && rule[0] == '<') {
    return remove_hash(sha256_hex(rule.substr(1)));
  } else if (!rule.empty() && (rule[0] == '#' || rule[0] == '!')) {
    const std::string h(rule.substr(1));
    if (!valid_hash(h)) {
      return std::string(
          "The password hash must be exactly 64 characters and contain only lowercase "
          "hexadecimal characters");
    }
    if (rule[0] == '!') return remove_hash(h);
    add_hash(h);
  } else if (iequals(rule, "reset")) {
    for (const char* r :
         {"resetpass", "resetkeys", "resetchannels", "off", "sanitize-payload", "-@all"}) {
      apply_one(r);
    }
  } else if (iequals(rule, "allkeys") || rule == "~*" || rule == "%RW~*" || rule == "%WR~*") {
    all_keys_ = true;
    keys_.clear();
  } else if (iequals(rule, "resetkeys")) {
    all_keys_ = false;
    keys_.clear();
  } else if (iequals(rule, "allchannels") || rule == "&*") {
    all_channels_ = true;
    channels_.clear();
  } else if (iequals(rule, "resetchannels")) {
    all_channels_ = false;
    channels_.clear();
  } else if (iequals(rule, "allcommands") || iequals(rule, "+@all")) {
    set_all(true);
  } else if (iequals(rule, "nocommands") || iequals(rule, "-@all")) {
    set_all(false);
  } else if (!rule.empty() && rule[0] == '~') {
    return add_key_pattern(rule.substr(1), kRead | kWrite);
  } else if (!rule.empty() && rule[0] == '%') {
    uint8_t perms = 0;
    size_t i = 1;
    for (; i < rule.size() && rule[i] != '~'; ++i) {
      if (rule[i] == 'R' || rule[i] == 'r') {
        perms |= kRead;
      } else if (rule[i] == 'W' || rule[i] == 'w') {
        perms |= kWrite;
      } else {
        return std::string(kSyntax);
      }
    }
    if (perms == 0 || i == rule.size()) return std::string(kSyntax);
    return add_key_pattern(rule.substr(i + 1), perms);
  } else if (!rule.empty() && rule[0] == '&') {
    if (all_channels_) {
      return std::string(
          "Adding a pattern after the * pattern (or the 'allchannels' flag) is not valid and does "
          "not have any effect. Try 'resetchannels' to start with an empty list of channels");
    }
    std::string p(rule.substr(1));
    if (std::find(channels_.begin(), channels_.end(), p) == channels_.end()) {
      channels_.push_back(std::move(p));
    }
  } else if (!rule.empty() && (rule[0] == '+' || rule[0] == '-')) {
    return apply_command_rule(rule);
  } else {
    return std::string(kSyntax);
  }
  return std::nullopt;
}

std::optional<std::string> AclUser::add_key_pattern(std::string_view pattern, uint8_t permissions) {
  if (all_keys_) {
    return std::string(
        "Adding a pattern after the * pattern (or the 'allkeys' flag) is not valid and does not "
        "have any effect. Try 'resetkeys' to start with an empty list of patterns");
  }
  for (auto& k : keys_) {
    if (k.pattern == pattern) {
      k.permissions |= permissions;
      return std::nullopt;
    }
  }
  keys_.push_back({std::string(pattern), permissions});
  return std::nullopt;
}

std::optional<std::string> AclUser::apply_command_rule(std::string_view rule) {
  const bool allow = rule[0] == '+';
  std::string_view what = rule.substr(1);
  const AclCatalog& catalog = AclCatalog::get();
  if (!what.empty() && what[0] == '@') {
    const int cat = AclCatalog::category(what.substr(1));
    if (cat < 0) return std::string(kUnknownCommand);
    set_category(cat, allow);
    return std::nullopt;
  }
  if (const AclCommand* c = catalog.find(what)) {
    set_command(*c, allow);
    return std::nullopt;
  }
  // cmd|arg of a command without subcommands: allows that first argument.
  const auto bar = what.rfind('|');
  if (bar == std::string_view::npos) return std::string(kUnknownCommand);
  const AclCommand* c = catalog.find(what.substr(0, bar));
  if (c == nullptr || !c->subs.empty()) return std::string(kUnknownCommand);
  if (c->parent >= 0) return std::string("Allowing first-arg of a subcommand is not supported");
  if (!allow) return std::string(kUnknownCommand);
  const std::string arg = lower(what.substr(bar + 1));
  if (arg.empty()) return std::string(kSyntax);
  if (!commands_[c->id]) {
    auto& args = first_args_[c->id];
    if (std::find(args.begin(), args.end(), arg) == args.end()) args.push_back(arg);
  }
  return std::nullopt;
}

void AclUser::set_command(const AclCommand& c, bool allow) {
  commands_[c.id] = allow;
  first_args_.erase(c.id);
  for (int sub : c.subs) {
    commands_[sub] = allow;
    first_args_.erase(sub);
  }
}

void AclUser::set_category(int category, bool allow) {
  const uint64_t bit = uint64_t{1} << category;
  for (const auto& c : AclCatalog::get().all()) {
    if (c.categories & bit) {
      commands_[c.id] = allow;
      first_args_.erase(c.id);
    }
  }
}

void AclUser::set_all(bool allow) {
  std::fill(commands_.begin(), commands_.end(), allow);
  future_commands_ = allow;
  first_args_.clear();
}

bool AclUser::may_run(const AclCommand& command, const std::vector<std::string_view>& argv) const {
  if (commands_[command.id]) return true;
  auto it = first_args_.find(command.id);
  if (it == first_args_.end() || argv.size() < 2) return false;
  return std::any_of(it->second.begin(), it->second.end(),
                     [&](const std::string& a) { return iequals(a, argv[1]); });
}

bool AclUser::may_touch(std::string_view key, uint32_t flags) const {
  if (all_keys_) return true;
  uint8_t need = 0;
  if (flags & kKeyAccess) need |= kRead;
  if (flags & kKeyWrites) need |= kWrite;
  return std::any_of(keys_.begin(), keys_.end(), [&](const KeyPattern& p) {
    return (p.permissions & need) == need && glob_match(p.pattern, key);
  });
}

bool AclUser::may_use_channel(std::string_view channel, bool is_pattern) const {
  if (all_channels_) return true;
  return std::any_of(channels_.begin(), channels_.end(), [&](const std::string& p) {
    return is_pattern ? p == channel : glob_match(p, channel);
  });
}

std::vector<std::string> AclUser::flag_names() const {
  std::vector<std::string> out = {enabled_ ? "on" : "off"};
  if (nopass_) out.emplace_back("nopass");
  if (skip_sanitize_payload_) out.emplace_back("skip-sanitize-payload");
  if (sanitize_payload_) out.emplace_back("sanitize-payload");
  return out;
}

std::string AclUser::describe_keys() const {
  if (all_keys_) return "~*";
  std::string out;
  for (const auto& k : keys_) {
    if (!out.empty()) out += ' ';
    out += k.permissions == (kRead | kWrite) ? "~" : (k.permissions == kRead ? "%R~" : "%W~");
    out += k.pattern;
  }
  return out;
}

std::string AclUser::describe_channels() const {
  if (all_channels_) return "&*";
  std::string out;
  for (const auto& c : channels_) {
    if (!out.empty()) out += ' ';
    out += "&" + c;
  }
  return out;
}

// Redis 7.0's ACLDescribeSelectorCommandRules: start from +@all or -@all,
// then greedily add (or remove) the category that leaves the fewest
// differences, as long as it has more in common with the user than not,
// then name the single commands that still differ.
std::string AclUser::describe_commands() const {
  const auto& all = AclCatalog::get().all();
  const bool additive = !future_commands_;
  std::string out = additive ? "-@all " : "+@all ";
  std::vector<bool> fake(all.size(), !additive);
  std::vector<bool> temp = commands_;  // what the categories so far leave to explain
  const auto& cats = AclCatalog::category_names();
  std::vector<bool> applied(cats.size(), false);
  for (;;) {
    int best = -1;
    size_t min_diff = SIZE_MAX, max_same = 0;
    for (size_t j = 0; j < cats.size(); ++j) {
      if (applied[j]) continue;
      const uint64_t bit = uint64_t{1} << j;
      size_t on = 0, off = 0;
      for (const auto& c : all) {
        if (c.categories & bit) (temp[c.id] ? on : off)++;
      }
      const size_t diff = additive ? off : on, same = additive ? on : off;
      if (same > diff && (diff < min_diff || (diff == min_diff && same > max_same))) {
        best = static_cast<int>(j);
        min_diff = diff;
        max_same = same;
      }
    }
    if (best < 0) break;
    const uint64_t bit = uint64_t{1} << best;
    for (const auto& c : all) {
      if (c.categories & bit) {
        fake[c.id] = additive;
        temp[c.id] = !additive;
      }
    }
    applied[static_cast<size_t>(best)] = true;
    out += (additive ? "+@" : "-@") + cats[static_cast<size_t>(best)] + " ";
  }
  auto single = [&](const AclCommand& c) {
    if (commands_[c.id] != fake[c.id]) {
      out += (commands_[c.id] ? "+" : "-") + c.name + " ";
      fake[c.id] = commands_[c.id];
      for (int sub : c.subs) fake[sub] = commands_[c.id];
    }
  };
  for (const auto& c : all) {
    if (c.parent >= 0) continue;
    single(c);
    for (int sub : c.subs) single(all[sub]);
    auto it = first_args_.find(c.id);
    if (!commands_[c.id] && it != first_args_.end()) {
      for (const auto& a : it->second) out += "+" + c.name + "|" + a + " ";
    }
  }
  out.pop_back();
  return out;
}

std::string AclUser::describe() const {
  std::string out;
  for (const auto& f : flag_names()) out += f + " ";
  for (const auto& h : hashes_) out += "#" + h + " ";
  if (std::string k = describe_keys(); !k.empty()) out += k + " ";
  if (all_channels_) {
    out += "&* ";
  } else {
    out += "resetchannels ";
    if (std::string c = describe_channels(); !c.empty()) out += c + " ";
  }
  out += describe_commands();
  return out;
}

}  // namespace meridian
