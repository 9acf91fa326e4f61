#include "runtime/real/dns_server.h"

#include <httplib.h>
#include <netinet/in.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <asio/post.hpp>
#include <asio/read.hpp>
#include <asio/signal_set.hpp>
#include <asio/steady_timer.hpp>
#include <asio/write.hpp>
#include <cstring>
#include <map>
#include <nlohmann/json.hpp>

#include "dns/dns_packet.h"
#include "runtime/real/region_http_client.h"

namespace meridian {

HealthPoller::HealthPoller(const ClusterConfig& cfg, int64_t interval_ms)
    : interval_ms_(interval_ms) {
  auto timeout = std::chrono::milliseconds(std::max<int64_t>(100, interval_ms_));
  for (const auto& r : cfg.regions) {
    if (!r.serving()) continue;
    // The same scheme, CA and token as the region's status pages.
    auto cli = region_http_client(cfg, r, timeout);
    targets_.push_back({r.name, std::move(cli)});
  }
}

HealthPoller::~HealthPoller() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void HealthPoller::start() {
  thread_ = std::thread([this] {
    std::unique_lock lock(mu_);
    while (!stop_) {
      lock.unlock();
      poll_once();
      lock.lock();
      cv_.wait_for(lock, std::chrono::milliseconds(interval_ms_), [this] { return stop_; });
    }
  });
}

void HealthPoller::poll_once() {
  // Each region's own view of every other, from its failover status.
  std::map<std::string, nlohmann::json> reports;
  for (const auto& t : targets_) {
    auto res = t.http->Get("/failover");
    if (!res || res->status != 200) continue;
    auto j = nlohmann::json::parse(res->body, nullptr, false);
    if (!j.is_discarded() && j.contains("regions")) reports[t.name] = std::move(j);
  }
  dns::ClusterView v;
  const size_t majority = targets_.size() / 2 + 1;
  v.known = reports.size() >= majority;
  uint64_t best_epoch = 0;
  for (const auto& [who, j] : reports) {
    uint64_t epoch = j.value("epoch", uint64_t{0});
    if (v.primary.empty() || epoch > best_epoch) {
      best_epoch = epoch;
      v.primary = j.value("primary", std::string());
      v.primary_takes_all_writes = j.value("pattern", std::string()) != "active-active";
    }
  }
  // A region's health is the majority verdict of the regions' failover
  // managers (the region's own answer counts as one healthy vote); with no
  // majority either way there is no verdict yet.
  size_t verdicts = 0;
  for (const auto& t : targets_) {
    size_t down = 0, up = reports.count(t.name), degraded = 0;
    for (const auto& [who, j] : reports) {
      if (who == t.name) continue;
      for (const auto& r : j["regions"]) {
        if (r.value("name", std::string()) != t.name) continue;
        std::string h = r.value("health", std::string());
        if (h == "unhealthy") ++down;
        if (h == "healthy" || h == "degraded") ++up;
        if (h == "degraded") ++degraded;
      }
    }
    dns::Health h = down >= majority ? dns::Health::kDown
                    : up >= majority
                        ? (degraded > 0 ? dns::Health::kDegraded : dns::Health::kHealthy)
                        : dns::Health::kUnknown;
    if (h != dns::Health::kUnknown) ++verdicts;
    v.health[t.name] = h;
  }
  v.known = v.known && verdicts >= majority;
  auto fresh = std::make_shared<const dns::ClusterView>(std::move(v));
  std::lock_guard lock(mu_);
  view_ = std::move(fresh);
}

std::shared_ptr<const dns::ClusterView> HealthPoller::view() const {
  std::lock_guard lock(mu_);
  return view_;
}

namespace {

int64_t poll_interval(const ClusterConfig& cfg) {
  return std::max<int64_t>(50, cfg.server.failover.check_interval_ms);
}

}  // namespace

DnsServer::DnsServer(const ClusterConfig& cfg)
    : tcp_idle_ms_(cfg.dns->tcp_idle_timeout_ms),
      tcp_max_(cfg.dns->tcp_max_connections),
      router_(*cfg.dns),
      limiter_(cfg.dns->rate_limit, 24, 56, cfg.dns->rate_limit_slip),
      poller_(cfg, poll_interval(cfg)) {
  zone_.nameservers = cfg.dns->nameservers;
  zone_.hostmaster = cfg.dns->hostmaster;
  zone_.minimum = cfg.dns->ttl;
  zone_.serial = static_cast<uint32_t>(std::chrono::duration_cast<std::chrono::seconds>(
                                           std::chrono::system_clock::now().time_since_epoch())
                                           .count());
  if (!cfg.dns->maxmind_db.empty()) {
    maxmind_ = std::make_unique<dns::MaxMind>(cfg.dns->maxmind_db);
    router_.locate = [db = maxmind_.get()](const dns::Address& a, int* prefix) {
      return db->locate(a, prefix);
    };
  }
  asio::ip::address addr = asio::ip::make_address(cfg.dns_listen.host);
  std::error_code ec;
  asio::ip::udp::endpoint uep(addr, cfg.dns_listen.port);
  udp_.open(uep.protocol());
  udp_.bind(uep, ec);
  if (ec) {
    throw std::runtime_error("cannot listen for DNS on " + cfg.dns_listen.str() +
                             " (udp): " + ec.message() + " (is another server using the port?)");
  }
  port_ = udp_.local_endpoint().port();
  asio::ip::tcp::endpoint tep(addr, port_);
  tcp_.open(tep.protocol());
  tcp_.set_option(asio::ip::tcp::acceptor::reuse_address(true));
  tcp_.bind(tep, ec);
  if (ec) {
    throw std::runtime_error("cannot listen for DNS on " + addr.to_string() + ":" +
                             std::to_string(port_) + " (tcp): " + ec.message());
  }
  tcp_.listen();
  if (cfg.dns_http) {
    http_ = std::make_unique<HttpStatus>(
        io_, *cfg.dns_http, [this](const std::string& path, std::string* body, std::string* type) {
          if (path != "/metrics") {
            *body = "not found: try /metrics\n";
            return 404;
          }
          *body = metrics_text();
          *type = "text/plain; version=0.0.4; charset=utf-8";
          return 200;
        });
  }
}

DnsServer::~DnsServer() = default;

std::string DnsServer::answer(const uint8_t* data, size_t size, const dns::Address& peer,
                              size_t max_size) {
  dns::Query q;
  switch (dns::parse_query(data, size, &q)) {
    case dns::Parsed::kDrop:
      return std::string();
    case dns::Parsed::kFormErr:
      return dns::build_error(data, size, 1);
    case dns::Parsed::kNotImp:
      return dns::build_error(data, size, 4);
    case dns::Parsed::kQuery:
      break;
  }
  ++queries_;
  if (max_size == kUdpLimit) {
    // UDP: 512 bytes unless the client offered more with EDNS (1232 at most,
    // the size that avoids fragmentation).
    max_size = q.edns ? std::clamp<size_t>(q.udp_size, 512, 1232) : 512;
  }
  if (q.qclass != 1 && q.qclass != 255) return dns::build_answer(q, 5, {}, 0, max_size);
  dns::Address client;
  int prefix = 0;
  if (q.has_ecs && q.ecs_source > 0) {
    client = q.ecs_address;
    prefix = q.ecs_source;
  } else {
    client = peer;
    prefix = client.v4 ? 32 : 128;
  }
  auto view = poller_.view();
  dns::Decision d = router_.decide(q.qname, client, prefix, *view, queries_, /*explain=*/false);
  ++rcodes_[static_cast<size_t>(d.rcode)];
  ++reasons_[static_cast<size_t>(d.reason)];
  if (!d.regions.empty()) ++answered_[d.regions.front()];
  int rcode = d.rcode == dns::Decision::Rcode::kRefused    ? 5
              : d.rcode == dns::Decision::Rcode::kServfail ? 2
                                                           : 0;
  std::vector<std::string> addresses;
  for (const auto* r : d.regions) addresses.push_back(r->address);
  // A plain address has no ECS to echo; an ECS query gets the scope the
  // answer holds for.
  const int scope = q.has_ecs && q.ecs_source > 0 ? d.scope : -1;
  return dns::build_answer(q, rcode, addresses, d.ttl, max_size, &zone_, scope);
}

void DnsServer::receive() {
  udp_.async_wait(asio::socket_base::wait_read, [this](std::error_code ec) {
    if (ec == asio::error::operation_aborted) return;
    if (!ec) drain();
    receive();
  });
}

namespace {

dns::Address address_of(const sockaddr_storage& sa) {
  dns::Address a;
  if (sa.ss_family == AF_INET) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(&sa);
    a.v4 = true;
    a.bytes[10] = a.bytes[11] = 0xff;
    std::memcpy(&a.bytes[12], &in->sin_addr, 4);
  } else if (sa.ss_family == AF_INET6) {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(&sa);
    a.v4 = false;
    std::memcpy(a.bytes.data(), &in6->sin6_addr, 16);
  }
  return a;
}

}  // namespace

