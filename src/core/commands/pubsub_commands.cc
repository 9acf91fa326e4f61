// Pub/sub within a region: SUBSCRIBE, PSUBSCRIBE, SSUBSCRIBE and their
// UNSUBSCRIBEs, PUBLISH, SPUBLISH and PUBSUB, with Redis' replies (one
// confirmation per name, as a push in RESP3). Messages reach the
// subscribers of the region they are published in.
#include <string>
#include <vector>

#include "core/commands/command_table.h"
#include "core/commands/command_util.h"
#include "core/protocol/reply.h"
#include "core/region/region.h"

namespace meridian {
namespace {

using Kind = PubSub::Kind;

// One confirmation: [kind, name or nil, how many the client now holds].
void confirm(CommandContext& ctx, std::string_view what, const std::string* name, Kind kind) {
  ctx.reply.push(3);
  ctx.reply.bulk(what);
  if (name != nullptr) {
    ctx.reply.bulk(*name);
  } else {
    ctx.reply.null();
  }
  ctx.reply.integer(static_cast<int64_t>(ctx.region.pubsub().count(&ctx.session, kind)));
}

void subscribe_to(CommandContext& ctx, Kind kind, std::string_view what) {
  PubSub& ps = ctx.region.pubsub();
  for (size_t i = 1; i < ctx.argv.size(); ++i) {
    const std::string name(ctx.argv[i]);
    ps.subscribe(&ctx.session, kind, name);
    confirm(ctx, what, &name, kind);
  }
}

// Without names: every name the client holds of `kind`, or one reply with
// a nil name if it holds none.
void unsubscribe_from(CommandContext& ctx, Kind kind, std::string_view what) {
  PubSub& ps = ctx.region.pubsub();
  std::vector<std::string> names;
  if (ctx.argv.size() > 1) {
    names.assign(ctx.argv.begin() + 1, ctx.argv.end());
  } else {
    names = ps.names_of(&ctx.session, kind);
    if (names.empty()) return confirm(ctx, what, nullptr, kind);
  }
  for (const auto& name : names) {
    ps.unsubscribe(&ctx.session, kind, name);
    confirm(ctx, what, &name, kind);
  }
}

void subscribe(CommandContext& ctx) {
  subscribe_to(ctx, PubSub::kChannel, "subscribe");
}
void psubscribe(CommandContext& ctx) {
  subscribe_to(ctx, PubSub::kPattern, "psubscribe");
}
void ssubscribe(CommandContext& ctx) {
  subscribe_to(ctx, PubSub::kShard, "ssubscribe");
}
void unsubscribe(CommandContext& ctx) {
  unsubscribe_from(ctx, PubSub::kChannel, "unsubscribe");
}
void punsubscribe(CommandContext& ctx) {
  unsubscribe_from(ctx, PubSub::kPattern, "punsubscribe");
}
void sunsubscribe(CommandContext& ctx) {
  unsubscribe_from(ctx, PubSub::kShard, "sunsubscribe");
}

void publish(CommandContext& ctx) {
  const size_t n = ctx.region.pubsub().publish(PubSub::kChannel, ctx.argv[1], ctx.argv[2]);
  ctx.reply.integer(static_cast<int64_t>(n));
}

void spublish(CommandContext& ctx) {
  const size_t n = ctx.region.pubsub().publish(PubSub::kShard, ctx.argv[1], ctx.argv[2]);
  ctx.reply.integer(static_cast<int64_t>(n));
}

void reply_names(CommandContext& ctx, Kind kind) {
  if (ctx.argv.size() > 3) {
    return cmd::subcommand_syntax_error(ctx.reply, ctx.argv[1], "PUBSUB");
  }
  auto names =
      ctx.region.pubsub().active(kind, ctx.argv.size() == 3 ? ctx.argv[2] : std::string_view{});
  ctx.reply.array(names.size());
  for (const auto& n : names) ctx.reply.bulk(n);
}

void reply_counts(CommandContext& ctx, Kind kind) {
  ctx.reply.array(2 * (ctx.argv.size() - 2));  // flat in RESP3 too, as Redis
  for (size_t i = 2; i < ctx.argv.size(); ++i) {
    ctx.reply.bulk(ctx.argv[i]);
    ctx.reply.integer(static_cast<int64_t>(ctx.region.pubsub().subscribers(kind, ctx.argv[i])));
  }
}

void pubsub(CommandContext& ctx) {
  std::string_view sub = ctx.argv[1];
  if (cmd::equals_ci(sub, "CHANNELS")) return reply_names(ctx, PubSub::kChannel);
  if (cmd::equals_ci(sub, "SHARDCHANNELS")) return reply_names(ctx, PubSub::kShard);
  if (cmd::equals_ci(sub, "NUMSUB")) return reply_counts(ctx, PubSub::kChannel);
  if (cmd::equals_ci(sub, "SHARDNUMSUB")) return reply_counts(ctx, PubSub::kShard);
  if (cmd::equals_ci(sub, "NUMPAT")) {
    if (ctx.argv.size() != 2) return cmd::arity_error(ctx.reply, "pubsub|numpat");
    return ctx.reply.integer(static_cast<int64_t>(ctx.region.pubsub().patterns()));
  }
  if (cmd::equals_ci(sub, "HELP")) {
    if (ctx.argv.size() != 2) return cmd::arity_error(ctx.reply, "pubsub|help");
    static const char* kHelp[] = {
        "PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "CHANNELS [<pattern>]",
        "    Return the currently active channels matching a <pattern> (default: '*').",
        "NUMPAT",
        "    Return number of subscriptions to patterns.",
        "NUMSUB [<channel> ...]",
        "    Return the number of subscribers for the specified channels, excluding",
        "    pattern subscriptions(default: no channels).",
        "SHARDCHANNELS [<pattern>]",
        "    Return the currently active shard level channels matching a <pattern> (default: "
        "'*').",
        "SHARDNUMSUB [<shardchannel> ...]",
        "    Return the number of subscribers for the specified shard level channel(s)",
        "HELP",
        "    Prints this help."};
    return cmd::reply_help(ctx.reply, kHelp);
  }
  cmd::unknown_subcommand(ctx.reply, sub, "PUBSUB");
}

}  // namespace

void register_pubsub_commands(CommandTable& t) {
  const uint32_t in_context = kCmdLoading | kCmdStale | kCmdPubSubContext;
  t.add({"subscribe", -2, in_context | kCmdNoScript, 0, 0, 0, subscribe});
  t.add({"unsubscribe", -1, in_context | kCmdNoScript, 0, 0, 0, unsubscribe});
  t.add({"psubscribe", -2, in_context | kCmdNoScript, 0, 0, 0, psubscribe});
  t.add({"punsubscribe", -1, in_context | kCmdNoScript, 0, 0, 0, punsubscribe});
  t.add({"ssubscribe", -2, in_context | kCmdNoScript, 0, 0, 0, ssubscribe});
  t.add({"sunsubscribe", -1, in_context | kCmdNoScript, 0, 0, 0, sunsubscribe});
  // PUBLISH waits under CLIENT PAUSE WRITE, as Redis has it.
  t.add({"publish", 3, kCmdLoading | kCmdStale | kCmdFast | kCmdMayReplicate, 0, 0, 0, publish});
  t.add({"spublish", 3, kCmdLoading | kCmdStale | kCmdFast | kCmdMayReplicate, 0, 0, 0, spublish});
  t.add({"pubsub", -2, kCmdLoading | kCmdStale, 0, 0, 0, pubsub});
}

}  // namespace meridian
