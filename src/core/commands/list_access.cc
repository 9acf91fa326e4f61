#include "core/commands/list_access.h"

#include <algorithm>

#include "core/data/list_position.h"
#include "core/region/region.h"

namespace meridian::cmd {

std::vector<ListItem> list_items(CommandContext& ctx, std::string_view key, const KeyRecord& rec,
                                 uint64_t skip, uint64_t n, bool from_tail) {
  std::vector<ListItem> out;
  if (n == 0) return out;
  out.reserve(std::min<uint64_t>(n, 1024));
  auto take = [&](std::string_view pos, const FieldRecord& f) {
    if (skip > 0) {
      --skip;
      return true;
    }
    out.push_back({std::string(pos), f.value});
    return out.size() < n;
  };
  if (from_tail) {
    ctx.keyspace.for_each_field_reverse(key, rec, take);
  } else {
    ctx.keyspace.for_each_field(key, rec, take);
  }
  return out;
}

std::vector<ListItem> list_range(CommandContext& ctx, std::string_view key, const KeyRecord& rec,
                                 uint64_t start, uint64_t stop) {
  const uint64_t n = stop - start + 1;
  const uint64_t after = rec.count > stop ? rec.count - 1 - stop : 0;
  if (start <= after) return list_items(ctx, key, rec, start, n, false);
  auto items = list_items(ctx, key, rec, after, n, true);
  std::reverse(items.begin(), items.end());
  return items;
}

bool list_index(int64_t index, uint64_t len, uint64_t* out) {
  if (index < 0) {
    if (static_cast<uint64_t>(-(index + 1)) >= len) return false;
    *out = len - 1 - static_cast<uint64_t>(-(index + 1));
    return true;
  }
  if (static_cast<uint64_t>(index) >= len) return false;
  *out = static_cast<uint64_t>(index);
  return true;
}

void list_insert(CommandContext& ctx, std::string_view key, KeyRecord& rec,
                 std::string_view after_pos, std::string_view before_pos,
                 const std::vector<std::string_view>& values, bool toward_tail) {
  if (values.empty()) return;
  const uint32_t region = std::max<uint32_t>(1, ctx.keyspace.region_id());
  // Unique to this command: its dot, and the element's index in it.
  const uint64_t base = ctx.keyspace.command_seq(ctx.now_ms) << 24;
  std::string low(after_pos), high(before_pos);
  for (size_t i = 0; i < values.size(); ++i) {
    std::string pos = list_position::between(low, high, region, base + (i & 0xffffff));
    ctx.keyspace.put_field(key, rec, pos, values[i], ctx.now_ms);
    (toward_tail ? low : high) = std::move(pos);
  }
  rec.count += values.size();
}

void list_push(CommandContext& ctx, std::string_view key, KeyRecord& rec, bool existing,
               const std::vector<std::string_view>& values, bool tail) {
  std::string end;  // the current last (or first) element's position
  if (existing) {
    if (auto edge = ctx.keyspace.end_field(key, rec, tail)) end = std::move(*edge);
  }
  if (tail) return list_insert(ctx, key, rec, end, {}, values, true);
  list_insert(ctx, key, rec, {}, end, values, false);
}

void list_remove(CommandContext& ctx, std::string_view key, const KeyRecord& old,
                 const std::vector<ListItem>& items, bool rewritten) {
  if (items.empty()) return;
  KeyRecord rec = old;
  for (const auto& it : items) ctx.keyspace.del_field(key, rec, it.pos, ctx.now_ms);
  rec.count -= std::min<uint64_t>(rec.count, items.size());
  if (rec.count == 0) {
    ctx.keyspace.erase(key, old, ctx.now_ms, rewritten);
  } else {
    ctx.keyspace.write(key, rec, &old, ctx.now_ms);
  }
}

}  // namespace meridian::cmd
