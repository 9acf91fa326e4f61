#include "core/commands/key_rewrite.h"

#include <optional>
#include <utility>

#include "core/commands/list_access.h"
#include "core/region/region.h"

namespace meridian::cmd {
namespace {

// Fields are copied in batches: no storage write happens while an iterator
// is open, and a big source is never held whole.
constexpr size_t kCopyBatch = 1024;

}  // namespace

void clear_destination(CommandContext& ctx, std::string_view dst, bool rewritten) {
  if (auto old = ctx.keyspace.find(dst, ctx.now_ms)) {
    ctx.keyspace.erase(dst, *old, ctx.now_ms, rewritten);
  }
}

void store_set(CommandContext& ctx, std::string_view dst, const std::vector<std::string>& members) {
  std::vector<std::pair<std::string, std::string>> fields;
  fields.reserve(members.size());
  for (const auto& m : members) fields.emplace_back(m, std::string());
  store_fields(ctx, dst, ValueType::kSet, fields);
}

void store_list(CommandContext& ctx, std::string_view dst, const std::vector<std::string>& values) {
  clear_destination(ctx, dst, !values.empty());
  if (values.empty()) return;
  KeyRecord rec = ctx.keyspace.new_collection(ValueType::kList, dst);
  const std::vector<std::string_view> views(values.begin(), values.end());
  list_push(ctx, dst, rec, false, views, true);
  ctx.keyspace.write(dst, rec, nullptr, ctx.now_ms);
}

void store_fields(CommandContext& ctx, std::string_view dst, ValueType type,
                  const std::vector<std::pair<std::string, std::string>>& fields) {
  clear_destination(ctx, dst, !fields.empty());
  if (fields.empty()) return;
  KeyRecord rec = ctx.keyspace.new_collection(type, dst);
  for (const auto& [f, v] : fields) ctx.keyspace.put_field(dst, rec, f, v, ctx.now_ms);
  rec.count = fields.size();
  ctx.keyspace.write(dst, rec, nullptr, ctx.now_ms);
}

void copy_key(CommandContext& ctx, std::string_view src, const KeyRecord& from,
              std::string_view dst) {
  clear_destination(ctx, dst, true);
  KeyRecord rec;
  if (from.is_collection()) {
    rec = ctx.keyspace.new_collection(from.type, dst);
    std::string after;
    bool more = true;
    while (more) {
      std::vector<std::pair<std::string, std::string>> batch;
      ctx.keyspace.for_each_field(
          src, from,
          [&](std::string_view f, const FieldRecord& r) {
            if (!after.empty() && f == after) return true;  // `from` is inclusive
            batch.emplace_back(f, r.value);
            return batch.size() < kCopyBatch;
          },
          after);
      more = batch.size() == kCopyBatch;
      for (const auto& [f, v] : batch) ctx.keyspace.put_field(dst, rec, f, v, ctx.now_ms);
      rec.count += batch.size();
      rec.extra = from.extra;
      if (!batch.empty()) after = batch.back().first;
    }
  } else {
    rec.type = from.type;
    rec.payload = from.payload;
  }
  rec.expire_at_ms = from.expire_at_ms;
  ctx.keyspace.write(dst, rec, nullptr, ctx.now_ms);
}

}  // namespace meridian::cmd
