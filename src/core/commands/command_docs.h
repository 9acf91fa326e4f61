#pragma once
// COMMAND DOCS: each command's documentation as Redis 7 replies it (summary,
// since, group, complexity, history, arguments, subcommands).
#include <string_view>

namespace meridian {

class Reply;

// One JSON line per command, {"name": doc}, ending with nullptr
// (command_docs_data.cc, written by tools/gen_command_docs.py, which also
// says how RESP types are encoded).
extern const char* const kCommandDocsJson[];

// Whether `name` (any case) has documentation.
bool has_command_doc(std::string_view name);
// Replies the name and its docs map: one key/value pair of COMMAND DOCS' map.
// The caller checked has_command_doc().
void reply_command_doc(Reply& reply, std::string_view name);

}  // namespace meridian