void DnsServer::drain() {
  const int fd = udp_.native_handle();
  std::array<mmsghdr, kBatch> in{};
  std::array<iovec, kBatch> iov{};
  std::array<sockaddr_storage, kBatch> from{};
  std::array<std::string, kBatch> replies;
  std::array<mmsghdr, kBatch> out{};
  std::array<iovec, kBatch> out_iov{};
  for (int round = 0; round < 16; ++round) {  // then let TCP and timers run
    for (size_t i = 0; i < kBatch; ++i) {
      iov[i] = {bufs_.data() + i * kDatagram, kDatagram};
      in[i].msg_hdr = {};
      in[i].msg_hdr.msg_iov = &iov[i];
      in[i].msg_hdr.msg_iovlen = 1;
      in[i].msg_hdr.msg_name = &from[i];
      in[i].msg_hdr.msg_namelen = sizeof(sockaddr_storage);
    }
    int n = recvmmsg(fd, in.data(), kBatch, MSG_DONTWAIT, nullptr);
    if (n <= 0) return;
    unsigned k = 0;
    for (int i = 0; i < n; ++i) {
      if (in[i].msg_hdr.msg_flags & MSG_TRUNC) continue;  // larger than any query we answer
      dns::Address peer = address_of(from[i]);
      size_t max_size = kUdpLimit;
      if (limiter_.enabled()) {
        auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::steady_clock::now().time_since_epoch())
                       .count();
        auto action = limiter_.check(peer, now);
        if (action == dns::RateLimiter::Action::kDrop) continue;
        if (action == dns::RateLimiter::Action::kSlip) max_size = 0;  // truncated: TC, no records
      }
      replies[k] =
          answer(bufs_.data() + static_cast<size_t>(i) * kDatagram, in[i].msg_len, peer, max_size);
      if (replies[k].empty()) continue;
      out_iov[k] = {replies[k].data(), replies[k].size()};
      out[k].msg_hdr = {};
      out[k].msg_hdr.msg_iov = &out_iov[k];
      out[k].msg_hdr.msg_iovlen = 1;
      out[k].msg_hdr.msg_name = &from[i];
      out[k].msg_hdr.msg_namelen = in[i].msg_hdr.msg_namelen;
      ++k;
    }
    for (unsigned sent = 0; sent < k;) {
      int m = sendmmsg(fd, out.data() + sent, k - sent, MSG_DONTWAIT);
      if (m <= 0) break;  // a full socket buffer: UDP may drop, the client retries
      sent += static_cast<unsigned>(m);
    }
    if (static_cast<size_t>(n) < kBatch) return;
  }
}

