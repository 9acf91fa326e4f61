#include "core/scripting/scripts.h"

#include <openssl/evp.h>

#include <lua.hpp>

extern "C" {
#include <lua-bitop.h>
#include <lua-cjson.h>
}

#include "core/base/assert.h"
#include "core/protocol/reply.h"
#include "core/scripting/lua_values.h"

namespace meridian {
namespace {

constexpr const char* kScriptsTable = "meridian_scripts";
constexpr const char* kFunctionsTable = "meridian_functions";
constexpr const char* kPendingTable = "meridian_pending";
constexpr const char* kMakeEnv = "meridian_function_env";

// A library's environment: the globals, read-only, where `redis` is the
// loading API (only register_function) until `finish` is called.
constexpr const char* kFunctionEnv = R"lua(
local G, set_meta, err = _G, setmetatable, error
return function(load_api)
  local loading = true
  local env = set_meta({}, {
    __index = function(t, k)
      if k == 'redis' and loading then return load_api end
      return G[k]
    end,
    __newindex = function(t, n, v) err('Attempt to modify a readonly table', 2) end,
    __metatable = false,
  })
  return env, function() loading = false end
end
)lua";

// What `redis` lacks while a library loads reads as a missing global.
constexpr const char* kLoadApiMeta = R"lua(
return {
  __index = function(t, n)
    error("Script attempted to access nonexistent global variable '" .. tostring(n) .. "'", 2)
  end,
  __newindex = function(t, n, v) error('Attempt to modify a readonly table', 2) end,
  __metatable = false,
}
)lua";
constexpr const char* kSelf = "meridian_self";
// Hook granularity: how many VM instructions run between time checks.
constexpr int kHookInstructions = 100000;

// Redis' error handler: a Lua error becomes {err=..., source=..., line=...}
// naming the script line that raised it (not the C function or the
// sandbox guard it called).
constexpr const char* kErrorHandler = R"lua(
local dbg = debug
__redis__err__handler = function(err)
  -- the script's own frame: past C functions and the sandbox's guards
  local level, i = 2, dbg.getinfo(2, 'nSl')
  while i and i.source ~= '@user_script' and i.source ~= '@user_function' do
    level = level + 1
    i = dbg.getinfo(level, 'nSl')
  end
  if type(err) ~= 'table' then err = {err = 'ERR ' .. tostring(err)} end
  if i then
    err['source'] = i.source
    err['line'] = i.currentline
  end
  return err
end
)lua";

// Globals and libraries read-only, as in Redis 7.0: a script can neither
// leave state behind for the next one nor change what the next one calls.
// As Redis 7.0's: pcall hands a script an error as its message string,
// also the {err=...} tables redis.call raises.
constexpr const char* kPcall = R"lua(
local lua_pcall = pcall
pcall = function(...)
  local result = {lua_pcall(...)}
  if not result[1] and type(result[2]) == 'table' and type(result[2].err) == 'string' then
    result[2] = result[2].err
  end
  return unpack(result, 1, table.maxn(result))
end
)lua";

constexpr const char* kProtect = R"lua(
local readonly = function(t, n, v) error('Attempt to modify a readonly table', 2) end
for _, lib in ipairs({string, table, math, cjson, bit, redis}) do
  setmetatable(lib, {__newindex = readonly, __metatable = false})
end
setmetatable(_G, {
  __newindex = readonly,
  __index = function(t, n)
    error("Script attempted to access nonexistent global variable '" .. tostring(n) .. "'", 2)
  end,
  __metatable = false,
})
)lua";

// rawset and setmetatable, refused on the globals table (C functions, so
// the error names the script's line even in a tail call); the originals
// are the first upvalue.
int guarded(lua_State* L) {
  if (lua_rawequal(L, 1, LUA_GLOBALSINDEX)) {
    lua_pushstring(L, "Attempt to modify a readonly table");
    return lua_error(L);
  }
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
  return lua_gettop(L);
}

void guard_global(lua_State* L, const char* name) {
  lua_getglobal(L, name);
  lua_pushcclosure(L, guarded, 1);
  lua_setglobal(L, name);
}

void push_error_table(lua_State* L, std::string_view msg) {
  lua_newtable(L);
  lua_pushlstring(L, msg.data(), msg.size());
  lua_setfield(L, -2, "err");
}

