// The ACL check of every command a client runs: at the top level, while a
// transaction is queued and again at EXEC, and inside scripts.
#include "core/region/client_info.h"
#include "core/region/region.h"
#include "core/session/session.h"

namespace meridian {

std::optional<AclRefusal> Session::acl_refusal(const CommandSpec& spec,
                                               const std::vector<std::string_view>& argv,
                                               const char* context) {
  if (forwarded_) return std::nullopt;
  const AclUser* u = region_.acl().find(user());
  std::optional<AclRefusal> refusal;
  if (u == nullptr) {
    // A deleted user's connections are closed; one caught mid-pipeline runs
    // nothing more.
    refusal = AclRefusal{AclRefusal::kCommand, spec.name};
  } else {
    refusal = acl_check(*u, spec, argv);
  }
  if (refusal) {
    static const char* const kReasons[] = {"command", "key", "channel"};
    AclLogEntry e;
    e.reason = kReasons[refusal->kind];
    e.context = context;
    e.object = refusal->object;
    e.username = user();
    e.created_ms = region_.now_ms();
    e.client_info = client_info_line(*this, region_.pubsub(), e.created_ms);
    region_.acl().log().add(std::move(e));
  }
  return refusal;
}

std::string Session::noperm_line(const AclRefusal& r) {
  switch (r.kind) {
    case AclRefusal::kCommand:
      return "NOPERM this user has no permissions to run the '" + r.object + "' command";
    case AclRefusal::kKey:
      return "NOPERM this user has no permissions to access one of the keys used as arguments";
    case AclRefusal::kChannel:
      break;
  }
  return "NOPERM this user has no permissions to access one of the channels used as arguments";
}

}  // namespace meridian
