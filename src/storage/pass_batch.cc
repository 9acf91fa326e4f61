#include "storage/pass_batch.h"

#include <absl/hash/hash.h>
#include <absl/strings/string_view.h>

#include <algorithm>
#include <memory>

#include "core/base/assert.h"

namespace meridian {
namespace {

rocksdb::Slice slice(std::string_view s) {
  return s.data() == nullptr ? rocksdb::Slice("", 0) : rocksdb::Slice(s.data(), s.size());
}

std::string_view view(const rocksdb::Slice& s) {
  return {s.data(), s.size()};
}

// A pass's writes of one column (sorted, deletions included) over a base
// iterator: the database, or the database under the batch in flight. Where
// both hold a key the pass's write wins; its deletions hide the base's keys.
// Each direction keeps both sides positioned at or past the current key;
// turning around re-seeks to it.
class OverlayIterator final : public rocksdb::Iterator {
 public:
  OverlayIterator(const PassBatch& batch, const std::vector<uint32_t>& order,
                  const std::vector<PassBatch::Entry>& entries, rocksdb::Iterator* base)
      : batch_(batch), order_(order), entries_(entries), base_(base) {}

  bool Valid() const override { return valid_; }
  void SeekToFirst() override {
    base_->SeekToFirst();
    at_ = 0;
    settle(true);
  }
  void SeekToLast() override {
    base_->SeekToLast();
    at_ = static_cast<int64_t>(order_.size()) - 1;
    settle(false);
  }
  void Seek(const rocksdb::Slice& target) override {
    base_->Seek(target);
    at_ = lower_bound(view(target));
    settle(true);
  }
  void SeekForPrev(const rocksdb::Slice& target) override {
    base_->SeekForPrev(target);
    at_ = upper_bound(view(target)) - 1;
    settle(false);
  }
  void Next() override {
    MERIDIAN_ASSERT(valid_, "Next on an invalid iterator");
    if (!forward_) {
      std::string here(view(key()));
      Seek(here);  // both sides at or past the current key, going forward
      if (!valid_) return;
    }
    step(true);
    settle(true);
  }
  void Prev() override {
    MERIDIAN_ASSERT(valid_, "Prev on an invalid iterator");
    if (forward_) {
      std::string here(view(key()));
      SeekForPrev(here);
      if (!valid_) return;
    }
    step(false);
    settle(false);
  }
  rocksdb::Slice key() const override {
    return from_base_ ? base_->key() : slice(batch_.key_of(entry()));
  }
  rocksdb::Slice value() const override {
    return from_base_ ? base_->value() : slice(batch_.value_of(entry()));
  }
  rocksdb::Status status() const override { return base_->status(); }

 private:
  const PassBatch::Entry& entry() const { return entries_[order_[static_cast<size_t>(at_)]]; }
  std::string_view entry_key(int64_t i) const {
    return batch_.key_of(entries_[order_[static_cast<size_t>(i)]]);
  }
  int64_t lower_bound(std::string_view k) const {
    auto it = std::lower_bound(
        order_.begin(), order_.end(), k,
        [&](uint32_t e, std::string_view t) { return batch_.key_of(entries_[e]) < t; });
    return it - order_.begin();
  }
  int64_t upper_bound(std::string_view k) const {
    auto it = std::upper_bound(
        order_.begin(), order_.end(), k,
        [&](std::string_view t, uint32_t e) { return t < batch_.key_of(entries_[e]); });
    return it - order_.begin();
  }

  // Moves past the current key: the side it came from, and the base too
  // where the pass's write shadows the same key.
  void step(bool forward) {
    if (from_base_ || shadowed_) {
      if (forward) {
        base_->Next();
      } else {
        base_->Prev();
      }
    }
    if (!from_base_) at_ += forward ? 1 : -1;
  }

  // The side whose key comes first in the direction is current (the pass's
  // on a tie); the pass's deletions are stepped over together with the base
  // key they hide.
  void settle(bool forward) {
    forward_ = forward;
    const auto n = static_cast<int64_t>(order_.size());
    for (;;) {
      const bool base = base_->Valid();
      const bool mine = forward ? at_ < n : at_ >= 0;
      if (!base && !mine) {
        valid_ = false;
        return;
      }
      const int c = base && mine ? entry_key(at_).compare(view(base_->key())) : 0;
      valid_ = true;
      from_base_ = !mine || (base && (forward ? c > 0 : c < 0));
      shadowed_ = !from_base_ && base && c == 0;
      if (from_base_ || !entry().deleted) return;
      step(forward);
    }
  }

