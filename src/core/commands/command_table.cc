#include "core/commands/command_table.h"

#include <cctype>

namespace meridian {

CommandTable::CommandTable() {
  specs_.reserve(256);
  register_connection_commands(*this);
  register_server_commands(*this);
  register_key_commands(*this);
  register_string_commands(*this);
  register_set_commands(*this);
  register_hash_commands(*this);
  register_set_algebra_commands(*this);
  register_scan_commands(*this);
  register_rename_commands(*this);
  register_object_command(*this);
  register_lcs_command(*this);
  register_list_commands(*this);
  register_list_move_commands(*this);
  register_introspection_commands(*this);
  register_replication_commands(*this);
  register_conflict_commands(*this);
  register_failover_commands(*this);
  register_backup_commands(*this);
  register_global_commands(*this);
}

const CommandTable& command_table() {
  static const CommandTable table;
  return table;
}

void CommandTable::add(CommandSpec spec) {
  index_[spec.name] = specs_.size();
  specs_.push_back(std::move(spec));
}

const CommandSpec* CommandTable::find(std::string_view name) const {
  if (name.size() > 32) return nullptr;
  char buf[32];
  for (size_t i = 0; i < name.size(); ++i)
    buf[i] = static_cast<char>(std::tolower(static_cast<unsigned char>(name[i])));
  auto it = index_.find(std::string(buf, name.size()));
  return it == index_.end() ? nullptr : &specs_[it->second];
}

}  // namespace meridian