int raise(lua_State* L, std::string_view msg) {
  push_error_table(L, msg);
  return lua_error(L);
}

Scripts* self_of(lua_State* L) {
  lua_getfield(L, LUA_REGISTRYINDEX, kSelf);
  auto* s = static_cast<Scripts*>(lua_touserdata(L, -1));
  lua_pop(L, 1);
  return s;
}

int error_reply(lua_State* L) {
  if (lua_gettop(L) != 1 || lua_type(L, 1) != LUA_TSTRING) {
    return raise(L, "ERR wrong number or type of arguments");
  }
  std::string_view msg = lua_tostring(L, 1);
  if (!msg.empty() && msg[0] == '-') msg.remove_prefix(1);
  push_error_table(L, msg);
  return 1;
}

int status_reply(lua_State* L) {
  if (lua_gettop(L) != 1 || lua_type(L, 1) != LUA_TSTRING) {
    return raise(L, "ERR wrong number or type of arguments");
  }
  lua_newtable(L);
  lua_pushvalue(L, 1);
  lua_setfield(L, -2, "ok");
  return 1;
}

int sha1hex(lua_State* L) {
  if (lua_gettop(L) != 1) return raise(L, "ERR wrong number of arguments");
  size_t n = 0;
  const char* s = lua_tolstring(L, 1, &n);
  std::string hex = Scripts::sha1_hex(std::string_view(s != nullptr ? s : "", n));
  lua_pushlstring(L, hex.data(), hex.size());
  return 1;
}

// redis.log(level, message...): accepted and checked as Redis does; the
// core writes no log of its own.
int log(lua_State* L) {
  if (lua_gettop(L) < 2) return raise(L, "ERR redis.log() requires two arguments or more.");
  if (!lua_isnumber(L, 1)) return raise(L, "ERR First argument must be a number (log level).");
  const auto level = lua_tointeger(L, 1);
  if (level < 0 || level > 3) return raise(L, "ERR Invalid debug level.");
  return 0;
}

int set_repl(lua_State* L) {
  if (lua_gettop(L) != 1) return raise(L, "ERR redis.set_repl() requires one argument.");
  return 0;  // effects are always what replicates
}

int replicate_commands(lua_State* L) {
  lua_pushboolean(L, 1);
  return 1;
}

void push_strings(lua_State* L, const std::vector<std::string_view>& values) {
  lua_createtable(L, static_cast<int>(values.size()), 0);
  for (size_t i = 0; i < values.size(); ++i) {
    lua_pushlstring(L, values[i].data(), values[i].size());
    lua_rawseti(L, -2, static_cast<int>(i + 1));
  }
}

// The message of the error object at the top (the handler's table or a
// string) and where it was raised.
std::string error_message(lua_State* L, std::string* source, std::string* line) {
  std::string msg = "ERR unknown error";
  if (lua_istable(L, -1)) {
    lua_getfield(L, -1, "err");
    if (lua_isstring(L, -1)) msg = lua_tostring(L, -1);
    lua_getfield(L, -2, "source");
    if (lua_isstring(L, -1)) *source = lua_tostring(L, -1);
    lua_getfield(L, -3, "line");
    if (lua_isstring(L, -1)) *line = lua_tostring(L, -1);
    lua_pop(L, 3);
  } else if (lua_isstring(L, -1)) {
    msg = std::string("ERR ") + lua_tostring(L, -1);
  }
  return msg;
}

// (Redis 7.0 says "Library" for a function's name too.)
constexpr std::string_view kBadFunctionName =
    "ERR Library names can only contain letters, numbers, or underscores(_) and must be at "
    "least one character long";

void set_number(lua_State* L, const char* name, int v) {
  lua_pushnumber(L, v);
  lua_setfield(L, -2, name);
}

}  // namespace

bool Scripts::valid_name(std::string_view name) {
  bool ok = !name.empty();
  for (char c : name) ok = ok && (std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_');
  return ok;
}

Scripts::Scripts(std::function<int64_t()> now_ms) : now_ms_(std::move(now_ms)) {
  open();
}

Scripts::~Scripts() {
  close();
}

std::string Scripts::sha1_hex(std::string_view text) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(text.data(), text.size(), md, &len, EVP_sha1(), nullptr);
  static const char* const kHex = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < len; ++i) {
    out.push_back(kHex[md[i] >> 4]);
    out.push_back(kHex[md[i] & 15]);
  }
  return out;
}

