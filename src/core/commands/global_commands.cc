// MR.GLOBAL: key names across regions, on request only (core/global/global_view.h).
//   MR.GLOBAL DBSIZE                              [keys, unanswered regions]
//   MR.GLOBAL SCAN cursor [MATCH p] [COUNT n]     [next cursor, names, unanswered regions]
// Each region answers only with names the asking region may hold. The cursor
// is "0" to start (and when done), else the hex of the last name returned.
#include <string>

#include "core/commands/command_util.h"
#include "core/protocol/reply.h"
#include "core/region/client.h"
#include "core/region/region.h"

namespace meridian {
namespace {

std::string to_hex(std::string_view s) {
  static const char* const kDigits = "0123456789abcdef";
  std::string out;
  for (unsigned char c : s) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 15]);
  }
  return out;
}

bool from_hex(std::string_view s, std::string* out) {
  if (s.size() % 2 != 0) return false;
  auto val = [](char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (size_t i = 0; i < s.size(); i += 2) {
    int hi = val(s[i]), lo = val(s[i + 1]);
    if (hi < 0 || lo < 0) return false;
    out->push_back(static_cast<char>(hi * 16 + lo));
  }
  return true;
}

void mr_global(CommandContext& ctx) {
  const auto& argv = ctx.argv;
  const bool dbsize = cmd::equals_ci(argv[1], "dbsize");
  if (!dbsize && !cmd::equals_ci(argv[1], "scan")) {
    return ctx.reply.error(
        "ERR syntax error: MR.GLOBAL DBSIZE | SCAN cursor [MATCH pattern] [COUNT n]");
  }
  std::string after, pattern;
  int64_t count = 0;  // DBSIZE: every name
  if (dbsize) {
    if (argv.size() != 2) return ctx.reply.error(cmd::kSyntax);
  } else {
    if (argv.size() < 3) return ctx.reply.error(cmd::kSyntax);
    if (argv[2] != "0" && !from_hex(argv[2], &after)) {
      return ctx.reply.error("ERR invalid cursor");
    }
    count = 10;
    for (size_t i = 3; i < argv.size(); i += 2) {
      if (i + 1 >= argv.size()) return ctx.reply.error(cmd::kSyntax);
      if (cmd::equals_ci(argv[i], "count")) {
        if (!cmd::int_arg(ctx, argv[i + 1], &count)) return;
        if (count < 1) return ctx.reply.error(cmd::kSyntax);
      } else if (cmd::equals_ci(argv[i], "match")) {
        pattern = std::string(argv[i + 1]);
      } else {
        return ctx.reply.error(cmd::kSyntax);
      }
    }
  }
  Region& region = ctx.region;
  int64_t timeout = region.settings().replication.default_read.timeout_ms;
  ctx.session.suspend([&](const std::function<void(Client::Finish)>& complete) {
    region.global_view().scan(
        after, pattern, static_cast<size_t>(count), timeout,
        [complete, dbsize, &region](GlobalView::Result r) {
          std::vector<std::string> missing;
          for (RegionId id : r.missing) {
            auto it = region.region_names().find(id);
            missing.push_back(it == region.region_names().end() ? std::to_string(id) : it->second);
          }
          complete([r = std::move(r), missing, dbsize](std::string& o, int proto) {
            Reply reply(o, proto);
            if (dbsize) {
              reply.array(2);
              reply.integer(static_cast<int64_t>(r.names.size()));
            } else {
              reply.array(3);
              reply.bulk(r.more && !r.names.empty() ? to_hex(r.names.back()) : "0");
              reply.array(r.names.size());
              for (const auto& n : r.names) reply.bulk(n);
            }
            reply.array(missing.size());
            for (const auto& m : missing) reply.bulk(m);
          });
        });
  });
}

}  // namespace

void register_global_commands(CommandTable& t) {
  t.add({"mr.global", -2, kCmdReadOnly, 0, 0, 0, mr_global});
}

}  // namespace meridian
