#pragma once
// Lua values and RESP, both ways, as Redis 7.0 converts them for scripts:
// a command's reply (RESP2, as a script sees it) becomes a Lua value
// (integer: number, bulk: string, nil: false, status: {ok=...}, error:
// {err=...}, array: table); a script's result becomes the client's reply
// (number: integer, string: bulk, true: 1, false and nil: nil, {ok=...}:
// status, {err=...}: error, table: array up to its first nil).
#include <string>
#include <string_view>

struct lua_State;

namespace meridian {

class Reply;

namespace lua_values {

// Pushes the Lua value of the RESP reply at the start of `resp`. Returns
// false (pushing nothing) if `resp` does not hold one whole reply.
bool push_reply(lua_State* L, std::string_view resp);
// `text` with its line breaks made spaces (a RESP status or error is one
// line).
std::string one_line(std::string text);
// Writes the Lua value at `index` as a reply.
void write_reply(lua_State* L, int index, Reply& reply);

}  // namespace lua_values
}  // namespace meridian