void Scripts::open() {
  L_ = luaL_newstate();
  const std::pair<lua_CFunction, const char*> libs[] = {
      {luaopen_base, ""},
      {luaopen_table, LUA_TABLIBNAME},
      {luaopen_string, LUA_STRLIBNAME},
      {luaopen_math, LUA_MATHLIBNAME},
      {luaopen_debug, LUA_DBLIBNAME}};  // for the error handler; removed below
  for (const auto& [fn, name] : libs) {
    lua_pushcfunction(L_, fn);
    lua_pushstring(L_, name);
    lua_call(L_, 1, 0);
  }
  lua_pushcfunction(L_, luaopen_cjson);
  lua_call(L_, 0, 1);
  lua_setglobal(L_, "cjson");
  lua_pushcfunction(L_, luaopen_bit);
  lua_call(L_, 0, 1);
  lua_setglobal(L_, "bit");
  // What reaches the system or escapes the sandbox.
  for (const char* name : {"print", "dofile", "loadfile", "require", "module", "newproxy",
                           "setfenv", "getfenv", "package"}) {
    lua_pushnil(L_);
    lua_setglobal(L_, name);
  }
  lua_pushlightuserdata(L_, this);
  lua_setfield(L_, LUA_REGISTRYINDEX, kSelf);
  for (const char* table : {kScriptsTable, kFunctionsTable, kPendingTable}) {
    lua_newtable(L_);
    lua_setfield(L_, LUA_REGISTRYINDEX, table);
  }
  MERIDIAN_ASSERT(luaL_dostring(L_, kFunctionEnv) == 0, "the function env compiles");
  lua_setfield(L_, LUA_REGISTRYINDEX, kMakeEnv);

  lua_newtable(L_);
  const std::pair<const char*, lua_CFunction> fns[] = {{"call", redis_call},
                                                       {"pcall", redis_pcall},
                                                       {"error_reply", error_reply},
                                                       {"status_reply", status_reply},
                                                       {"sha1hex", sha1hex},
                                                       {"log", log},
                                                       {"setresp", Scripts::setresp},
                                                       {"set_repl", set_repl},
                                                       {"replicate_commands", replicate_commands}};
  for (const auto& [name, fn] : fns) {
    lua_pushcfunction(L_, fn);
    lua_setfield(L_, -2, name);
  }
  set_number(L_, "LOG_DEBUG", 0);
  set_number(L_, "LOG_VERBOSE", 1);
  set_number(L_, "LOG_NOTICE", 2);
  set_number(L_, "LOG_WARNING", 3);
  set_number(L_, "REPL_NONE", 0);
  set_number(L_, "REPL_AOF", 1);
  set_number(L_, "REPL_SLAVE", 2);
  set_number(L_, "REPL_REPLICA", 2);
  set_number(L_, "REPL_ALL", 3);
  lua_setglobal(L_, "redis");

  MERIDIAN_ASSERT(luaL_dostring(L_, kErrorHandler) == 0, "the error handler compiles");
  lua_pushnil(L_);
  lua_setglobal(L_, "debug");
  MERIDIAN_ASSERT(luaL_dostring(L_, kPcall) == 0, "pcall compiles");
  MERIDIAN_ASSERT(luaL_dostring(L_, kProtect) == 0, "the protection compiles");
  guard_global(L_, "rawset");
  guard_global(L_, "setmetatable");
}

void Scripts::close() {
  if (L_ != nullptr) lua_close(L_);
  L_ = nullptr;
}

void Scripts::flush() {
  MERIDIAN_ASSERT(!running_, "SCRIPT FLUSH never runs inside a script");
  close();
  cached_.clear();
  eval_order_.clear();
  open();
  if (on_reset) on_reset();
}

bool Scripts::exists(std::string_view sha) const {
  std::string s(sha);
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return cached_.count(s) != 0;
}