  const PassBatch& batch_;
  const std::vector<uint32_t>& order_;
  const std::vector<PassBatch::Entry>& entries_;
  std::unique_ptr<rocksdb::Iterator> base_;
  int64_t at_ = 0;  // position in order_
  bool valid_ = false;
  bool forward_ = true;
  bool from_base_ = false;  // the current key is the base's
  bool shadowed_ = false;   // the current key is mine and the base has it too
};

}  // namespace

PassBatch::PassBatch() : index_(0, Hash{this}, Eq{this}) {}

size_t PassBatch::Hash::operator()(uint32_t i) const {
  const Entry& e = batch->entries_[i];
  return (*this)(Probe{e.column, batch->key_of(e)});
}

size_t PassBatch::Hash::operator()(const Probe& p) const {
  return absl::HashOf(static_cast<uint8_t>(p.column),
                      absl::string_view(p.key.data(), p.key.size()));
}

bool PassBatch::Eq::operator()(uint32_t a, const Probe& p) const {
  const Entry& e = batch->entries_[a];
  return e.column == p.column && batch->key_of(e) == p.key;
}

uint32_t PassBatch::append(std::string_view bytes) {
  MERIDIAN_ASSERT(arena_.size() + bytes.size() < (uint64_t{1} << 32), "a pass's writes fit 4 GiB");
  auto at = static_cast<uint32_t>(arena_.size());
  arena_.append(bytes);
  return at;
}

PassBatch::Entry* PassBatch::upsert(Column column, std::string_view key) {
  auto it = index_.find(Probe{column, key});
  if (it != index_.end()) return &entries_[*it];
  Entry e;
  e.column = column;
  e.key_len = static_cast<uint32_t>(key.size());
  e.key_off = append(key);
  entries_.push_back(e);
  auto n = static_cast<uint32_t>(entries_.size() - 1);
  index_.insert(n);
  unsorted_[static_cast<int>(column)].push_back(n);
  return &entries_.back();
}

void PassBatch::put(Column column, rocksdb::ColumnFamilyHandle* cf, std::string_view key,
                    std::string_view value) {
  MERIDIAN_ASSERT(!built_, "no write after batch()");
  cfs_[static_cast<int>(column)] = cf;
  Entry* e = upsert(column, key);
  e->deleted = false;
  e->value_len = static_cast<uint32_t>(value.size());
  e->value_off = append(value);
}

void PassBatch::del(Column column, rocksdb::ColumnFamilyHandle* cf, std::string_view key) {
  MERIDIAN_ASSERT(!built_, "no write after batch()");
  cfs_[static_cast<int>(column)] = cf;
  Entry* e = upsert(column, key);
  e->deleted = true;
  e->value_len = 0;
}

PassBatch::Found PassBatch::find(Column column, std::string_view key, std::string* value) const {
  auto it = index_.find(Probe{column, key});
  if (it == index_.end()) return Found::kAbsent;
  const Entry& e = entries_[*it];
  if (e.deleted) return Found::kDeleted;
  value->assign(value_of(e));
  return Found::kPut;
}

const std::vector<uint32_t>& PassBatch::sorted(Column column) {
  auto c = static_cast<int>(column);
  auto& order = sorted_[c];
  auto& added = unsorted_[c];
  if (!added.empty()) {
    auto less = [this](uint32_t a, uint32_t b) {
      return key_of(entries_[a]) < key_of(entries_[b]);
    };
    std::sort(added.begin(), added.end(), less);
    auto mid = static_cast<std::ptrdiff_t>(order.size());
    order.insert(order.end(), added.begin(), added.end());
    std::inplace_merge(order.begin(), order.begin() + mid, order.end(), less);
    added.clear();
  }
  return order;
}

rocksdb::Iterator* PassBatch::iterate(Column column, rocksdb::Iterator* base) {
  const auto& order = sorted(column);
  if (order.empty()) return base;  // nothing of this column in the pass
  return new OverlayIterator(*this, order, entries_, base);
}

rocksdb::WriteBatch* PassBatch::batch() {
  if (built_) return &batch_;
  built_ = true;
  for (const Entry& e : entries_) {
    auto* cf = cfs_[static_cast<int>(e.column)];
    auto s = e.deleted ? batch_.Delete(cf, slice(key_of(e)))
                       : batch_.Put(cf, slice(key_of(e)), slice(value_of(e)));
    MERIDIAN_ASSERT(s.ok(), "a batch write only fails past its size limit, which is unset");
  }
  return &batch_;
}

void PassBatch::clear() {
  built_ = false;
  batch_.Clear();
  arena_.clear();
  entries_.clear();
  index_.clear();
  for (auto& v : sorted_) v.clear();
  for (auto& v : unsorted_) v.clear();
}

}  // namespace meridian
