#pragma once
// The loaders of the config's TOML sections, each filling its part of the
// ClusterConfig. load_cluster_config runs them in the order below: the
// sections after [[regions]] are checked against the region list.
#include <toml++/toml.h>

#include "config/cluster_config.h"
#include "config/config_report.h"

namespace meridian::config_detail {

// server_section.cc: [cluster], [server] and [[users]].
void load_cluster(const Reporter& r, const toml::table& root, ClusterConfig& cfg);
void load_server(const Reporter& r, const toml::table& root, ClusterConfig& cfg);
void load_users(const Reporter& r, const toml::table& root, ClusterConfig& cfg);

// regions_section.cc: [[regions]], with each region's tier.
void load_regions(const Reporter& r, const toml::table& root, ClusterConfig& cfg);

// replication_section.cc: [replication], and [[keyspaces]] overriding its
// write, read and conflict settings per key pattern.
void load_replication(const Reporter& r, const toml::table& root, ClusterConfig& cfg);
void load_keyspaces(const Reporter& r, const toml::table& root, ClusterConfig& cfg);

// failover_section.cc: [failover].
void load_failover(const Reporter& r, const toml::table& root, ClusterConfig& cfg);

// wan_section.cc: [[wan]].
void load_wan(const Reporter& r, const toml::table& root, ClusterConfig& cfg);

// backup_section.cc: [backup].
void load_backup(const Reporter& r, const toml::table& root, ClusterConfig& cfg);

// placement_section.cc: [[placement]]; then, after [[placement]] and
// [[keyspaces]], whether each rule's write mode can be met by the regions
// allowed to hold its keys.
void load_placement(const Reporter& r, const toml::table& root, ClusterConfig& cfg);
void check_placement_write_modes(const Reporter& r, const toml::table& root,
                                 const ClusterConfig& cfg);

// dns_section.cc: [dns].
void load_dns(const Reporter& r, const toml::table& root, ClusterConfig& cfg);

// tls_section.cc: [tls], checked against the regions' tls_port and
// certificate files.
void load_tls(const Reporter& r, const toml::table& root, ClusterConfig& cfg);

}  // namespace meridian::config_detail
