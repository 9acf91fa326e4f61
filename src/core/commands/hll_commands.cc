// PFADD, PFCOUNT, PFMERGE: Redis' HyperLogLog (core/data/hyperloglog.h has
// the algorithm). A HyperLogLog key is a collection of its nonzero
// registers, so a write stores, and replicates, only the registers it
// raises; across regions registers merge by maximum
// (docs/conflicts/crdt.md).
#include <optional>
#include <string>
#include <vector>

#include "core/commands/command_util.h"
#include "core/data/hll_store.h"
#include "core/region/region.h"

namespace meridian {
namespace {

// Redis' reply for a string that is not a HyperLogLog. Meridian never
// holds a HyperLogLog in a string, so this is every string.
constexpr std::string_view kNotHll = "WRONGTYPE Key is not a valid HyperLogLog string value.";

// As cmd::peek for a HyperLogLog, with Redis' two errors: its own for a
// string, the usual WRONGTYPE for the other types.
bool peek_hll(CommandContext& ctx, std::string_view key, const KeyRecord*& out) {
  const KeyRecord* rec = ctx.keyspace.peek(key, ctx.now_ms);
  if (rec != nullptr && rec->type == ValueType::kString) {
    ctx.reply.error(kNotHll);
    return false;
  }
  return cmd::peek(ctx, key, ValueType::kHll, out);
}

// PFADD key [element ...]: 1 if the key was created or a register rose.
void pfadd(CommandContext& ctx) {
  const KeyRecord* found = nullptr;
  if (!peek_hll(ctx, ctx.argv[1], found)) return;
  std::optional<KeyRecord> old;
  if (found != nullptr) old = *found;
  const std::vector<std::string_view> elements(ctx.argv.begin() + 2, ctx.argv.end());
  const bool wrote = hll::raise_registers(ctx.keyspace, ctx.argv[1], old ? &*old : nullptr,
                                          hll::slots_of(elements), ctx.now_ms);
  ctx.reply.integer(wrote ? 1 : 0);
}

// PFCOUNT key [key ...]: the estimate for the union of the keys; missing
// keys are empty. Redis caches the estimate in the string; this computes it.
void pfcount(CommandContext& ctx) {
  hll::Registers regs{};
  for (size_t i = 1; i < ctx.argv.size(); ++i) {
    const KeyRecord* rec = nullptr;
    if (!peek_hll(ctx, ctx.argv[i], rec)) return;
    if (rec != nullptr) hll::read_registers(ctx.keyspace, ctx.argv[i], *rec, regs);
  }
  ctx.reply.integer(static_cast<int64_t>(hll::estimate(regs)));
}

// PFMERGE destkey [sourcekey ...]: every key's type is checked (the
// destination's first) before anything is written, as Redis does.
void pfmerge(CommandContext& ctx) {
  hll::Registers regs{};
  for (size_t i = 1; i < ctx.argv.size(); ++i) {
    const KeyRecord* rec = nullptr;
    if (!peek_hll(ctx, ctx.argv[i], rec)) return;
    // The destination's own registers never rise above themselves.
    if (rec != nullptr && i >= 2) hll::read_registers(ctx.keyspace, ctx.argv[i], *rec, regs);
  }
  std::vector<hll::Slot> slots;
  for (size_t i = 0; i < hll::kRegisters; ++i) {
    if (regs[i] != 0) slots.push_back({static_cast<uint16_t>(i), regs[i]});
  }
  // Checked above; the record is read again as the reads since moved on.
  const std::optional<KeyRecord> old = ctx.keyspace.find(ctx.argv[1], ctx.now_ms);
  hll::raise_registers(ctx.keyspace, ctx.argv[1], old ? &*old : nullptr, slots, ctx.now_ms);
  ctx.reply.ok();
}

}  // namespace

void register_hll_commands(CommandTable& t) {
  t.add({"pfadd", -2, kCmdWrite | kCmdDenyOom | kCmdFast, 1, 1, 1, pfadd});
  t.add({"pfcount", -2, kCmdReadOnly | kCmdMayReplicate, 1, -1, 1, pfcount});
  t.add({"pfmerge", -2, kCmdWrite | kCmdDenyOom, 1, -1, 1, pfmerge});
}

}  // namespace meridian
