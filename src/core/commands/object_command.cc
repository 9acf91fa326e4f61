// OBJECT ENCODING | REFCOUNT | IDLETIME | FREQ | HELP. Meridian stores every
// value the same way (a RocksDB record per key, one per member or field);
// ENCODING answers what Redis 7.0 would use for the value, so that tools and
// tests that look at it see the same thing. IDLETIME is the time since the
// last write: reads are not recorded (they would turn every read into a
// write).
#include <cctype>
#include <iterator>
#include <string>

#include "core/commands/command_util.h"
#include "core/region/region.h"

namespace meridian {
namespace {

// Redis 7.0's defaults: set-max-intset-entries, hash-max-listpack-entries,
// hash-max-listpack-value, OBJ_ENCODING_EMBSTR_SIZE_LIMIT.
constexpr uint64_t kMaxIntsetEntries = 512;
constexpr uint64_t kMaxListpackEntries = 512;      // the compiled default (redis.conf ships 128)
constexpr uint64_t kMaxZsetListpackEntries = 128;  // zset-max-listpack-entries
constexpr size_t kMaxListpackValue = 64;
constexpr size_t kEmbstrLimit = 44;
constexpr int64_t kSharedIntegers = 10000;  // OBJ_SHARED_INTEGERS

// A string Redis would store as a number: canonical decimal of an int64.
bool integer_encoded(std::string_view s, int64_t* v) {
  if (s.empty() || s.size() > 20) return false;
  auto parsed = parse_int64(s);
  if (!parsed || format_int64(*parsed) != s) return false;
  *v = *parsed;
  return true;
}

std::string encoding(CommandContext& ctx, std::string_view key, const KeyRecord& rec) {
  int64_t v = 0;
  if (rec.type == ValueType::kList) return "quicklist";  // every list in 7.0
  if (rec.type == ValueType::kStream) return "stream";
  if (rec.type == ValueType::kHll) return "raw";  // Redis' HLL strings are never embstr
  if (rec.type == ValueType::kString) {
    if (integer_encoded(rec.payload, &v)) return "int";
    return rec.payload.size() <= kEmbstrLimit ? "embstr" : "raw";
  }
  bool compact = rec.type == ValueType::kSet    ? rec.count <= kMaxIntsetEntries
                 : rec.type == ValueType::kZSet ? rec.count <= kMaxZsetListpackEntries
                                                : rec.count <= kMaxListpackEntries;
  if (compact) {
    ctx.keyspace.for_each_field(key, rec, [&](std::string_view f, const FieldRecord& r) {
      compact = rec.type == ValueType::kSet ? integer_encoded(f, &v)
                : rec.type == ValueType::kZSet
                    ? f.size() <= kMaxListpackValue
                    : f.size() <= kMaxListpackValue && r.value.size() <= kMaxListpackValue;
      return compact;
    });
  }
  if (rec.type == ValueType::kSet) return compact ? "intset" : "hashtable";
  if (rec.type == ValueType::kZSet) return compact ? "listpack" : "skiplist";
  return compact ? "listpack" : "hashtable";
}

void object(CommandContext& ctx) {
  const auto& argv = ctx.argv;
  const std::string_view sub = argv[1];
  const bool help = cmd::equals_ci(sub, "HELP");
  const bool known = help || cmd::equals_ci(sub, "ENCODING") || cmd::equals_ci(sub, "REFCOUNT") ||
                     cmd::equals_ci(sub, "IDLETIME") || cmd::equals_ci(sub, "FREQ");
  if (!known) {
    return cmd::unknown_subcommand(ctx.reply, sub, "OBJECT");
  }
  if (argv.size() != (help ? 2u : 3u)) {
    return cmd::arity_error(ctx.reply, "object|" + cmd::lower(sub));
  }
  if (help) {
    static const char* const kHelp[] = {
        "OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "ENCODING <key>",
        "    Return the kind of internal representation used in order to store the value",
        "    associated with a <key>.",
        "FREQ <key>",
        "    Return the access frequency index of the <key>. The returned integer is",
        "    proportional to the logarithm of the recent access frequency of the key.",
        "IDLETIME <key>",
        "    Return the idle time of the <key>, that is the approximated number of",
        "    seconds elapsed since the last access to the key.",
        "REFCOUNT <key>",
        "    Return the number of references of the value associated with the specified",
        "    <key>.",
        "HELP",
        "    Prints this help.",
    };
    return cmd::reply_help(ctx.reply, kHelp);
  }
  const KeyRecord* found = ctx.keyspace.peek(argv[2], ctx.now_ms);
  if (found == nullptr) return ctx.reply.null();
  const KeyRecord rec = *found;
  if (cmd::equals_ci(sub, "ENCODING")) return ctx.reply.bulk(encoding(ctx, argv[2], rec));
  if (cmd::equals_ci(sub, "REFCOUNT")) {
    int64_t v = 0;
    bool shared = rec.type == ValueType::kString && integer_encoded(rec.payload, &v) && v >= 0 &&
                  v < kSharedIntegers;
    return ctx.reply.integer(shared ? INT32_MAX : 1);
  }
  if (cmd::equals_ci(sub, "IDLETIME")) {
    int64_t idle_ms = ctx.now_ms - static_cast<int64_t>(rec.hlc.physical_ms());
    return ctx.reply.integer(idle_ms > 0 ? idle_ms / 1000 : 0);
  }
  ctx.reply.error(
      "ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note "
      "that when switching between policies at runtime LRU and LFU data will take some time to "
      "adjust.");
}

}  // namespace

void register_object_command(CommandTable& t) {
  t.add({"object", -2, kCmdReadOnly, 2, 2, 1, object});
}

}  // namespace meridian
