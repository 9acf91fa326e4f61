// Keyspace, multi-region part: joining the deltas other regions send
// (apply), and FLUSHALL. See keyspace_replicated.cc for the model.
#include <algorithm>

#include "core/base/assert.h"
#include "core/base/coding.h"
#include "core/data/keyspace.h"
#include "core/data/keyspace_detail.h"

namespace meridian {

using namespace keyspace_detail;  // NOLINT(google-build-using-namespace)

// --------------------------------------------------------------- joins

void Keyspace::join_string(std::string_view key, KeyRecord& r, const crdt::Cell& theirs_in,
                           const VersionVector& their_ctx, bool report_conflicts) {
  crdt::Voids sv = r.state.voids(ValueType::kString, watermark(key));
  crdt::Cell theirs = theirs_in;
  theirs.normalize(sv);
  crdt::Cell& mine = r.state.value;
  mine.normalize(sv);
  const crdt::Resolver res = resolver(key);
  const std::string k(key);
  if (res.policy == crdt::Policy::kLww) {
    join_lww_reporting(key, {}, mine, theirs, their_ctx, report_conflicts);
    return;
  }
  std::vector<crdt::Entry> before = mine.entries;
  crdt::join(mine, applied_(), theirs, their_ctx);
  if (res.policy == crdt::Policy::kSiblings) {
    // Past the cap the oldest values go, the same ones in every region.
    while (value_entries(mine) > res.max_siblings) {
      auto oldest = mine.entries.end();
      for (auto it = mine.entries.begin(); it != mine.entries.end(); ++it) {
        if (it->kind == crdt::Entry::kValue &&
            (oldest == mine.entries.end() || oldest->later_than(*it))) {
          oldest = it;
        }
      }
      const crdt::Entry* w = res.winner(mine.entries);
      if (w != nullptr && report_conflicts) report(k, res.policy, *w, *oldest, "sibling cap");
      ++siblings_dropped_;
      mine.entries.erase(oldest);
    }
  } else if (report_conflicts && value_entries(mine) > 1 && mine.entries != before) {
    const crdt::Entry* w = res.winner(mine.entries);
    auto is_new = [&](const crdt::Entry& e) {
      return std::none_of(before.begin(), before.end(),
                          [&](const crdt::Entry& b) { return b.same_dot(e); });
    };
    // Each loser is reported once: when it arrives, or when a new winner does.
    const bool winner_new = w != nullptr && is_new(*w);
    for (const auto& e : mine.entries) {
      if (e.kind == crdt::Entry::kValue && w != nullptr && !e.same_dot(*w) &&
          (winner_new || is_new(e))) {
        report(k, res.policy, *w, e, "concurrent write");
      }
    }
  }
}

void Keyspace::join_lww_reporting(std::string_view key, std::string_view field, crdt::Cell& mine,
                                  const crdt::Cell& theirs, const VersionVector& their_ctx,
                                  bool report_conflicts) {
  auto lost = crdt::join_lww(mine, theirs);
  if (!lost || !report_conflicts || mine.entries.empty()) return;
  const crdt::Entry& won = mine.entries.front();
  bool theirs_won = !theirs.entries.empty() && won.same_dot(theirs.entries.front());
  // The loss is a conflict only if the writes were concurrent: the winner
  // had not seen the loser.
  if (theirs_won && lost->covered_by(their_ctx)) return;
  report(std::string(key), crdt::Policy::kLww, won, *lost,
         won.kind == crdt::Entry::kRemoved || lost->kind == crdt::Entry::kRemoved
             ? "concurrent delete"
             : "concurrent write",
         field);
}

std::pair<bool, bool> Keyspace::join_field(std::string_view key, KeyRecord& r,
                                           const std::string& name, const crdt::Cell* theirs,
                                           ValueType their_type, const VersionVector& their_ctx,
                                           bool report_conflicts) {
  if (r.generation == 0) r.generation = fresh_generation();
  const ValueType newest = r.state.newest_type();
  std::string fk = layout::field_key(key, r.generation, name);
  const auto& stored = read_field(fk);
  FieldRecord f;
  bool live_before = false;
  if (stored) {
    f = *stored;
    to_replicated(f, r.type);
    f.cell.normalize(r.state.voids(f.type, watermark(key)));
    live_before = f.cell.present() && f.type == newest;
  } else {
    f.flags = FieldRecord::kFlagCell;
    f.type = their_type;
  }
  if (theirs == nullptr && !stored) return {false, false};
  if (theirs != nullptr && f.type != their_type) {
    if (their_type == newest) {
      // The slot held an item of a type that lost the key: void for good
      // (at or below the newest type's write), so the incoming type takes
      // the slot over, and the old entries normalize away below.
      f.type = their_type;
    } else {
      // The incoming item's type lost the key: it is void for good, and
      // the slot keeps what it holds (whichever order the two arrive in).
      // Nothing to join: their side lacks our item because its slot holds
      // another type's, not because it removed ours.
      return {live_before, live_before};
    }
  }
  crdt::Voids fv = r.state.voids(f.type, watermark(key));
  crdt::Cell in = theirs != nullptr ? *theirs : crdt::Cell{};
  in.normalize(fv);
  // HyperLogLog registers merge as multi-value cells under every policy
  // (reads take the maximum): the causal join already drops what this
  // region saw replaced.
  const bool as_lww = lww(key) && f.type != ValueType::kHll;
  if (!stored && as_lww) {
    // A field this region holds nothing of, arriving in an image with
    // writes it has applied: it applied them, then removed the field and
    // purged the removal. Joining would bring the value back (an lww entry
    // carries no context that could void it); those entries are dropped.
    const VersionVector applied = applied_();
    std::erase_if(in.entries, [&](const crdt::Entry& e) { return e.covered_by(applied); });
    if (in.empty()) return {false, false};
  }
  if (as_lww) {
    join_lww_reporting(key, name, f.cell, in, their_ctx, report_conflicts);
    note_lww_removal(key, name, f.cell);
  } else {
    crdt::join(f.cell, applied_(), in, their_ctx);
  }
  f.cell.normalize(fv);
  bool live_after = f.cell.present() && f.type == newest;
  if (f.cell.has_counter()) r.flags |= KeyRecord::kFlagCounters;
  if (f.cell.empty()) {
    if (stored) del_field_record(fk);
  } else {
    f.flags = FieldRecord::kFlagCell | (f.cell.present() ? 0 : FieldRecord::kFlagTombstone);
    put_field_record(fk, std::move(f));
  }
  return {live_before, live_after};
}

void Keyspace::apply(const LogRecord& rec) {
  VersionVector ctx = rec.context();
  hlc_.observe(rec.hlc);
  meta_dirty_ = true;
  if (rec.clear) {
    clear_from(rec.origin, rec.hlc, ctx);
    if (on_flush) on_flush();
  }
  for (const auto& d : rec.keys) {
    // A key this region already saw expire is not announced expired twice.
    const bool was_live = on_event && !d.events.empty() && before(load_replicated(d.key)).live;
    if (!apply_key(rec, d, ctx)) continue;
    if (on_change) on_change(d.key);
    for (const auto& e : d.events) {
      if (!was_live && e == "xexpired") continue;
      if (on_event) on_event(e[0], std::string_view(e).substr(1), d.key);
    }
  }
}

bool Keyspace::apply_key(const LogRecord& rec, const KeyDelta& d, const VersionVector& ctx) {
  const std::string& key = d.key;
  KeyRecord r = load_replicated(key);
  // The key's state already holds this write: a full resync joined an image
  // that had it. (A resync from a region that may not hold every key this
  // one may keeps this region's positions for other origins, so their
  // records come again.) Joining it again would bring back what later
  // writes had replaced.
  if (r.vv.get(rec.origin) >= rec.seq) return false;
  const Before b = before(r);
  const Version v = rec.version();
  bool string = false, fields = false;
  if (!broken_join_) {
    if (d.flags & KeyDelta::kRemove) {
      r.state.removed.merge(ctx);
      string = fields = true;
    }
    if (d.flags & KeyDelta::kClear) {
      r.state.cleared = std::max(r.state.cleared, v);
      string = fields = true;
    }
    if (d.flags & KeyDelta::kClearPrior) {
      r.state.cleared = std::max(r.state.cleared, v.just_before());
      string = fields = true;
    }
  }
  if (d.type != ValueType::kNone) {
    Version mine = r.state.latest_of(b.type);
    if (r.state.note_write(d.type, v)) {
      if (d.type != ValueType::kString && !r.state.value.empty()) string = true;
      if (r.count > 0 && r.type != d.type) fields = true;
    }
    if (b.live && b.type != d.type && !ctx.dominates(r.vv)) {
      // Two regions wrote different types concurrently: the later write's
      // type wins whole.
      crdt::Entry in{rec.origin, rec.seq, rec.hlc, crdt::Entry::kValue, type_name(d.type)};
      crdt::Entry here{mine.origin, 0, mine.hlc, crdt::Entry::kValue, type_name(b.type)};
      bool in_wins = mine < v;
      report(key, resolver(key).policy, in_wins ? in : here, in_wins ? here : in, "type conflict");
    }
  }
  if (string || fields) raise(key, r, ctx, fields, string);
  if (d.value) {
    crdt::Cell in = *d.value;
    baseline_previous(in, rec.origin, d.value_increment,
                      r.state.voids(ValueType::kString, watermark(key)));
    join_string(key, r, in, ctx, true);
  }
  if (d.expiry) {
    crdt::Voids kv = key_voids(key, r.state);
    crdt::Cell in = *d.expiry;
    in.normalize(kv);
    r.state.expiry.normalize(kv);
    if (lww(key)) {
      crdt::join_lww(r.state.expiry, in);
    } else {
      crdt::join(r.state.expiry, applied_(), in, ctx);
    }
  }
  if (!d.fields.empty() && r.generation == 0 && r.count == 0) {
    // A collection this region has no fields of yet: a fresh generation.
    r.generation = fresh_generation();
  }
  // Fields belong to the type the record wrote (a record from before types
  // were sent: the key's).
  const ValueType field_type = is_collection(d.type) ? d.type : r.type;
  for (const auto& fd : d.fields) {
    crdt::Cell in = fd.cell;
    baseline_previous(in, rec.origin, fd.increment, r.state.voids(field_type, watermark(key)));
    auto [was, is] = join_field(key, r, fd.name, &in, field_type, ctx, true);
    const uint64_t change = (is ? 1 : 0) - (was ? 1 : 0);
    r.count += change;
    if (!is_element_field(field_type, fd.name)) r.extra += change;
  }
  if (rec.seq > r.vv.get(rec.origin)) r.vv.set(rec.origin, rec.seq);
  if (r.version() < v) {
    r.hlc = v.hlc;
    r.origin = v.origin;
  }
  finish(key, r, b);
  return true;
}

void Keyspace::finish(std::string_view key, KeyRecord& r, const Before& b) {
  const ValueType t = r.state.newest_type();
  r.state.value.normalize(r.state.voids(ValueType::kString, watermark(key)));
  bool live = false;
  if (t == ValueType::kString) {
    live = r.state.value.present();
    if (live) r.payload = crdt::resolved_value(r.state.value, resolver(key)).value_or("");
    r.count = r.extra = 0;
  } else if (is_collection(t)) {
    live = r.count > 0;
  }
  if (!live || t != ValueType::kString) r.payload.clear();
  if (t != ValueType::kNone) r.type = t;
  r.state.expiry.normalize(key_voids(key, r.state));
  const int64_t expire = live ? resolve_expiry(r.state.expiry) : 0;
  if (live && !b.live) ++keys_;
  if (!live && b.live) --keys_;
  if (b.expire_at_ms != expire) {
    if (b.expire_at_ms != 0) {
      storage_.del(Column::kExpiry, layout::expiry_key(b.expire_at_ms, key));
      --expires_;
    }
    if (expire != 0) {
      storage_.put(Column::kExpiry, layout::expiry_key(expire, key), {});
      ++expires_;
    }
  }
  r.expire_at_ms = expire;
  r.flags |= KeyRecord::kFlagReplicated;
  if (live) {
    r.flags &= static_cast<uint8_t>(~KeyRecord::kFlagTombstone);
    if (!tombstones_.empty()) tombstones_.erase(std::string(key));
  } else {
    r.flags |= KeyRecord::kFlagTombstone;
    tombstones_.insert(std::string(key));
  }
  meta_dirty_ = true;
  put_record(key, r);
}

// ------------------------------------------------------------- FLUSHALL

Version Keyspace::watermark(std::string_view key) const {
  if (clears_.empty()) return Version{Hlc{}, UINT32_MAX};
  if (!wm_key_ || *wm_key_ != key) {
    wm_ = Version{clears_.for_key(key, clear_scope_), UINT32_MAX};
    wm_key_ = std::string(key);
  }
  return wm_;
}

void Keyspace::clear_from(RegionId origin, Hlc at, const VersionVector& ctx) {
  ClearMarks marks = clears_;
  marks.raise(origin, at);
  clear_before(marks, ctx);
}

void Keyspace::apply_clears(const ClearMarks& theirs, const VersionVector& ctx) {
  ClearMarks marks = clears_;
  if (marks.join(theirs)) clear_before(marks, ctx, /*exact=*/false);
}

void Keyspace::clear_before(const ClearMarks& marks, const VersionVector& ctx, bool exact) {
  const ClearMarks was = clears_;
  clears_ = marks;
  wm_key_.reset();
  hlc_.observe(marks.latest());
  meta_dirty_ = true;
  std::vector<std::pair<std::string, KeyRecord>> all;
  for_each_record([&](std::string_view k, const KeyRecord& rec) {
    // A key no new FLUSHALL reaches (its origin may not hold it) stays as it is.
    if (was.for_key(k, clear_scope_) != marks.for_key(k, clear_scope_)) all.emplace_back(k, rec);
  });
  for (auto& [k, rec] : all) {
    to_replicated(rec);
    const Before b = before(rec);
    if (rec.version() <= watermark(k)) {
      // Nothing newer than the flush: the key goes whole.
      if (rec.generation != 0) drop_fields(k, rec);
      if (b.expire_at_ms != 0) {
        storage_.del(Column::kExpiry, layout::expiry_key(b.expire_at_ms, k));
        --expires_;
      }
      if (b.live) --keys_;
      storage_.del(Column::kKeys, k);
      keys_cache_.put(k, {}, std::nullopt);
      tombstones_.erase(k);
      continue;
    }
    raise(k, rec, ctx, true, true, !exact);
    finish(k, rec, b);
  }
}

}  // namespace meridian
