#include "core/scripting/lua_values.h"

#include <cmath>
#include <lua.hpp>
#include <string>

#include "core/base/numbers.h"
#include "core/protocol/reply.h"

namespace meridian::lua_values {
namespace {

// Nesting beyond this is cut off (a script cannot make the server recurse
// without bound).
constexpr int kMaxDepth = 64;

bool line(std::string_view& in, std::string_view* out) {
  size_t end = in.find("\r\n");
  if (end == std::string_view::npos) return false;
  *out = in.substr(1, end - 1);
  in.remove_prefix(end + 2);
  return true;
}

bool push_one(lua_State* L, std::string_view& in, int depth) {
  if (in.empty() || depth > kMaxDepth) return false;
  const char type = in[0];
  std::string_view text;
  if (!line(in, &text)) return false;
  auto set_field = [&](const char* name) {
    lua_newtable(L);
    lua_pushlstring(L, text.data(), text.size());
    lua_setfield(L, -2, name);
  };
  switch (type) {
    case '+':
      set_field("ok");
      return true;
    case '-':
      set_field("err");
      return true;
    case ':': {
      auto v = parse_int64(text);
      lua_pushnumber(L, static_cast<lua_Number>(v.value_or(0)));
      return true;
    }
    case '$': {
      auto n = parse_int64(text);
      if (!n) return false;
      if (*n < 0) {
        lua_pushboolean(L, 0);
        return true;
      }
      auto len = static_cast<size_t>(*n);
      if (in.size() < len + 2) return false;
      lua_pushlstring(L, in.data(), len);
      in.remove_prefix(len + 2);
      return true;
    }
    case '*': {
      auto n = parse_int64(text);
      if (!n) return false;
      if (*n < 0) {
        lua_pushboolean(L, 0);
        return true;
      }
      lua_createtable(L, static_cast<int>(std::min<int64_t>(*n, 1024)), 0);
      for (int64_t i = 1; i <= *n; ++i) {
        if (!push_one(L, in, depth + 1)) {
          lua_pop(L, 1);
          return false;
        }
        lua_rawseti(L, -2, static_cast<int>(i));
      }
      return true;
    }
    default:
      return false;
  }
}

// The string field `name` of the table at `index`, if it has one.
bool string_field(lua_State* L, int index, const char* name, std::string* out) {
  lua_getfield(L, index, name);
  const bool is = lua_type(L, -1) == LUA_TSTRING;
  if (is) {
    size_t n = 0;
    const char* s = lua_tolstring(L, -1, &n);
    out->assign(s, n);
  }
  lua_pop(L, 1);
  return is;
}

void write(lua_State* L, int index, Reply& reply, int depth) {
  switch (lua_type(L, index)) {
    case LUA_TSTRING: {
      size_t n = 0;
      const char* s = lua_tolstring(L, index, &n);
      return reply.bulk(std::string_view(s, n));
    }
    case LUA_TBOOLEAN:
      return lua_toboolean(L, index) ? reply.integer(1) : reply.null();
    case LUA_TNUMBER:
      return reply.integer(static_cast<int64_t>(lua_tonumber(L, index)));
    case LUA_TTABLE: {
      std::string text;
      if (string_field(L, index, "err", &text)) return reply.error(one_line(text));
      if (string_field(L, index, "ok", &text)) return reply.simple(one_line(text));
      if (depth >= kMaxDepth) return reply.null();
      size_t n = 0;
      while (true) {
        lua_rawgeti(L, index, static_cast<int>(n + 1));
        const bool nil = lua_isnil(L, -1);
        lua_pop(L, 1);
        if (nil) break;
        ++n;
      }
      reply.array(n);
      for (size_t i = 1; i <= n; ++i) {
        lua_rawgeti(L, index, static_cast<int>(i));
        write(L, lua_gettop(L), reply, depth + 1);
        lua_pop(L, 1);
      }
      return;
    }
    default:
      return reply.null();
  }
}

}  // namespace

std::string one_line(std::string text) {
  for (char& c : text)
    if (c == '\r' || c == '\n') c = ' ';
  return text;
}

bool push_reply(lua_State* L, std::string_view resp) {
  const int top = lua_gettop(L);
  if (push_one(L, resp, 0)) return true;
  lua_settop(L, top);
  return false;
}

void write_reply(lua_State* L, int index, Reply& reply) {
  if (index < 0) index = lua_gettop(L) + index + 1;
  write(L, index, reply, 0);
}

}  // namespace meridian::lua_values
