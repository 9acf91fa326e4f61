#pragma once
// Lua function libraries (FUNCTION LOAD / LIST / DELETE / FLUSH / STATS,
// FCALL, FCALL_RO), on the interpreter of Scripts: a library's code starts
// with "#!lua name=<library>" and registers its functions with
// redis.register_function while it loads (the only thing `redis` offers
// then); a function runs as a script does, with its keys and arguments as
// parameters. Libraries are kept in the region's storage by the caller
// (blob() / restore()) and survive restarts; they are per region.
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/scripting/scripts.h"

namespace meridian {

class Reply;

class Functions {
 public:
  explicit Functions(Scripts& scripts);

  struct Function {
    std::string name, description, library;
    std::vector<std::string> flags;
    bool no_writes() const;
  };
  struct Library {
    std::string name, code;
    std::vector<std::string> functions;
  };

  // FUNCTION LOAD [REPLACE]: the library's name, or nothing with Redis'
  // error in `error`.
  std::optional<std::string> load(std::string_view code, bool replace, std::string* error);
  bool remove(std::string_view library);
  void flush();
  // FUNCTION RESTORE: loads the libraries `codes`, all or none. kAppend
  // refuses a library that exists, kReplace replaces it, kFlush deletes
  // every library first. False with Redis' error in `error`.
  enum class RestorePolicy { kAppend, kReplace, kFlush };
  bool restore_libraries(const std::vector<std::string>& codes, RestorePolicy policy,
                         std::string* error);
  const std::map<std::string, Library>& libraries() const { return libraries_; }
  const Function* find(std::string_view name) const;
  size_t function_count() const { return functions_.size(); }

  // FCALL: runs `name` (which find() found) and writes its reply.
  void call(const Function& f, const std::vector<std::string_view>& keys,
            const std::vector<std::string_view>& args, const Scripts::Call& call, Reply& reply);

  // Every library's code, for storage; restore() loads them back (after a
  // restart, or after SCRIPT FLUSH renewed the interpreter).
  std::string blob() const;
  void restore(std::string_view blob);

 private:
  Scripts& scripts_;
  std::map<std::string, Library> libraries_;
  std::map<std::string, Function, std::less<>> functions_;
};

}  // namespace meridian
