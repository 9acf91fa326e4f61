// [[wan]]: emulated WAN latency between pairs of regions.
#include <algorithm>
#include <set>
#include <string>
#include <utility>

#include "config/config_sections.h"

namespace meridian::config_detail {

void load_wan(const Reporter& r, const toml::table& root, ClusterConfig& cfg) {
  const toml::array* arr = array_of_tables(r, root, "wan");
  if (arr == nullptr) return;
  std::set<std::pair<std::string, std::string>> pairs;
  for (size_t i = 0; i < arr->size(); ++i) {
    const std::string p = "wan[" + std::to_string(i) + "].";
    const toml::table& t = *arr->get(i)->as_table();
    r.only_known(t, p, {"regions", "rtt_ms", "jitter_ms"});
    const toml::node* n = t.get("regions");
    const std::string want = "expected two region names, e.g. [\"us-east\", \"us-west\"]";
    if (n == nullptr) r.fail(&t, p + "regions", "missing (" + want + ")");
    const toml::array* names = n->as_array();
    if (names == nullptr || names->size() != 2 || !names->get(0)->is_string() ||
        !names->get(1)->is_string()) {
      r.fail(n, p + "regions", want);
    }
    ClusterConfig::WanLink link;
    link.a = *names->get(0)->value<std::string>();
    link.b = *names->get(1)->value<std::string>();
    for (const auto* name : {&link.a, &link.b}) {
      if (cfg.find(*name) == nullptr) {
        r.fail(n, p + "regions", "no region named \"" + *name + "\" in [[regions]]");
      }
    }
    if (link.a == link.b) {
      r.fail(n, p + "regions", "names \"" + link.a + "\" twice (a link joins two regions)");
    }
    if (!pairs.insert(std::minmax(link.a, link.b)).second) {
      r.fail(n, p + "regions",
             "the pair " + link.a + "/" + link.b + " already has a [[wan]] entry");
    }
    // The sender delays its own traffic, so each direction gets half the round trip.
    link.one_way_ms = r.integer(t, p, "rtt_ms", std::nullopt, 0, 600000) / 2;
    link.jitter_ms = r.integer(t, p, "jitter_ms", 0, 0, 60000);
    // A health check over this link must be able to come back in time:
    // otherwise every check of a live region fails, votes split and GeoDNS
    // stops answering with it.
    const int64_t worst_rtt = 2 * (link.one_way_ms + link.jitter_ms);
    const int64_t timeout = cfg.server.failover.check_timeout_ms;
    if (worst_rtt >= timeout) {
      r.fail(t.get("rtt_ms"), p + "rtt_ms",
             "a round trip of up to " + std::to_string(worst_rtt) + " ms between " + link.a +
                 " and " + link.b +
                 " (rtt_ms + 2 x jitter_ms) is not shorter than [failover] "
                 "check_timeout_ms (" +
                 std::to_string(timeout) +
                 "): every health check over this link would time out; raise check_timeout_ms "
                 "above the round trip");
    }
    cfg.wan.push_back(std::move(link));
  }
}

}  // namespace meridian::config_detail