std::optional<std::string> Scripts::load(std::string_view body, bool from_eval,
                                         std::string* error) {
  std::string sha = sha1_hex(body);
  auto it = cached_.find(sha);
  if (it != cached_.end()) {
    if (!from_eval) it->second = true;  // SCRIPT LOAD keeps it
    return sha;
  }
  if (luaL_loadbuffer(L_, body.data(), body.size(), "@user_script") != 0) {
    *error = std::string("ERR Error compiling script (new function): ") + lua_tostring(L_, -1);
    lua_pop(L_, 1);
    return std::nullopt;
  }
  lua_getfield(L_, LUA_REGISTRYINDEX, kScriptsTable);
  lua_pushvalue(L_, -2);
  lua_setfield(L_, -2, sha.c_str());
  lua_pop(L_, 2);
  cached_[sha] = !from_eval;
  if (from_eval) {
    eval_order_.push_back(sha);
    // Bounded: the oldest scripts EVAL loaded (and SCRIPT LOAD did not pin) go.
    while (eval_order_.size() > kMaxEvalScripts) {
      std::string old = std::move(eval_order_.front());
      eval_order_.pop_front();
      auto o = cached_.find(old);
      if (o == cached_.end() || o->second) continue;
      cached_.erase(o);
      lua_getfield(L_, LUA_REGISTRYINDEX, kScriptsTable);
      lua_pushnil(L_);
      lua_setfield(L_, -2, old.c_str());
      lua_pop(L_, 1);
    }
  }
  return sha;
}

bool Scripts::run(const std::string& sha, const std::vector<std::string_view>& keys,
                  const std::vector<std::string_view>& args, const Call& call, Reply& reply) {
  const int base = lua_gettop(L_);
  if (!push_callable(kScriptsTable, sha)) return false;
  for (const auto& [name, values] : {std::pair{"KEYS", &keys}, std::pair{"ARGV", &args}}) {
    lua_pushstring(L_, name);
    push_strings(L_, *values);
    lua_rawset(L_, LUA_GLOBALSINDEX);  // the only globals a script gets
  }
  function_running_ = false;
  execute(base, 0, sha, call, reply);
  return true;
}

bool Scripts::run_function(const std::string& name, const std::vector<std::string_view>& keys,
                           const std::vector<std::string_view>& args, const Call& call,
                           Reply& reply) {
  const int base = lua_gettop(L_);
  if (!push_callable(kFunctionsTable, name)) return false;
  push_strings(L_, keys);
  push_strings(L_, args);
  function_running_ = true;
  execute(base, 2, name, call, reply);
  return true;
}

bool Scripts::push_callable(const char* table, const std::string& name) {
  const int base = lua_gettop(L_);
  lua_getglobal(L_, "__redis__err__handler");
  lua_getfield(L_, LUA_REGISTRYINDEX, table);
  lua_getfield(L_, -1, name.c_str());
  if (lua_isnil(L_, -1)) {
    lua_settop(L_, base);
    return false;
  }
  lua_remove(L_, -2);
  return true;
}

void Scripts::execute(int base, int nargs, const std::string& name, const Call& call,
                      Reply& reply) {
  call_ = &call;
  running_ = true;
  resp_ = 2;  // every script starts in RESP2, as in Redis
  started_ms_ = now_ms_();
  busy_ = wrote_ = kill_requested_ = false;
  lua_sethook(L_, hook, LUA_MASKCOUNT, kHookInstructions);
  const int rc = lua_pcall(L_, nargs, 1, base + 1);
  lua_sethook(L_, nullptr, 0, 0);
  running_ = busy_ = kill_requested_ = false;
  call_ = nullptr;
  if (rc == 0) {
    lua_values::write_reply(L_, -1, reply, resp_);
  } else {
    std::string source, line;
    std::string msg = error_message(L_, &source, &line);
    msg += " script: " + name;
    if (!source.empty() && !line.empty()) msg += ", on " + source + ":" + line + ".";
    reply.error(lua_values::one_line(msg));
  }
  lua_settop(L_, base);
  lua_gc(L_, LUA_GCSTEP, 1);
}