namespace {

// One TCP client: length-prefixed queries, one at a time (RFC 1035 4.2.2),
// closed when idle for the configured time (between queries or within one).
class TcpSession : public std::enable_shared_from_this<TcpSession> {
 public:
  TcpSession(asio::ip::tcp::socket s, DnsServer& server, size_t& open, int64_t idle_ms)
      : sock_(std::move(s)),
        timer_(sock_.get_executor()),
        server_(server),
        open_(open),
        idle_ms_(idle_ms) {
    ++open_;
  }
  ~TcpSession() { --open_; }
  void next() {
    auto self = shared_from_this();
    arm();
    asio::async_read(sock_, asio::buffer(len_), [self](std::error_code e, size_t) {
      if (e) return self->close();
      self->msg_.resize(static_cast<size_t>(self->len_[0]) << 8 | self->len_[1]);
      asio::async_read(self->sock_, asio::buffer(self->msg_), [self](std::error_code e2, size_t) {
        if (e2) return self->close();
        self->reply();
      });
    });
  }

 private:
  void arm() {
    timer_.expires_after(std::chrono::milliseconds(idle_ms_));
    std::weak_ptr<TcpSession> weak = weak_from_this();
    timer_.async_wait([weak](std::error_code e) {
      auto self = weak.lock();
      if (!e && self) self->close();
    });
  }
  void close() {
    std::error_code ignored;
    timer_.cancel();
    sock_.close(ignored);
  }
  void reply() {
    std::error_code pe;
    auto peer = sock_.remote_endpoint(pe);
    dns::Address from;
    if (!pe) from = *dns::Address::parse(peer.address().to_string());
    std::string out = server_.answer(msg_.data(), msg_.size(), from, 65535);
    if (out.empty()) return close();  // dropped: so is the connection
    out_.clear();
    out_.push_back(static_cast<char>(out.size() >> 8));
    out_.push_back(static_cast<char>(out.size() & 0xff));
    out_.append(out);
    auto self = shared_from_this();
    asio::async_write(sock_, asio::buffer(out_), [self](std::error_code e, size_t) {
      if (e) return self->close();
      self->next();
    });
  }

