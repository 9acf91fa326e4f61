// PFADD, PFCOUNT, PFMERGE: Redis' HyperLogLog (core/data/hyperloglog.h has
// the algorithm). A HyperLogLog key is a collection of its nonzero
// registers, so a write stores, and replicates, only the registers it
// raises; across regions registers merge by maximum
// (docs/conflicts/crdt.md).
#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "core/commands/command_util.h"
#include "core/data/hyperloglog.h"
#include "core/region/region.h"

namespace meridian {
namespace {

// Redis' reply for a string that is not a HyperLogLog. Meridian never
// holds a HyperLogLog in a string, so this is every string.
constexpr std::string_view kNotHll = "WRONGTYPE Key is not a valid HyperLogLog string value.";

// Below this many registers to raise, each is looked up alone; above it
// the key's registers are read in one pass (at most 16384 fields).
constexpr size_t kPointReads = 64;

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

// Raises `regs` to the registers `key` holds.
void merge_registers(CommandContext& ctx, std::string_view key, const KeyRecord& rec,
                     hll::Registers& regs) {
  ctx.keyspace.for_each_field(key, rec, [&](std::string_view name, const FieldRecord& f) {
    uint16_t i = 0;
    if (hll::parse_register_name(name, &i)) regs[i] = std::max(regs[i], hll::rank_of(f.value));
    return true;
  });
}

// Writes into `key` (created if `old` is empty) the registers of `slots`
// (one per index) that rise above what it holds, and nothing else: the
// write, and what it replicates, is what it changed. Returns whether it
// wrote.
bool raise_registers(CommandContext& ctx, std::string_view key, const std::optional<KeyRecord>& old,
                     const std::vector<hll::Slot>& slots) {
  KeyRecord rec = old ? *old : ctx.keyspace.new_collection(ValueType::kHll, key);
  std::optional<hll::Registers> held;
  if (old && slots.size() > kPointReads) {
    held.emplace();
    held->fill(0);
    merge_registers(ctx, key, rec, *held);
  }
  auto current = [&](uint16_t i) -> uint8_t {
    if (!old) return 0;  // an absent key holds no live field
    if (held) return (*held)[i];
    auto f = ctx.keyspace.get_field(key, rec, hll::register_name(i));
    return f ? hll::rank_of(f->value) : 0;
  };
  bool raised = false;
  for (const auto& s : slots) {
    const uint8_t now = current(s.index);
    if (s.rank <= now) continue;
    ctx.keyspace.put_field(key, rec, hll::register_name(s.index), hll::rank_value(s.rank),
                           ctx.now_ms);
    if (now == 0) ++rec.count;
    raised = true;
  }
  if (!old && !raised) {
    // An empty HyperLogLog exists in Redis; a collection lives by its fields.
    ctx.keyspace.put_field(key, rec, hll::kEmptyMarker, {}, ctx.now_ms);
    ++rec.count;
  }
  if (old && !raised) return false;
  ctx.keyspace.write(key, rec, old ? &*old : nullptr, ctx.now_ms);
  return true;
}

// PFADD key [element ...]: 1 if the key was created or a register rose.
void pfadd(CommandContext& ctx) {
  const KeyRecord* found = nullptr;
  if (!peek_hll(ctx, ctx.argv[1], found)) return;
  std::optional<KeyRecord> old;
  if (found != nullptr) old = *found;
  std::vector<hll::Slot> slots;
  slots.reserve(ctx.argv.size() - 2);
  for (size_t i = 2; i < ctx.argv.size(); ++i) slots.push_back(hll::slot_of(ctx.argv[i]));
  // One slot per register, its highest rank first.
  std::sort(slots.begin(), slots.end(), [](const hll::Slot& a, const hll::Slot& b) {
    return a.index != b.index ? a.index < b.index : a.rank > b.rank;
  });
  slots.erase(
      std::unique(slots.begin(), slots.end(),
                  [](const hll::Slot& a, const hll::Slot& b) { return a.index == b.index; }),
      slots.end());
  ctx.reply.integer(raise_registers(ctx, ctx.argv[1], old, slots) ? 1 : 0);
}

// PFCOUNT key [key ...]: the estimate for the union of the keys; missing
// keys are empty. Redis caches the estimate in the string; this computes it.
void pfcount(CommandContext& ctx) {
  hll::Registers regs{};
  for (size_t i = 1; i < ctx.argv.size(); ++i) {
    const KeyRecord* rec = nullptr;
    if (!peek_hll(ctx, ctx.argv[i], rec)) return;
    if (rec != nullptr) merge_registers(ctx, ctx.argv[i], *rec, regs);
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
    if (rec != nullptr && i >= 2) merge_registers(ctx, ctx.argv[i], *rec, regs);
  }
  std::vector<hll::Slot> slots;
  for (size_t i = 0; i < hll::kRegisters; ++i) {
    if (regs[i] != 0) slots.push_back({static_cast<uint16_t>(i), regs[i]});
  }
  // Checked above; the record is read again as the reads since moved on.
  const std::optional<KeyRecord> old = ctx.keyspace.find(ctx.argv[1], ctx.now_ms);
  raise_registers(ctx, ctx.argv[1], old, slots);
  ctx.reply.ok();
}

}  // namespace

void register_hll_commands(CommandTable& t) {
  t.add({"pfadd", -2, kCmdWrite | kCmdDenyOom | kCmdFast, 1, 1, 1, pfadd});
  t.add({"pfcount", -2, kCmdReadOnly, 1, -1, 1, pfcount});
  t.add({"pfmerge", -2, kCmdWrite | kCmdDenyOom, 1, -1, 1, pfmerge});
}

}  // namespace meridian
