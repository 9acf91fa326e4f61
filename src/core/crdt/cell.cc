#include "core/crdt/cell.h"

#include <algorithm>

#include "core/base/coding.h"

namespace meridian::crdt {
namespace {

bool dot_less(const Entry& a, const Entry& b) {
  return a.origin != b.origin ? a.origin < b.origin : a.seq < b.seq;
}

CounterPart& part_for(std::vector<CounterPart>& c, RegionId r) {
  auto it = std::lower_bound(c.begin(), c.end(), r,
                             [](const CounterPart& p, RegionId id) { return p.region < id; });
  if (it == c.end() || it->region != r) {
    CounterPart fresh;
    fresh.region = r;
    it = c.insert(it, fresh);
  }
  return *it;
}

}  // namespace

bool Cell::present() const {
  return std::any_of(entries.begin(), entries.end(),
                     [](const Entry& e) { return e.kind != Entry::kRemoved; });
}

bool Cell::empty() const {
  if (!entries.empty()) return false;
  return std::all_of(counter.begin(), counter.end(),
                     [](const CounterPart& p) { return p.p == 0 && p.n == 0; });
}

const CounterPart* Cell::part(RegionId r) const {
  auto it = std::lower_bound(counter.begin(), counter.end(), r,
                             [](const CounterPart& p, RegionId id) { return p.region < id; });
  return it != counter.end() && it->region == r ? &*it : nullptr;
}

int64_t Cell::counter_value() const {
  uint64_t up = 0, down = 0;
  for (const auto& p : counter) {
    up += p.p - p.bp;
    down += p.n - p.bn;
  }
  return static_cast<int64_t>(up - down);
}

void Cell::assign(RegionId self, uint64_t seq, Hlc hlc, std::string value) {
  entries.clear();
  entries.push_back(Entry{self, seq, hlc, Entry::kValue, std::move(value)});
  for (auto& p : counter) {
    p.bp = p.p;
    p.bn = p.n;
  }
}

bool Cell::assign_over(RegionId self, uint64_t seq, Hlc hlc, std::string value,
                       const std::vector<Dot>& seen) {
  uint64_t parent = context_digest(seen);
  for (const auto& e : entries) {
    if (e.kind == Entry::kValue && e.parent == parent && e.value == value) return false;
  }
  std::erase_if(entries, [&](const Entry& e) {
    return std::find(seen.begin(), seen.end(), Dot{e.origin, e.seq}) != seen.end();
  });
  Entry fresh{self, seq, hlc, Entry::kValue, std::move(value), parent};
  entries.insert(std::upper_bound(entries.begin(), entries.end(), fresh, dot_less), fresh);
  for (auto& p : counter) {
    p.bp = p.p;
    p.bn = p.n;
  }
  return true;
}

std::string format_context(const std::vector<Entry>& entries) {
  std::string out;
  for (const auto& e : entries) {
    if (e.kind != Entry::kValue) continue;
    if (!out.empty()) out.push_back(',');
    out += std::to_string(e.origin) + ":" + std::to_string(e.seq);
  }
  return out;
}

bool parse_context(std::string_view text, std::vector<Dot>* out) {
  out->clear();
  while (!text.empty()) {
    size_t comma = text.find(',');
    std::string_view part = text.substr(0, comma);
    size_t colon = part.find(':');
    if (colon == std::string_view::npos || colon == 0 || colon + 1 == part.size()) return false;
    char* end = nullptr;
    std::string a(part.substr(0, colon)), b(part.substr(colon + 1));
    uint64_t r = std::strtoull(a.c_str(), &end, 10);
    if (*end != 0 || r > UINT32_MAX) return false;
    uint64_t s = std::strtoull(b.c_str(), &end, 10);
    if (*end != 0) return false;
    out->push_back(Dot{static_cast<RegionId>(r), s});
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
    if (text.empty()) return false;
  }
  return true;
}

uint64_t context_digest(const std::vector<Dot>& dots) {
  std::vector<Dot> sorted = dots;
  std::sort(sorted.begin(), sorted.end(), [](const Dot& a, const Dot& b) {
    return a.origin != b.origin ? a.origin < b.origin : a.seq < b.seq;
  });
  uint64_t h = 1469598103934665603ULL;  // FNV-1a over the sorted dots
  for (const auto& d : sorted) {
    for (uint64_t v : {static_cast<uint64_t>(d.origin), d.seq}) {
      for (int i = 0; i < 8; ++i) h = (h ^ ((v >> (8 * i)) & 0xff)) * 1099511628211ULL;
    }
  }
  return h | 1;  // never 0: 0 means "no context"
}

void Cell::increment(RegionId self, uint64_t seq, Hlc hlc, int64_t delta) {
  // An increment by zero counts nothing: it only makes the value present (a
  // part of zeros would carry no information, and regions would disagree on
  // whether they hold it).
  if (delta != 0) {
    CounterPart& mine = part_for(counter, self);
    if (delta > 0) {
      mine.p += static_cast<uint64_t>(delta);
    } else {
      mine.n += static_cast<uint64_t>(-(delta + 1)) + 1;  // no overflow at INT64_MIN
    }
    mine.last = seq;
    mine.last_hlc = hlc;
  }
  // The increment observed every presence mark; value entries stay: they are
  // the base the counter adds to.
  std::erase_if(entries, [](const Entry& e) { return e.kind == Entry::kTouch; });
  Entry touch{self, seq, hlc, Entry::kTouch, {}};
  entries.insert(std::upper_bound(entries.begin(), entries.end(), touch, dot_less), touch);
}

void Cell::remove() {
  entries.clear();
  for (auto& p : counter) {
    p.bp = p.p;
    p.bn = p.n;
  }
}

void Cell::lww_assign(RegionId self, uint64_t seq, Hlc hlc, std::string value, Entry::Kind kind) {
  entries.clear();
  entries.push_back(Entry{self, seq, hlc, kind, std::move(value)});
  counter.clear();
}

bool Cell::normalize(const Voids& voids) {
  size_t before = entries.size();
  std::erase_if(entries, [&](const Entry& e) { return voids.covers(e); });
  bool changed = entries.size() != before;
  for (auto& p : counter) {
    if ((p.bp == p.p && p.bn == p.n) || !voids.covers(p.region, p.last, p.last_hlc)) continue;
    p.bp = p.p;
    p.bn = p.n;
    changed = true;
  }
  return changed;
}

void join(Cell& mine, const VersionVector& my_ctx, const Cell& theirs,
          const VersionVector& their_ctx) {
  std::vector<Entry> out;
  out.reserve(mine.entries.size() + theirs.entries.size());
  auto a = mine.entries.begin();
  auto b = theirs.entries.begin();
  while (a != mine.entries.end() || b != theirs.entries.end()) {
    if (b == theirs.entries.end() || (a != mine.entries.end() && dot_less(*a, *b))) {
      if (!a->covered_by(their_ctx)) out.push_back(*a);  // they never saw it
      ++a;
    } else if (a == mine.entries.end() || dot_less(*b, *a)) {
      if (!b->covered_by(my_ctx)) out.push_back(*b);  // new to us
      ++b;
    } else {
      out.push_back(*a);  // both hold it
      ++a;
      ++b;
    }
  }
  mine.entries = std::move(out);
  for (const auto& t : theirs.counter) {
    CounterPart& m = part_for(mine.counter, t.region);
    m.p = std::max(m.p, t.p);
    m.n = std::max(m.n, t.n);
    m.bp = std::max(m.bp, t.bp);
    m.bn = std::max(m.bn, t.bn);
    if (t.last > m.last) {
      m.last = t.last;
      m.last_hlc = t.last_hlc;
    }
  }
  std::erase_if(mine.counter, [](const CounterPart& p) { return p.p == 0 && p.n == 0; });
}

std::optional<Entry> join_lww(Cell& mine, const Cell& theirs) {
  const Entry* a = mine.entries.empty() ? nullptr : &mine.entries.front();
  const Entry* b = theirs.entries.empty() ? nullptr : &theirs.entries.front();
  if (b == nullptr || (a != nullptr && (a->same_dot(*b) || a->later_than(*b)))) {
    // Ours stays (or both hold the same write).
    if (a != nullptr && b != nullptr && !a->same_dot(*b)) return *b;
    return std::nullopt;
  }
  std::optional<Entry> lost;
  if (a != nullptr) lost = *a;
  mine.entries = {*b};
  mine.counter.clear();
  return lost;
}

const char* policy_name(Policy p) {
  switch (p) {
    case Policy::kCrdt:
      return "crdt";
    case Policy::kLww:
      return "lww";
    case Policy::kFww:
      return "fww";
    case Policy::kSiblings:
      return "siblings";
    case Policy::kRegionPriority:
      return "region-priority";
  }
  return "crdt";
}

const Entry* Resolver::winner(const std::vector<Entry>& entries) const {
  const Entry* best = nullptr;
  auto rank = [&](RegionId r) {
    auto it = std::find(priority.begin(), priority.end(), r);
    return static_cast<size_t>(it - priority.begin());  // unlisted: lowest
  };
  for (const auto& e : entries) {
    if (e.kind != Entry::kValue) continue;
    if (best == nullptr) {
      best = &e;
    } else if (policy == Policy::kFww) {
      if (best->later_than(e)) best = &e;
    } else if (policy == Policy::kRegionPriority && rank(e.origin) != rank(best->origin)) {
      if (rank(e.origin) < rank(best->origin)) best = &e;
    } else if (e.later_than(*best)) {
      best = &e;
    }
  }
  return best;
}

std::optional<std::string> resolved_value(const Cell& cell, const Resolver& r) {
  if (!cell.present()) return std::nullopt;
  const Entry* w = r.winner(cell.entries);
  if (!cell.has_counter()) {
    if (w != nullptr) return w->value;
    return std::string("0");  // made present by increments that added up to nothing yet
  }
  // A counter: the base value (a SET before the increments) plus the sum.
  int64_t base = 0;
  if (w != nullptr) {
    const std::string& v = w->value;
    char* end = nullptr;
    long long parsed = std::strtoll(v.c_str(), &end, 10);
    if (v.empty() || end != v.c_str() + v.size()) return v;  // not a number: shown as is
    base = parsed;
  }
  return std::to_string(static_cast<int64_t>(static_cast<uint64_t>(base) +
                                             static_cast<uint64_t>(cell.counter_value())));
}

namespace {

// Entry flags (format 2).
constexpr uint8_t kKindMask = 0x03;
constexpr uint8_t kImpliedDot = 0x04;
constexpr uint8_t kHasParent = 0x08;
constexpr uint8_t kHasValue = 0x10;
// Counter part flags.
constexpr uint8_t kPartImplied = 0x01;  // its latest increment is the record's dot
constexpr uint8_t kPartBaseline = 0x02;
constexpr uint8_t kPartLast = 0x04;

bool implied_by(const Implied* im, RegionId origin, uint64_t seq, Hlc hlc) {
  return im != nullptr && im->origin == origin && im->seq == seq && im->hlc == hlc;
}

bool get_u8(std::string_view& in, uint8_t* v) {
  if (in.empty()) return false;
  *v = static_cast<uint8_t>(in[0]);
  in.remove_prefix(1);
  return true;
}

bool decode_v1(Cell& c, std::string_view& in) {
  uint64_t n = 0;
  if (!coding::get_varint(in, &n) || n > in.size()) return false;
  c.entries.assign(n, Entry{});
  for (auto& e : c.entries) {
    uint64_t origin = 0;
    uint8_t kind = 0;
    std::string_view v;
    if (!coding::get_varint(in, &origin) || !coding::get_varint(in, &e.seq) ||
        !coding::get_fixed64_be(in, &e.hlc.packed) || !get_u8(in, &kind) || kind > Entry::kExpire ||
        !coding::get_bytes(in, &v) || !coding::get_varint(in, &e.parent)) {
      return false;
    }
    e.origin = static_cast<RegionId>(origin);
    e.kind = static_cast<Entry::Kind>(kind);
    e.value.assign(v);
  }
  if (!coding::get_varint(in, &n) || n > in.size()) return false;
  c.counter.assign(n, CounterPart{});
  for (auto& p : c.counter) {
    uint64_t r = 0;
    if (!coding::get_varint(in, &r) || !coding::get_varint(in, &p.p) ||
        !coding::get_varint(in, &p.n) || !coding::get_varint(in, &p.bp) ||
        !coding::get_varint(in, &p.bn)) {
      return false;
    }
    p.region = static_cast<RegionId>(r);
    // Written before parts knew their latest increment: any later delete
    // that saw this region's writes covers them.
    p.last = 1;
    p.last_hlc = Hlc{1};
  }
  return true;
}

}  // namespace

void Cell::encode(std::string& out, const Implied* implied) const {
  coding::put_varint(out, entries.size());
  for (const auto& e : entries) {
    bool im = implied_by(implied, e.origin, e.seq, e.hlc);
    uint8_t flags = static_cast<uint8_t>(e.kind) | (im ? kImpliedDot : 0) |
                    (e.parent != 0 ? kHasParent : 0) | (!e.value.empty() ? kHasValue : 0);
    out.push_back(static_cast<char>(flags));
    if (!im) {
      coding::put_varint(out, e.origin);
      coding::put_varint(out, e.seq);
      coding::put_fixed64_be(out, e.hlc.packed);
    }
    if (!e.value.empty()) coding::put_bytes(out, e.value);
    if (e.parent != 0) coding::put_varint(out, e.parent);
  }
  coding::put_varint(out, counter.size());
  for (const auto& p : counter) {
    bool im = implied_by(implied, p.region, p.last, p.last_hlc);
    bool baseline = p.bp != 0 || p.bn != 0;
    uint8_t flags = (im ? kPartImplied : 0) | (baseline ? kPartBaseline : 0) |
                    (!im && p.last != 0 ? kPartLast : 0);
    out.push_back(static_cast<char>(flags));
    coding::put_varint(out, p.region);
    coding::put_varint(out, p.p);
    coding::put_varint(out, p.n);
    if (baseline) {
      coding::put_varint(out, p.bp);
      coding::put_varint(out, p.bn);
    }
    if (flags & kPartLast) {
      coding::put_varint(out, p.last);
      coding::put_fixed64_be(out, p.last_hlc.packed);
    }
  }
}

bool Cell::decode(std::string_view& in, int version, const Implied* implied) {
  if (version == 1) {
    if (!decode_v1(*this, in)) return false;
  } else {
    uint64_t n = 0;
    if (!coding::get_varint(in, &n) || n > in.size()) return false;
    entries.assign(n, Entry{});
    for (auto& e : entries) {
      uint8_t flags = 0;
      if (!get_u8(in, &flags) || (flags & ~(kKindMask | kImpliedDot | kHasParent | kHasValue))) {
        return false;
      }
      e.kind = static_cast<Entry::Kind>(flags & kKindMask);
      if (flags & kImpliedDot) {
        if (implied == nullptr) return false;
        e.origin = implied->origin;
        e.seq = implied->seq;
        e.hlc = implied->hlc;
      } else {
        uint64_t origin = 0;
        if (!coding::get_varint(in, &origin) || origin > UINT32_MAX ||
            !coding::get_varint(in, &e.seq) || !coding::get_fixed64_be(in, &e.hlc.packed)) {
          return false;
        }
        e.origin = static_cast<RegionId>(origin);
      }
      std::string_view v;
      if ((flags & kHasValue) && !coding::get_bytes(in, &v)) return false;
      e.value.assign(v);
      if ((flags & kHasParent) && !coding::get_varint(in, &e.parent)) return false;
    }
    if (!coding::get_varint(in, &n) || n > in.size()) return false;
    counter.assign(n, CounterPart{});
    for (auto& p : counter) {
      uint8_t flags = 0;
      uint64_t r = 0;
      if (!get_u8(in, &flags) || (flags & ~(kPartImplied | kPartBaseline | kPartLast)) ||
          !coding::get_varint(in, &r) || r > UINT32_MAX || !coding::get_varint(in, &p.p) ||
          !coding::get_varint(in, &p.n)) {
        return false;
      }
      p.region = static_cast<RegionId>(r);
      if ((flags & kPartBaseline) &&
          (!coding::get_varint(in, &p.bp) || !coding::get_varint(in, &p.bn))) {
        return false;
      }
      if (flags & kPartImplied) {
        if (implied == nullptr || implied->origin != p.region) return false;
        p.last = implied->seq;
        p.last_hlc = implied->hlc;
      } else if ((flags & kPartLast) && (!coding::get_varint(in, &p.last) ||
                                         !coding::get_fixed64_be(in, &p.last_hlc.packed))) {
        return false;
      }
    }
  }
  if (!std::is_sorted(entries.begin(), entries.end(), dot_less)) return false;
  for (const auto& p : counter) {
    // Baselines never exceed what they baseline: a corrupt cell must not
    // make a counter underflow.
    if (p.bp > p.p || p.bn > p.n) return false;
  }
  return std::is_sorted(
      counter.begin(), counter.end(),
      [](const CounterPart& a, const CounterPart& b) { return a.region < b.region; });
}

}  // namespace meridian::crdt
