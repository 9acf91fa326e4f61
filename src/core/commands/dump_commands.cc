// DUMP and RESTORE, with Redis' payload format (dump_format.h), so values
// move between Meridian and Redis both ways. Across regions a RESTORE is a
// delete of what the key held (with REPLACE) plus a create, as COPY.
#include <map>
#include <string>
#include <vector>

#include "core/commands/command_util.h"
#include "core/commands/dump_format.h"
#include "core/commands/key_rewrite.h"
#include "core/commands/list_access.h"
#include "core/data/hll_store.h"
#include "core/data/zset_score.h"
#include "core/region/region.h"

namespace meridian {
namespace {

dump::Value value_of(CommandContext& ctx, std::string_view key, const KeyRecord& rec) {
  dump::Value v;
  v.type = rec.type;
  if (rec.type == ValueType::kString) {
    v.str = rec.payload;
    return v;
  }
  if (rec.type == ValueType::kHll) {
    hll::read_registers(ctx.keyspace, key, rec, v.registers);
    return v;
  }
  ctx.keyspace.for_each_field(key, rec, [&](std::string_view name, const FieldRecord& f) {
    switch (rec.type) {
      case ValueType::kList:
        v.items.push_back(f.value);
        break;
      case ValueType::kSet:
        v.items.emplace_back(name);
        break;
      case ValueType::kHash:
        v.pairs.emplace_back(name, f.value);
        break;
      default:
        v.scored.emplace_back(name, zset::parse_score(f.value).value_or(0));
    }
    return true;
  });
  return v;
}

void dump_cmd(CommandContext& ctx) {
  const KeyRecord* found = ctx.keyspace.peek(ctx.argv[1], ctx.now_ms);
  if (found == nullptr) return ctx.reply.null();
  if (found->type == ValueType::kStream) {
    // Redis' stream payload (listpacks, consumer groups) is not written yet.
    return ctx.reply.error(
        "ERR DUMP of a stream is not supported by Meridian yet; copy it with XRANGE and XADD");
  }
  const KeyRecord rec = *found;
  ctx.reply.bulk(dump::encode(value_of(ctx, ctx.argv[1], rec)));
}

// Writes `v` as `key` (which holds nothing now).
void create(CommandContext& ctx, std::string_view key, const dump::Value& v) {
  std::vector<std::pair<std::string, std::string>> fields;
  switch (v.type) {
    case ValueType::kString: {
      KeyRecord rec;
      rec.type = ValueType::kString;
      rec.payload = v.str;
      return ctx.keyspace.write(key, rec, nullptr, ctx.now_ms);
    }
    case ValueType::kList: {
      KeyRecord rec = ctx.keyspace.new_collection(ValueType::kList, key);
      std::vector<std::string_view> values(v.items.begin(), v.items.end());
      cmd::list_push(ctx, key, rec, false, values, true);
      return ctx.keyspace.write(key, rec, nullptr, ctx.now_ms);
    }
    case ValueType::kHll: {
      std::vector<hll::Slot> slots;
      for (size_t i = 0; i < v.registers.size(); ++i) {
        if (v.registers[i] != 0) slots.push_back({static_cast<uint16_t>(i), v.registers[i]});
      }
      hll::raise_registers(ctx.keyspace, key, nullptr, slots, ctx.now_ms);
      return;
    }
    case ValueType::kSet:
      for (const auto& m : v.items) fields.emplace_back(m, std::string());
      break;
    case ValueType::kHash:
      fields = v.pairs;
      break;
    default:
      for (const auto& [m, d] : v.scored) fields.emplace_back(m, zset::format_score(d));
  }
  // Later duplicates win, as when Redis loads them one by one.
  std::map<std::string, std::string> unique;
  for (auto& [n, val] : fields) unique[n] = std::move(val);
  fields.assign(unique.begin(), unique.end());
  cmd::store_fields(ctx, key, v.type, fields);
}

// RESTORE key ttl serialized-value [REPLACE] [ABSTTL] [IDLETIME s] [FREQ f],
// checked in Redis' order.
void restore(CommandContext& ctx) {
  const auto& argv = ctx.argv;
  bool replace = false, absttl = false;
  int64_t idle = -1, freq = -1;
  for (size_t j = 4; j < argv.size(); ++j) {
    const size_t more = argv.size() - j - 1;
    if (cmd::equals_ci(argv[j], "REPLACE")) {
      replace = true;
    } else if (cmd::equals_ci(argv[j], "ABSTTL")) {
      absttl = true;
    } else if (cmd::equals_ci(argv[j], "IDLETIME") && more >= 1 && freq == -1) {
      if (!cmd::int_arg(ctx, argv[++j], &idle)) return;
      if (idle < 0) return ctx.reply.error("ERR Invalid IDLETIME value, must be >= 0");
    } else if (cmd::equals_ci(argv[j], "FREQ") && more >= 1 && idle == -1) {
      if (!cmd::int_arg(ctx, argv[++j], &freq)) return;
      if (freq < 0 || freq > 255) {
        return ctx.reply.error("ERR Invalid FREQ value, must be >= 0 and <= 255");
      }
    } else {
      return ctx.reply.error(cmd::kSyntax);
    }
  }
  const bool exists = ctx.keyspace.peek(argv[1], ctx.now_ms) != nullptr;
  if (!replace && exists) return ctx.reply.error("BUSYKEY Target key name already exists.");
  int64_t ttl = 0;
  if (!cmd::int_arg(ctx, argv[2], &ttl)) return;
  if (ttl < 0) return ctx.reply.error("ERR Invalid TTL value, must be >= 0");
  dump::Value v;
  switch (dump::decode(argv[3], &v)) {
    case dump::Decoded::kBadVersionOrChecksum:
      return ctx.reply.error("ERR DUMP payload version or checksum are wrong");
    case dump::Decoded::kBadFormat:
      return ctx.reply.error("ERR Bad data format");
    case dump::Decoded::kOk:
      break;
  }
  const bool empty = (v.type == ValueType::kList || v.type == ValueType::kSet) ? v.items.empty()
                     : v.type == ValueType::kHash                              ? v.pairs.empty()
                     : v.type == ValueType::kZSet                              ? v.scored.empty()
                                                                               : false;
  if (empty) return ctx.reply.error("ERR Bad data format");  // Redis loads no empty key
  int64_t at = 0;
  if (ttl > 0) at = absttl ? ttl : (ttl > INT64_MAX - ctx.now_ms ? INT64_MAX : ctx.now_ms + ttl);
  if (at != 0 && at <= ctx.now_ms) {
    // Already expired: only the delete happens.
    if (exists) cmd::clear_destination(ctx, argv[1], false);
    return ctx.reply.ok();
  }
  cmd::clear_destination(ctx, argv[1], true);
  create(ctx, argv[1], v);
  if (at != 0) {
    if (auto rec = ctx.keyspace.find(argv[1], ctx.now_ms)) {
      KeyRecord timed = *rec;
      timed.expire_at_ms = at;
      ctx.keyspace.write(argv[1], timed, &*rec, ctx.now_ms);
    }
  }
  ctx.reply.ok();
}

}  // namespace

void register_dump_commands(CommandTable& t) {
  t.add({"dump", 2, kCmdReadOnly, 1, 1, 1, dump_cmd});
  t.add({"restore", -4, kCmdWrite | kCmdDenyOom, 1, 1, 1, restore});
}

}  // namespace meridian
