// SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP: bitmaps on strings, with Redis
// 7.0's argument order (BITCOUNT and BITPOS look the key up before parsing
// their range: a missing key answers 0 or -1 whatever the range says) and
// its range rules (negative from the end, BYTE or BIT units).
#include <string>
#include <vector>

#include "core/commands/bit_access.h"
#include "core/commands/command_util.h"
#include "core/region/region.h"

namespace meridian {
namespace {

void setbit(CommandContext& ctx) {
  uint64_t offset = 0;
  if (!cmd::bit_offset_arg(ctx, ctx.argv[2], false, 0, &offset)) return;
  constexpr std::string_view kBadBit = "ERR bit is not an integer or out of range";
  auto on = parse_int64(ctx.argv[3]);
  if (!on || (*on & ~int64_t{1}) != 0) return ctx.reply.error(kBadBit);
  std::optional<KeyRecord> old;
  std::string value;
  bool grew = false;
  if (!cmd::bit_target(ctx, ctx.argv[1], offset, &old, &value, &grew)) return;
  auto& byte = reinterpret_cast<unsigned char&>(value[offset >> 3]);
  const int shift = 7 - static_cast<int>(offset & 7);
  const int was = (byte >> shift) & 1;
  // Redis writes (and replicates) only a key it creates, grows or changes.
  if (grew || was != *on) {
    byte = static_cast<unsigned char>((byte & ~(1 << shift)) | (*on << shift));
    cmd::write_bits(ctx, ctx.argv[1], std::move(value), old);
  }
  ctx.reply.integer(was);
}

void getbit(CommandContext& ctx) {
  uint64_t offset = 0;
  if (!cmd::bit_offset_arg(ctx, ctx.argv[2], false, 0, &offset)) return;
  const KeyRecord* rec = nullptr;
  if (!cmd::peek(ctx, ctx.argv[1], ValueType::kString, rec)) return;
  if (!rec || (offset >> 3) >= rec->payload.size()) return ctx.reply.integer(0);
  auto byte = static_cast<unsigned char>(rec->payload[offset >> 3]);
  ctx.reply.integer((byte >> (7 - (offset & 7))) & 1);
}

// A BITCOUNT / BITPOS range of a string of `len` bytes, in bytes, with the
// bits of its first and last byte that fall outside a BIT range.
struct ByteRange {
  int64_t start = 0, end = -1;
  unsigned char first_out = 0, last_out = 0;  // masks of the bits outside
};

// Redis' normalisation of start and end (in bytes, or bits when `bits`).
ByteRange clamp_range(int64_t start, int64_t end, int64_t len, bool bits) {
  int64_t total = bits ? len << 3 : len;
  if (start < 0) start = total + start;
  if (end < 0) end = total + end;
  if (start < 0) start = 0;
  if (end < 0) end = 0;
  if (end >= total) end = total - 1;
  ByteRange r{start, end};
  if (bits && start <= end) {
    r.first_out = static_cast<unsigned char>(~((1 << (8 - (start & 7))) - 1) & 0xFF);
    r.last_out = static_cast<unsigned char>((1 << (7 - (end & 7))) - 1);
    r.start = start >> 3;
    r.end = end >> 3;
  }
  return r;
}

// BYTE or BIT; replies a syntax error otherwise.
bool unit_arg(CommandContext& ctx, std::string_view word, bool* bits) {
  if (cmd::equals_ci(word, "BIT")) {
    *bits = true;
  } else if (cmd::equals_ci(word, "BYTE")) {
    *bits = false;
  } else {
    ctx.reply.error(cmd::kSyntax);
    return false;
  }
  return true;
}

// BITCOUNT key [start end [BYTE|BIT]]
void bitcount(CommandContext& ctx) {
  const auto& argv = ctx.argv;
  const KeyRecord* rec = nullptr;
  if (!cmd::peek(ctx, argv[1], ValueType::kString, rec)) return;
  if (!rec) return ctx.reply.integer(0);
  const auto* p = reinterpret_cast<const unsigned char*>(rec->payload.data());
  const auto len = static_cast<int64_t>(rec->payload.size());
  ByteRange r{0, len - 1};
  if (argv.size() == 4 || argv.size() == 5) {
    int64_t start = 0, end = 0;
    bool bits = false;
    if (!cmd::int_arg(ctx, argv[2], &start) || !cmd::int_arg(ctx, argv[3], &end)) return;
    if (start < 0 && end < 0 && start > end) return ctx.reply.integer(0);
    if (argv.size() == 5 && !unit_arg(ctx, argv[4], &bits)) return;
    r = clamp_range(start, end, len, bits);
  } else if (argv.size() != 2) {
    return ctx.reply.error(cmd::kSyntax);
  }
  if (r.start > r.end) return ctx.reply.integer(0);
  uint64_t count = cmd::popcount(p + r.start, static_cast<size_t>(r.end - r.start + 1));
  const unsigned char edges[2] = {static_cast<unsigned char>(p[r.start] & r.first_out),
                                  static_cast<unsigned char>(p[r.end] & r.last_out)};
  count -= cmd::popcount(edges, 2);
  ctx.reply.integer(static_cast<int64_t>(count));
}

// Redis' redisBitpos: the first bit equal to `bit` in n bytes; none: -1 when
// looking for a 1, n * 8 (the zero padding after them) when looking for a 0.
int64_t first_bit(const unsigned char* p, size_t n, int bit) {
  const unsigned char skip = bit ? 0 : 0xFF;
  for (size_t i = 0; i < n; ++i) {
    if (p[i] == skip) continue;
    for (int b = 0; b < 8; ++b) {
      if (((p[i] >> (7 - b)) & 1) == bit) return static_cast<int64_t>(i * 8) + b;
    }
  }
  return bit ? -1 : static_cast<int64_t>(n * 8);
}

// BITPOS key bit [start [end [BYTE|BIT]]]
void bitpos(CommandContext& ctx) {
  const auto& argv = ctx.argv;
  int64_t bit = 0;
  if (!cmd::int_arg(ctx, argv[2], &bit)) return;
  if (bit != 0 && bit != 1) return ctx.reply.error("ERR The bit argument must be 1 or 0.");
  // A missing key is an endless run of zeros, whatever the range says.
  const KeyRecord* rec = nullptr;
  if (!cmd::peek(ctx, argv[1], ValueType::kString, rec)) return;
  if (!rec) return ctx.reply.integer(bit ? -1 : 0);
  const auto len = static_cast<int64_t>(rec->payload.size());
  ByteRange r{0, len - 1};
  bool end_given = false;
  const size_t argc = argv.size();
  if (argc >= 4 && argc <= 6) {
    int64_t start = 0, end = 0;
    bool bits = false;
    if (!cmd::int_arg(ctx, argv[3], &start)) return;
    if (argc == 6 && !unit_arg(ctx, argv[5], &bits)) return;
    if (argc >= 5) {
      if (!cmd::int_arg(ctx, argv[4], &end)) return;
      end_given = true;
    } else {
      end = bits ? (len << 3) + 7 : len - 1;
    }
    r = clamp_range(start, end, len, bits);
  } else if (argc != 3) {
    return ctx.reply.error(cmd::kSyntax);
  }
  // An empty range holds neither a 0 nor a 1.
  if (r.start > r.end) return ctx.reply.integer(-1);
  // The range's bytes, with the bits outside it set to what is not sought.
  std::string bytes(rec->payload, static_cast<size_t>(r.start),
                    static_cast<size_t>(r.end - r.start + 1));
  auto& first = reinterpret_cast<unsigned char&>(bytes.front());
  auto& last = reinterpret_cast<unsigned char&>(bytes.back());
  first = bit ? (first & ~r.first_out) : (first | r.first_out);
  last = bit ? (last & ~r.last_out) : (last | r.last_out);
  int64_t pos = first_bit(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(),
                          static_cast<int>(bit));
  // With an explicit end, the bits after the range are not zero padding.
  if (end_given && bit == 0 && pos == static_cast<int64_t>(bytes.size() * 8)) {
    return ctx.reply.integer(-1);
  }
  if (pos != -1) pos += r.start << 3;
  ctx.reply.integer(pos);
}

// BITOP AND|OR|XOR|NOT destkey key [key ...]: missing keys are empty
// strings, shorter ones zero-padded; an empty result deletes destkey.
void bitop(CommandContext& ctx) {
  const auto& argv = ctx.argv;
  enum class Op { kAnd, kOr, kXor, kNot } op;
  std::string_view name = argv[1];
  if (cmd::equals_ci(name, "AND")) {
    op = Op::kAnd;
  } else if (cmd::equals_ci(name, "OR")) {
    op = Op::kOr;
  } else if (cmd::equals_ci(name, "XOR")) {
    op = Op::kXor;
  } else if (cmd::equals_ci(name, "NOT")) {
    op = Op::kNot;
  } else {
    return ctx.reply.error(cmd::kSyntax);
  }
  if (op == Op::kNot && argv.size() != 4) {
    return ctx.reply.error("ERR BITOP NOT must be called with a single source key.");
  }
  std::vector<std::string> src;
  size_t maxlen = 0;
  for (size_t i = 3; i < argv.size(); ++i) {
    const KeyRecord* rec = nullptr;
    if (!cmd::peek(ctx, argv[i], ValueType::kString, rec)) return;
    src.emplace_back(rec ? rec->payload : std::string());
    maxlen = std::max(maxlen, src.back().size());
  }
  std::string res(maxlen, '\0');
  auto byte_of = [&](size_t k, size_t j) -> unsigned char {
    return j < src[k].size() ? static_cast<unsigned char>(src[k][j]) : 0;
  };
  for (size_t j = 0; j < maxlen; ++j) {
    unsigned char out = byte_of(0, j);
    if (op == Op::kNot) out = static_cast<unsigned char>(~out);
    for (size_t k = 1; k < src.size(); ++k) {
      unsigned char b = byte_of(k, j);
      if (op == Op::kAnd) out &= b;
      if (op == Op::kOr) out |= b;
      if (op == Op::kXor) out ^= b;
    }
    res[j] = static_cast<char>(out);
  }
  std::string_view dest = argv[2];
  auto old = ctx.keyspace.find(dest, ctx.now_ms);
  if (maxlen > 0) {
    // A new value: the destination's TTL and type go, as with SET.
    KeyRecord rec;
    rec.type = ValueType::kString;
    rec.payload = std::move(res);
    ctx.keyspace.write(dest, rec, old ? &*old : nullptr, ctx.now_ms);
  } else if (old) {
    ctx.keyspace.erase(dest, *old, ctx.now_ms);
  }
  ctx.reply.integer(static_cast<int64_t>(maxlen));
}

}  // namespace

void register_bit_commands(CommandTable& t) {
  t.add({"setbit", 4, kCmdWrite | kCmdDenyOom, 1, 1, 1, setbit});
  t.add({"getbit", 3, kCmdReadOnly | kCmdFast, 1, 1, 1, getbit});
  t.add({"bitcount", -2, kCmdReadOnly, 1, 1, 1, bitcount});
  t.add({"bitpos", -3, kCmdReadOnly, 1, 1, 1, bitpos});
  t.add({"bitop", -4, kCmdWrite | kCmdDenyOom, 2, -1, 1, bitop});
}

}  // namespace meridian