std::optional<std::vector<Scripts::Registered>> Scripts::load_library(std::string_view code,
                                                                      std::string* error) {
  // The metadata line stays a line (a comment), so errors name the lines
  // of the code as written.
  std::string body(code);
  body.replace(0, std::min(body.find('\n'), body.size()), "--");
  const int base = lua_gettop(L_);
  lua_getglobal(L_, "__redis__err__handler");
  if (luaL_loadbuffer(L_, body.data(), body.size(), "@user_function") != 0) {
    *error = std::string("ERR Error compiling function: ") + lua_tostring(L_, -1);
    lua_settop(L_, base);
    return std::nullopt;
  }
  // env, finish = make_env(load_api)
  lua_getfield(L_, LUA_REGISTRYINDEX, kMakeEnv);
  lua_newtable(L_);
  lua_pushcfunction(L_, register_function);
  lua_setfield(L_, -2, "register_function");
  lua_pushcfunction(L_, log);
  lua_setfield(L_, -2, "log");
  MERIDIAN_ASSERT(luaL_dostring(L_, kLoadApiMeta) == 0, "the load API compiles");
  lua_setmetatable(L_, -2);
  lua_call(L_, 1, 2);  // base+3: env, base+4: finish
  lua_pushvalue(L_, base + 3);
  lua_setfenv(L_, base + 2);  // the chunk's globals
  lua_pushvalue(L_, base + 2);
  pending_.clear();
  lua_newtable(L_);
  lua_setfield(L_, LUA_REGISTRYINDEX, kPendingTable);
  started_ms_ = now_ms_();
  running_ = true;
  lua_sethook(L_, hook, LUA_MASKCOUNT, kHookInstructions);
  const int rc = lua_pcall(L_, 0, 0, base + 1);
  lua_sethook(L_, nullptr, 0, 0);
  running_ = false;
  if (rc != 0) {
    std::string source, line;
    *error = "ERR Error registering functions: " + error_message(L_, &source, &line);
  }
  lua_pushvalue(L_, base + 4);
  lua_call(L_, 0, 0);  // finish: callbacks see the whole `redis` from now on
  lua_settop(L_, base);
  if (rc != 0) return std::nullopt;
  if (pending_.empty()) {
    *error = "ERR No functions registered";
    return std::nullopt;
  }
  return pending_;
}

void Scripts::commit_library(const std::vector<std::string>& add,
                             const std::vector<std::string>& remove) {
  lua_getfield(L_, LUA_REGISTRYINDEX, kFunctionsTable);
  for (const auto& name : remove) {
    lua_pushnil(L_);
    lua_setfield(L_, -2, name.c_str());
  }
  lua_getfield(L_, LUA_REGISTRYINDEX, kPendingTable);
  for (const auto& name : add) {
    lua_getfield(L_, -1, name.c_str());
    lua_setfield(L_, -3, name.c_str());
  }
  lua_pop(L_, 2);
  lua_newtable(L_);
  lua_setfield(L_, LUA_REGISTRYINDEX, kPendingTable);
  pending_.clear();
}

// redis.register_function(name, callback) or
// redis.register_function{function_name=, callback=, flags=, description=}.
int Scripts::register_function(lua_State* L) {
  Scripts* self = self_of(L);
  Registered r;
  int callback = 0;
  if (lua_gettop(L) == 1 && lua_istable(L, 1)) {
    lua_getfield(L, 1, "function_name");  // 2
    lua_getfield(L, 1, "callback");       // 3
    lua_getfield(L, 1, "description");    // 4
    lua_getfield(L, 1, "flags");          // 5
    if (lua_type(L, 2) != LUA_TSTRING) {
      return raise(L,
                   "ERR function_name argument given to redis.register_function must be a "
                   "string");
    }
    r.name = lua_tostring(L, 2);
    callback = 3;
    if (!lua_isnil(L, 4)) {
      if (lua_type(L, 4) != LUA_TSTRING) {
        return raise(L,
                     "ERR description argument given to redis.register_function must be a "
                     "string");
      }
      r.description = lua_tostring(L, 4);
    }
    if (!lua_isnil(L, 5)) {
      if (!lua_istable(L, 5)) {
        return raise(L,
                     "ERR flags argument to redis.register_function must be a table "
                     "representing function flags");
      }
      for (int i = 1;; ++i) {
        lua_rawgeti(L, 5, i);
        if (lua_isnil(L, -1)) break;
        std::string f = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "";
        if (f != "no-writes" && f != "allow-oom" && f != "allow-stale" && f != "no-cluster" &&
            f != "allow-cross-slot-keys") {
          return raise(L, "ERR unknown flag given");
        }
        r.flags.push_back(f);
        lua_pop(L, 1);
      }
    }
  } else if (lua_gettop(L) == 2) {
    if (lua_type(L, 1) != LUA_TSTRING) {
      return raise(L,
                   "ERR function_name argument given to redis.register_function must be a "
                   "string");
    }
    r.name = lua_tostring(L, 1);
    callback = 2;
  } else {
    return raise(L, "ERR wrong number of arguments to redis.register_function");
  }
  if (!lua_isfunction(L, callback)) {
    return raise(L, callback == 2
                        ? "ERR second argument to redis.register_function must be a function"
                        : "ERR callback argument given to redis.register_function must be a "
                          "function");
  }
  if (!valid_name(r.name)) return raise(L, kBadFunctionName);
  for (const auto& p : self->pending_) {
    if (p.name == r.name) return raise(L, "ERR Function already exists in the library");
  }
  lua_getfield(L, LUA_REGISTRYINDEX, kPendingTable);
  lua_pushvalue(L, callback);
  lua_setfield(L, -2, r.name.c_str());
  lua_pop(L, 1);
  self->pending_.push_back(std::move(r));
  return 0;
}

