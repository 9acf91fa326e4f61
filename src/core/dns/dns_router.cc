#include "core/dns/dns_router.h"

#include <algorithm>
#include <cstdio>

namespace meridian::dns {
namespace {

const char* health_word(Health h) {
  switch (h) {
    case Health::kHealthy:
      return "healthy";
    case Health::kDegraded:
      return "degraded";
    case Health::kDown:
      return "down";
    case Health::kUnknown:
      return "unknown";
  }
  return "unknown";
}

std::string km(double d) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.0f km", d);
  return buf;
}

}  // namespace

const DnsName* DnsRouter::find(const std::string& qname) const {
  for (const auto& n : cfg_.names)
    if (n.name == qname) return &n;
  return nullptr;
}

const char* Decision::reason_name(Reason r) {
  static constexpr const char* kNames[kReasons] = {"nearest",    "nearer_down", "weighted",
                                                   "priority",   "primary",     "fail_open",
                                                   "no_verdict", "fail_closed", "refused"};
  return kNames[static_cast<size_t>(r)];
}

Decision DnsRouter::decide(const std::string& qname, const Address& client, int prefix,
                           const ClusterView& view, uint64_t hash, bool explain) const {
  Decision d;
  // Explanations are built only when asked for.
  struct Lines {
    std::vector<std::string>* out;
    void push_back(std::string s) const {
      if (out != nullptr) out->push_back(std::move(s));
    }
  } lines{explain ? &d.explain : nullptr};
  const DnsName* name = find(qname);
  if (name == nullptr) {
    d.rcode = Decision::Rcode::kRefused;
    d.reason = Decision::Reason::kRefused;
    lines.push_back(qname + " is not a name this server answers for: REFUSED");
    return d;
  }
  // 1. Where the client is.
  const NetworkTable::Entry* where = cfg_.networks.lookup(client, prefix);
  std::optional<Location> loc;
  std::string from = explain ? client.str() + "/" + std::to_string(prefix) : std::string();
  if (where != nullptr) {
    loc = where->location;
    if (explain)
      lines.push_back("client " + from + " is in " + where->network.str() + " (" +
                      where->location.label + ")");
  } else if (auto found = locate ? locate(client, &d.scope) : std::nullopt) {
    loc = found;
    if (explain) lines.push_back("client " + from + " is at " + found->label);
  } else if (cfg_.default_location) {
    loc = cfg_.default_location;
    if (explain)
      lines.push_back("client " + from + " matches no network: default location (" + loc->label +
                      ")");
  } else {
    lines.push_back("client " + from + " matches no network and there is no default");
  }
  d.scope = std::max({prefix, d.scope, cfg_.networks.longest_inside(client, prefix)});
  if (explain && d.scope > prefix) {
    lines.push_back("the subnet covers networks located apart: the answer holds for /" +
                    std::to_string(d.scope));
  }
  // 2. Candidates in order (nearest, weighted or priority).
  std::vector<const DnsRegion*> order;
  for (const auto& r : cfg_.regions) order.push_back(&r);
  auto dist = [&](const DnsRegion* r) {
    return loc ? distance_km(loc->latitude, loc->longitude, r->latitude, r->longitude) : 0.0;
  };
  if (cfg_.mode == Mode::kPriority) {
    std::stable_sort(order.begin(), order.end(), [&](const DnsRegion* a, const DnsRegion* b) {
      return a->priority != b->priority ? a->priority < b->priority : dist(a) < dist(b);
    });
  } else {
    std::stable_sort(order.begin(), order.end(),
                     [&](const DnsRegion* a, const DnsRegion* b) { return dist(a) < dist(b); });
  }
  auto health = [&](const DnsRegion* r) {
    auto it = view.health.find(r->name);
    return it == view.health.end() ? Health::kUnknown : it->second;
  };
  for (const auto* r : explain ? order : std::vector<const DnsRegion*>{}) {
    lines.push_back("  candidate " + r->name + " (" + r->address +
                    "): " + health_word(view.known ? health(r) : Health::kUnknown) +
                    (loc ? ", " + km(dist(r)) : std::string()));
  }
  auto fallback = [&](Fallback f, const std::string& why) {
    d.reason = view.known ? Decision::Reason::kFailOpen : Decision::Reason::kNoVerdict;
    if (f == Fallback::kServfail) {
      d.rcode = Decision::Rcode::kServfail;
      d.reason = Decision::Reason::kFailClosed;
      lines.push_back(why + ": SERVFAIL (fail-closed)");
      return;
    }
    if (f == Fallback::kAll) {
      d.regions = order;
      lines.push_back(why + ": every region (fail-open)");
    } else {
      d.regions.assign(order.begin(), order.begin() + std::min<size_t>(1, order.size()));
      lines.push_back(why + ": the nearest, unchecked");
    }
    d.ttl = cfg_.ttl;
  };
  // 3. Health.
  if (!view.known) {
    fallback(cfg_.before_health, "no health verdict yet");
    return d;
  }
  // A write name follows the primary where the primary takes every write.
  if (name->kind == NameKind::kWrite && view.primary_takes_all_writes) {
    for (const auto* r : order) {
      if (r->name != view.primary) continue;
      Health h = health(r);
      if (h == Health::kDown) break;
      d.regions = {r};
      d.reason = Decision::Reason::kPrimary;
      d.ttl = h == Health::kDegraded ? cfg_.ttl / 2 : cfg_.ttl;
      if (explain) lines.push_back("write name: the primary, " + r->name);
      return d;
    }
    fallback(cfg_.write_all_down, "the primary " + view.primary + " is down");
    return d;
  }
  std::vector<const DnsRegion*> up;
  for (const auto* r : order)
    if (health(r) == Health::kHealthy || health(r) == Health::kDegraded) up.push_back(r);
  if (up.empty()) {
    fallback(name->kind == NameKind::kWrite ? cfg_.write_all_down : cfg_.read_all_down,
             "no region is healthy");
    return d;
  }
  if (cfg_.mode == Mode::kWeighted) {
    uint64_t total = 0;
    for (const auto* r : up) total += r->weight;
    uint64_t pick = total == 0 ? 0 : hash % total;
    for (size_t i = 0; i < up.size(); ++i) {
      if (pick < up[i]->weight) {
        std::rotate(up.begin(), up.begin() + static_cast<long>(i),
                    up.begin() + static_cast<long>(i) + 1);
        break;
      }
      pick -= up[i]->weight;
    }
  }
  size_t n = std::min<size_t>(up.size(), static_cast<size_t>(std::max(1, cfg_.answers)));
  d.regions.assign(up.begin(), up.begin() + static_cast<long>(n));
  bool degraded = health(d.regions.front()) == Health::kDegraded;
  d.ttl = degraded ? cfg_.ttl / 2 : cfg_.ttl;
  d.reason = cfg_.mode == Mode::kWeighted         ? Decision::Reason::kWeighted
             : cfg_.mode == Mode::kPriority       ? Decision::Reason::kPriority
             : d.regions.front() == order.front() ? Decision::Reason::kNearest
                                                  : Decision::Reason::kNearerDown;
  if (!explain) return d;
  lines.push_back("answer: " + d.regions.front()->name +
                  (cfg_.mode == Mode::kNearest    ? " (nearest healthy)"
                   : cfg_.mode == Mode::kWeighted ? " (weighted pick)"
                                                  : " (highest priority healthy)") +
                  ", TTL " + std::to_string(d.ttl) + (degraded ? " (halved: degraded)" : ""));
  return d;
}

}  // namespace meridian::dns
