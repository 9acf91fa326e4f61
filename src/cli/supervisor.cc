#include "cli/supervisor.h"

#include <signal.h>
#include <spdlog/spdlog.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <vector>

namespace meridian {
namespace {

using Clock = std::chrono::steady_clock;

struct Child {
  const RegionConfig* region = nullptr;
  pid_t pid = -1;
  Clock::time_point started;
  Clock::time_point restart_at;
  std::chrono::milliseconds backoff{500};
};

pid_t spawn(const std::string& exe, const ClusterConfig& cfg, const RegionConfig& region,
            const std::string& data_dir, const sigset_t& old_mask) {
  pid_t pid = fork();
  if (pid == 0) {
    sigprocmask(SIG_SETMASK, &old_mask, nullptr);
    std::vector<std::string> args = {exe,        "server",    "--config",   cfg.path,
                                     "--region", region.name, "--data-dir", data_dir};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(exe.c_str(), argv.data());
    std::perror("meridian up: exec failed");
    _exit(127);
  }
  return pid;
}

}  // namespace

int supervise(const std::string& self_exe, const ClusterConfig& cfg, const std::string& data_dir) {
  sigset_t mask, old_mask;
  sigemptyset(&mask);
  sigaddset(&mask, SIGCHLD);
  sigaddset(&mask, SIGINT);
  sigaddset(&mask, SIGTERM);
  sigprocmask(SIG_BLOCK, &mask, &old_mask);

  std::vector<Child> children;
  for (const auto& r : cfg.regions) {
    if (!r.serving()) {
      std::printf(
          "region %-12s backup-restore: receives backups in %s; start it after "
          "`meridian restore`\n",
          r.name.c_str(), r.backup_dir.c_str());
      continue;
    }
    Child c;
    c.region = &r;
    c.pid = spawn(self_exe, cfg, r, data_dir, old_mask);
    c.started = Clock::now();
    children.push_back(c);
    std::printf("region %-12s pid %-7d connect: redis-cli -h %s -p %u\n", r.name.c_str(), c.pid,
                r.client.host.c_str(), r.client.port);
  }
  std::printf("data under %s; Ctrl-C stops the cluster\n", data_dir.c_str());
  std::fflush(stdout);

  bool stopping = false;
  Clock::time_point stop_deadline;
  while (true) {
    timespec timeout{0, 200L * 1000 * 1000};
    siginfo_t info;
    int sig = sigtimedwait(&mask, &info, &timeout);
    if ((sig == SIGINT || sig == SIGTERM) && !stopping) {
      stopping = true;
      stop_deadline = Clock::now() + std::chrono::seconds(15);
      spdlog::info("stopping {} region(s)", children.size());
      for (auto& c : children)
        if (c.pid > 0) kill(c.pid, SIGTERM);
    }
    int status = 0;
    pid_t pid;
    while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
      for (auto& c : children) {
        if (c.pid != pid) continue;
        c.pid = -1;
        if (stopping) break;
        // A region that ran for a while gets a fresh backoff.
        if (Clock::now() - c.started > std::chrono::seconds(60))
          c.backoff = std::chrono::milliseconds(500);
        spdlog::error("region {} exited ({} {}); restarting in {} ms", c.region->name,
                      WIFSIGNALED(status) ? "signal" : "status",
                      WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status),
                      c.backoff.count());
        c.restart_at = Clock::now() + c.backoff;
        c.backoff = std::min(c.backoff * 2, std::chrono::milliseconds(30000));
      }
    }
    if (stopping) {
      bool all_gone =
          std::all_of(children.begin(), children.end(), [](auto& c) { return c.pid < 0; });
      if (all_gone) return 0;
      if (Clock::now() > stop_deadline) {
        for (auto& c : children)
          if (c.pid > 0) kill(c.pid, SIGKILL);
      }
      continue;
    }
    for (auto& c : children) {
      if (c.pid < 0 && Clock::now() >= c.restart_at) {
        c.pid = spawn(self_exe, cfg, *c.region, data_dir, old_mask);
        c.started = Clock::now();
      }
    }
  }
}

}  // namespace meridian
