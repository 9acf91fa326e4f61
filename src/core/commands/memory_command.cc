// MEMORY USAGE / DOCTOR / MALLOC-STATS / PURGE / HELP. Meridian keeps
// values in RocksDB, not in the heap: USAGE estimates what the key takes as
// stored (its record, and its fields' names and values, the average of up
// to SAMPLES of them times their count, as Redis samples).
#include <cctype>
#include <string>

#include "core/commands/command_util.h"
#include "core/region/region.h"

namespace meridian {
namespace {

// Per stored record: RocksDB's key and value framing, roughly.
constexpr uint64_t kRecordOverhead = 32;

void usage(CommandContext& ctx) {
  const auto& argv = ctx.argv;
  int64_t samples = 5;
  if (argv.size() == 5 && cmd::equals_ci(argv[3], "SAMPLES")) {
    if (!cmd::int_arg(ctx, argv[4], &samples)) return;
    if (samples < 0) return ctx.reply.error(cmd::kSyntax);
  } else if (argv.size() != 3) {
    return ctx.reply.error(cmd::kSyntax);
  }
  const KeyRecord* found = ctx.keyspace.peek(argv[2], ctx.now_ms);
  if (found == nullptr) return ctx.reply.null();
  const KeyRecord rec = *found;
  uint64_t bytes =
      kRecordOverhead + argv[2].size() + rec.payload.size() + rec.cache_cost() - sizeof(KeyRecord);
  if (rec.is_collection() && rec.count > 0) {
    uint64_t seen = 0, sampled = 0;
    // SAMPLES 0: every field, as Redis.
    const uint64_t limit = samples == 0 ? UINT64_MAX : static_cast<uint64_t>(samples);
    ctx.keyspace.for_each_field(argv[2], rec, [&](std::string_view f, const FieldRecord& r) {
      sampled += kRecordOverhead + argv[2].size() + f.size() + r.value.size();
      return ++seen < limit;
    });
    if (seen > 0) bytes += sampled * rec.count / seen;
  }
  ctx.reply.integer(static_cast<int64_t>(bytes));
}

void memory(CommandContext& ctx) {
  const auto& argv = ctx.argv;
  const std::string sub = cmd::lower(argv[1]);
  if (sub == "usage") {
    if (argv.size() < 3) return cmd::arity_error(ctx.reply, "memory|usage");
    return usage(ctx);
  }
  if (sub == "doctor" && argv.size() == 2) {
    return ctx.reply.verbatim(
        "Meridian keeps its data in RocksDB, not in memory: the process's memory is mostly "
        "RocksDB's block cache and memtables (cache_mb in the config), and MEMORY USAGE "
        "estimates what a key takes as stored.\n");
  }
  if (sub == "malloc-stats" && argv.size() == 2) {
    return ctx.reply.verbatim("Stats not supported for the current allocator\n");
  }
  if (sub == "purge" && argv.size() == 2) return ctx.reply.ok();
  if (sub == "help" && argv.size() == 2) {
    static const char* const kHelp[] = {
        "MEMORY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "DOCTOR",
        "    Return memory problems reports.",
        "MALLOC-STATS",
        "    Return internal statistics report from the memory allocator.",
        "PURGE",
        "    Attempt to purge dirty pages for reclamation by the allocator.",
        "USAGE <key> [SAMPLES <count>]",
        "    Return memory in bytes used by <key> and its value. Nested values are",
        "    sampled up to <count> times (default: 5, 0 means sample all).",
        "HELP",
        "    Prints this help.",
    };
    return cmd::reply_help(ctx.reply, kHelp);
  }
  if (sub == "doctor" || sub == "malloc-stats" || sub == "purge" || sub == "help") {
    return cmd::arity_error(ctx.reply, "memory|" + sub);
  }
  cmd::unknown_subcommand(ctx.reply, argv[1], "MEMORY");
}

}  // namespace

void register_memory_command(CommandTable& t) {
  t.add({"memory", -2, kCmdReadOnly, 0, 0, 0, memory});
}

}  // namespace meridian
