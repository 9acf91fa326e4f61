#include "runtime/sim/chaos_hll.h"

#include "core/data/hll_store.h"
#include "core/region/region.h"
#include "runtime/sim/sim_cluster.h"

namespace meridian::sim {
namespace {

const char* const kFamilies[] = {"y", "x", "ky"};

}  // namespace

std::vector<std::string> hll_op(const Pick& pick, std::string* key) {
  const std::string family = kFamilies[pick(3)];
  auto some = [&] { return family + std::to_string(pick(3)); };
  const std::string k = some();
  *key = k;
  const bool raise_only = family == "y";
  const uint64_t r = pick(raise_only ? 6 : 12);
  if (r < 4) {
    std::vector<std::string> argv = {"PFADD", k};
    const uint64_t n = pick(6);  // PFADD with no element: an empty HLL
    for (uint64_t i = 0; i < n; ++i) argv.push_back("v" + std::to_string(pick(3000)));
    return argv;
  }
  if (r < 6) return {"PFMERGE", k, some(), some()};
  switch (r) {
    case 6:
    case 7:
      return {"DEL", k};
    case 8:
      return {"PEXPIRE", k, std::to_string(100 + pick(5000))};
    case 9:
      return {"RENAME", some(), k};
    case 10:
      return {"COPY", some(), k, "REPLACE"};
    default:
      return {"PFADD", k, "v" + std::to_string(pick(3000))};
  }
}

void HllChecker::acknowledged(const std::vector<std::string>& argv) {
  if (argv.size() < 2 || argv[0] != "PFADD" || argv[1][0] != 'y') return;
  auto& elements = added_[argv[1]];
  elements.insert(elements.end(), argv.begin() + 2, argv.end());
}

std::vector<std::string> HllChecker::check(SimCluster& cluster) const {
  std::vector<std::string> out;
  const int64_t now = cluster.now();
  auto registers = [&](int region, const std::string& key, bool* exists) {
    hll::Registers regs{};
    Keyspace& ks = cluster.region(region).keyspace();
    auto rec = ks.find(key, now);
    *exists = rec.has_value() && rec->type == ValueType::kHll;
    if (*exists) hll::read_registers(ks, key, *rec, regs);
    return regs;
  };
  for (const char* family : kFamilies) {
    for (int i = 0; i < 3; ++i) {
      const std::string key = family + std::to_string(i);
      bool exists = false;
      const hll::Registers first = registers(0, key, &exists);
      for (int r = 1; r < cluster.size(); ++r) {
        bool there = false;
        const hll::Registers regs = registers(r, key, &there);
        if (there != exists || hll::estimate(regs) != hll::estimate(first)) {
          out.push_back("PFCOUNT " + key + " is " + std::to_string(hll::estimate(first)) +
                        " in region 1 but " + std::to_string(hll::estimate(regs)) + " in region " +
                        std::to_string(r + 1));
        }
      }
      auto it = added_.find(key);
      if (it == added_.end()) continue;
      for (const auto& e : it->second) {
        const hll::Slot s = hll::slot_of(e);
        if (first[s.index] < s.rank) {
          out.push_back("HLL " + key + " lost acknowledged element " + e + ": register " +
                        std::to_string(s.index) + " is " + std::to_string(first[s.index]) +
                        ", below its rank " + std::to_string(s.rank));
          break;
        }
      }
    }
  }
  return out;
}

}  // namespace meridian::sim
