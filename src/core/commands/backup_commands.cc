// Backups from a Redis client. The runtime makes them (core/env/backups.h).
//   BGSAVE                 starts a backup of this region's storage into every
//                          configured destination ("Background saving started")
//   BGREWRITEAOF           compacts the stored data (memtables flushed, every
//                          table file rewritten) in the background
//   LASTSAVE               Unix time of the last successful backup (0: none yet)
//   MR.BACKUP [START]      as BGSAVE
//   MR.BACKUP STATUS       JSON: running, bytes done of total, last result
#include <nlohmann/json.hpp>
#include <string>

#include "core/commands/command_util.h"
#include "core/region/region.h"

namespace meridian {
namespace {

Backups* backups_or_error(CommandContext& ctx) {
  if (ctx.region.backups == nullptr) {
    ctx.reply.error("ERR backups are not available in this runtime (the simulator makes none)");
  }
  return ctx.region.backups;
}

void start(CommandContext& ctx, const char* started) {
  Backups* b = backups_or_error(ctx);
  if (b == nullptr) return;
  if (auto err = b->start()) return ctx.reply.error(*err);
  ctx.reply.simple(started);
}

void bgsave(CommandContext& ctx) {
  start(ctx, "Background saving started");
}

// Redis rewrites its append-only file; Meridian compacts RocksDB (what
// BGREWRITEAOF is for: the data on disk shrunk to what is live).
void bgrewriteaof(CommandContext& ctx) {
  Compactor* c = ctx.region.compactor;
  if (c == nullptr) {
    return ctx.reply.error(
        "ERR BGREWRITEAOF is not available in this runtime (the simulator stores no files)");
  }
  if (auto err = c->start()) return ctx.reply.error(*err);
  ctx.reply.simple("Background append only file rewriting started");
}

void lastsave(CommandContext& ctx) {
  Backups* b = backups_or_error(ctx);
  if (b == nullptr) return;
  ctx.reply.integer(b->state().last_ok_unix_ms / 1000);
}

void mr_backup(CommandContext& ctx) {
  const auto& argv = ctx.argv;
  if (argv.size() == 1 || (argv.size() == 2 && cmd::equals_ci(argv[1], "start"))) {
    return start(ctx, "Backup started");
  }
  if (argv.size() != 2 || !cmd::equals_ci(argv[1], "status")) {
    return ctx.reply.error("ERR syntax error: MR.BACKUP [START | STATUS]");
  }
  Backups* b = backups_or_error(ctx);
  if (b == nullptr) return;
  BackupState s = b->state();
  nlohmann::json j = {{"region", ctx.region.settings().region_name},
                      {"in_progress", s.in_progress},
                      {"bytes_done", s.bytes_done},
                      {"bytes_total", s.bytes_total},
                      {"last_status", s.last_status},
                      {"last_error", s.last_error},
                      {"last_id", s.last_id},
                      {"last_started_unix_ms", s.last_started_unix_ms},
                      {"last_ok_unix_ms", s.last_ok_unix_ms},
                      {"last_duration_ms", s.last_duration_ms},
                      {"last_bytes", s.last_bytes},
                      {"ok_count", s.ok_count},
                      {"failed_count", s.failed_count},
                      {"destinations", s.destinations}};
  ctx.reply.bulk(j.dump());
}

}  // namespace

void register_backup_commands(CommandTable& t) {
  t.add({"bgsave", -1, kCmdAdmin | kCmdStale, 0, 0, 0, bgsave});
  t.add({"bgrewriteaof", 1, kCmdAdmin | kCmdStale, 0, 0, 0, bgrewriteaof});
  t.add({"lastsave", 1, kCmdFast | kCmdStale | kCmdLoading, 0, 0, 0, lastsave});
  t.add({"mr.backup", -1, kCmdAdmin | kCmdStale, 0, 0, 0, mr_backup});
}

}  // namespace meridian
