#include "core/region/region.h"

#include <algorithm>

#include "core/base/glob.h"
#include "core/peer/message_types.h"
#include "core/region/keyspace_events.h"

namespace meridian {
namespace {
// Keys removed per active expiry cycle; the rest wait for the next cycle, so a
// burst of expiries never stalls clients for long.
constexpr size_t kExpireBudget = 200;
// Fields visited per cycle when cleaning up after a delete.
constexpr size_t kReclaimBudget = 1000;
}  // namespace

Region::Region(RegionSettings settings, Env env)
    : settings_(std::move(settings)),
      env_(env),
      keyspace_(env.storage, settings_.region_id, settings_.cache_bytes),
      replicator_(settings_, env, keyspace_),
      failover_(settings_, env, replicator_),
      conflicts_(settings_.replication.conflict_feed_size),
      forwarder_(env, names_),
      global_view_(settings_, keyspace_, env),
      pause_(env.clock, env.scheduler, [this](bool on) { keyspace_.hold_expiry(on); }),
      pubsub_(env.storage),
      blocked_(env.clock, env.scheduler),
      scripts_([clock = &env.clock] { return clock->now_ms(); }) {
  names_[settings_.region_id] = settings_.region_name;
  configure_users();
  replicator_.warn = [this](const std::string& msg) {
    if (warn) warn(msg);
  };
  for (const auto& r : settings_.replication.regions) names_[r.id] = r.name;
  keyspace_.on_change = [this](std::string_view key) {
    watches_.touch(key);
    blocked_.key_changed(key);
  };
  keyspace_.on_flush = [this] { watches_.touch_all(); };
  keyspace_.on_event = [this](char cls, std::string_view event, std::string_view key) {
    notify_key_event(cls, event, key);
  };
  keyspace_.on_conflict = [this](const crdt::ConflictEvent& ev) {
    if (ev.reason == "sibling cap" && warn) {
      auto name = names_.find(ev.discarded.origin);
      warn("key '" + ev.key + "' had more than " +
           std::to_string(settings_.replication.max_siblings) +
           " concurrent values; the oldest (written in " +
           (name != names_.end() ? name->second : std::to_string(ev.discarded.origin)) +
           ") was dropped. Resolve siblings with MR.GETALL and MR.SET ... CONTEXT, or raise "
           "max_siblings");
    }
    conflicts_.add(ev);
  };
  // Each key's conflict policy: the first [[keyspaces]] pattern that sets
  // one, else the default. Every region has the same config, so the same
  // answer.
  const auto& rep = settings_.replication;
  keyspace_.set_resolvers([&rep](std::string_view key) {
    crdt::Resolver r;
    r.policy = rep.default_conflict;
    r.max_siblings = rep.max_siblings;
    for (const auto& ks : rep.keyspaces) {
      if (ks.conflict && glob_match(ks.pattern, key)) {
        r.policy = *ks.conflict;
        r.priority = ks.priority;
        break;
      }
    }
    return r;
  });
}

Region::~Region() = default;

void Region::attach_network(Network* network) {
  replicator_.attach(network);
  failover_.attach(network);
  forwarder_.attach(network);
  global_view_.attach(network);
  std::vector<RegionId> peers;
  for (const auto& r : settings_.replication.regions) {
    if (r.id != settings_.region_id) peers.push_back(r.id);
  }
  pubsub_.attach(network, std::move(peers), static_cast<uint64_t>(now_ms()));
  // "leader" reads go to the current primary.
  replicator_.leader_of = [this] { return failover_.primary(); };
  failover_.activity = [this] {
    return FailoverManager::Activity{stats_.read_commands, stats_.write_commands};
  };
}

void Region::on_message(RegionId from, std::string_view message) {
  auto owner = message.empty() ? std::nullopt : peer::owner_of(static_cast<uint8_t>(message[0]));
  if (!owner) return;  // not a message this build knows
  switch (*owner) {
    case peer::Owner::kReplication:
      return replicator_.on_message(from, message);
    case peer::Owner::kFailover:
      return failover_.on_message(from, message);
    case peer::Owner::kForwarder:
      return forwarder_.on_message(from, message);
    case peer::Owner::kGlobalView:
      return global_view_.on_message(from, message);
    case peer::Owner::kPubSub:
      return pubsub_.on_message(from, message);
  }
}

namespace {
constexpr std::string_view kFunctionsMeta = "functions";
}  // namespace

void Region::save_functions() {
  env_.storage.put(Column::kMeta, kFunctionsMeta, functions_.blob());
}

void Region::start() {
  keyspace_.load();
  if (auto blob = env_.storage.get(Column::kMeta, kFunctionsMeta)) functions_.restore(*blob);
  replicator_.start();
  failover_.start();
  start_ms_ = now_ms();
  expire_tick();
}

void Region::expire_tick() {
  int hz = std::clamp(settings_.hz, 1, 500);
  // Keep expiring while a full budget was due, as Redis' cycle repeats when
  // many keys were found expired.
  size_t removed = keyspace_.expire_cycle(now_ms(), kExpireBudget);
  // Void fields left by deletes of collections with counters go in the
  // background, a budget at a time.
  size_t reclaimed = keyspace_.reclaim(kReclaimBudget);
  int64_t delay = removed == kExpireBudget || reclaimed == kReclaimBudget ? 1 : 1000 / hz;
  env_.scheduler.after(delay, lifetime_.guard([this] { expire_tick(); }));
}

void Region::notify_key_event(char cls, std::string_view event, std::string_view key) {
  const uint32_t flags = notify_flags_;
  if ((flags & notify::class_of(cls)) == 0) return;
  // Redis publishes on channels of database 0's names.
  if (flags & notify::kKeyspace) {
    pubsub_.publish_local(PubSub::kChannel, "__keyspace@0__:" + std::string(key), event);
  }
  if (flags & notify::kKeyevent) {
    pubsub_.publish_local(PubSub::kChannel, "__keyevent@0__:" + std::string(event), key);
  }
}

void Region::end_pass() {
  // Writes made outside a command (expiry in a multi-region cluster) are
  // replicated like any other.
  if (keyspace_.writes().seq != 0) {
    replicator_.log_command(keyspace_.writes());
    keyspace_.begin_command();
  }
  // Writes replicated from other regions (and expiries) may serve blocked
  // clients; what they pop is committed with this pass.
  blocked_.serve();
  replicator_.flush();
  failover_.flush();
  keyspace_.flush_meta();
  bool sync = settings_.fsync == FsyncMode::kAlways;
  if (env_.storage.commit(sync)) {
    ++stats_.commits;
    if (sync) ++stats_.synced_commits;
  }
  // Only now may anything this pass produced leave the region.
  replicator_.after_commit();
  failover_.after_commit();
  forwarder_.after_commit();
  global_view_.after_commit();
  pubsub_.after_commit();
}

}  // namespace meridian

namespace meridian {

void Region::configure_users() {
  // The default user keeps every permission; requirepass is its password,
  // and with named users but no requirepass it is off (AUTH as a user).
  if (!settings_.requirepass.empty()) {
    acl_.set_user("default",
                  std::vector<std::string_view>{"resetpass", ">" + settings_.requirepass});
  } else if (!settings_.users.empty()) {
    acl_.set_user("default", std::vector<std::string_view>{"off"});
  }
  for (const auto& [name, password] : settings_.users) {
    auto r = settings_.user_rules.find(name);
    const std::string rules = r == settings_.user_rules.end() ? "~* &* +@all" : r->second;
    acl_.set_user(name, std::vector<std::string_view>{"on", ">" + password});
    if (auto err = acl_.set_user(name, std::string_view(rules)); err && warn) warn(*err);
  }
}

}  // namespace meridian
