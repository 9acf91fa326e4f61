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
#include "core/data/keyspace.h"

namespace meridian {
namespace {

constexpr size_t kFeedValueBytes = 256;

std::string be64(int64_t v) {
  std::string out;
  coding::put_fixed64_be(out, static_cast<uint64_t>(v));
  return out;
}

int64_t from_be64(std::string_view s) {
  uint64_t v = 0;
  coding::get_fixed64_be(s, &v);
  return static_cast<int64_t>(v);
}

// The expiry a key's expiry cell resolves to. Merging policies: concurrent
// EXPIREs keep the longest TTL, and a concurrent PERSIST (0) beats any TTL.
// lww: the latest.
int64_t resolve_expiry(const crdt::Cell& c) {
  int64_t best = -1;
  for (const auto& e : c.entries) {
    if (e.kind == crdt::Entry::kRemoved) continue;
    int64_t at = from_be64(e.value);
    if (at == 0) return 0;
    best = std::max(best, at);
  }
  return best < 0 ? 0 : best;
}

size_t value_entries(const crdt::Cell& c) {
  return static_cast<size_t>(std::count_if(c.entries.begin(), c.entries.end(), [](const auto& e) {
    return e.kind == crdt::Entry::kValue;
  }));
}

// Records written before the multi-region state existed (a single region
// that joined a cluster, or the first multi-region format) as replicated
// state: their one version becomes an entry.
void to_replicated(KeyRecord& r) {
  if (r.replicated()) return;
  r.flags |= KeyRecord::kFlagReplicated;
  Version v = r.version();
  uint64_t seq = std::max<uint64_t>(1, r.vv.get(r.origin));
  if (r.tombstone()) {
    r.state.cleared = v;
    r.state.removed = r.vv;
    return;
  }
  if (r.type == ValueType::kString) {
    r.state.value.entries = {crdt::Entry{r.origin, seq, r.hlc, crdt::Entry::kValue, r.payload}};
  }
  if (r.expire_at_ms != 0) {
    r.state.expiry.entries = {
        crdt::Entry{r.origin, seq, r.hlc, crdt::Entry::kValue, be64(r.expire_at_ms)}};
  }
  if (r.type != ValueType::kNone) r.state.note_write(r.type, v);
  // The record's vector was its causal context; it becomes the dots
  // summary, which covers at least its own write.
}

void to_replicated(FieldRecord& f, ValueType type) {
  if (!f.has_cell()) {
    f.flags |= FieldRecord::kFlagCell;
    if (!f.tombstone()) {
      f.cell.entries = {
          crdt::Entry{f.origin, std::max<uint64_t>(1, f.seq), f.hlc, crdt::Entry::kValue, f.value}};
    }
  }
  if (f.type == ValueType::kNone) f.type = type;
  f.value.clear();
}

}  // namespace

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
  f.cell.normalize(st.voids(f.type, watermark()));
  if (!f.cell.present()) return std::nullopt;
  if (type == ValueType::kHash) f.value = crdt::resolved_value(f.cell, resolver(key)).value_or("");
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
    f.cell.normalize(st.voids(f.type, watermark()));
  } else {
    f.flags = FieldRecord::kFlagCell;
  }
  f.type = rec.type;
  Increment inc;
  if (lww(key)) {
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
  f.cell.normalize(st.voids(f.type, watermark()));
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
    value.normalize(r.state.voids(ValueType::kString, watermark()));
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
    if (counter_keys_.erase(std::string(key)) > 0) r.flags |= KeyRecord::kFlagCounters;
  }
  int64_t expire_before = old != nullptr ? old->expire_at_ms : 0;
  if (rec.expire_at_ms != expire_before) {
    crdt::Cell& expiry = r.state.expiry;
    expiry.normalize(key_voids(r.state));
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

void Keyspace::rerase(std::string_view key, Stamp s) {
  KeyRecord r = load_replicated(key);
  const Before b = before(r);
  const Version v{s.hlc, region_};
  VersionVector ctx = own_context(s);
  KeyDelta& d = delta_for(key);
  if (lww(key)) {
    // The latest write of the whole key: everything at or before it goes.
    r.state.cleared = std::max(r.state.cleared, v);
    d.flags |= KeyDelta::kClear;
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
                     bool string) {
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
    crdt::Voids sv = r.state.voids(ValueType::kString, watermark());
    r.state.value.normalize(sv);
    baseline(r.state.value, string_incs, sv);
  }
  r.state.expiry.normalize(key_voids(r.state));
  if (!fields || r.generation == 0) return;
  std::sort(candidates.begin(), candidates.end());
  candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
  const ValueType newest = r.state.newest_type();
  std::vector<std::string> keep;  // what must outlive the old generation
  uint64_t live = 0;
  for (const auto& name : candidates) {
    std::string fk = layout::field_key(key, r.generation, name);
    const auto& stored = read_field(fk);
    if (!stored) continue;
    FieldRecord f = *stored;
    to_replicated(f, r.type);
    crdt::Voids fv = r.state.voids(f.type, watermark());
    f.cell.normalize(fv);
    baseline(f.cell, field_incs[name], fv);
    if (f.cell.empty()) {
      del_field_record(fk);
      continue;
    }
    f.flags = FieldRecord::kFlagCell | (f.cell.present() ? 0 : FieldRecord::kFlagTombstone);
    if (f.cell.present() && f.type == newest) ++live;
    keep.push_back(name);  // live, or a removal an older write must not undo
    put_field_record(fk, std::move(f));
  }
  // Every field not written concurrently is void now: the live ones are
  // among the candidates.
  r.count = live;
  if (r.flags & KeyRecord::kFlagCounters) {
    // Counter history must outlive the delete: the generation stays and its
    // void fields go in the background.
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

// --------------------------------------------------------------- joins

void Keyspace::join_string(std::string_view key, KeyRecord& r, const crdt::Cell& theirs_in,
                           const VersionVector& their_ctx, bool report_conflicts) {
  crdt::Voids sv = r.state.voids(ValueType::kString, watermark());
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
    f.cell.normalize(r.state.voids(f.type, watermark()));
    live_before = f.cell.present() && f.type == newest;
  } else {
    f.flags = FieldRecord::kFlagCell;
    f.type = their_type;
  }
  if (theirs == nullptr && !stored) return {false, false};
  if (theirs != nullptr && f.type != their_type) {
    // The slot held an item of another type, normalized above under its
    // own type's voids; the incoming type takes it over.
    f.type = their_type;
  }
  crdt::Voids fv = r.state.voids(f.type, watermark());
  crdt::Cell in = theirs != nullptr ? *theirs : crdt::Cell{};
  in.normalize(fv);
  if (lww(key)) {
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
  if (rec.clear) clear_before(rec.hlc, ctx);
  for (const auto& d : rec.keys) apply_key(rec, d, ctx);
}

void Keyspace::apply_key(const LogRecord& rec, const KeyDelta& d, const VersionVector& ctx) {
  const std::string& key = d.key;
  KeyRecord r = load_replicated(key);
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
                      r.state.voids(ValueType::kString, watermark()));
    join_string(key, r, in, ctx, true);
  }
  if (d.expiry) {
    crdt::Voids kv = key_voids(r.state);
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
    baseline_previous(in, rec.origin, fd.increment, r.state.voids(field_type, watermark()));
    auto [was, is] = join_field(key, r, fd.name, &in, field_type, ctx, true);
    r.count = r.count + (is ? 1 : 0) - (was ? 1 : 0);
  }
  if (rec.seq > r.vv.get(rec.origin)) r.vv.set(rec.origin, rec.seq);
  if (r.version() < v) {
    r.hlc = v.hlc;
    r.origin = v.origin;
  }
  finish(key, r, b);
}

void Keyspace::finish(std::string_view key, KeyRecord& r, const Before& b) {
  const ValueType t = r.state.newest_type();
  r.state.value.normalize(r.state.voids(ValueType::kString, watermark()));
  bool live = false;
  if (t == ValueType::kString) {
    live = r.state.value.present();
    if (live) r.payload = crdt::resolved_value(r.state.value, resolver(key)).value_or("");
    r.count = 0;
  } else if (is_collection(t)) {
    live = r.count > 0;
  }
  if (!live || t != ValueType::kString) r.payload.clear();
  if (t != ValueType::kNone) r.type = t;
  r.state.expiry.normalize(key_voids(r.state));
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

void Keyspace::clear_before(Hlc at, const VersionVector& ctx) {
  if (at > clear_before_) clear_before_ = at;
  hlc_.observe(at);
  meta_dirty_ = true;
  std::vector<std::pair<std::string, KeyRecord>> all;
  for_each_record([&](std::string_view k, const KeyRecord& rec) { all.emplace_back(k, rec); });
  for (auto& [k, rec] : all) {
    to_replicated(rec);
    const Before b = before(rec);
    if (rec.version() <= watermark()) {
      // Nothing newer than the flush: the key goes whole.
      if (rec.generation != 0) drop_fields(k, rec);
      if (b.expire_at_ms != 0) {
        storage_.del(Column::kExpiry, layout::expiry_key(b.expire_at_ms, k));
        --expires_;
      }
      if (b.live) --keys_;
      storage_.del(Column::kKeys, k);
      keys_cache_.put(k, std::nullopt);
      tombstones_.erase(k);
      continue;
    }
    raise(k, rec, ctx, true, true);
    finish(k, rec, b);
  }
}

// ---------------------------------------------------------- full resync

void Keyspace::read_chunks(StorageSnapshot& snap, ChunkCursor* cursor, size_t budget,
                           std::vector<KeyChunk>* out, bool* done) const {
  *done = false;
  size_t bytes = 0;
  auto keys = snap.iterate(Column::kKeys);
  auto fields = snap.iterate(Column::kFields);
  keys->seek(cursor->key);
  if (cursor->started && !cursor->in_key && keys->valid() && keys->key() == cursor->key) {
    keys->next();  // that one was sent whole
  }
  for (; keys->valid(); keys->next()) {
    KeyChunk c;
    c.key.assign(keys->key());
    KeyRecord rec;
    if (!rec.decode(keys->value())) continue;
    to_replicated(rec);
    bool resuming = cursor->in_key && cursor->key == c.key;
    c.first = !resuming;
    if (resuming) c.after = cursor->field;
    if (c.first) {
      c.rec = rec;
      c.rec.generation = 0;  // local: never sent
      bytes += c.key.size() + 64 + rec.payload.size();
    }
    cursor->started = true;
    cursor->key = c.key;
    cursor->in_key = false;
    c.final = true;
    if (rec.generation != 0) {
      std::string prefix = layout::field_prefix(c.key, rec.generation);
      fields->seek(prefix + c.after);
      if (!c.after.empty() && fields->valid() && fields->key() == prefix + c.after) fields->next();
      for (; fields->valid(); fields->next()) {
        std::string_view fk = fields->key();
        if (fk.substr(0, prefix.size()) != prefix) break;
        if (bytes >= budget) {
          c.final = false;
          break;
        }
        FieldRecord f;
        if (!f.decode(fields->value())) continue;
        to_replicated(f, rec.type);
        std::string name(fk.substr(prefix.size()));
        bytes += name.size() + 24 + f.cell.entries.size() * 24 + f.cell.counter.size() * 24;
        c.fields.emplace_back(std::move(name), std::move(f));
      }
    }
    if (!c.final) {
      cursor->in_key = true;
      cursor->field = c.fields.empty() ? c.after : c.fields.back().first;
    }
    out->push_back(std::move(c));
    if (!cursor->in_key && bytes < budget) continue;
    return;
  }
  *done = true;
}

void Keyspace::join_chunk(const KeyChunk& chunk, const VersionVector& their_ctx) {
  if (chunk.first) {
    if (joining_) {  // the previous key never got its final chunk
      joining_->rec.count = joining_->count;
      finish(joining_->key, joining_->rec, joining_->before);
      joining_.reset();
    }
    KeyRecord r = load_replicated(chunk.key);
    Joining j{chunk.key, r, before(r), 0};
    KeyRecord theirs = chunk.rec;
    to_replicated(theirs);
    // This region's next write must be later than everything it now holds.
    hlc_.observe(theirs.hlc);
    meta_dirty_ = true;
    KeyRecord& mine = j.rec;
    mine.state.merge_thresholds(theirs.state);
    join_string(chunk.key, mine, theirs.state.value, their_ctx, false);
    crdt::Voids kv = key_voids(mine.state);
    crdt::Cell expiry = theirs.state.expiry;
    expiry.normalize(kv);
    mine.state.expiry.normalize(kv);
    if (lww(chunk.key)) {
      crdt::join_lww(mine.state.expiry, expiry);
    } else {
      crdt::join(mine.state.expiry, applied_(), expiry, their_ctx);
    }
    mine.vv.merge(theirs.vv);
    if (mine.version() < theirs.version()) {
      mine.hlc = theirs.hlc;
      mine.origin = theirs.origin;
    }
    if (mine.type == ValueType::kNone) mine.type = theirs.type;
    joining_ = std::move(j);
  }
  if (!joining_ || joining_->key != chunk.key) return;  // out of order: ignored
  KeyRecord& r = joining_->rec;
  // Both sides' fields in (after, last listed], or to the end: a field one
  // side lacks is joined with nothing (the other side saw it removed, or
  // never saw it).
  std::vector<std::pair<std::string, std::optional<crdt::Cell>>> work;
  std::map<std::string, ValueType> types;
  for (const auto& [name, f] : chunk.fields) {
    work.emplace_back(name, f.cell);
    types[name] = f.type == ValueType::kNone ? r.type : f.type;
  }
  if (r.generation != 0) {
    std::string prefix = layout::field_prefix(chunk.key, r.generation);
    std::vector<std::string> local;
    {
      auto it = storage_.iterate(Column::kFields);
      for (it->seek(prefix + chunk.after); it->valid(); it->next()) {
        std::string_view fk = it->key();
        if (fk.substr(0, prefix.size()) != prefix) break;
        std::string name(fk.substr(prefix.size()));
        if (!chunk.after.empty() && name <= chunk.after) continue;
        if (!chunk.final && (chunk.fields.empty() || name > chunk.fields.back().first)) break;
        local.push_back(std::move(name));
      }
    }
    for (auto& name : local) {
      if (types.count(name) == 0) work.emplace_back(std::move(name), std::nullopt);
    }
  }
  for (auto& [name, cell] : work) {
    auto t = types.find(name);
    ValueType type = t != types.end() ? t->second : r.type;
    auto [was, is] =
        join_field(chunk.key, r, name, cell ? &*cell : nullptr, type, their_ctx, false);
    (void)was;
    if (is) ++joining_->count;
  }
  if (chunk.final) {
    r.count = joining_->count;
    finish(chunk.key, r, joining_->before);
    joining_.reset();
  }
}

// ------------------------------------------------- inspection and upkeep

std::string Keyspace::canonical(std::string_view key) {
  const auto& stored = read_record(key);
  if (!stored) return {};
  KeyRecord r = *stored;
  to_replicated(r);
  const ValueType t = r.state.newest_type();
  r.state.value.normalize(r.state.voids(ValueType::kString, watermark()));
  r.state.expiry.normalize(key_voids(r.state));
  // What decides reads and every future merge: the visible state and the
  // normalized cells. Thresholds are left out: once stable they only void
  // what can no longer arrive, and a region that purged a tombstone before
  // the key was written again keeps none (safely).
  std::string out;
  out.push_back(static_cast<char>(t));
  out.push_back(r.tombstone() ? 'T' : 'L');
  coding::put_varint(out, static_cast<uint64_t>(r.expire_at_ms));
  coding::put_varint(out, r.tombstone() ? 0 : r.count);
  out.push_back('|');
  r.state.value.encode(out);
  r.state.expiry.encode(out);
  if (!r.tombstone() && t == ValueType::kString) coding::put_bytes(out, r.payload);
  if (r.generation == 0) return out;
  for_each_stored_field(key, r.generation, [&](std::string_view name, FieldRecord& f) {
    to_replicated(f, r.type);
    f.cell.normalize(r.state.voids(f.type, watermark()));
    // An lww removal alone is left out for the same reason: it only wins
    // over older writes, and each region drops it once stable.
    bool removal_only = f.cell.counter.empty() &&
                        std::all_of(f.cell.entries.begin(), f.cell.entries.end(),
                                    [](const auto& e) { return e.kind == crdt::Entry::kRemoved; });
    if (f.cell.empty() || removal_only) return true;
    coding::put_bytes(out, name);
    out.push_back(static_cast<char>(f.type));
    f.cell.encode(out);
    return true;
  });
  return out;
}

namespace {

std::string describe_cell(const crdt::Cell& c) {
  std::string out = "{";
  for (const auto& e : c.entries) {
    out += " " + std::to_string(e.origin) + ":" + std::to_string(e.seq) + "@" +
           std::to_string(e.hlc.packed) + "/" + std::to_string(e.kind) + "=" +
           (e.value.size() == 8 && e.kind != crdt::Entry::kRemoved
                ? std::to_string(from_be64(e.value)) + "?"
                : e.value);
  }
  for (const auto& p : c.counter) {
    out += " [" + std::to_string(p.region) + " p" + std::to_string(p.p) + " n" +
           std::to_string(p.n) + " bp" + std::to_string(p.bp) + " bn" + std::to_string(p.bn) +
           " last" + std::to_string(p.last) + "]";
  }
  return out + " }";
}

std::string describe_vv(const VersionVector& v) {
  std::string out;
  for (const auto& [o, s] : v.entries()) out += std::to_string(o) + "=" + std::to_string(s) + ",";
  return out;
}

}  // namespace

std::string Keyspace::describe(std::string_view key) {
  const auto& stored = read_record(key);
  if (!stored) return "(none)";
  KeyRecord r = *stored;
  to_replicated(r);
  std::string out =
      "type=" + std::string(type_name(r.type)) + " newest=" + type_name(r.state.newest_type()) +
      (r.tombstone() ? " tombstone" : " live") + " ver=" + std::to_string(r.hlc.packed) + "/" +
      std::to_string(r.origin) + " count=" + std::to_string(r.count) +
      " expire=" + std::to_string(r.expire_at_ms) + " vv=" + describe_vv(r.vv) +
      " removed=" + describe_vv(r.state.removed) +
      " cleared=" + std::to_string(r.state.cleared.hlc.packed) + " latest=";
  for (const auto& [t, v] : r.state.latest) {
    out += std::string(type_name(t)) + "@" + std::to_string(v.hlc.packed) + "/" +
           std::to_string(v.origin) + ",";
  }
  out += " value=" + describe_cell(r.state.value) + " expiry=" + describe_cell(r.state.expiry) +
         " payload=" + r.payload;
  if (r.generation != 0) {
    for_each_stored_field(key, r.generation, [&](std::string_view name, FieldRecord& f) {
      out += "\n    " + std::string(name) + " " + type_name(f.type) + " " + describe_cell(f.cell);
      return true;
    });
  }
  return out;
}

Version Keyspace::version_of(std::string_view key) {
  const auto& stored = read_record(key);
  return stored ? stored->version() : Version{};
}

size_t Keyspace::tombstone_count() {
  if (!tombstones_loaded_) {
    tombstones_loaded_ = true;
    for_each_record([&](std::string_view k, const KeyRecord& rec) {
      if (rec.tombstone()) tombstones_.emplace(k);
    });
  }
  return tombstones_.size();
}

void Keyspace::note_lww_removal(std::string_view key, std::string_view field,
                                const crdt::Cell& cell) {
  if (cell.entries.size() != 1 || cell.entries[0].kind != crdt::Entry::kRemoved) return;
  if (!lww_removals_.empty() && lww_removals_.back().key == key &&
      lww_removals_.back().field == field &&
      lww_removals_.back().origin == cell.entries[0].origin &&
      lww_removals_.back().seq == cell.entries[0].seq) {
    return;
  }
  lww_removals_.push_back(
      {std::string(key), std::string(field), cell.entries[0].origin, cell.entries[0].seq});
  if (lww_removals_.size() > kMaxLwwRemovals) lww_removals_.pop_front();
}

void Keyspace::purge_lww_removals(const VersionVector& stable, size_t budget) {
  for (size_t n = 0; n < budget && !lww_removals_.empty(); ++n) {
    const LwwRemoval& rm = lww_removals_.front();
    if (stable.get(rm.origin) < rm.seq) return;  // later ones are younger still
    const auto& rec = read_record(rm.key);
    if (rec && rec->generation != 0) {
      std::string fk = layout::field_key(rm.key, rec->generation, rm.field);
      const auto& f = read_field(fk);
      // Still that removal and nothing else: every write it won over has
      // been applied everywhere.
      if (f && f->has_cell() && f->cell.counter.empty() && f->cell.entries.size() == 1 &&
          f->cell.entries[0].kind == crdt::Entry::kRemoved &&
          f->cell.entries[0].origin == rm.origin && f->cell.entries[0].seq == rm.seq) {
        del_field_record(fk);
      }
    }
    lww_removals_.pop_front();
  }
}

size_t Keyspace::purge_tombstones(const VersionVector& stable, size_t budget) {
  purge_lww_removals(stable, budget);
  tombstone_count();  // loads the set on first use
  std::vector<std::string> done;
  size_t purged = 0;
  for (const auto& k : tombstones_) {
    if (done.size() >= budget) break;
    const auto& rec = read_record(k);
    if (!rec || !rec->tombstone()) {
      done.push_back(k);
      continue;
    }
    if (!stable.dominates(rec->vv)) continue;
    // A deleted counter keeps its per-region totals: were they forgotten
    // here while another region still held them, this region's next
    // increments would restart below those totals and be lost in the max.
    // So counters keep one small tombstone per name, never more.
    if ((rec->flags & KeyRecord::kFlagCounters) || rec->state.value.has_counter()) continue;
    KeyRecord tomb = *rec;
    if (on_purge) on_purge(k, tomb);
    if (tomb.generation != 0) drop_fields(k, tomb);
    storage_.del(Column::kKeys, k);
    keys_cache_.put(k, std::nullopt);
    done.push_back(k);
    ++purged;
  }
  for (const auto& k : done) tombstones_.erase(k);
  purged_total_ += purged;
  return purged;
}

size_t Keyspace::reclaim(size_t budget) {
  size_t visited = 0;
  while (!reclaim_.empty() && visited < budget) {
    const std::string key = reclaim_.front();
    const auto& stored = read_record(key);
    if (!stored || stored->generation == 0) {
      reclaim_.pop_front();
      reclaim_cursor_.clear();
      continue;
    }
    KeyRecord r = *stored;
    to_replicated(r);
    std::string prefix = layout::field_prefix(key, r.generation);
    std::vector<std::pair<std::string, FieldRecord>> batch;
    bool end = true;
    {
      auto it = storage_.iterate(Column::kFields);
      for (it->seek(prefix + reclaim_cursor_); it->valid(); it->next()) {
        std::string_view fk = it->key();
        if (fk.substr(0, prefix.size()) != prefix) break;
        if (batch.size() + visited >= budget) {
          end = false;
          break;
        }
        FieldRecord f;
        if (f.decode(it->value())) batch.emplace_back(std::string(fk), std::move(f));
      }
    }
    visited += std::max<size_t>(batch.size(), 1);
    for (auto& [fk, f] : batch) {
      to_replicated(f, r.type);
      if (!f.cell.normalize(r.state.voids(f.type, watermark()))) continue;
      if (f.cell.empty()) {
        del_field_record(fk);
      } else {
        f.flags = FieldRecord::kFlagCell | (f.cell.present() ? 0 : FieldRecord::kFlagTombstone);
        put_field_record(fk, std::move(f));
      }
    }
    if (end) {
      reclaim_.pop_front();
      reclaim_cursor_.clear();
    } else if (!batch.empty()) {
      reclaim_cursor_ = batch.back().first.substr(prefix.size());
      reclaim_cursor_.push_back('\0');  // the next name after it
    }
  }
  return visited;
}

}  // namespace meridian
