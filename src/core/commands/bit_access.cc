#include "core/commands/bit_access.h"

#include <bit>
#include <cstring>

#include "core/commands/command_util.h"
#include "core/region/region.h"

namespace meridian::cmd {

bool bit_offset_arg(CommandContext& ctx, std::string_view arg, bool hash, int bits, uint64_t* out) {
  const bool use_hash = hash && arg.size() > 1 && arg[0] == '#';
  auto v = parse_int64(use_hash ? arg.substr(1) : arg);
  if (!v) {
    ctx.reply.error(kBadBitOffset);
    return false;
  }
  int64_t offset = *v;
  // Redis multiplies without an overflow check: the product wraps.
  if (use_hash) {
    offset = static_cast<int64_t>(static_cast<uint64_t>(offset) * static_cast<uint64_t>(bits));
  }
  if (offset < 0 || (offset >> 3) >= ctx.region.settings().limits.proto_max_bulk_len) {
    ctx.reply.error(kBadBitOffset);
    return false;
  }
  *out = static_cast<uint64_t>(offset);
  return true;
}

bool bit_target(CommandContext& ctx, std::string_view key, uint64_t max_bit,
                std::optional<KeyRecord>* old, std::string* value, bool* grew) {
  if (!lookup(ctx, key, ValueType::kString, *old)) return false;
  const size_t need = static_cast<size_t>(max_bit >> 3) + 1;
  *value = *old ? (*old)->payload : std::string();
  *grew = !*old || value->size() < need;
  if (value->size() < need) value->resize(need, '\0');
  return true;
}

void write_bits(CommandContext& ctx, std::string_view key, std::string value,
                const std::optional<KeyRecord>& old) {
  KeyRecord rec;
  if (old) {
    rec = *old;
  } else {
    rec.type = ValueType::kString;
  }
  rec.payload = std::move(value);
  ctx.keyspace.write(key, rec, old ? &*old : nullptr, ctx.now_ms);
}

uint64_t popcount(const unsigned char* p, size_t n) {
  uint64_t count = 0;
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t w;
    std::memcpy(&w, p + i, 8);
    count += static_cast<uint64_t>(std::popcount(w));
  }
  for (; i < n; ++i) count += static_cast<uint64_t>(std::popcount(static_cast<unsigned>(p[i])));
  return count;
}

}  // namespace meridian::cmd
