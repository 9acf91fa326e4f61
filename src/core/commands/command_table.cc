#include "core/commands/command_table.h"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace meridian {

CommandTable::CommandTable() {
  specs_.reserve(256);
  register_connection_commands(*this);
  register_pubsub_commands(*this);
  register_transaction_commands(*this);
  register_script_commands(*this);
  register_server_commands(*this);
  register_key_commands(*this);
  register_string_commands(*this);
  register_set_commands(*this);
  register_hash_commands(*this);
  register_set_algebra_commands(*this);
  register_scan_commands(*this);
  register_rename_commands(*this);
  register_object_command(*this);
  register_acl_commands(*this);
  register_lcs_command(*this);
  register_bit_commands(*this);
  register_bitfield_commands(*this);
  register_sort_commands(*this);
  register_list_commands(*this);
  register_list_move_commands(*this);
  register_zset_commands(*this);
  register_zset_range_commands(*this);
  register_zset_store_commands(*this);
  register_hll_commands(*this);
  register_stream_commands(*this);
  register_stream_read_commands(*this);
  register_stream_info_command(*this);
  register_stream_group_commands(*this);
  register_dump_commands(*this);
  register_geo_commands(*this);
  register_geo_search_commands(*this);
  register_introspection_commands(*this);
  register_memory_command(*this);
  register_replication_commands(*this);
  register_conflict_commands(*this);
  register_failover_commands(*this);
  register_backup_commands(*this);
  register_global_commands(*this);
}

std::vector<std::string_view> command_keys(const CommandSpec& spec,
                                           const std::vector<std::string_view>& argv) {
  if (spec.find_keys != nullptr) return spec.find_keys(argv);
  std::vector<std::string_view> keys;
  const int argc = static_cast<int>(argv.size());
  if (spec.numkeys_at > 0 && spec.numkeys_at < argc) {
    int64_t n = 0;
    auto s = argv[static_cast<size_t>(spec.numkeys_at)];
    auto r = std::from_chars(s.data(), s.data() + s.size(), n);
    if (r.ec != std::errc() || r.ptr != s.data() + s.size() || n <= 0) return keys;
    // A destination before the count (ZUNIONSTORE dest numkeys key...).
    if (spec.first_key > 0 && spec.first_key < spec.numkeys_at) {
      keys.push_back(argv[static_cast<size_t>(spec.first_key)]);
    }
    for (int64_t i = 0; i < n && spec.numkeys_at + 1 + i < argc; ++i) {
      keys.push_back(argv[static_cast<size_t>(spec.numkeys_at + 1 + i)]);
    }
    return keys;
  }
  if (spec.first_key <= 0 || spec.first_key >= argc) return keys;
  int last = spec.last_key < 0 ? argc + spec.last_key : spec.last_key;
  for (int i = spec.first_key; i <= last && i < argc; i += std::max(1, spec.step)) {
    keys.push_back(argv[static_cast<size_t>(i)]);
  }
  return keys;
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
