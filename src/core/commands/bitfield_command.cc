// BITFIELD key [GET type offset] [SET type offset value] [INCRBY type offset
// incr] [OVERFLOW WRAP|SAT|FAIL] ..., and BITFIELD_RO (GET only): integers
// of 1 to 64 bits (unsigned: 63) at any bit offset of a string, with Redis'
// overflow arithmetic copied step for step (its SAT of a negative SET into
// an unsigned field is the maximum, for instance).
#include <cstdint>
#include <string>
#include <vector>

#include "core/commands/bit_access.h"
#include "core/commands/command_util.h"
#include "core/region/region.h"

namespace meridian {
namespace {

enum class Overflow { kWrap, kSat, kFail };
enum class OpCode { kGet, kSet, kIncrBy };

struct FieldOp {
  uint64_t offset = 0;
  int64_t value = 0;  // SET value or INCRBY increment
  OpCode code = OpCode::kGet;
  Overflow overflow = Overflow::kWrap;
  int bits = 0;
  bool sign = false;
};

// i1..i64 or u1..u63 (lower case only, in Redis 7.0).
bool type_arg(CommandContext& ctx, std::string_view arg, bool* sign, int* bits) {
  constexpr std::string_view kBadType =
      "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported "
      "but i64 is.";
  char c = arg.empty() ? '\0' : arg[0];
  *sign = c == 'i';
  if (!*sign && c != 'u') {
    ctx.reply.error(kBadType);
    return false;
  }
  // Redis reads the width as a C string: up to a NUL byte.
  auto n = parse_int64(cmd::as_c_string(arg.substr(1)));
  if (!n || *n < 1 || *n > (*sign ? 64 : 63)) {
    ctx.reply.error(kBadType);
    return false;
  }
  *bits = static_cast<int>(*n);
  return true;
}

uint64_t get_unsigned(const unsigned char* p, uint64_t offset, int bits) {
  uint64_t v = 0;
  for (int i = 0; i < bits; ++i, ++offset) {
    v = (v << 1) | ((p[offset >> 3] >> (7 - (offset & 7))) & 1);
  }
  return v;
}

int64_t get_signed(const unsigned char* p, uint64_t offset, int bits) {
  uint64_t v = get_unsigned(p, offset, bits);
  // Two's complement: the top bit of the field is the sign.
  if (bits < 64 && (v & (uint64_t{1} << (bits - 1)))) v |= ~uint64_t{0} << bits;
  return static_cast<int64_t>(v);
}

void set_field(unsigned char* p, uint64_t offset, int bits, uint64_t v) {
  for (int j = 0; j < bits; ++j, ++offset) {
    unsigned bit = (v >> (bits - 1 - j)) & 1;
    unsigned shift = 7 - (offset & 7);
    p[offset >> 3] = static_cast<unsigned char>((p[offset >> 3] & ~(1u << shift)) | (bit << shift));
  }
}

// Redis' checkUnsignedBitfieldOverflow: nonzero on overflow, with the value
// to store instead in *limit (WRAP, SAT).
int unsigned_overflow(uint64_t value, int64_t incr, int bits, Overflow ow, uint64_t* limit) {
  const uint64_t max = bits == 64 ? UINT64_MAX : (uint64_t{1} << bits) - 1;
  const auto maxincr = static_cast<int64_t>(max - value);
  const auto minincr = static_cast<int64_t>(0 - value);
  auto wrap = [&] { *limit = (value + static_cast<uint64_t>(incr)) & ~(~uint64_t{0} << bits); };
  if (value > max || (incr > 0 && incr > maxincr)) {
    if (ow == Overflow::kWrap) wrap();
    if (ow == Overflow::kSat) *limit = max;
    return 1;
  }
  if (incr < 0 && incr < minincr) {
    if (ow == Overflow::kWrap) wrap();
    if (ow == Overflow::kSat) *limit = 0;
    return -1;
  }
  return 0;
}

// Redis' checkSignedBitfieldOverflow (its intermediate sums wrap: computed
// unsigned here).
int signed_overflow(int64_t value, int64_t incr, int bits, Overflow ow, int64_t* limit) {
  const int64_t max = bits == 64 ? INT64_MAX : (int64_t{1} << (bits - 1)) - 1;
  const int64_t min = -max - 1;
  const auto maxincr = static_cast<int64_t>(static_cast<uint64_t>(max) - value);
  const auto minincr =
      static_cast<int64_t>(static_cast<uint64_t>(min) - static_cast<uint64_t>(value));
  auto wrap = [&] {
    uint64_t c = static_cast<uint64_t>(value) + static_cast<uint64_t>(incr);
    if (bits < 64) {
      const uint64_t mask = ~uint64_t{0} << bits;
      c = (c & (uint64_t{1} << (bits - 1))) ? (c | mask) : (c & ~mask);
    }
    *limit = static_cast<int64_t>(c);
  };
  if (value > max || (bits != 64 && incr > maxincr) || (value >= 0 && incr > 0 && incr > maxincr)) {
    if (ow == Overflow::kWrap) wrap();
    if (ow == Overflow::kSat) *limit = max;
    return 1;
  }
  if (value < min || (bits != 64 && incr < minincr) || (value < 0 && incr < 0 && incr < minincr)) {
    if (ow == Overflow::kWrap) wrap();
    if (ow == Overflow::kSat) *limit = min;
    return -1;
  }
  return 0;
}

// Runs a SET or INCRBY on `p`: replies the old value (SET) or the new one
// (INCRBY), or a null when OVERFLOW FAIL refuses it.
void run_write(CommandContext& ctx, unsigned char* p, const FieldOp& op) {
  int overflow = 0;
  uint64_t store = 0;
  int64_t reply = 0;
  if (op.sign) {
    const int64_t old = get_signed(p, op.offset, op.bits);
    int64_t wrapped = 0;
    int64_t now = 0;
    if (op.code == OpCode::kIncrBy) {
      overflow = signed_overflow(old, op.value, op.bits, op.overflow, &wrapped);
      now =
          overflow
              ? wrapped
              : static_cast<int64_t>(static_cast<uint64_t>(old) + static_cast<uint64_t>(op.value));
      reply = now;
    } else {
      overflow = signed_overflow(op.value, 0, op.bits, op.overflow, &wrapped);
      now = overflow ? wrapped : op.value;
      reply = old;
    }
    store = static_cast<uint64_t>(now);
  } else {
    const uint64_t old = get_unsigned(p, op.offset, op.bits);
    uint64_t wrapped = 0;
    uint64_t now = 0;
    if (op.code == OpCode::kIncrBy) {
      overflow = unsigned_overflow(old, op.value, op.bits, op.overflow, &wrapped);
      now = overflow ? wrapped : old + static_cast<uint64_t>(op.value);
      reply = static_cast<int64_t>(now);
    } else {
      const auto value = static_cast<uint64_t>(op.value);
      overflow = unsigned_overflow(value, 0, op.bits, op.overflow, &wrapped);
      now = overflow ? wrapped : value;
      reply = static_cast<int64_t>(old);
    }
    store = now;
  }
  if (overflow && op.overflow == Overflow::kFail) return ctx.reply.null();
  ctx.reply.integer(reply);
  set_field(p, op.offset, op.bits, store);
}

// GET: reads the field from a copy of the up to 9 bytes it spans, zero past
// the end of the string (or of a missing key).
void run_get(CommandContext& ctx, std::string_view value, const FieldOp& op) {
  unsigned char buf[9] = {};
  const uint64_t byte = op.offset >> 3;
  for (uint64_t i = 0; i < 9 && byte + i < value.size(); ++i) {
    buf[i] = static_cast<unsigned char>(value[byte + i]);
  }
  const uint64_t at = op.offset - byte * 8;
  if (op.sign) return ctx.reply.integer(get_signed(buf, at, op.bits));
  ctx.reply.integer(static_cast<int64_t>(get_unsigned(buf, at, op.bits)));
}

// Parses every operation first (any error replies and runs none), as Redis.
bool parse_ops(CommandContext& ctx, std::vector<FieldOp>* ops, uint64_t* highest_write,
               bool* readonly) {
  const auto& argv = ctx.argv;
  Overflow overflow = Overflow::kWrap;
  for (size_t j = 2; j < argv.size(); ++j) {
    const size_t rest = argv.size() - j - 1;
    std::string_view sub = argv[j];
    FieldOp op;
    if (cmd::equals_ci(sub, "GET") && rest >= 2) {
      op.code = OpCode::kGet;
    } else if (cmd::equals_ci(sub, "SET") && rest >= 3) {
      op.code = OpCode::kSet;
    } else if (cmd::equals_ci(sub, "INCRBY") && rest >= 3) {
      op.code = OpCode::kIncrBy;
    } else if (cmd::equals_ci(sub, "OVERFLOW") && rest >= 1) {
      std::string_view kind = argv[++j];
      if (cmd::equals_ci(kind, "WRAP")) {
        overflow = Overflow::kWrap;
      } else if (cmd::equals_ci(kind, "SAT")) {
        overflow = Overflow::kSat;
      } else if (cmd::equals_ci(kind, "FAIL")) {
        overflow = Overflow::kFail;
      } else {
        ctx.reply.error("ERR Invalid OVERFLOW type specified");
        return false;
      }
      continue;
    } else {
      ctx.reply.error(cmd::kSyntax);
      return false;
    }
    if (!type_arg(ctx, argv[j + 1], &op.sign, &op.bits)) return false;
    if (!cmd::bit_offset_arg(ctx, argv[j + 2], true, op.bits, &op.offset)) return false;
    if (op.code != OpCode::kGet) {
      *readonly = false;
      *highest_write = std::max(*highest_write, op.offset + static_cast<uint64_t>(op.bits) - 1);
      if (!cmd::int_arg(ctx, argv[j + 3], &op.value)) return false;
    }
    op.overflow = overflow;
    ops->push_back(op);
    j += op.code == OpCode::kGet ? 2 : 3;
  }
  return true;
}

void bitfield_generic(CommandContext& ctx, bool ro) {
  std::vector<FieldOp> ops;
  uint64_t highest_write = 0;
  bool readonly = true;
  if (!parse_ops(ctx, &ops, &highest_write, &readonly)) return;
  if (readonly) {
    const KeyRecord* rec = nullptr;
    if (!cmd::peek(ctx, ctx.argv[1], ValueType::kString, rec)) return;
    const std::string value = rec ? rec->payload : std::string();
    ctx.reply.array(ops.size());
    for (const auto& op : ops) run_get(ctx, value, op);
    return;
  }
  if (ro) return ctx.reply.error("ERR BITFIELD_RO only supports the GET subcommand");
  // The string grows (zero-padded) to the farthest bit written, even when
  // OVERFLOW FAIL then refuses every write, as in Redis.
  std::optional<KeyRecord> old;
  std::string value;
  bool grew = false;
  if (!cmd::bit_target(ctx, ctx.argv[1], highest_write, &old, &value, &grew)) return;
  auto* p = reinterpret_cast<unsigned char*>(value.data());
  ctx.reply.array(ops.size());
  for (const auto& op : ops) {
    if (op.code == OpCode::kGet) {
      run_get(ctx, value, op);
    } else {
      run_write(ctx, p, op);
    }
  }
  cmd::write_bits(ctx, ctx.argv[1], std::move(value), old);
}

void bitfield(CommandContext& ctx) {
  bitfield_generic(ctx, false);
}
void bitfield_ro(CommandContext& ctx) {
  bitfield_generic(ctx, true);
}

}  // namespace

void register_bitfield_commands(CommandTable& t) {
  t.add({"bitfield", -2, kCmdWrite | kCmdDenyOom, 1, 1, 1, bitfield});
  t.add({"bitfield_ro", -2, kCmdReadOnly | kCmdFast, 1, 1, 1, bitfield_ro});
}

}  // namespace meridian
