#pragma once
// The topology file: every region of the cluster and the server settings,
// loaded from TOML and validated. A bad file is refused with a ConfigError
// naming the file, line and field.
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "core/dns/dns_router.h"
#include "core/peer/link_handshake.h"
#include "core/settings/region_settings.h"

namespace meridian {

class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct HostPort {
  std::string host;
  uint16_t port = 0;
  std::string str() const { return host + ":" + std::to_string(port); }
};

// [tls]: Redis' tls-* settings (tls-cert-file is cert_file, and so on),
// shared by every region; [[regions]] may give each its own certificate.
struct TlsConfig {
  std::string cert_file, key_file;        // PEM: what this region presents
  std::string ca_cert_file, ca_cert_dir;  // what it trusts
  std::string auth_clients = "yes";       // "yes", "no" or "optional", as Redis
  std::string protocols;                  // e.g. "TLSv1.2 TLSv1.3"; empty: both
  std::string ciphers;                    // TLSv1.2 (OpenSSL cipher list)
  std::string ciphersuites;               // TLSv1.3
  bool prefer_server_ciphers = false;
  // Peer links over TLS 1.3 with each region's certificate, which must name
  // the region (replication = true).
  bool replication = false;
  // The status pages (each region's `http` address) over HTTPS, with the
  // region's certificate.
  bool http = false;
};

struct RegionConfig {
  std::string name;
  RegionId id = 0;
  HostPort client, peer, http;
  // Redis' tls-port: a second client port, on client.host, speaking TLS
  // (0: none). The certificate files override [tls]'s for this region.
  uint16_t tls_port = 0;
  std::string tls_cert_file, tls_key_file;
  std::string jurisdiction;
  double latitude = 0, longitude = 0;
  // Disaster-recovery tier. A backup-restore region runs no replica: the
  // serving regions copy their backups into its backup_dir/<source region>,
  // and it is started (standalone) only after `meridian restore`.
  Tier tier = Tier::kActive;
  std::string backup_dir;      // backup-restore only
  std::string public_address;  // what GeoDNS answers for it (default: client host)
  bool serving() const { return tier != Tier::kBackupRestore; }
};

// [backup]: scheduled RocksDB backups of every serving region.
struct BackupConfig {
  int64_t interval_s = 0;  // 0: only on demand (MR.BACKUP, BGSAVE, `meridian backup`)
  int keep = 24;           // newest backups kept per source region and destination
};

struct ClusterConfig {
  std::string path;
  std::string log_level = "info";
  // Shared settings, [replication] and [[keyspaces]] included; the per-region
  // fields and replication.regions are filled by settings_for.
  RegionSettings server;
  std::vector<RegionConfig> regions;

  // Runtime-only peer link settings (the core never sees them).
  // Shared secret authenticating peer links; required with more than one
  // region, may be empty with one.
  std::string secret;
  // zstd on peer frames.
  bool compress = true;
  // [server] http_token: the status pages answer only requests with
  // "Authorization: Bearer <token>" (empty: any request). Required when a
  // region's `http` address is not a loopback one.
  std::string http_token;
  // Emulated WAN latency between two regions ([[wan]]), applied by the
  // sender to its outgoing peer traffic, so each direction gets rtt/2.
  struct WanLink {
    std::string a, b;  // region names, a != b; at most one link per pair
    int64_t one_way_ms = 0;
    int64_t jitter_ms = 0;  // uniform extra delay in [0, jitter_ms]
  };
  std::vector<WanLink> wan;
  // [failover] hooks, run on every change of primary with its details:
  // a shell command (details in MERIDIAN_* environment variables) and/or an
  // HTTP POST of a JSON body.
  std::string hook_command;
  std::string hook_url;
  BackupConfig backup;
  TlsConfig tls;
  // [dns]: the GeoDNS server (`meridian dns`); absent: no DNS.
  std::optional<dns::DnsSettings> dns;
  HostPort dns_listen;
  // Where `meridian dns` serves GET /metrics; unset: nowhere.
  std::optional<HostPort> dns_http;

  const RegionConfig* find(const std::string& name) const;
  // Regions that run a replica (every tier but backup-restore).
  size_t serving_count() const;
  // Where `region`'s backups go: backup_dir/<region> of every backup-restore
  // region allowed to hold all its keys ([[placement]]), or
  // data_root/backups/<region> when there is none.
  std::vector<std::string> backup_destinations(const RegionConfig& region,
                                               const std::string& data_root) const;
  // The core's settings for `region`. A serving region sees the serving
  // regions only; a backup-restore region sees itself alone (standalone,
  // after a restore).
  RegionSettings settings_for(const RegionConfig& region) const;
  // [tls] with `region`'s own certificate files, if it names any.
  TlsConfig tls_for(const RegionConfig& region) const;
  // The sections every region's config must share, hashed (config_digest.cc):
  // regions (ids, names, jurisdictions, tiers; not addresses, which may
  // differ as each region sees them), placement rules, keyspace policies
  // and the conflict defaults. Peer links refuse a region whose differ.
  peer::ConfigDigest shared_digest() const;
  // The emulated one-way delay and jitter (ms) between regions `a` and `b`
  // in either direction; {0, 0} when no [[wan]] entry names the pair.
  std::pair<int64_t, int64_t> wan_delay(const std::string& a, const std::string& b) const;
};

// Throws ConfigError.
ClusterConfig load_cluster_config(const std::string& path);
// Parses "host:port"; false if malformed.
bool parse_host_port(const std::string& s, HostPort* out);

}  // namespace meridian
