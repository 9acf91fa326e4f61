#include "core/commands/random_pick.h"

#include <algorithm>
#include <optional>
#include <set>

#include "core/region/region.h"

namespace meridian::cmd {
namespace {

using Item = std::pair<std::string, std::string>;

// Up to this many members a collection is read whole and sampled exactly.
constexpr uint64_t kExactLimit = 1024;

std::vector<Item> all_fields(CommandContext& ctx, std::string_view key, const KeyRecord& rec) {
  std::vector<Item> all;
  all.reserve(rec.count);
  ctx.keyspace.for_each_field(key, rec, [&](std::string_view f, const FieldRecord& r) {
    all.emplace_back(f, r.value);
    return true;
  });
  return all;
}

// The first live field at or after a random point, wrapping to the start.
std::optional<Item> seek_pick(CommandContext& ctx, std::string_view key, const KeyRecord& rec,
                              const std::set<std::string>* skip) {
  std::string from = ctx.keyspace.field_pick_point(key, rec, ctx.region.random().next_u64());
  std::optional<Item> found;
  auto take = [&](std::string_view f, const FieldRecord& r) {
    if (skip != nullptr && skip->count(std::string(f))) return true;
    found.emplace(f, r.value);
    return false;
  };
  ctx.keyspace.for_each_field(key, rec, take, from);
  if (!found) ctx.keyspace.for_each_field(key, rec, take);
  return found;
}

}  // namespace

std::vector<Item> pick_distinct(CommandContext& ctx, std::string_view key, const KeyRecord& rec,
                                uint64_t n) {
  Random& rng = ctx.region.random();
  if (rec.count <= kExactLimit || n >= rec.count / 2) {
    std::vector<Item> all = all_fields(ctx, key, rec);
    // A partial Fisher-Yates shuffle: the first n are a uniform sample.
    size_t take = std::min<uint64_t>(n, all.size());
    for (size_t i = 0; i < take; ++i) std::swap(all[i], all[i + rng.uniform(all.size() - i)]);
    all.resize(take);
    return all;
  }
  std::vector<Item> out;
  std::set<std::string> chosen;
  while (out.size() < n) {
    auto item = seek_pick(ctx, key, rec, &chosen);
    if (!item) break;
    chosen.insert(item->first);
    out.push_back(std::move(*item));
  }
  return out;
}

std::vector<Item> pick_with_repeats(CommandContext& ctx, std::string_view key, const KeyRecord& rec,
                                    uint64_t n) {
  Random& rng = ctx.region.random();
  std::vector<Item> out;
  if (rec.count <= kExactLimit) {
    std::vector<Item> all = all_fields(ctx, key, rec);
    if (all.empty()) return out;
    for (uint64_t i = 0; i < n; ++i) out.push_back(all[rng.uniform(all.size())]);
    return out;
  }
  for (uint64_t i = 0; i < n; ++i) {
    auto item = seek_pick(ctx, key, rec, nullptr);
    if (!item) break;
    out.push_back(std::move(*item));
  }
  return out;
}

std::optional<std::string> pick_key(CommandContext& ctx) {
  Random& rng = ctx.region.random();
  std::optional<std::string> found;
  auto take = [&](std::string_view k, const KeyRecord&) {
    found.emplace(k);
    return false;
  };
  if (ctx.keyspace.key_count() <= kExactLimit) {
    // Few keys: the k-th live key, every key equally likely.
    uint64_t n = ctx.keyspace.key_count();
    if (n == 0) return std::nullopt;
    uint64_t skip = rng.uniform(n);
    ctx.keyspace.for_each_key({}, ctx.now_ms, [&](std::string_view k, const KeyRecord&) {
      if (skip-- > 0) return true;
      found.emplace(k);
      return false;
    });
    if (found) return found;
  }
  ctx.keyspace.for_each_key(ctx.keyspace.key_pick_point(rng.next_u64()), ctx.now_ms, take);
  if (!found) ctx.keyspace.for_each_key({}, ctx.now_ms, take);
  return found;
}

}  // namespace meridian::cmd
