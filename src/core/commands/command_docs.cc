#include "core/commands/command_docs.h"

#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "core/base/assert.h"
#include "core/commands/command_util.h"
#include "core/protocol/reply.h"

namespace meridian {
namespace {

using Json = nlohmann::ordered_json;

// Parsed on first use: the table is read-only afterwards, shared by every
// region of the process.
const std::map<std::string, Json, std::less<>>& docs() {
  static const auto table = [] {
    std::map<std::string, Json, std::less<>> t;
    for (const char* const* line = kCommandDocsJson; *line != nullptr; ++line) {
      Json entry = Json::parse(*line);
      for (auto& [name, doc] : entry.items()) t.emplace(name, std::move(doc));
    }
    return t;
  }();
  return table;
}

// The generator's encoding back to RESP: an object is a map, except
// {"~": [...]}, a set whose strings are simple strings.
void render(Reply& reply, const Json& v, bool in_set) {
  if (v.is_object()) {
    if (v.size() == 1 && v.contains("~")) {
      const Json& items = v["~"];
      reply.set(items.size());
      for (const Json& x : items) render(reply, x, true);
      return;
    }
    reply.map(v.size());
    for (const auto& [k, x] : v.items()) {
      reply.bulk(k);
      render(reply, x, false);
    }
  } else if (v.is_array()) {
    reply.array(v.size());
    for (const Json& x : v) render(reply, x, false);
  } else if (v.is_number_integer()) {
    reply.integer(v.get<int64_t>());
  } else {
    MERIDIAN_ASSERT(v.is_string(), "command docs hold maps, sets, arrays, strings and integers");
    if (in_set) {
      reply.simple(v.get_ref<const std::string&>());
    } else {
      reply.bulk(v.get_ref<const std::string&>());
    }
  }
}

}  // namespace

bool has_command_doc(std::string_view name) {
  return docs().count(cmd::lower(name)) > 0;
}

void reply_command_doc(Reply& reply, std::string_view name) {
  const std::string key = cmd::lower(name);
  const auto it = docs().find(key);
  MERIDIAN_ASSERT(it != docs().end(), "COMMAND DOCS of a command without docs");
  reply.bulk(key);
  render(reply, it->second, false);
}

}  // namespace meridian
