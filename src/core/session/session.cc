#include "core/session/session.h"

#include "core/commands/command_util.h"
#include "core/protocol/reply.h"
#include "core/region.h"

namespace meridian {

Session::Session(Region& region, uint64_t id, std::string peer_address)
    : region_(region), id_(id), peer_(std::move(peer_address)), parser_(region.settings().limits) {
  authenticated_ = !region_.settings().auth_required();
  parser_.set_unauthenticated(!authenticated_);
  ++region_.stats().connected_clients;
  ++region_.stats().total_connections_received;
  created_ms_ = last_command_ms_ = region_.now_ms();
  region_.sessions_.push_back(this);
}

Session::~Session() {
  --region_.stats().connected_clients;
  std::erase(region_.sessions_, this);
}

void Session::set_authenticated(const std::string& user) {
  authenticated_ = true;
  user_ = user;
  parser_.set_unauthenticated(false);
}

bool Session::feed(std::string_view bytes, std::string& out) {
  if (closing_) return false;
  parser_.append(bytes);
  while (!closing_) {
    auto r = parser_.next(argv_);
    if (r == RequestParser::Result::kNeedMore) break;
    if (r == RequestParser::Result::kError) {
      Reply(out, proto_, &region_.stats().total_error_replies).error(parser_.error());
      ++region_.stats().protocol_errors;
      closing_ = true;
      break;
    }
    dispatch(argv_, out);
  }
  return !closing_;
}

namespace {

// Redis' wording, including the quoted beginning of the arguments. Redis
// formats with "%.*s", so an argument ends at its first NUL byte.
std::string unknown_command_error(const std::vector<std::string_view>& argv) {
  std::string args;
  for (size_t i = 1; i < argv.size() && args.size() < 128; ++i) {
    size_t room = 128 - args.size();
    args.push_back('\'');
    args.append(cmd::as_c_string(argv[i]).substr(0, room));
    args.append("' ");
  }
  std::string msg = "ERR unknown command '";
  msg.append(cmd::as_c_string(argv[0]).substr(0, 128));
  msg.append("', with args beginning with: ");
  msg.append(args);
  return msg;
}

}  // namespace

void Session::dispatch(std::vector<std::string_view>& argv, std::string& out) {
  Reply reply(out, proto_, &region_.stats().total_error_replies);
  const CommandSpec* spec = region_.commands().find(argv[0]);
  if (spec == nullptr) return reply.error(unknown_command_error(argv));
  const int argc = static_cast<int>(argv.size());
  if ((spec->arity > 0 && spec->arity != argc) || argc < -spec->arity) {
    return cmd::arity_error(reply, spec->name);
  }
  if (!authenticated_ && !(spec->flags & kCmdNoAuth)) {
    return reply.error("NOAUTH Authentication required.");
  }
  CommandContext ctx{region_, *this, region_.keyspace(), argv, reply, region_.now_ms()};
  last_command_ms_ = ctx.now_ms;
  last_command_ = spec->name;
  spec->handler(ctx);
  ++region_.stats().total_commands_processed;
}

}  // namespace meridian
