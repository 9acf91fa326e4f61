#include "core/acl/acl_catalog.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "core/base/assert.h"

namespace meridian {

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

uint32_t spec_flags(const nlohmann::json& names) {
  uint32_t f = 0;
  for (const auto& n : names) {
    const std::string s = n.get<std::string>();
    if (s == "access") f |= kKeyAccess;
    if (s == "insert") f |= kKeyInsert;
    if (s == "delete") f |= kKeyDelete;
    if (s == "update") f |= kKeyUpdate;
    if (s == "variable_flags") f |= kKeyVariable;
    if (s == "incomplete") f |= kKeyIncomplete;
    if (s == "not_key") f |= kKeyNotKey;
  }
  return f;
}

KeySpec parse_spec(const nlohmann::json& j) {
  KeySpec k;
  k.flags = spec_flags(j.at("f"));
  const auto& b = j.at("b");
  if (b[0] == "index") {
    k.begin = KeySpec::Begin::kIndex;
    k.index = b[1].get<int>();
  } else if (b[0] == "keyword") {
    k.begin = KeySpec::Begin::kKeyword;
    k.keyword = b[1].get<std::string>();
    k.startfrom = b[2].get<int>();
  }
  const auto& e = j.at("e");
  if (e[0] == "range") {
    k.find = KeySpec::Find::kRange;
    k.lastkey = e[1].get<int>();
    k.keystep = e[2].get<int>();
    k.limit = e[3].get<int>();
  } else if (e[0] == "keynum") {
    k.find = KeySpec::Find::kKeynum;
    k.keynumidx = e[1].get<int>();
    k.firstkey = e[2].get<int>();
    k.keystep = e[3].get<int>();
  }
  return k;
}

uint64_t bits(std::initializer_list<const char*> names) {
  uint64_t b = 0;
  for (const char* n : names) {
    const int c = AclCatalog::category(n);
    MERIDIAN_ASSERT(c >= 0, "a known ACL category");
    b |= uint64_t{1} << c;
  }
  return b;
}

KeySpec first_key(uint32_t flags) {
  KeySpec k;
  k.flags = flags;
  k.begin = KeySpec::Begin::kIndex;
  k.index = 1;
  k.find = KeySpec::Find::kRange;
  return k;
}

}  // namespace

const std::vector<std::string>& AclCatalog::category_names() {
  static const std::vector<std::string> names = {
      "keyspace",   "read",        "write",     "set",         "sortedset", "list",
      "hash",       "string",      "bitmap",    "hyperloglog", "geo",       "stream",
      "pubsub",     "admin",       "fast",      "slow",        "blocking",  "dangerous",
      "connection", "transaction", "scripting", "meridian"};
  return names;
}

int AclCatalog::category(std::string_view name) {
  const auto& names = category_names();
  for (size_t i = 0; i < names.size(); ++i) {
    if (lower(name) == names[i]) return static_cast<int>(i);
  }
  return -1;
}

AclCatalog::AclCatalog() {
  for (size_t i = 0; i < kCommandAclJsonCount; ++i) {
    const auto j = nlohmann::json::parse(kCommandAclJson[i]);
    AclCommand c;
    c.name = j.at("n").get<std::string>();
    for (const auto& cat : j.at("c")) {
      const int b = category(cat.get<std::string>());
      if (b >= 0) c.categories |= uint64_t{1} << b;
    }
    for (const auto& s : j.at("k")) c.specs.push_back(parse_spec(s));
    add(std::move(c));
  }
  // Meridian's own commands: @meridian, and what their flags say.
  struct Own {
    const char* name;
    uint64_t categories;
    std::vector<KeySpec> specs;
  };
  const Own own[] = {
      {"mr.write", bits({"meridian", "connection", "fast"}), {}},
      {"mr.read", bits({"meridian", "connection", "fast"}), {}},
      {"mr.once", bits({"meridian", "connection", "fast"}), {}},
      {"mr.token", bits({"meridian", "connection", "fast"}), {}},
      {"mr.status", bits({"meridian", "slow"}), {}},
      {"mr.conflicts", bits({"meridian", "slow"}), {}},
      {"mr.global", bits({"meridian", "read", "slow"}), {}},
      {"mr.getall", bits({"meridian", "read", "fast"}), {first_key(kKeyAccess)}},
      {"mr.set", bits({"meridian", "write", "slow"}), {first_key(kKeyUpdate)}},
      {"mr.backup", bits({"meridian", "admin", "slow", "dangerous"}), {}},
      {"mr.failover", bits({"meridian", "admin", "slow", "dangerous"}), {}},
      {"mr.debug", bits({"meridian", "admin", "slow", "dangerous"}), {}},
  };
  for (const auto& o : own) {
    AclCommand c;
    c.name = o.name;
    c.categories = o.categories;
    c.specs = o.specs;
    add(std::move(c));
  }
}

void AclCatalog::add(AclCommand c) {
  c.id = static_cast<int>(commands_.size());
  const auto bar = c.name.find('|');
  if (bar != std::string::npos) {
    auto parent = index_.find(c.name.substr(0, bar));
    MERIDIAN_ASSERT(parent != index_.end(), "a container before its subcommands");
    c.parent = parent->second;
    commands_[parent->second].subs.push_back(c.id);
  }
  index_.emplace(c.name, c.id);
  commands_.push_back(std::move(c));
}

const AclCatalog& AclCatalog::get() {
  static const AclCatalog catalog;
  return catalog;
}

const AclCommand* AclCatalog::find(std::string_view full_name) const {
  auto it = index_.find(lower(full_name));
  return it == index_.end() ? nullptr : &commands_[it->second];
}

const AclCommand* AclCatalog::for_call(std::string_view command,
                                       const std::vector<std::string_view>& argv) const {
  auto it = index_.find(std::string(command));
  if (it == index_.end()) return nullptr;
  const AclCommand& c = commands_[it->second];
  if (!c.subs.empty() && argv.size() >= 2) {
    if (const AclCommand* sub = find(c.name + "|" + std::string(argv[1]))) return sub;
  }
  return &c;
}

}  // namespace meridian
