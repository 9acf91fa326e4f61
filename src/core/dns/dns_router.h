#pragma once
// GeoDNS decisions: which regions a name resolves to for a client, from the
// client's location, the regions' health (the failover managers' majority
// verdict) and the config's [dns] policy. Pure logic: the runtime parses
// packets (src/dns) and polls health; this decides and explains.
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/dns/client_location.h"

namespace meridian::dns {

enum class NameKind : uint8_t { kRead, kWrite };
enum class Mode : uint8_t { kNearest, kWeighted, kPriority };
// What to answer when no region is known healthy (all down), or before the
// first health check completed.
enum class Fallback : uint8_t { kAll, kNearest, kServfail };

struct DnsName {
  std::string name;  // lower case, no trailing dot
  NameKind kind = NameKind::kRead;
};

struct DnsRegion {
  std::string name;
  std::string address;  // what an A/AAAA answer carries
  double latitude = 0, longitude = 0;
  uint32_t weight = 1;  // weighted mode
  int priority = 0;     // priority mode: lower first
};

struct DnsSettings {
  std::vector<DnsName> names;
  std::vector<DnsRegion> regions;
  NetworkTable networks;
  Mode mode = Mode::kNearest;
  uint32_t ttl = 30;                              // halved while the chosen region is degraded
  int answers = 1;                                // regions per answer (nearest first)
  Fallback read_all_down = Fallback::kAll;        // fail-open
  Fallback write_all_down = Fallback::kServfail;  // fail-closed
  Fallback before_health = Fallback::kNearest;    // before the first verdict
  std::optional<Location> default_location;       // clients matching no network
  uint32_t rate_limit = 0;  // UDP answers per second per client prefix (0: off)
  uint32_t rate_limit_slip = 2;
  // TCP: a connection idle this long is closed, and no more than this many
  // are open at once (a further one is closed at accept), so idle or slow
  // clients cannot hold the server's sockets (RFC 7766 6.2.3).
  int64_t tcp_idle_timeout_ms = 10000;
  uint32_t tcp_max_connections = 256;
  std::string maxmind_db;                // path of a MaxMind-format database, if any
  std::vector<std::string> nameservers;  // NS records of every name (empty: none)
  std::string hostmaster = "hostmaster.invalid";
};

enum class Health : uint8_t { kUnknown, kHealthy, kDegraded, kDown };

struct ClusterView {
  bool known = false;  // a verdict exists (the first checks completed)
  std::map<std::string, Health> health;
  std::string primary;                    // the failover manager's primary
  bool primary_takes_all_writes = false;  // active-passive or read-local/write-global
};

struct Decision {
  enum class Rcode : uint8_t { kNoError, kServfail, kRefused, kNxdomain } rcode = Rcode::kNoError;
  // Why the answer is what it is (meridian_dns_decisions_total): the nearest
  // healthy region; a further one because nearer ones are down; a weighted
  // or priority pick; the primary (a write name); every region or the
  // nearest unchecked because none is known healthy (fail-open) or no
  // verdict exists yet; SERVFAIL (fail-closed); REFUSED (not our name).
  enum class Reason : uint8_t {
    kNearest,
    kNearerDown,
    kWeighted,
    kPriority,
    kPrimary,
    kFailOpen,
    kNoVerdict,
    kFailClosed,
    kRefused,
  } reason = Reason::kNearest;
  static constexpr size_t kReasons = 9;
  static const char* reason_name(Reason r);
  std::vector<const DnsRegion*> regions;  // answers, in order
  uint32_t ttl = 0;
  // The ECS scope prefix (RFC 7871 7.2.1): the leftmost bits of the
  // client's address the answer holds for. Longer than the query's source
  // prefix when that subnet covers networks located apart.
  int scope = 0;
  std::vector<std::string> explain;  // one line per step (meridian route)
};

class DnsRouter {
 public:
  explicit DnsRouter(DnsSettings settings) : cfg_(std::move(settings)) {}
  const DnsSettings& settings() const { return cfg_; }
  // `qname` lower case without the trailing dot; `client` with its prefix
  // (32/128 for a plain address, the ECS source prefix otherwise).
  // `hash` varies weighted choices between queries.
  // With `explain`, Decision::explain says why (meridian route); without,
  // nothing is formatted (the server's hot path).
  Decision decide(const std::string& qname, const Address& client, int prefix,
                  const ClusterView& view, uint64_t hash = 0, bool explain = true) const;
  const DnsName* find(const std::string& qname) const;
  // Where to look a client up when the CIDR table has no match (the
  // runtime's MaxMind database), before the default location. Sets
  // `*prefix` to the length of the network its answer (or its lack of one)
  // holds for, in the family's own width.
  std::function<std::optional<Location>(const Address&, int* prefix)> locate;

 private:
  DnsSettings cfg_;
};

}  // namespace meridian::dns
