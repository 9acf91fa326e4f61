// Keyspace, multi-region part: the images of a full resync (streamed in
// bounded parts), inspection and upkeep. See keyspace_replicated.cc for
// the model.
#include <algorithm>

#include "core/base/assert.h"
#include "core/base/coding.h"
#include "core/data/keyspace.h"
#include "core/data/keyspace_detail.h"

namespace meridian {

using namespace keyspace_detail;  // NOLINT(google-build-using-namespace)

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
  if (on_change && chunk.first) on_change(chunk.key);
  if (chunk.first) {
    if (joining_) {  // the previous key never got its final chunk
      joining_->rec.count = joining_->count;
      joining_->rec.extra = joining_->extra;
      finish(joining_->key, joining_->rec, joining_->before);
      joining_.reset();
    }
    KeyRecord theirs = chunk.rec;
    to_replicated(theirs);
    // A key this region holds nothing of, in an image all of whose writes it
    // has applied: it applied them and then deleted the key and purged the
    // tombstone. Joining would bring the deleted value back (an lww value
    // carries no context that could void it), so the key is skipped, and
    // with it the rest of its chunks.
    if (!read_record(chunk.key) && applied_().dominates(theirs.vv)) return;
    KeyRecord r = load_replicated(chunk.key);
    Joining j{chunk.key, r, before(r), 0};
    // This region's next write must be later than everything it now holds.
    hlc_.observe(theirs.hlc);
    meta_dirty_ = true;
    KeyRecord& mine = j.rec;
    mine.state.merge_thresholds(theirs.state);
    join_string(chunk.key, mine, theirs.state.value, their_ctx, false);
    crdt::Voids kv = key_voids(chunk.key, mine.state);
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
    if (is && !is_element_field(type, name)) ++joining_->extra;
  }
  if (chunk.final) {
    r.count = joining_->count;
    r.extra = joining_->extra;
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
  r.state.value.normalize(r.state.voids(ValueType::kString, watermark(key)));
  r.state.expiry.normalize(key_voids(key, r.state));
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
    f.cell.normalize(r.state.voids(f.type, watermark(key)));
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

// Binary names (list positions) as text: other bytes as \xNN.
std::string printable(std::string_view s) {
  static const char* const kHex = "0123456789abcdef";
  std::string out;
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (u >= 0x20 && u < 0x7f && u != '\\') {
      out.push_back(c);
    } else {
      out += "\\x";
      out.push_back(kHex[u >> 4]);
      out.push_back(kHex[u & 15]);
    }
  }
  return out;
}

std::string describe_cell(const crdt::Cell& c) {
  std::string out = "{";
  for (const auto& e : c.entries) {
    out += " " + std::to_string(e.origin) + ":" + std::to_string(e.seq) + "@" +
           std::to_string(e.hlc.packed) + "/" + std::to_string(e.kind) + "=" +
           (e.value.size() == 8 && e.kind != crdt::Entry::kRemoved
                ? std::to_string(from_be64(e.value)) + "?"
                : printable(e.value));
  }
  for (const auto& p : c.counter) {
    out += " [" + std::to_string(p.region) + " p" + std::to_string(p.p) + " n" +
           std::to_string(p.n) + " bp" + std::to_string(p.bp) + " bn" + std::to_string(p.bn) +
           " last" + std::to_string(p.last) + "]";
  }
  return out + " }";
}

// Type names for debugging: a HyperLogLog is no "string" here.
std::string kind(ValueType t) {
  return t == ValueType::kHll ? "hll" : type_name(t);
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
  std::string out = "type=" + kind(r.type) + " newest=" + kind(r.state.newest_type()) +
                    (r.tombstone() ? " tombstone" : " live") +
                    " ver=" + std::to_string(r.hlc.packed) + "/" + std::to_string(r.origin) +
                    " count=" + std::to_string(r.count) +
                    " expire=" + std::to_string(r.expire_at_ms) + " vv=" + describe_vv(r.vv) +
                    " removed=" + describe_vv(r.state.removed) +
                    " cleared=" + std::to_string(r.state.cleared.hlc.packed) + " latest=";
  for (const auto& [t, v] : r.state.latest) {
    out += kind(t) + "@" + std::to_string(v.hlc.packed) + "/" + std::to_string(v.origin) + ",";
  }
  out += " value=" + describe_cell(r.state.value) + " expiry=" + describe_cell(r.state.expiry) +
         " payload=" + r.payload;
  if (r.generation != 0) {
    for_each_stored_field(key, r.generation, [&](std::string_view name, FieldRecord& f) {
      out += "\n    " + printable(name) + " " + kind(f.type) + " " + describe_cell(f.cell);
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
    // An expiry that survived the DEL (set concurrently with it) stays until
    // the key is written again (Keyspace::rwrite replaces it then): a region
    // that forgot it would disagree with one that still holds it about the
    // next value's TTL.
    to_replicated(tomb);
    if (!tomb.state.expiry.empty()) continue;
    if (on_purge) on_purge(k, tomb);
    if (tomb.generation != 0) drop_fields(k, tomb);
    storage_.del(Column::kKeys, k);
    keys_cache_.put(k, {}, std::nullopt);
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
      if (!f.cell.normalize(r.state.voids(f.type, watermark(key)))) continue;
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
      const auto& now = read_record(key);
      if (now && (now->flags & KeyRecord::kFlagVoidFields) && now->generation == r.generation) {
        KeyRecord done = *now;
        done.flags &= static_cast<uint8_t>(~KeyRecord::kFlagVoidFields);
        put_record(key, done);
      }
    } else if (!batch.empty()) {
      reclaim_cursor_ = batch.back().first.substr(prefix.size());
      reclaim_cursor_.push_back('\0');  // the next name after it
    }
  }
  return visited;
}

}  // namespace meridian
