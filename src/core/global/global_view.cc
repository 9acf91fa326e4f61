#include "core/global/global_view.h"

#include <algorithm>

#include "core/base/glob.h"
#include "core/global/scan_messages.h"
#include "core/peer/message_types.h"

namespace meridian {

GlobalView::GlobalView(const RegionSettings& settings, Keyspace& keyspace, Env env)
    : settings_(settings), keyspace_(keyspace), env_(env) {}

GlobalView::~GlobalView() = default;

bool GlobalView::local(const std::string& after, const std::string& pattern, size_t count,
                       RegionId asker, std::vector<std::string>* out) {
  const Placement& placement = settings_.placement;
  bool more = false;
  keyspace_.for_each_key(after, env_.clock.now_ms(), [&](std::string_view key, const KeyRecord&) {
    if (key == after) return true;
    if (!pattern.empty() && !glob_match(pattern, key)) return true;
    if (asker != 0 && !placement.may_hold(key, asker)) return true;
    if (count > 0 && out->size() >= count) {
      more = true;
      return false;
    }
    out->emplace_back(key);
    return true;
  });
  return more;
}

void GlobalView::scan(const std::string& after, const std::string& pattern, size_t count,
                      int64_t timeout_ms, std::function<void(Result)> done) {
  uint64_t id = next_id_++;
  Pending p;
  p.count = count;
  p.done = std::move(done);
  std::vector<std::string> mine;
  p.more = local(after, pattern, count, 0, &mine);
  p.names.insert(mine.begin(), mine.end());
  std::string m = scan::encode(scan::Scan{id, after, pattern, count});
  for (const auto& r : settings_.replication.regions) {
    if (r.id == settings_.region_id || network_ == nullptr) continue;
    p.waiting.insert(r.id);
    outbox_.add(r.id, m);
  }
  bool none = p.waiting.empty();
  pending_.emplace(id, std::move(p));
  if (none) {
    env_.scheduler.after(0, lifetime_.guard([this, id] { finish(id); }));
    return;
  }
  env_.scheduler.after(timeout_ms, lifetime_.guard([this, id] { finish(id); }));
}

void GlobalView::finish(uint64_t id) {
  auto it = pending_.find(id);
  if (it == pending_.end()) return;
  Pending p = std::move(it->second);
  pending_.erase(it);
  Result r;
  r.more = p.more;
  r.names.assign(p.names.begin(), p.names.end());
  if (p.count > 0 && r.names.size() > p.count) {
    r.names.resize(p.count);
    r.more = true;
  }
  r.missing.assign(p.waiting.begin(), p.waiting.end());
  p.done(std::move(r));
}

void GlobalView::on_message(RegionId from, std::string_view msg) {
  auto type = peer::type_of(msg);
  if (type == peer::MessageType::kScan) {
    scan::Scan m;
    if (!scan::decode(msg, &m)) return;
    scan::ScanReply r;
    r.id = m.id;
    r.more = local(m.after, m.pattern, m.count, from, &r.names);
    outbox_.add(from, scan::encode(r));
    return;
  }
  scan::ScanReply m;
  if (type != peer::MessageType::kScanReply || !scan::decode(msg, &m)) return;
  auto it = pending_.find(m.id);
  if (it == pending_.end() || !it->second.waiting.count(from)) return;
  it->second.names.insert(m.names.begin(), m.names.end());
  it->second.more = it->second.more || m.more;
  it->second.waiting.erase(from);
  if (it->second.waiting.empty()) finish(m.id);
}

void GlobalView::after_commit() {
  if (network_ == nullptr) return;
  outbox_.send_committed(network_);
}

}  // namespace meridian
