// [[regions]]: every region of the cluster, its addresses, location,
// jurisdiction and disaster-recovery tier.
#include <cctype>
#include <set>
#include <string>

#include "config/config_sections.h"

namespace meridian::config_detail {
namespace {

// What the regions before the current one took: all must be unique.
struct Taken {
  std::set<std::string> names;
  std::set<int64_t> ids;
  std::set<std::string> addresses;
};

std::string region_name(const Reporter& r, const toml::table& t, const std::string& p,
                        Taken& taken) {
  std::string name = r.text(t, p, "name", nullptr);
  if (name.empty()) r.fail(t.get("name"), p + "name", "must not be empty");
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') {
      r.fail(t.get("name"), p + "name", "use letters, digits, '-' and '_' only");
    }
  }
  if (!taken.names.insert(name).second) {
    r.fail(t.get("name"), p + "name", "duplicate region name \"" + name + "\"");
  }
  return name;
}

void load_tier(const Reporter& r, const toml::table& t, const std::string& p, size_t index,
               RegionConfig& rc) {
  const std::string default_tier = "active";
  std::string tier = r.text(t, p, "tier", &default_tier);
  if (tier == "active" || tier == "active-active") {
    rc.tier = Tier::kActive;
  } else if (tier == "warm-standby") {
    rc.tier = Tier::kWarmStandby;
  } else if (tier == "pilot-light") {
    rc.tier = Tier::kPilotLight;
  } else if (tier == "backup-restore") {
    rc.tier = Tier::kBackupRestore;
  } else {
    r.fail(t.get("tier"), p + "tier",
           "expected \"active\", \"warm-standby\", \"pilot-light\" or \"backup-restore\", got \"" +
               tier + "\"");
  }
  std::string none;
  rc.backup_dir = r.text(t, p, "backup_dir", &none);
  if (rc.tier == Tier::kBackupRestore) {
    if (rc.backup_dir.empty()) {
      r.fail(&t, p + "backup_dir",
             "missing: a backup-restore region needs the directory the other regions' backups "
             "are copied into");
    }
    if (index == 0) {
      r.fail(t.get("tier"), p + "tier",
             "the first region is the initial primary; a backup-restore region runs no replica "
             "(list it after the serving regions)");
    }
  } else if (t.contains("backup_dir")) {
    r.fail(t.get("backup_dir"), p + "backup_dir", "only for tier = \"backup-restore\"");
  }
}

// regions[index], whose table is `t` and path `p`.
RegionConfig load_region(const Reporter& r, const toml::table& t, const std::string& p,
                         size_t index, Taken& taken) {
  r.only_known(
      t, p,
      {"name", "id", "client", "peer", "http", "jurisdiction", "latitude", "longitude", "tier",
       "backup_dir", "public_address", "tls_port", "tls_cert_file", "tls_key_file"});
  RegionConfig rc;
  rc.name = region_name(r, t, p, taken);
  int64_t id = r.integer(t, p, "id", std::nullopt, 1, 65535);
  if (!taken.ids.insert(id).second) {
    r.fail(t.get("id"), p + "id", "duplicate region id " + std::to_string(id));
  }
  rc.id = static_cast<RegionId>(id);
  rc.client = address(r, t, p, "client");
  rc.peer = address(r, t, p, "peer");
  rc.http = address(r, t, p, "http");
  rc.tls_port = static_cast<uint16_t>(r.integer(t, p, "tls_port", 0, 0, 65535));
  HostPort tls{rc.client.host, rc.tls_port};
  for (const auto* a : {&rc.client, &rc.peer, &rc.http, &tls}) {
    if (a->port == 0) continue;
    if (!taken.addresses.insert(a->str()).second) {
      r.fail(&t, p + "client/peer/http/tls_port", "address " + a->str() + " is used twice");
    }
  }
  const std::string none;
  rc.tls_cert_file = r.text(t, p, "tls_cert_file", &none);
  rc.tls_key_file = r.text(t, p, "tls_key_file", &none);
  rc.jurisdiction = r.text(t, p, "jurisdiction", nullptr);
  if (rc.jurisdiction.empty()) {
    r.fail(t.get("jurisdiction"), p + "jurisdiction", "must not be empty (e.g. \"US\", \"EU\")");
  }
  rc.latitude = r.number(t, p, "latitude", -90, 90);
  rc.longitude = r.number(t, p, "longitude", -180, 180);
  load_tier(r, t, p, index, rc);
  rc.public_address = r.text(t, p, "public_address", &rc.client.host);
  if (!dns::Address::parse(rc.public_address)) {
    r.fail(t.get("public_address") ? t.get("public_address") : t.get("client"),
           p + "public_address",
           "expected an IPv4 or IPv6 address, got \"" + rc.public_address + "\"");
  }
  return rc;
}

}  // namespace

void load_regions(const Reporter& r, const toml::table& root, ClusterConfig& cfg) {
  const toml::node* regions = root.get("regions");
  if (regions == nullptr) {
    // No node, so no line: "FILE: field 'regions': missing (...)".
    r.fail(nullptr, "regions", "missing (at least one [[regions]] table)");
  }
  const auto* arr = regions->as_array();
  if (arr == nullptr || arr->empty()) {
    r.fail(regions, "regions", "expected at least one [[regions]] table");
  }
  Taken taken;
  for (size_t i = 0; i < arr->size(); ++i) {
    std::string p = "regions[" + std::to_string(i) + "].";
    const auto* t = arr->get(i)->as_table();
    if (t == nullptr) r.fail(arr->get(i), "regions[" + std::to_string(i) + "]", "expected a table");
    cfg.regions.push_back(load_region(r, *t, p, i, taken));
  }
}

}  // namespace meridian::config_detail
