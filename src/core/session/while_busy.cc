// What a connection gets while another client's script is busy (Redis'
// processEventsWhileBlocked): BUSY, or SCRIPT KILL / FUNCTION KILL.
#include "core/commands/command_util.h"
#include "core/protocol/reply.h"
#include "core/region/region.h"
#include "core/session/session.h"

namespace meridian {

void Session::feed_while_busy(std::string_view bytes, std::string& out) {
  if (closing_) return;
  parser_.append(bytes);
  std::vector<std::string_view> argv;
  while (parser_.next(argv) == RequestParser::Result::kCommand) {
    if (argv.empty()) continue;
    Reply reply(out, proto_, &region_.stats().total_error_replies);
    const bool script = cmd::equals_ci(argv[0], "script");
    const bool kill = (script || cmd::equals_ci(argv[0], "function")) && argv.size() == 2 &&
                      cmd::equals_ci(argv[1], "kill");
    Scripts& scripts = region_.scripts();
    const char* busy = scripts.running_function()
                           ? "BUSY Redis is busy running a script. You can only call FUNCTION "
                             "KILL or SHUTDOWN NOSAVE."
                           : "BUSY Redis is busy running a script. You can only call SCRIPT KILL "
                             "or SHUTDOWN NOSAVE.";
    if (!kill) {
      reply.error(busy);
      continue;
    }
    switch (scripts.kill(!script)) {
      case Scripts::Kill::kNotBusy:
        reply.error("NOTBUSY No scripts in execution right now.");
        break;
      case Scripts::Kill::kUnkillable:
        reply.error(
            "UNKILLABLE Sorry the script already executed write commands against the dataset. "
            "You can either wait the script termination or kill the server in a hard way using "
            "the SHUTDOWN NOSAVE command.");
        break;
      case Scripts::Kill::kWrongKind:
        reply.error(busy);
        break;
      case Scripts::Kill::kKilled:
        reply.ok();
        break;
    }
  }
}

}  // namespace meridian
