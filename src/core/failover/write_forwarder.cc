#include "core/failover/write_forwarder.h"

#include "core/failover/forward_messages.h"
#include "core/peer/message_types.h"
#include "core/protocol/reply.h"

namespace meridian {

WriteForwarder::WriteForwarder(Env env, const std::map<RegionId, std::string>& names)
    : env_(env), names_(names) {}

WriteForwarder::~WriteForwarder() = default;

void WriteForwarder::forward(RegionId primary, const std::vector<std::string>& argv, int proto,
                             int64_t timeout_ms, std::function<void(std::string)> done) {
  uint64_t id = next_id_++;
  send(primary, forward::encode(forward::Forward{id, proto, argv}));
  waiting_.emplace(id, std::move(done));
  auto name = names_.count(primary) ? names_.at(primary) : std::to_string(primary);
  env_.scheduler.after(std::max<int64_t>(1, timeout_ms), lifetime_.guard([this, id, proto, name,
                                                                          timeout_ms] {
    auto it = waiting_.find(id);
    if (it == waiting_.end()) return;
    auto cb = std::move(it->second);
    waiting_.erase(it);
    std::string out;
    Reply(out, proto)
        .error("TRYAGAIN the primary (" + name + ") did not answer the forwarded write within " +
               std::to_string(timeout_ms) + " ms; it may or may not have been applied");
    cb(std::move(out));
  }));
}

void WriteForwarder::on_message(RegionId from, std::string_view msg) {
  auto type = peer::type_of(msg);
  if (type == peer::MessageType::kForwardReply) {
    forward::ForwardReply m;
    if (!forward::decode(msg, &m)) return;
    auto it = waiting_.find(m.id);
    if (it == waiting_.end()) return;
    auto cb = std::move(it->second);
    waiting_.erase(it);
    cb(std::move(m.reply));
    return;
  }
  forward::Forward m;
  if (type != peer::MessageType::kForward || !forward::decode(msg, &m)) return;
  run(from, m.id, m.proto, std::move(m.argv));
}

void WriteForwarder::run(RegionId from, uint64_t id, int proto, std::vector<std::string> argv) {
  if (!open_client) {
    std::string out;
    Reply(out, proto).error("ERR this region does not run forwarded writes");
    send(from, forward::encode(forward::ForwardReply{id, out}));
    return;
  }
  uint64_t key = next_running_++;
  auto ready = [this, key] {
    // The command finished waiting (semi-sync, sync): reply in a later pass.
    env_.scheduler.after(0, lifetime_.guard([this, key] {
      auto it = running_.find(key);
      if (it == running_.end()) return;
      it->second.session->resume(it->second.out);
      finish(key);
    }));
  };
  Running r{from, id, open_client(from, proto, std::move(ready)), {}};
  std::string req = "*" + std::to_string(argv.size()) + "\r\n";
  for (const auto& a : argv) req += "$" + std::to_string(a.size()) + "\r\n" + a + "\r\n";
  auto [it, _] = running_.emplace(key, std::move(r));
  it->second.session->feed(req, it->second.out);
  finish(key);
}

void WriteForwarder::finish(uint64_t key) {
  auto it = running_.find(key);
  if (it == running_.end() || it->second.session->blocked() || it->second.out.empty()) return;
  // Sent after the pass that ran it commits.
  send(it->second.from, forward::encode(forward::ForwardReply{it->second.id, it->second.out}));
  running_.erase(it);
}

void WriteForwarder::after_commit() {
  if (network_ == nullptr) return;
  outbox_.send_committed(network_);
}

}  // namespace meridian