int Scripts::setresp(lua_State* L) {
  if (lua_gettop(L) != 1) return raise(L, "ERR redis.setresp() requires one argument.");
  const auto v = lua_tointeger(L, 1);
  if (v != 2 && v != 3) return raise(L, "ERR RESP version must be 2 or 3.");
  self_of(L)->resp_ = static_cast<int>(v);
  return 0;
}

int Scripts::redis_call(lua_State* L) {
  return command(L, true);
}

int Scripts::redis_pcall(lua_State* L) {
  return command(L, false);
}

int Scripts::command(lua_State* L, bool raise_errors) {
  Scripts* self = self_of(L);
  const int argc = lua_gettop(L);
  if (argc == 0)
    return raise(L, "ERR Please specify at least one argument for this redis lib call");
  std::vector<std::string> args(static_cast<size_t>(argc));
  for (int i = 1; i <= argc; ++i) {
    const int t = lua_type(L, i);
    if (t != LUA_TSTRING && t != LUA_TNUMBER) {
      return raise(L, "ERR Lua redis lib command arguments must be strings or integers");
    }
    size_t n = 0;
    const char* s = lua_tolstring(L, i, &n);
    args[static_cast<size_t>(i - 1)].assign(s, n);
  }
  std::vector<std::string_view> argv(args.begin(), args.end());
  std::string out;
  MERIDIAN_ASSERT(self->call_ != nullptr, "redis.call runs inside a script");
  if (auto err = (*self->call_)(argv, out, self->resp_)) {
    if (raise_errors) return raise(L, *err);
    push_error_table(L, *err);
    return 1;
  }
  if (!lua_values::push_reply(L, out))
    return raise(L, "ERR reply of the command could not be read");
  if (raise_errors && !out.empty() && out[0] == '-') return lua_error(L);
  return 1;
}

Scripts::Kill Scripts::kill(bool function) {
  if (!busy_) return Kill::kNotBusy;
  if (wrote_) return Kill::kUnkillable;
  if (function != function_running_) return Kill::kWrongKind;
  kill_requested_ = true;
  return Kill::kKilled;
}

void Scripts::hook(lua_State* L, lua_Debug* ar) {
  (void)ar;
  Scripts* self = self_of(L);
  auto stop = [&](const std::string& why) {
    lua_sethook(L, hook, LUA_MASKLINE, 0);  // again at every line: a pcall cannot outlive it
    raise(L, why);
  };
  if (self->kill_requested_) stop("ERR Script killed by user with SCRIPT KILL...");
  if (self->time_limit_ms_ <= 0) return;
  const int64_t now = self->now_ms_();
  if (now - self->started_ms_ <= self->time_limit_ms_) return;
  if (!self->busy_poll) {
    stop("ERR Script killed: it ran longer than lua-time-limit (" +
         std::to_string(self->time_limit_ms_) + " ms)");
  }
  if (self->busy_ && now - self->last_poll_ms_ < kBusyPollMs) return;
  self->busy_ = true;
  self->last_poll_ms_ = now;
  self->busy_poll();
  if (self->kill_requested_) stop("ERR Script killed by user with SCRIPT KILL...");
}

}  // namespace meridian
