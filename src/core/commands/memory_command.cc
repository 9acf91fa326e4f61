// MEMORY USAGE / STATS / DOCTOR / MALLOC-STATS / PURGE / HELP. Meridian keeps
// values in RocksDB, not in the heap: USAGE estimates what the key takes as
// stored (its record, and its fields' names and values, the average of up
// to SAMPLES of them times their count, as Redis samples).
#include <cctype>
#include <iterator>
#include <string>
#include <utility>

#include "core/commands/command_util.h"
#include "core/data/zset_score.h"
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

// MEMORY STATS: Redis' fields, measured as Meridian can (MemoryProbe).
// What Redis keeps per key in the heap Meridian keeps in RocksDB: the
// dataset is RocksDB's memtables and cache, the overhead the rest.
void stats(CommandContext& ctx) {
  MemoryUse m = ctx.region.memory ? ctx.region.memory->sample() : MemoryUse{};
  const uint64_t keys = ctx.keyspace.key_count();
  const uint64_t overhead = m.allocated > m.storage ? m.allocated - m.storage : 0;
  auto pct = [](uint64_t part, uint64_t whole) {
    return whole ? 100.0 * static_cast<double>(part) / static_cast<double>(whole) : 0.0;
  };
  auto ratio = [](uint64_t a, uint64_t b) {
    return b ? static_cast<double>(a) / static_cast<double>(b) : 0.0;
  };
  const std::pair<const char*, uint64_t> counts[] = {
      {"peak.allocated", m.peak_allocated},
      {"total.allocated", m.allocated},
      {"startup.allocated", 0},
      {"replication.backlog", 0},
      {"clients.slaves", 0},
      {"clients.normal", 0},
      {"cluster.links", 0},
      {"aof.buffer", 0},
      {"lua.caches", 0},
      {"functions.caches", 0},
      {"overhead.total", overhead},
      {"keys.count", keys},
      {"keys.bytes-per-key", keys ? m.allocated / keys : 0},
      {"dataset.bytes", m.storage},
  };
  const std::pair<const char*, double> shares[] = {
      {"dataset.percentage", pct(m.storage, m.allocated)},
      {"peak.percentage", pct(m.allocated, m.peak_allocated)},
  };
  const std::pair<const char*, uint64_t> allocator[] = {
      {"allocator.allocated", m.allocated},
      {"allocator.active", m.allocated},
      {"allocator.resident", m.resident},
  };
  const uint64_t rss_extra = m.resident > m.allocated ? m.resident - m.allocated : 0;
  const std::pair<const char*, double> frag[] = {
      {"allocator-fragmentation.ratio", 1.0},
      {"allocator-fragmentation.bytes", 0},
      {"allocator-rss.ratio", ratio(m.resident, m.allocated)},
      {"allocator-rss.bytes", static_cast<double>(rss_extra)},
      {"rss-overhead.ratio", 1.0},
      {"rss-overhead.bytes", 0},
      {"fragmentation", ratio(m.resident, m.allocated)},
      {"fragmentation.bytes", static_cast<double>(rss_extra)},
  };
  const size_t n = std::size(counts) + std::size(shares) + std::size(allocator) + std::size(frag) +
                   (keys > 0 ? 1 : 0);
  ctx.reply.map(n);
  for (const auto& [name, v] : counts) {
    ctx.reply.bulk(name);
    ctx.reply.integer(static_cast<int64_t>(v));
    if (keys > 0 && std::string_view(name) == "functions.caches") {
      // Redis' per-database entry, after the caches.
      ctx.reply.bulk("db.0");
      ctx.reply.map(3);
      for (const char* part : {"overhead.hashtable.main", "overhead.hashtable.expires",
                               "overhead.hashtable.slot-to-keys"}) {
        ctx.reply.bulk(part);
        ctx.reply.integer(0);
      }
    }
  }
  for (const auto& [name, v] : shares) {
    ctx.reply.bulk(name);
    ctx.reply.dbl(zset::format_score(v));
  }
  for (const auto& [name, v] : allocator) {
    ctx.reply.bulk(name);
    ctx.reply.integer(static_cast<int64_t>(v));
  }
  for (const auto& [name, v] : frag) {
    ctx.reply.bulk(name);
    // Ratios are doubles in Redis' reply, byte counts integers.
    if (std::string_view(name).find(".bytes") != std::string_view::npos) {
      ctx.reply.integer(static_cast<int64_t>(v));
    } else {
      ctx.reply.dbl(zset::format_score(v));
    }
  }
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
  if (sub == "stats" && argv.size() == 2) return stats(ctx);
  if (sub == "help" && argv.size() == 2) {
    static const char* const kHelp[] = {
        "MEMORY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "DOCTOR",
        "    Return memory problems reports.",
        "MALLOC-STATS",
        "    Return internal statistics report from the memory allocator.",
        "PURGE",
        "    Attempt to purge dirty pages for reclamation by the allocator.",
        "STATS",
        "    Return information about the memory usage of the server.",
        "USAGE <key> [SAMPLES <count>]",
        "    Return memory in bytes used by <key> and its value. Nested values are",
        "    sampled up to <count> times (default: 5, 0 means sample all).",
        "HELP",
        "    Prints this help.",
    };
    return cmd::reply_help(ctx.reply, kHelp);
  }
  if (sub == "doctor" || sub == "malloc-stats" || sub == "purge" || sub == "help" ||
      sub == "stats") {
    return cmd::arity_error(ctx.reply, "memory|" + sub);
  }
  cmd::unknown_subcommand(ctx.reply, argv[1], "MEMORY");
}

}  // namespace

void register_memory_command(CommandTable& t) {
  t.add({"memory", -2, kCmdReadOnly, 0, 0, 0, memory});
}

}  // namespace meridian
