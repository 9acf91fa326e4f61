#pragma once
// `meridian dns`: an authoritative GeoDNS server over UDP and TCP for the
// names in the config's [dns], answering each client with the nearest
// healthy region (core/dns/dns_router.h). Health is the cluster's own: every
// check interval it reads each region's failover view (/failover over the
// http address) and takes the majority verdict, so answers change within
// one interval of it. Packets are parsed and built with ldns (src/dns).
#include <array>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/ip/udp.hpp>
#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "config/cluster_config.h"
#include "runtime/real/http_status.h"

namespace httplib {
class Client;
}
#include "core/dns/dns_router.h"
#include "core/dns/rate_limiter.h"
#include "dns/dns_packet.h"
#include "dns/maxmind.h"

namespace meridian {

// Reads the regions' failover views and keeps the majority verdict.
class HealthPoller {
 public:
  HealthPoller(const ClusterConfig& cfg, int64_t interval_ms);
  ~HealthPoller();
  void start();  // a thread polling every interval
  void poll_once();
  // The latest verdict; cheap to take (the server asks once per query).
  std::shared_ptr<const dns::ClusterView> view() const;

 private:
  struct Target {
    std::string name;
    std::unique_ptr<httplib::Client> http;  // kept: one connection per region, reused
  };
  std::vector<Target> targets_;
  int64_t interval_ms_;
  mutable std::mutex mu_;
  std::shared_ptr<const dns::ClusterView> view_ = std::make_shared<dns::ClusterView>();
  std::thread thread_;
  std::condition_variable cv_;
  bool stop_ = false;
};

class DnsServer {
 public:
  // Binds UDP and TCP on cfg.dns_listen (port 0: a free port). Throws with a
  // message saying what to fix.
  explicit DnsServer(const ClusterConfig& cfg);
  ~DnsServer();
  uint16_t port() const { return port_; }
  void run(bool handle_signals);
  void stop();
  // One packet in, the answer out (empty: send nothing). max_size:
  // kUdpLimit for a UDP query (the client's own limit applies), 0 for a
  // truncated answer, 65535 over TCP.
  static constexpr size_t kUdpLimit = 1;
  std::string answer(const uint8_t* data, size_t size, const dns::Address& peer, size_t max_size);
  // GET /metrics on [dns] http, in the Prometheus text format (dns_metrics.cc).
  std::string metrics_text() const;

 private:
  void receive();
  void accept();

  // TCP connections: open now, the idle timeout and the cap ([dns]).
  size_t tcp_open_ = 0;
  int64_t tcp_idle_ms_;
  size_t tcp_max_;
  uint64_t tcp_refused_ = 0;

  dns::DnsRouter router_;
  dns::RateLimiter limiter_;
  std::unique_ptr<dns::MaxMind> maxmind_;
  dns::ZoneInfo zone_;
  HealthPoller poller_;
  asio::io_context io_{1};
  asio::ip::udp::socket udp_{io_};
  asio::ip::tcp::acceptor tcp_{io_};
  // UDP in batches: one recvmmsg and one sendmmsg per wake-up, since the
  // system calls, not the answers, are most of the cost.
  static constexpr size_t kBatch = 64;
  static constexpr size_t kDatagram = 4096;
  std::vector<uint8_t> bufs_ = std::vector<uint8_t>(kBatch * kDatagram);
  void drain();
  uint16_t port_ = 0;
  uint64_t queries_ = 0;
  // Answers by their first region, and by response code (Decision::Rcode).
  std::unordered_map<const dns::DnsRegion*, uint64_t> answered_;
  std::array<uint64_t, dns::Decision::kReasons> reasons_{};
  std::array<uint64_t, 4> rcodes_{};
  std::unique_ptr<HttpStatus> http_;  // after io_: destroyed before it
};

}  // namespace meridian
