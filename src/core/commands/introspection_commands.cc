// SLOWLOG GET/LEN/RESET/HELP and LATENCY LATEST/HISTORY/RESET/HELP, over
// the region's CommandStats (commands slower than slowlog-log-slower-than;
// latency samples above latency-monitor-threshold, off by default as in
// Redis).
#include <cctype>
#include <iterator>
#include <string>
#include <vector>

#include "core/commands/command_util.h"
#include "core/region/region.h"

namespace meridian {
namespace {

void slowlog(CommandContext& ctx) {
  const auto& argv = ctx.argv;
  CommandStats& cs = ctx.region.command_stats();
  const std::string sub = cmd::lower(argv[1]);
  if (sub == "help" && argv.size() == 2) {
    return cmd::reply_help(
        ctx.reply,
        std::vector<const char*>{
            "SLOWLOG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:", "GET [<count>]",
            "    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
            "    Entries are made of:",
            "    id, timestamp, time in microseconds, arguments array, client IP and port,",
            "    client name", "LEN", "    Return the length of the slowlog.", "RESET",
            "    Reset the slowlog.", "HELP", "    Prints this help."});
  }
  if (sub == "len" && argv.size() == 2) return ctx.reply.integer(cs.slowlog().size());
  if (sub == "reset" && argv.size() == 2) {
    cs.reset_slowlog();
    return ctx.reply.ok();
  }
  if (sub == "get" && argv.size() <= 3) {
    int64_t count = 10;
    if (argv.size() == 3) {
      auto v = parse_int64(argv[2]);
      if (!v || *v < -1) return ctx.reply.error("ERR count should be greater than or equal to -1");
      count = *v;
    }
    const auto& log = cs.slowlog();
    size_t n = count < 0 ? log.size() : std::min<size_t>(log.size(), static_cast<size_t>(count));
    ctx.reply.array(n);
    for (size_t i = 0; i < n; ++i) {
      const auto& e = log[i];
      ctx.reply.array(6);
      ctx.reply.integer(static_cast<int64_t>(e.id));
      ctx.reply.integer(e.unix_s);
      ctx.reply.integer(static_cast<int64_t>(e.usec));
      ctx.reply.array(e.args.size());
      for (const auto& a : e.args) ctx.reply.bulk(a);
      ctx.reply.bulk(e.client_addr);
      ctx.reply.bulk(e.client_name);
    }
    return;
  }
  if (sub == "get" || sub == "len" || sub == "reset" || sub == "help") {
    return cmd::arity_error(ctx.reply, "slowlog|" + sub);
  }
  cmd::unknown_subcommand(ctx.reply, argv[1], "SLOWLOG");
}

void latency(CommandContext& ctx) {
  const auto& argv = ctx.argv;
  CommandStats& cs = ctx.region.command_stats();
  const std::string sub = cmd::lower(argv[1]);
  if (sub == "help" && argv.size() == 2) {
    return cmd::reply_help(
        ctx.reply,
        std::vector<const char*>{
            "LATENCY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:", "HISTORY <event>",
            "    Return time-latency samples for the <event> class.", "LATEST",
            "    Return the latest latency samples for all events.", "RESET [<event> ...]",
            "    Reset latency data of one or more <event> classes.",
            "    (default: reset all data for all event classes)", "HISTOGRAM [COMMAND ...]",
            "    Return a cumulative distribution of latencies in the format of a histogram for "
            "the "
            "specified command names.",
            "    If no commands are specified then all histograms are replied.", "HELP",
            "    Prints this help."});
  }
  if (sub == "latest" && argv.size() == 2) {
    ctx.reply.array(cs.latency().size());
    for (const auto& [name, e] : cs.latency()) {
      ctx.reply.array(4);
      ctx.reply.bulk(name);
      ctx.reply.integer(e.history.empty() ? 0 : e.history.back().unix_s);
      ctx.reply.integer(e.history.empty() ? 0 : static_cast<int64_t>(e.history.back().ms));
      ctx.reply.integer(static_cast<int64_t>(e.max_ms));
    }
    return;
  }
  if (sub == "history" && argv.size() == 3) {
    auto it = cs.latency().find(argv[2]);
    if (it == cs.latency().end()) return ctx.reply.array(0);
    ctx.reply.array(it->second.history.size());
    for (const auto& s : it->second.history) {
      ctx.reply.array(2);
      ctx.reply.integer(s.unix_s);
      ctx.reply.integer(static_cast<int64_t>(s.ms));
    }
    return;
  }
  if (sub == "histogram") {
    // Every command run so far, or the ones named (unknown names are left out).
    std::vector<const std::pair<const std::string, CommandStats::PerCommand>*> rows;
    for (const auto& entry : cs.commands()) {
      if (entry.second.latency.count() == 0) continue;
      bool named = argv.size() == 2;
      for (size_t i = 2; i < argv.size() && !named; ++i) named = cmd::lower(argv[i]) == entry.first;
      if (named) rows.push_back(&entry);
    }
    ctx.reply.map(rows.size());
    for (const auto* row : rows) {
      ctx.reply.bulk(row->first);
      ctx.reply.map(2);
      ctx.reply.bulk("calls");
      ctx.reply.integer(static_cast<int64_t>(row->second.calls));
      ctx.reply.bulk("histogram_usec");
      auto buckets = row->second.latency.cumulative_pow2();
      ctx.reply.map(buckets.size());
      for (const auto& [bound, n] : buckets) {
        ctx.reply.integer(static_cast<int64_t>(bound));
        ctx.reply.integer(static_cast<int64_t>(n));
      }
    }
    return;
  }
  if (sub == "reset") {
    std::vector<std::string_view> events(argv.begin() + 2, argv.end());
    return ctx.reply.integer(static_cast<int64_t>(cs.reset_latency(events)));
  }
  if (sub == "latest" || sub == "history" || sub == "help") {
    return cmd::arity_error(ctx.reply, "latency|" + sub);
  }
  cmd::unknown_subcommand(ctx.reply, argv[1], "LATENCY");
}

}  // namespace

void register_introspection_commands(CommandTable& t) {
  t.add({"slowlog", -2, kCmdAdmin | kCmdLoading | kCmdStale, 0, 0, 0, slowlog});
  t.add({"latency", -2, kCmdAdmin | kCmdLoading | kCmdStale, 0, 0, 0, latency});
}

}  // namespace meridian
