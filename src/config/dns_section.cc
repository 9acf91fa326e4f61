// [dns]: the GeoDNS server (`meridian dns`): where it listens, how it picks
// the regions it answers with, the names it serves, and client networks.
#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

#include "config/config_sections.h"

namespace meridian::config_detail {
namespace {

// What to answer when no region can (read_all_down, write_all_down) or before
// the first health verdict (before_health).
dns::Fallback fallback(const Reporter& r, const toml::table& t, const std::string& p,
                       std::string_view key, const std::string& def) {
  std::string v = r.text(t, p, key, &def);
  if (v == "all") return dns::Fallback::kAll;
  if (v == "nearest") return dns::Fallback::kNearest;
  if (v == "servfail") return dns::Fallback::kServfail;
  r.fail(
      t.get(key), p + std::string(key),
      "expected \"all\" (fail-open), \"nearest\" or \"servfail\" (fail-closed), got \"" + v + "\"");
  return dns::Fallback::kAll;
}

dns::Mode dns_mode(const Reporter& r, const toml::table& t, const std::string& p) {
  const std::string nearest = "nearest";
  std::string mode = r.text(t, p, "mode", &nearest);
  if (mode == "nearest") return dns::Mode::kNearest;
  if (mode == "weighted") return dns::Mode::kWeighted;
  if (mode == "priority") return dns::Mode::kPriority;
  r.fail(t.get("mode"), p + "mode",
         "expected \"nearest\", \"weighted\" or \"priority\", got \"" + mode + "\"");
}

void load_nameservers(const Reporter& r, const toml::table& t, const std::string& p,
                      dns::DnsSettings& d) {
  const toml::node* nn = t.get("nameservers");
  if (nn == nullptr) return;
  const toml::array* a = nn->as_array();
  if (a == nullptr) r.fail(nn, p + "nameservers", "expected a list of host names");
  for (size_t j = 0; j < a->size(); ++j) {
    const auto* s = a->get(j)->as_string();
    if (s == nullptr || s->get().empty()) {
      r.fail(a->get(j), p + "nameservers[" + std::to_string(j) + "]", "expected a host name");
    }
    std::string ns = s->get();
    if (ns.back() == '.') ns.pop_back();
    d.nameservers.push_back(ns);
  }
}

// The serving regions, which DNS answers name.
void add_serving_regions(const ClusterConfig& cfg, dns::DnsSettings& d) {
  for (const auto& rc : cfg.regions) {
    if (!rc.serving()) continue;
    dns::DnsRegion dr;
    dr.name = rc.name;
    dr.address = rc.public_address;
    dr.latitude = rc.latitude;
    dr.longitude = rc.longitude;
    d.regions.push_back(dr);
  }
}

// The index in `regions` of the serving region `name`, named in `field`.
size_t region_index(const Reporter& r, const std::vector<dns::DnsRegion>& regions,
                    const toml::node* n, const std::string& field, const std::string& name) {
  for (size_t i = 0; i < regions.size(); ++i)
    if (regions[i].name == name) return i;
  r.fail(n, field, "no serving region named \"" + name + "\"");
}

dns::Location location_of(const dns::DnsRegion& reg) {
  return dns::Location{reg.latitude, reg.longitude, reg.name};
}

void load_weights(const Reporter& r, const toml::table& t, const std::string& p,
                  dns::DnsSettings& d) {
  const toml::node* wn = t.get("weights");
  if (wn == nullptr) return;
  const toml::table* w = wn->as_table();
  if (w == nullptr) r.fail(wn, p + "weights", "expected { region = weight, ... }");
  for (const auto& [k, v] : *w) {
    auto i =
        region_index(r, d.regions, &v, p + "weights." + std::string(k.str()), std::string(k.str()));
    auto n = v.value<int64_t>();
    if (!n || *n < 0 || *n > 1000000) {
      r.fail(&v, p + "weights." + std::string(k.str()), "expected a weight from 0 to 1000000");
    }
    d.regions[i].weight = static_cast<uint32_t>(*n);
  }
}

void load_priority(const Reporter& r, const toml::table& t, const std::string& p,
                   dns::DnsSettings& d) {
  const toml::node* pn = t.get("priority");
  if (pn == nullptr) return;
  const toml::array* a = pn->as_array();
  if (a == nullptr) r.fail(pn, p + "priority", "expected a list of region names");
  for (auto& reg : d.regions) reg.priority = static_cast<int>(a->size());
  for (size_t j = 0; j < a->size(); ++j) {
    const auto* s = a->get(j)->as_string();
    std::string field = p + "priority[" + std::to_string(j) + "]";
    if (s == nullptr) r.fail(a->get(j), field, "expected a region name");
    d.regions[region_index(r, d.regions, a->get(j), field, s->get())].priority =
        static_cast<int>(j);
  }
}

// [[dns.names]]: the names served, each for reads or writes.
void load_names(const Reporter& r, const toml::table& t, const std::string& p,
                dns::DnsSettings& d) {
  const toml::array* names = array_of_tables(r, t, "names");
  if (names == nullptr) return;
  for (size_t i = 0; i < names->size(); ++i) {
    const std::string np = p + "names[" + std::to_string(i) + "].";
    const toml::table& nt = *names->get(i)->as_table();
    r.only_known(nt, np, {"name", "kind"});
    dns::DnsName n;
    n.name = r.text(nt, np, "name", nullptr);
    std::transform(n.name.begin(), n.name.end(), n.name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (!n.name.empty() && n.name.back() == '.') n.name.pop_back();
    if (n.name.empty()) r.fail(nt.get("name"), np + "name", "must not be empty");
    const std::string read = "read";
    std::string kind = r.text(nt, np, "kind", &read);
    if (kind != "read" && kind != "write") {
      r.fail(nt.get("kind"), np + "kind", "expected \"read\" or \"write\", got \"" + kind + "\"");
    }
    n.kind = kind == "write" ? dns::NameKind::kWrite : dns::NameKind::kRead;
    d.names.push_back(n);
  }
}

// [[dns.networks]]: client networks located at a region or a point.
void load_networks(const Reporter& r, const toml::table& t, const std::string& p,
                   dns::DnsSettings& d) {
  const toml::array* nets = array_of_tables(r, t, "networks");
  if (nets == nullptr) return;
  for (size_t i = 0; i < nets->size(); ++i) {
    const std::string np = p + "networks[" + std::to_string(i) + "].";
    const toml::table& nt = *nets->get(i)->as_table();
    r.only_known(nt, np, {"cidr", "region", "latitude", "longitude", "label"});
    dns::NetworkTable::Entry e;
    std::string cidr = r.text(nt, np, "cidr", nullptr);
    auto net = dns::Network::parse(cidr);
    if (!net) r.fail(nt.get("cidr"), np + "cidr", "expected a CIDR such as 10.1.0.0/16");
    e.network = *net;
    if (nt.contains("region")) {
      std::string name = r.text(nt, np, "region", nullptr);
      e.location =
          location_of(d.regions[region_index(r, d.regions, nt.get("region"), np + "region", name)]);
    } else {
      e.location.latitude = r.number(nt, np, "latitude", -90, 90);
      e.location.longitude = r.number(nt, np, "longitude", -180, 180);
      e.location.label = "lat " + std::to_string(e.location.latitude) + ", lon " +
                         std::to_string(e.location.longitude);
    }
    std::string none;
    std::string label = r.text(nt, np, "label", &none);
    if (!label.empty()) e.location.label = label;
    d.networks.entries.push_back(e);
  }
}

}  // namespace

void load_dns(const Reporter& r, const toml::table& root, ClusterConfig& cfg) {
  const toml::table* t = table_at(r, root, "dns");
  if (t == nullptr) return;
  const std::string p = "dns.";
  r.only_known(*t, p,
               {"listen",
                "ttl",
                "mode",
                "answers",
                "read_all_down",
                "write_all_down",
                "before_health",
                "names",
                "networks",
                "default_region",
                "weights",
                "priority",
                "rate_limit",
                "rate_limit_slip",
                "maxmind_db",
                "nameservers",
                "hostmaster",
                "tcp_idle_timeout_ms",
                "tcp_max_connections",
                "http"});
  dns::DnsSettings d;
  cfg.dns_listen = address(r, *t, p, "listen");
  if (t->contains("http")) cfg.dns_http = address(r, *t, p, "http");
  d.ttl = static_cast<uint32_t>(r.integer(*t, p, "ttl", 30, 1, 86400));
  d.answers = static_cast<int>(r.integer(*t, p, "answers", 1, 1, 16));
  d.mode = dns_mode(r, *t, p);
  std::string no_db;
  d.maxmind_db = r.text(*t, p, "maxmind_db", &no_db);
  load_nameservers(r, *t, p, d);
  d.hostmaster = r.text(*t, p, "hostmaster", &d.hostmaster);
  if (!d.hostmaster.empty() && d.hostmaster.back() == '.') d.hostmaster.pop_back();
  d.rate_limit = static_cast<uint32_t>(r.integer(*t, p, "rate_limit", 0, 0, 10000000));
  d.rate_limit_slip = static_cast<uint32_t>(r.integer(*t, p, "rate_limit_slip", 2, 0, 100));
  d.tcp_idle_timeout_ms = r.integer(*t, p, "tcp_idle_timeout_ms", 10000, 100, 3600000);
  d.tcp_max_connections =
      static_cast<uint32_t>(r.integer(*t, p, "tcp_max_connections", 256, 1, 65536));
  d.read_all_down = fallback(r, *t, p, "read_all_down", "all");
  d.write_all_down = fallback(r, *t, p, "write_all_down", "servfail");
  d.before_health = fallback(r, *t, p, "before_health", "nearest");
  add_serving_regions(cfg, d);
  load_weights(r, *t, p, d);
  load_priority(r, *t, p, d);
  load_names(r, *t, p, d);
  if (d.names.empty()) r.fail(t, p + "names", "missing: at least one [[dns.names]] entry");
  load_networks(r, *t, p, d);
  if (t->contains("default_region")) {
    std::string name = r.text(*t, p, "default_region", nullptr);
    d.default_location = location_of(d.regions[region_index(r, d.regions, t->get("default_region"),
                                                            p + "default_region", name)]);
  }
  cfg.dns = std::move(d);
}

}  // namespace meridian::config_detail
