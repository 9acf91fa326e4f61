#pragma once
// The FLUSHALLs a region knows of. A FLUSHALL voids every version stamped at
// or before it, but only on the keys its origin region may hold: under
// geo-partitioning a region's FLUSHALL must not clear data homed where it
// may not go. So the marks are kept per origin (the HLC of its latest
// FLUSHALL), and a key's watermark is the latest mark of an origin that may
// hold it. Marks only grow; joining two regions' marks is a per-origin max.
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "core/base/coding.h"
#include "core/base/hlc.h"
#include "core/base/version_vector.h"

namespace meridian {

struct ClearMarks {
  // A FLUSHALL that voids every key whatever its origin: what data written
  // before the marks were kept per origin recorded.
  Hlc all;
  // Per origin, Hlc::packed of its latest FLUSHALL.
  VersionVector by_origin;

  bool empty() const { return all.packed == 0 && by_origin.entries().empty(); }
  // Records a FLUSHALL of `origin` at `at`; false if a later one is known.
  bool raise(RegionId origin, Hlc at) {
    if (at.packed <= by_origin.get(origin)) return false;
    by_origin.set(origin, at.packed);
    return true;
  }
  // Joins another region's marks; true if any rose.
  bool join(const ClearMarks& other) {
    bool rose = false;
    if (other.all > all) {
      all = other.all;
      rose = true;
    }
    for (const auto& [origin, at] : other.by_origin.entries()) rose |= raise(origin, Hlc{at});
    return rose;
  }
  // The latest FLUSHALL that voids `key`: of the origins `may_hold` says may
  // hold it (unset: every origin). O(origins).
  Hlc for_key(std::string_view key,
              const std::function<bool(std::string_view, RegionId)>& may_hold) const {
    Hlc best = all;
    for (const auto& [origin, at] : by_origin.entries()) {
      if (at > best.packed && (!may_hold || may_hold(key, origin))) best = Hlc{at};
    }
    return best;
  }
  // The latest mark of any origin.
  Hlc latest() const {
    Hlc best = all;
    for (const auto& e : by_origin.entries()) best = std::max(best, Hlc{e.second});
    return best;
  }

  void encode(std::string& out) const {
    coding::put_fixed64_be(out, all.packed);
    by_origin.encode(out);
  }
  bool decode(std::string_view& in) {
    return coding::get_fixed64_be(in, &all.packed) && by_origin.decode(in);
  }
  bool operator==(const ClearMarks&) const = default;
};

}  // namespace meridian
