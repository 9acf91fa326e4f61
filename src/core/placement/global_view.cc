#include "core/placement/global_view.h"

#include <algorithm>

#include "core/data/coding.h"
#include "core/region.h"
#include "core/util/glob.h"

namespace meridian {

GlobalView::GlobalView(Region& region, Env env) : region_(region), env_(env) {}

GlobalView::~GlobalView() {
  *alive_ = false;
}

bool GlobalView::local(const std::string& after, const std::string& pattern, size_t count,
                       RegionId asker, std::vector<std::string>* out) {
  const Placement& placement = region_.settings().placement;
  bool more = false;
  region_.keyspace().for_each_key(after, region_.now_ms(),
                                  [&](std::string_view key, const KeyRecord&) {
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
  std::string m(1, static_cast<char>(kScan));
  coding::put_varint(m, id);
  coding::put_bytes(m, after);
  coding::put_bytes(m, pattern);
  coding::put_varint(m, count);
  for (const auto& r : region_.settings().replication.regions) {
    if (r.id == region_.settings().region_id || network_ == nullptr) continue;
    p.waiting.insert(r.id);
    outbox_.emplace_back(r.id, m);
  }
  bool none = p.waiting.empty();
  pending_.emplace(id, std::move(p));
  if (none) {
    env_.scheduler.after(0, [this, alive = std::weak_ptr<bool>(alive_), id] {
      if (auto a = alive.lock(); a && *a) finish(id, true);
    });
    return;
  }
  env_.scheduler.after(timeout_ms, [this, alive = std::weak_ptr<bool>(alive_), id] {
    if (auto a = alive.lock(); a && *a) finish(id, true);
  });
}

void GlobalView::finish(uint64_t id, bool own_pass) {
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
  if (own_pass) region_.end_pass();  // a timer: no pass is under way
}

void GlobalView::on_message(RegionId from, std::string_view msg) {
  if (msg.empty()) return;
  auto type = static_cast<uint8_t>(msg[0]);
  msg.remove_prefix(1);
  uint64_t id = 0;
  if (!coding::get_varint(msg, &id)) return;
  if (type == kScan) {
    std::string_view after, pattern;
    uint64_t count = 0;
    if (!coding::get_bytes(msg, &after) || !coding::get_bytes(msg, &pattern) ||
        !coding::get_varint(msg, &count)) {
      return;
    }
    std::vector<std::string> names;
    bool more = local(std::string(after), std::string(pattern), count, from, &names);
    std::string m(1, static_cast<char>(kScanReply));
    coding::put_varint(m, id);
    m.push_back(more ? 1 : 0);
    coding::put_varint(m, names.size());
    for (const auto& n : names) coding::put_bytes(m, n);
    outbox_.emplace_back(from, std::move(m));
    return;
  }
  if (type != kScanReply || msg.empty()) return;
  auto it = pending_.find(id);
  if (it == pending_.end() || !it->second.waiting.count(from)) return;
  bool more = msg[0] != 0;
  msg.remove_prefix(1);
  uint64_t n = 0;
  if (!coding::get_varint(msg, &n)) return;
  for (uint64_t i = 0; i < n; ++i) {
    std::string_view name;
    if (!coding::get_bytes(msg, &name)) return;
    it->second.names.emplace(name);
  }
  it->second.more = it->second.more || more;
  it->second.waiting.erase(from);
  if (it->second.waiting.empty()) finish(id, false);
}

void GlobalView::after_commit() {
  if (network_ == nullptr) return;
  std::vector<std::pair<RegionId, std::string>> out;
  out.swap(outbox_);
  for (auto& [to, m] : out) network_->send(to, std::move(m));
}

}  // namespace meridian
