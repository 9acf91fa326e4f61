#include "core/scripting/lua_values.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
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
  // A table holding `name` = the value pushed by `push`.
  auto wrap = [&](const char* name, auto push) {
    lua_newtable(L);
    push();
    lua_setfield(L, -2, name);
    return true;
  };
  // RESP3 aggregates: `n` elements (pairs of them for a map).
  auto aggregate = [&](const char* name, bool pairs) {
    auto n = parse_int64(text);
    if (!n || *n < 0) return false;
    lua_newtable(L);
    lua_newtable(L);
    for (int64_t i = 0; i < *n; ++i) {
      if (!push_one(L, in, depth + 1)) {
        lua_pop(L, 2);
        return false;
      }
      if (pairs) {
        if (!push_one(L, in, depth + 1)) {
          lua_pop(L, 3);
          return false;
        }
      } else {
        lua_pushboolean(L, 1);
      }
      lua_settable(L, -3);
    }
    lua_setfield(L, -2, name);
    return true;
  };
  switch (type) {
    case '+':
      set_field("ok");
      return true;
    case '_':
      lua_pushnil(L);
      return true;
    case '#':
      lua_pushboolean(L, text == "t" ? 1 : 0);
      return true;
    case ',':
      return wrap("double", [&] {
        lua_pushnumber(L, static_cast<lua_Number>(std::strtod(std::string(text).c_str(), nullptr)));
      });
    case '(':
      return wrap("big_number", [&] { lua_pushlstring(L, text.data(), text.size()); });
    case '%':
      return aggregate("map", true);
    case '~':
      return aggregate("set", false);
    case '|': {
      // Attributes are skipped: the value follows them.
      auto n = parse_int64(text);
      if (!n || *n < 0) return false;
      for (int64_t i = 0; i < 2 * *n; ++i) {
        if (!push_one(L, in, depth + 1)) return false;
        lua_pop(L, 1);
      }
      return push_one(L, in, depth);
    }
    case '=': {
      auto n = parse_int64(text);
      if (!n || *n < 4 || in.size() < static_cast<size_t>(*n) + 2) return false;
      const std::string_view body = in.substr(0, static_cast<size_t>(*n));
      in.remove_prefix(static_cast<size_t>(*n) + 2);
      return wrap("verbatim_string", [&] {
        lua_newtable(L);
        lua_pushlstring(L, body.data(), 3);
        lua_setfield(L, -2, "format");
        lua_pushlstring(L, body.data() + 4, body.size() - 4);
        lua_setfield(L, -2, "string");
      });
    }
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

// The field `name` of the table at `index`, pushed when it is of Lua type
// `type` (true), else nothing pushed.
bool push_field(lua_State* L, int index, const char* name, int type) {
  lua_getfield(L, index, name);
  if (lua_type(L, -1) == type) return true;
  lua_pop(L, 1);
  return false;
}

// Redis' addReplyDouble: "%.17g", or inf / -inf.
std::string double_text(lua_Number d) {
  if (std::isinf(d)) return d > 0 ? "inf" : "-inf";
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.17g", static_cast<double>(d));
  return buf;
}

void write(lua_State* L, int index, Reply& reply, int resp, int depth);

// The RESP3-shaped tables: {double=}, {big_number=}, {verbatim_string=},
// {map=}, {set=}. False when the table at `index` is none of them.
bool write_typed(lua_State* L, int index, Reply& reply, int resp, int depth) {
  std::string text;
  if (push_field(L, index, "double", LUA_TNUMBER)) {
    reply.dbl(double_text(lua_tonumber(L, -1)));
    lua_pop(L, 1);
    return true;
  }
  if (string_field(L, index, "big_number", &text)) {
    reply.big_number(one_line(text));
    return true;
  }
  if (push_field(L, index, "verbatim_string", LUA_TTABLE)) {
    std::string format, str;
    const int t = lua_gettop(L);
    const bool ok = string_field(L, t, "format", &format) && string_field(L, t, "string", &str);
    lua_pop(L, 1);
    if (ok) {
      reply.verbatim(str, format);
      return true;
    }
  }
  for (const bool map : {true, false}) {
    if (!push_field(L, index, map ? "map" : "set", LUA_TTABLE)) continue;
    const int t = lua_gettop(L);
    size_t n = 0;
    lua_pushnil(L);
    while (lua_next(L, t) != 0) {
      ++n;
      lua_pop(L, 1);
    }
    map ? reply.map(n) : reply.set(n);
    lua_pushnil(L);
    while (lua_next(L, t) != 0) {
      write(L, lua_gettop(L) - 1, reply, resp, depth + 1);  // the key (member)
      if (map) write(L, lua_gettop(L), reply, resp, depth + 1);
      lua_pop(L, 1);
    }
    lua_pop(L, 1);
    return true;
  }
  return false;
}

void write(lua_State* L, int index, Reply& reply, int resp, int depth) {
  switch (lua_type(L, index)) {
    case LUA_TSTRING: {
      size_t n = 0;
      const char* s = lua_tolstring(L, index, &n);
      return reply.bulk(std::string_view(s, n));
    }
    case LUA_TBOOLEAN:
      if (resp == 3) return reply.boolean(lua_toboolean(L, index) != 0);
      return lua_toboolean(L, index) ? reply.integer(1) : reply.null();
    case LUA_TNUMBER:
      return reply.integer(static_cast<int64_t>(lua_tonumber(L, index)));
    case LUA_TTABLE: {
      std::string text;
      if (string_field(L, index, "err", &text)) return reply.error(one_line(text));
      if (string_field(L, index, "ok", &text)) return reply.simple(one_line(text));
      if (depth >= kMaxDepth) return reply.null();
      if (write_typed(L, index, reply, resp, depth)) return;
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
        write(L, lua_gettop(L), reply, resp, depth + 1);
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

void write_reply(lua_State* L, int index, Reply& reply, int script_resp) {
  if (index < 0) index = lua_gettop(L) + index + 1;
  write(L, index, reply, script_resp, 0);
}

}  // namespace meridian::lua_values
