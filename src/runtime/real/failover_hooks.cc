#include "runtime/real/failover_hooks.h"

#include <httplib.h>
#include <spawn.h>
#include <spdlog/spdlog.h>
#include <sys/wait.h>

#include <nlohmann/json.hpp>
#include <thread>
#include <vector>

extern char** environ;

namespace meridian {
namespace {

std::string name_of(const std::map<RegionId, std::string>& names, RegionId id) {
  auto it = names.find(id);
  return it != names.end() ? it->second : std::to_string(id);
}

void run_command(const std::string& command, const nlohmann::json& details) {
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) env.emplace_back(*e);
  for (const auto& [k, v] : details.items()) {
    std::string upper = k;
    for (auto& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    env.push_back("MERIDIAN_" + upper + "=" + (v.is_string() ? v.get<std::string>() : v.dump()));
  }
  std::vector<char*> envp;
  for (auto& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);
  std::string sh = "/bin/sh", c = "-c", cmd = command;
  char* argv[] = {sh.data(), c.data(), cmd.data(), nullptr};
  pid_t pid = 0;
  if (posix_spawn(&pid, "/bin/sh", nullptr, nullptr, argv, envp.data()) != 0) {
    spdlog::warn("failover hook: cannot run '{}'", command);
    return;
  }
  int status = 0;
  waitpid(pid, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    spdlog::warn("failover hook '{}' exited with status {}", command, WEXITSTATUS(status));
  }
}

void post(const std::string& url, const std::string& body) {
  // http://host:port/path
  const std::string scheme = "http://";
  if (url.rfind(scheme, 0) != 0) {
    spdlog::warn("failover hook url '{}' is not http://host:port/path", url);
    return;
  }
  std::string rest = url.substr(scheme.size());
  size_t slash = rest.find('/');
  std::string host = rest.substr(0, slash);
  std::string path = slash == std::string::npos ? "/" : rest.substr(slash);
  httplib::Client client("http://" + host);
  client.set_connection_timeout(5);
  auto res = client.Post(path, body, "application/json");
  if (!res || res->status >= 300) {
    spdlog::warn("failover hook POST {} failed: {}", url,
                 res ? "HTTP " + std::to_string(res->status) : httplib::to_string(res.error()));
  }
}

}  // namespace

std::string change_json(const PrimaryChange& c, const std::map<RegionId, std::string>& names,
                        RegionId original_primary) {
  nlohmann::json j{{"event", c.to == original_primary ? "failback" : "failover"},
                   {"epoch", c.epoch},
                   {"from", name_of(names, c.from)},
                   {"to", name_of(names, c.to)},
                   {"reason", c.reason},
                   {"start_ms", c.start_ms},
                   {"end_ms", c.end_ms},
                   {"log_position", c.log_position},
                   {"unreplicated_writes", c.unreplicated}};
  return j.dump();
}

void run_hooks(const FailoverHooks& hooks, const PrimaryChange& c,
               const std::map<RegionId, std::string>& names, RegionId original_primary) {
  if (hooks.command.empty() && hooks.url.empty()) return;
  std::string body = change_json(c, names, original_primary);
  std::thread([hooks, body] {
    auto details = nlohmann::json::parse(body);
    if (!hooks.command.empty()) run_command(hooks.command, details);
    if (!hooks.url.empty()) post(hooks.url, body);
  }).detach();
}

}  // namespace meridian
