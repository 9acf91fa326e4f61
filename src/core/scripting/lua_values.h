#pragma once
// Lua values and RESP, both ways, as Redis 7.0 converts them for scripts:
// a command's reply becomes a Lua value (integer: number, bulk: string,
// RESP2 nil: false, status: {ok=...}, error: {err=...}, array: table; and
// after redis.setresp(3): RESP3 null: nil, map: {map={k=v}}, set:
// {set={m=true}}, double: {double=n}, boolean: boolean, big number:
// {big_number=s}, verbatim: {verbatim_string={format=f, string=s}}); a
// script's result becomes the client's reply (number: integer, string:
// bulk, true: 1 (a RESP3 script: #t), false: nil (#f), nil: nil, {ok=...}:
// status, {err=...}: error, {double=n}, {big_number=s}, {map=...},
// {set=...}, {verbatim_string=...}: their RESP3 types (RESP2 forms for a
// RESP2 client), table: array up to its first nil).
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
// Writes the Lua value at `index` as a reply; `script_resp`: the script's
// redis.setresp (how it returns booleans).
void write_reply(lua_State* L, int index, Reply& reply, int script_resp);

}  // namespace lua_values
}  // namespace meridian
