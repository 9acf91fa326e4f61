#include "core/failover/write_forwarder.h"

#include "core/data/coding.h"
#include "core/protocol/reply.h"
#include "core/region.h"
#include "core/session/session.h"

namespace meridian {

WriteForwarder::WriteForwarder(Region& region, Env env) : region_(region), env_(env) {}

WriteForwarder::~WriteForwarder() {
  *alive_ = false;
}

void WriteForwarder::forward(RegionId primary, const std::vector<std::string>& argv, int proto,
                             int64_t timeout_ms, std::function<void(std::string)> done) {
  uint64_t id = next_id_++;
  std::string m(1, static_cast<char>(kForward));
  coding::put_varint(m, id);
  coding::put_varint(m, static_cast<uint64_t>(proto));
  coding::put_varint(m, argv.size());
  for (const auto& a : argv) coding::put_bytes(m, a);
  send(primary, std::move(m));
  waiting_.emplace(id, std::move(done));
  std::weak_ptr<bool> alive = alive_;
  auto name = region_.region_names().count(primary) ? region_.region_names().at(primary)
                                                    : std::to_string(primary);
  env_.scheduler.after(std::max<int64_t>(1, timeout_ms), [this, alive, id, proto, name,
                                                          timeout_ms] {
    if (auto a = alive.lock(); !a || !*a) return;
    auto it = waiting_.find(id);
    if (it == waiting_.end()) return;
    auto cb = std::move(it->second);
    waiting_.erase(it);
    std::string out;
    Reply(out, proto)
        .error("TRYAGAIN the primary (" + name + ") did not answer the forwarded write within " +
               std::to_string(timeout_ms) + " ms; it may or may not have been applied");
    cb(std::move(out));
  });
}

void WriteForwarder::on_message(RegionId from, std::string_view msg) {
  if (msg.empty()) return;
  auto type = static_cast<uint8_t>(msg[0]);
  msg.remove_prefix(1);
  uint64_t id = 0;
  if (!coding::get_varint(msg, &id)) return;
  if (type == kForwardReply) {
    std::string_view bytes;
    auto it = waiting_.find(id);
    if (it == waiting_.end() || !coding::get_bytes(msg, &bytes)) return;
    auto cb = std::move(it->second);
    waiting_.erase(it);
    cb(std::string(bytes));
    return;
  }
  if (type != kForward) return;
  uint64_t proto = 2, n = 0;
  if (!coding::get_varint(msg, &proto) || !coding::get_varint(msg, &n) || n == 0 ||
      n > msg.size()) {
    return;
  }
  std::vector<std::string> argv;
  for (uint64_t i = 0; i < n; ++i) {
    std::string_view a;
    if (!coding::get_bytes(msg, &a)) return;
    argv.emplace_back(a);
  }
  run(from, id, static_cast<int>(proto), std::move(argv));
}

void WriteForwarder::run(RegionId from, uint64_t id, int proto, std::vector<std::string> argv) {
  uint64_t key = next_running_++;
  Running r{from, id, region_.internal_session("forwarded:" + std::to_string(from)), {}};
  r.session->set_proto(proto);
  r.session->set_forwarded();
  std::weak_ptr<bool> alive = alive_;
  r.session->set_ready_hook([this, alive, key] {
    // The command finished waiting (semi-sync, sync): reply in a later pass.
    env_.scheduler.after(0, [this, alive, key] {
      if (auto a = alive.lock(); !a || !*a) return;
      auto it = running_.find(key);
      if (it == running_.end()) return;
      it->second.session->resume(it->second.out);
      finish(key);
      region_.end_pass();
    });
  });
  std::string req = "*" + std::to_string(argv.size()) + "\r\n";
  for (const auto& a : argv) req += "$" + std::to_string(a.size()) + "\r\n" + a + "\r\n";
  auto [it, _] = running_.emplace(key, std::move(r));
  it->second.session->feed(req, it->second.out);
  finish(key);
}

void WriteForwarder::finish(uint64_t key) {
  auto it = running_.find(key);
  if (it == running_.end() || it->second.session->blocked() || it->second.out.empty()) return;
  std::string m(1, static_cast<char>(kForwardReply));
  coding::put_varint(m, it->second.id);
  coding::put_bytes(m, it->second.out);
  send(it->second.from, std::move(m));  // after the pass that ran it commits
  running_.erase(it);
}

void WriteForwarder::after_commit() {
  if (network_ == nullptr) return;
  std::vector<std::pair<RegionId, std::string>> out;
  out.swap(outbox_);
  for (auto& [to, m] : out) network_->send(to, std::move(m));
}

}  // namespace meridian
