#include "cli/restore.h"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <vector>

#include "storage/rocksdb_backup.h"
#include "storage/rocksdb_storage.h"

namespace meridian {
namespace {

namespace fs = std::filesystem;

struct Found {
  std::string dir, source;
  backup::Info info;
};

// The newest backup of `source` in the directories its backups go to.
std::optional<Found> newest_of(const ClusterConfig& cfg, const RegionConfig& source,
                               const std::string& data_root) {
  std::optional<Found> best;
  for (const auto& dir : cfg.backup_destinations(source, data_root)) {
    for (const auto& b : backup::list(dir)) {
      // Ids grow within a directory: they order backups made in one second.
      if (!best || b.timestamp > best->info.timestamp ||
          (b.timestamp == best->info.timestamp && dir == best->dir && b.id > best->info.id)) {
        best = Found{dir, source.name, b};
      }
    }
  }
  return best;
}

std::string utc(int64_t unix_s) {
  std::time_t t = unix_s;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S UTC", &tm);
  return buf;
}

}  // namespace

int run_restore(const ClusterConfig& cfg, const RestoreRequest& req) {
  const RegionConfig* target = cfg.find(req.region);
  if (target == nullptr) {
    std::fprintf(stderr, "meridian: no region named \"%s\" in %s\n", req.region.c_str(),
                 cfg.path.c_str());
    return 2;
  }
  std::optional<Found> found;
  if (!req.backup_dir.empty()) {
    auto all = backup::list(req.backup_dir);
    for (const auto& b : all) {
      if (req.backup_id == 0 ? (!found || b.timestamp >= found->info.timestamp)
                             : b.id == req.backup_id) {
        found = Found{req.backup_dir, req.from.empty() ? "?" : req.from, b};
      }
    }
  } else {
    std::vector<const RegionConfig*> sources;
    if (!req.from.empty()) {
      const RegionConfig* s = cfg.find(req.from);
      if (s == nullptr || !s->serving()) {
        std::fprintf(stderr, "meridian: --from names no serving region of %s: \"%s\"\n",
                     cfg.path.c_str(), req.from.c_str());
        return 2;
      }
      sources.push_back(s);
    } else if (target->serving()) {
      sources.push_back(target);
    } else {
      for (const auto& r : cfg.regions)
        if (r.serving()) sources.push_back(&r);
    }
    for (const auto* s : sources) {
      if (req.backup_id != 0) {
        for (const auto& dir : cfg.backup_destinations(*s, req.data_root)) {
          for (const auto& b : backup::list(dir)) {
            if (b.id == req.backup_id) found = Found{dir, s->name, b};
          }
        }
      } else if (auto f = newest_of(cfg, *s, req.data_root)) {
        if (!found || f->info.timestamp > found->info.timestamp) found = f;
      }
    }
  }
  if (!found) {
    std::fprintf(
        stderr, "meridian: no backup%s found for %s (looked in %s)\n",
        req.backup_id ? (" " + std::to_string(req.backup_id)).c_str() : "", req.region.c_str(),
        req.backup_dir.empty() ? "the configured backup directories" : req.backup_dir.c_str());
    return 1;
  }
  const fs::path db_dir = fs::path(req.data_root) / target->name;
  if (fs::exists(db_dir / "CURRENT")) {
    if (!req.force) {
      std::fprintf(stderr,
                   "meridian: %s already holds a database; stop the region and pass --force to "
                   "replace it\n",
                   db_dir.c_str());
      return 1;
    }
    fs::remove_all(db_dir);
  }
  std::printf("restoring backup %u of %s (made %s, %.1f MiB) from %s into %s\n", found->info.id,
              found->source.c_str(), utc(found->info.timestamp).c_str(),
              static_cast<double>(found->info.size) / (1024.0 * 1024.0), found->dir.c_str(),
              db_dir.c_str());
  std::fflush(stdout);
  auto t0 = std::chrono::steady_clock::now();
  int last_pct = -1;
  try {
    backup::restore(
        found->dir, found->info.id, db_dir.string(), [&](uint64_t done, uint64_t total) {
          int pct = total == 0 ? 100 : static_cast<int>(100 * done / total);
          if (pct == last_pct) return;
          last_pct = pct;
          std::printf("restore: %.1f of %.1f MiB (%d%%)\n", static_cast<double>(done) / 1048576.0,
                      static_cast<double>(total) / 1048576.0, pct);
          std::fflush(stdout);
        });
  } catch (const StorageError& e) {
    std::fprintf(stderr, "meridian: %s\n", e.what());
    return 1;
  }
  auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0)
          .count();
  std::printf(
      "restored in %lld ms; start it with: meridian server --config %s --region %s "
      "--data-dir %s\n",
      static_cast<long long>(ms), cfg.path.c_str(), target->name.c_str(), req.data_root.c_str());
  return 0;
}

}  // namespace meridian