  asio::ip::tcp::socket sock_;
  asio::steady_timer timer_;
  DnsServer& server_;
  size_t& open_;
  int64_t idle_ms_;
  std::array<uint8_t, 2> len_{};
  std::vector<uint8_t> msg_;
  std::string out_;
};

}  // namespace

void DnsServer::accept() {
  tcp_.async_accept([this](std::error_code ec, asio::ip::tcp::socket s) {
    if (ec == asio::error::operation_aborted) return;
    if (!ec && tcp_open_ >= tcp_max_) {
      std::error_code ignored;
      s.close(ignored);  // at the cap: the client retries or uses UDP
      const uint64_t refused = ++tcp_refused_;
      if ((refused & (refused - 1)) == 0) {  // at 1, 2, 4, 8...
        spdlog::warn(
            "GeoDNS: {} TCP connections refused so far: {} are open, the most "
            "[dns] tcp_max_connections allows",
            tcp_refused_, tcp_open_);
      }
    } else if (!ec) {
      std::make_shared<TcpSession>(std::move(s), *this, tcp_open_, tcp_idle_ms_)->next();
    }
    accept();
  });
}

void DnsServer::run(bool handle_signals) {
  poller_.start();
  receive();
  accept();
  asio::signal_set signals(io_);
  if (handle_signals) {
    signals.add(SIGINT);
    signals.add(SIGTERM);
    signals.async_wait([this](std::error_code, int) { stop(); });
  }
  io_.run();
}

void DnsServer::stop() {
  asio::post(io_, [this] {
    std::error_code ec;
    udp_.close(ec);
    tcp_.close(ec);
    io_.stop();
  });
}

}  // namespace meridian
