// The key records' cache (EncodedRecordCache) against a model: whatever it
// returns is the latest state put for that key, it stays within its budget,
// and a returned reference follows the contract of its header.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <map>

#include "core/data/encoded_record_cache.h"
#include "core/data/records.h"

namespace meridian {
namespace {

KeyRecord string_record(const std::string& value, uint64_t version) {
  KeyRecord r;
  r.type = ValueType::kString;
  r.hlc = Hlc{version};
  r.origin = 1;
  r.vv.set(1, version);
  r.payload = value;
  return r;
}

RC_GTEST_PROP(EncodedRecordCache, AgreesWithAModelWithinItsBudget, ()) {
  const size_t budget = *rc::gen::element<size_t>(0, 300, 2000, 1 << 20);
  EncodedRecordCache<KeyRecord> cache(budget);
  std::map<std::string, std::optional<std::string>> model;  // nullopt: absent
  const int ops = *rc::gen::inRange(1, 400);
  uint64_t version = 0;
  for (int i = 0; i < ops; ++i) {
    std::string key = "k" + std::to_string(*rc::gen::inRange(0, 40));
    if (*rc::gen::inRange(0, 3) == 0) {
      const std::optional<KeyRecord>* got = cache.get(key);
      if (got == nullptr) continue;
      RC_ASSERT(model.count(key) == 1);
      const auto& want = model[key];
      RC_ASSERT(got->has_value() == want.has_value());
      if (want) RC_ASSERT((*got)->payload == *want);
    } else if (*rc::gen::inRange(0, 4) == 0) {
      // A deletion, through put() or update() (which adds no entry).
      if (*rc::gen::inRange(0, 2) == 0) {
        RC_ASSERT(!cache.put(key, {}, std::nullopt).has_value());
      } else {
        cache.update(key, {}, std::nullopt);
      }
      model[key] = std::nullopt;
    } else {
      // Values of varied sizes: a rewrite may or may not fit its entry.
      std::string value(*rc::gen::inRange(0, 200), 'a' + static_cast<char>(i % 26));
      KeyRecord r = string_record(value, ++version);
      std::string encoded = r.encode();
      if (*rc::gen::inRange(0, 3) == 0) {
        cache.update(key, encoded, r);
      } else {
        const auto& held = cache.put(key, encoded, r);
        RC_ASSERT(held.has_value() && held->payload == value);
      }
      model[key] = value;
    }
    // Over budget only with one entry left (the one just written stays).
    RC_ASSERT(cache.bytes() <= budget || cache.size() <= 1);
    if (budget == 0) RC_ASSERT(cache.size() == 0u);
  }
}

TEST(EncodedRecordCache, AHeldReferenceSeesItsKeysLatestWriteForKSlotsReads) {
  EncodedRecordCache<KeyRecord> cache(1 << 20);
  KeyRecord a = string_record("first", 1);
  cache.put("a", a.encode(), a);
  const std::optional<KeyRecord>& held = *cache.get("a");
  KeyRecord b = string_record("second", 2);
  cache.put("a", b.encode(), b);  // the same key: the held slot follows
  EXPECT_EQ(held->payload, "second");
  for (size_t i = 0; i + 1 < EncodedRecordCache<KeyRecord>::kSlots; ++i) {
    KeyRecord o = string_record("other", 3 + i);
    cache.put("o" + std::to_string(i), o.encode(), o);
  }
  EXPECT_EQ(held->payload, "second");
  EXPECT_EQ((*cache.get("a"))->payload, "second");
  cache.update("a", {}, std::nullopt);  // update() keeps the slot current too
  EXPECT_FALSE(held.has_value());
}

TEST(EncodedRecordCache, UpdateAddsOnlyWhatFitsAndHoldCachesNothing) {
  EncodedRecordCache<KeyRecord> cache(1000);
  KeyRecord a = string_record("v", 1);
  cache.update("a", a.encode(), a);  // room: added
  ASSERT_NE(cache.get("a"), nullptr);
  KeyRecord big = string_record(std::string(950, 'b'), 2);
  cache.update("big", big.encode(), big);  // no room: not added, nothing evicted
  EXPECT_EQ(cache.get("big"), nullptr);
  EXPECT_NE(cache.get("a"), nullptr);
  cache.put("big", big.encode(), big);  // put() makes room
  EXPECT_NE(cache.get("big"), nullptr);
  const auto& held = cache.hold("b", a);
  EXPECT_EQ(held->payload, "v");
  EXPECT_EQ(cache.get("b"), nullptr);
}

TEST(EncodedRecordCache, AnEntryOfAStringKeyCostsUnder200Bytes) {
  // docs/benchmarks.md: ~1M keys of 100-byte values fit the default budget.
  EncodedRecordCache<KeyRecord> cache(1 << 30);
  for (int i = 0; i < 1000; ++i) {
    KeyRecord r = string_record(std::string(100, 'v'), static_cast<uint64_t>(i) + 1);
    cache.put("key:" + std::to_string(1000000000000 + i), r.encode(), r);
  }
  EXPECT_LT(cache.bytes() / cache.size(), 200u);
}

TEST(EncodedRecordCache, AnEntryOfASetMemberCostsAtMost100Bytes) {
  EncodedRecordCache<FieldRecord> cache(1 << 30);
  for (int i = 0; i < 1000; ++i) {
    FieldRecord f;
    f.hlc = Hlc{static_cast<uint64_t>(i) + 1};
    f.origin = 1;
    f.seq = static_cast<uint64_t>(i) + 1;
    std::string fk = layout::field_key("myset", 7, "element:" + std::to_string(100000 + i));
    cache.put(fk, f.encode(), f);
  }
  EXPECT_LE(cache.bytes() / cache.size(), 100u);
}

}  // namespace
}  // namespace meridian
