// Keyspace, multi-region part. Every key keeps its replicated state: a
// crdt::Cell per string value, hash field and set member, one for the
// key's expiry, and the key-level thresholds of KeyState. Each write
// command records, per key, the cells it changed and the key-level writes it
// made (KeyDelta); apply() joins another region's. A key-level write (DEL, a
// type change, an lww whole-key write, FLUSHALL) only raises a threshold;
// elements below it are void wherever they are read, and the few written
// concurrently are found in the log (raise()). See docs/architecture.md,
// "Deltas", and core/crdt/cell.h for the merge rules.
#include <algorithm>

#include "core/base/assert.h"
#include "core/base/coding.h"
#include "core/data/hll_store.h"
#include "core/data/keyspace.h"
#include "core/data/keyspace_detail.h"
#include "core/data/zset_score.h"

namespace meridian {

using namespace keyspace_detail;  // NOLINT(google-build-using-namespace)

crdt::Resolver Keyspace::resolver(std::string_view key) const {
  return resolvers_ ? resolvers_(key) : crdt::Resolver{};
}

std::vector<crdt::Entry> Keyspace::values(const KeyRecord& rec) const {
  std::vector<crdt::Entry> out;
  for (const auto& e : rec.state.value.entries)
    if (e.kind == crdt::Entry::kValue) out.push_back(e);
  return out;
}

void Keyspace::report(const std::string& key, crdt::Policy policy, const crdt::Entry& winner,
                      const crdt::Entry& loser, const char* reason, std::string_view field) {
  if (!on_conflict) return;
  crdt::ConflictEvent ev;
  ev.key = key;
  ev.field = field;
  ev.policy = policy;
  ev.winner = {winner.origin, winner.hlc, winner.kind == crdt::Entry::kRemoved,
               winner.value.substr(0, kFeedValueBytes)};
  ev.discarded = {loser.origin, loser.hlc, loser.kind == crdt::Entry::kRemoved,
                  loser.value.substr(0, kFeedValueBytes)};
  ev.reason = reason;
  on_conflict(ev);
}

KeyRecord Keyspace::load_replicated(std::string_view key) {
  const auto& stored = read_record(key);
  KeyRecord r;
  if (stored) {
    r = *stored;
    to_replicated(r);
  } else {
    r.flags = KeyRecord::kFlagReplicated | KeyRecord::kFlagTombstone;
  }
  return r;
}

Keyspace::Before Keyspace::before(const KeyRecord& r) const {
  Before b;
  b.live = !r.tombstone() && r.type != ValueType::kNone;
  b.type = r.type;
  b.expire_at_ms = b.live ? r.expire_at_ms : 0;
  if (b.live && r.type == ValueType::kString) b.payload = r.payload;
  return b;
}

VersionVector Keyspace::own_context(const Stamp& s) const {
  VersionVector v = applied_();
  v.set(region_, s.seq - 1);
  return v;
}

KeyDelta& Keyspace::delta_for(std::string_view key) {
  for (auto& d : cmd_.deltas)
    if (d.key == key) return d;
  KeyDelta& d = cmd_.deltas.emplace_back();
  d.key.assign(key);
  return d;
}

// ---------------------------------------------------------------- reads

std::optional<FieldRecord> Keyspace::live_field(std::string_view key, const KeyState& st,
                                                ValueType type, const FieldRecord& stored) const {
  FieldRecord f = stored;
  to_replicated(f, type);
  if (f.type != type) return std::nullopt;  // an item of another (losing) type
  f.cell.normalize(st.voids(f.type, watermark(key)));
  if (!f.cell.present()) return std::nullopt;
  if (type == ValueType::kZSet) {
    f.value = zset::format_score(zset::cell_score(f.cell, resolver(key)).value_or(0));
  } else if (type == ValueType::kHll) {
    // A register is the maximum of its concurrent raises, whatever the
    // key's policy: any register value was reached, and the union of the
    // sets is what every region must count.
    f.value = hll::rank_value(hll::max_rank(f.cell));
  } else if (has_field_values(type)) {
    f.value = crdt::resolved_value(f.cell, resolver(key)).value_or("");
  }
  return f;
}

std::optional<FieldRecord> Keyspace::rget_field(std::string_view key, const KeyRecord& rec,
                                                std::string_view field) {
  // A key written for the first time by this very command has no record
  // yet (nothing voided), but may have fields already.
  const auto& stored = read_record(key);
  KeyState st = stored && stored->replicated() ? stored->state : KeyState{};
  const auto& f = read_field(layout::field_key(key, rec.generation, field));
  if (!f) return std::nullopt;
  return live_field(key, st, rec.type, *f);
}

// ---------------------------------------------------------- local writes

void Keyspace::rput_field(std::string_view key, const KeyRecord& rec, std::string_view field,
                          std::string_view value, Stamp s) {
  const KeyState st = load_replicated(key).state;
  std::string fk = layout::field_key(key, rec.generation, field);
  const auto& stored = read_field(fk);
  FieldRecord f;
  if (stored) {
    f = *stored;
    to_replicated(f, rec.type);
    f.cell.normalize(st.voids(f.type, watermark(key)));
  } else {
    f.flags = FieldRecord::kFlagCell;
  }
  f.type = rec.type;
  Increment inc;
  if (rec.type == ValueType::kHll) {
    // A raise replaces every entry it observed (all lower: the command
    // raises only past the maximum); concurrent raises elsewhere stay
    // beside it and the read takes the maximum. Never an lww register,
    // which would let a later, lower raise win.
    f.cell.assign(region_, s.seq, s.hlc, std::string(value));
  } else if (lww(key)) {
    f.cell.lww_assign(region_, s.seq, s.hlc, std::string(value));
  } else if (pending_increment_) {
    if (const auto* p = f.cell.part(region_)) {
      inc.prev_last = p->last;
      inc.prev_hlc = p->last_hlc;
    }
    inc.amount = *pending_increment_;
    f.cell.increment(region_, s.seq, s.hlc, *pending_increment_);
    counter_keys_.insert(std::string(key));
  } else {
    f.cell.assign(region_, s.seq, s.hlc, std::string(value));
  }
  f.flags = FieldRecord::kFlagCell | (f.cell.present() ? 0 : FieldRecord::kFlagTombstone);
  KeyDelta& d = delta_for(key);
  FieldDelta* fd = d.field(field);
  if (fd == nullptr) {
    fd = &d.fields.emplace_back();
    fd->name.assign(field);
  }
  fd->cell = f.cell;
  if (inc.amount != 0) fd->increment = inc;
  put_field_record(fk, std::move(f));
}

void Keyspace::rdel_field(std::string_view key, const KeyRecord& rec, std::string_view field,
                          Stamp s) {
  const KeyState st = load_replicated(key).state;
  std::string fk = layout::field_key(key, rec.generation, field);
  const auto& stored = read_field(fk);
  if (!stored) return;
  FieldRecord f = *stored;
  to_replicated(f, rec.type);
  f.cell.normalize(st.voids(f.type, watermark(key)));
  if (lww(key)) {
    // A removal is a write like any other: a concurrent older write of the
    // field must not bring it back.
    f.cell.lww_assign(region_, s.seq, s.hlc, {}, crdt::Entry::kRemoved);
    note_lww_removal(key, field, f.cell);
  } else {
    f.cell.remove();
  }
  f.type = rec.type;
  KeyDelta& d = delta_for(key);
  d.type = rec.type;  // SREM and HDEL are writes of their type
  FieldDelta* fd = d.field(field);
  if (fd == nullptr) {
    fd = &d.fields.emplace_back();
    fd->name.assign(field);
  }
  fd->cell = f.cell;
  if (f.cell.empty()) {
    del_field_record(fk);
  } else {
    f.flags = FieldRecord::kFlagCell | (f.cell.present() ? 0 : FieldRecord::kFlagTombstone);
    put_field_record(fk, std::move(f));
  }
}

void Keyspace::rwrite(std::string_view key, KeyRecord& rec, const KeyRecord* old, Stamp s) {
  KeyRecord r = load_replicated(key);
  const Before b = before(r);
  const Version v{s.hlc, region_};
  const ValueType t = rec.type;
  MERIDIAN_ASSERT(t != ValueType::kNone, "a replicated write has a type");
  KeyDelta& d = delta_for(key);
  d.type = t;
  if (r.state.note_write(t, v)) {
    // A write of one type voids what the key held of every other type (a
    // SET over a set, say): it is the latest write.
    bool string = t != ValueType::kString && !r.state.value.empty();
    bool fields = r.count > 0 && r.type != t;
    if (string || fields) raise(key, r, own_context(s), fields, string);
  }
  const bool is_lww = lww(key);
  if (t == ValueType::kString) {
    crdt::Cell& value = r.state.value;
    value.normalize(r.state.voids(ValueType::kString, watermark(key)));
    bool replaced = old == nullptr || old->type != ValueType::kString;
    bool changed = false;
    if (is_lww) {
      // Every write of the value is the latest write (an EXPIRE alone is not).
      bool expiry_only = !replaced && old->payload == rec.payload &&
                         old->expire_at_ms != rec.expire_at_ms && !pending_increment_;
      if (!expiry_only) {
        value.lww_assign(region_, s.seq, s.hlc, rec.payload);
        changed = true;
      }
    } else if (pending_increment_) {
      Increment inc;
      if (const auto* p = value.part(region_)) {
        inc.prev_last = p->last;
        inc.prev_hlc = p->last_hlc;
      }
      inc.amount = *pending_increment_;
      value.increment(region_, s.seq, s.hlc, *pending_increment_);
      d.value_increment = inc;
      changed = true;
    } else if (pending_context_) {
      changed = value.assign_over(region_, s.seq, s.hlc, rec.payload, *pending_context_);
    } else if (replaced || old->payload != rec.payload) {
      value.assign(region_, s.seq, s.hlc, rec.payload);
      changed = true;
    }
    if (changed) d.value = value;
  } else {
    r.generation = rec.generation;
    r.count = rec.count;
    r.extra = rec.extra;
    if (counter_keys_.erase(std::string(key)) > 0) r.flags |= KeyRecord::kFlagCounters;
  }
  int64_t expire_before = old != nullptr ? old->expire_at_ms : 0;
  // A key written anew over a tombstone that still holds an expiry (an
  // EXPIRE or PERSIST concurrent with the DEL) replaces it: the old TTL was
  // for a value that is gone. Other regions may have purged that tombstone
  // already; this write's expiry, over everything it saw, makes them agree.
  const bool stale_expiry = old == nullptr && !r.state.expiry.empty();
  if (rec.expire_at_ms != expire_before || stale_expiry) {
    crdt::Cell& expiry = r.state.expiry;
    expiry.normalize(key_voids(key, r.state));
    if (is_lww) {
      expiry.lww_assign(region_, s.seq, s.hlc, be64(rec.expire_at_ms));
    } else {
      expiry.assign(region_, s.seq, s.hlc, be64(rec.expire_at_ms));
    }
    d.expiry = expiry;
  }
  r.vv.set(region_, s.seq);
  r.hlc = s.hlc;
  r.origin = region_;
  finish(key, r, b);
  rec = r;
}

void Keyspace::rerase(std::string_view key, Stamp s, bool prior) {
  KeyRecord r = load_replicated(key);
  const Before b = before(r);
  const Version v{s.hlc, region_};
  VersionVector ctx = own_context(s);
  KeyDelta& d = delta_for(key);
  if (lww(key)) {
    // The latest write of the whole key: everything at or before it goes,
    // or only what came before the command when the command writes the key
    // after (an expiry found by the command).
    r.state.cleared = std::max(r.state.cleared, prior ? v.just_before() : v);
    d.flags |= prior ? KeyDelta::kClearPrior : KeyDelta::kClear;
  } else {
    // Observed-remove: what this region has seen goes; writes made
    // concurrently elsewhere survive.
    r.state.removed.merge(ctx);
    d.flags |= KeyDelta::kRemove;
  }
  raise(key, r, ctx, true, true);
  r.vv.set(region_, s.seq);
  r.hlc = s.hlc;
  r.origin = region_;
  finish(key, r, b);
}

// ------------------------------------------------------ key-level voids

void Keyspace::baseline(crdt::Cell& cell, const std::vector<LoggedIncrement>& incs,
                        const crdt::Voids& v) {
  for (auto& p : cell.counter) {
    if (v.covers(p.region, p.last, p.last_hlc)) continue;  // wholly void: normalize() did it
    // The increments logged after the context, in sequence order: those the
    // threshold covers come first (a region's HLCs grow with its sequence);
    // the total before the first it spares is what it voids.
    for (const auto& inc : incs) {
      if (inc.origin != p.region || v.covers(inc.origin, inc.seq, inc.hlc)) continue;
      uint64_t up = inc.amount > 0 ? static_cast<uint64_t>(inc.amount) : 0;
      uint64_t down = inc.amount < 0 ? static_cast<uint64_t>(-(inc.amount + 1)) + 1 : 0;
      p.bp = std::max(p.bp, std::min(p.p, inc.p_after - std::min(up, inc.p_after)));
      p.bn = std::max(p.bn, std::min(p.n, inc.n_after - std::min(down, inc.n_after)));
      break;
    }
  }
}

void Keyspace::baseline_previous(crdt::Cell& cell, RegionId origin, const Increment& inc,
                                 const crdt::Voids& v) {
  if (inc.amount == 0 || !v.covers(origin, inc.prev_last, inc.prev_hlc)) return;
  for (auto& p : cell.counter) {
    if (p.region != origin) continue;
    uint64_t up = inc.amount > 0 ? static_cast<uint64_t>(inc.amount) : 0;
    uint64_t down = inc.amount < 0 ? static_cast<uint64_t>(-(inc.amount + 1)) + 1 : 0;
    p.bp = std::max(p.bp, p.p - std::min(up, p.p));
    p.bn = std::max(p.bn, p.n - std::min(down, p.n));
  }
}

void Keyspace::raise(std::string_view key, KeyRecord& r, const VersionVector& ctx, bool fields,
                     bool string, bool every_field) {
  // What was written after the context, concurrently: found in the log
  // (every region keeps every origin's records until all have applied
  // them, and a key-level write is applied only after its context).
  std::vector<std::string> candidates;
  std::map<std::string, std::vector<LoggedIncrement>> field_incs;
  std::vector<LoggedIncrement> string_incs;
  for (const auto& [o, last] : r.vv.entries()) {
    uint64_t from = ctx.get(o);
    if (last <= from) continue;
    auto it = storage_.iterate(Column::kLog);
    LogRecord lr;
    for (it->seek(layout::log_key(o, from + 1)); it->valid(); it->next()) {
      RegionId ro = 0;
      uint64_t rs = 0;
      if (!layout::parse_log_key(it->key(), &ro, &rs) || ro != o || rs > last) break;
      if (!lr.decode(it->value())) continue;
      for (const auto& kd : lr.keys) {
        if (kd.key != key) continue;
        const RegionId origin = o;  // clang before 16 cannot capture a structured binding
        auto logged = [&](const crdt::Cell& c, const Increment& inc) {
          const auto* p = c.part(origin);
          return LoggedIncrement{origin, rs, lr.hlc, inc.amount, p ? p->p : 0, p ? p->n : 0};
        };
        if (kd.value && kd.value_increment.amount != 0) {
          string_incs.push_back(logged(*kd.value, kd.value_increment));
        }
        for (const auto& fd : kd.fields) {
          candidates.push_back(fd.name);
          if (fd.increment.amount != 0)
            field_incs[fd.name].push_back(logged(fd.cell, fd.increment));
        }
      }
    }
  }
  if (string) {
    crdt::Voids sv = r.state.voids(ValueType::kString, watermark(key));
    r.state.value.normalize(sv);
    baseline(r.state.value, string_incs, sv);
  }
  r.state.expiry.normalize(key_voids(key, r.state));
  if (!fields || r.generation == 0) return;
  if (every_field) {
    // The log after an unknown context may lack writes this key holds (a
    // resync brought their effect, not their records): O(fields), once.
    for_each_stored_field(key, r.generation, [&](std::string_view name, FieldRecord&) {
      candidates.emplace_back(name);
      return true;
    });
  }
  std::sort(candidates.begin(), candidates.end());
  candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
  const ValueType newest = r.state.newest_type();
  std::vector<std::string> keep;  // what must outlive the old generation
  uint64_t live = 0, extra = 0;
  for (const auto& name : candidates) {
    std::string fk = layout::field_key(key, r.generation, name);
    const auto& stored = read_field(fk);
    if (!stored) continue;
    FieldRecord f = *stored;
    to_replicated(f, r.type);
    crdt::Voids fv = r.state.voids(f.type, watermark(key));
    f.cell.normalize(fv);
    baseline(f.cell, field_incs[name], fv);
    if (f.cell.empty()) {
      del_field_record(fk);
      continue;
    }
    f.flags = FieldRecord::kFlagCell | (f.cell.present() ? 0 : FieldRecord::kFlagTombstone);
    if (f.cell.present() && f.type == newest) {
      ++live;
      if (!is_element_field(f.type, name)) ++extra;
    }
    keep.push_back(name);  // live, or a removal an older write must not undo
    put_field_record(fk, std::move(f));
  }
  // Every field not written concurrently is void now: the live ones are
  // among the candidates.
  r.count = live;
  r.extra = extra;
  if (r.flags & KeyRecord::kFlagCounters) {
    // Counter history must outlive the delete: the generation stays and its
    // void fields go in the background (the flag survives a restart).
    r.flags |= KeyRecord::kFlagVoidFields;
    if (std::find(reclaim_.begin(), reclaim_.end(), key) == reclaim_.end()) {
      reclaim_.emplace_back(key);
    }
  } else {
    renew_generation(key, r, keep);
  }
}

void Keyspace::renew_generation(std::string_view key, KeyRecord& r,
                                const std::vector<std::string>& keep) {
  uint64_t fresh = fresh_generation();
  for (const auto& name : keep) {
    const auto& f = read_field(layout::field_key(key, r.generation, name));
    if (f) put_field_record(layout::field_key(key, fresh, name), *f);
  }
  drop_fields(key, r);
  r.generation = fresh;
}

}  // namespace meridian
