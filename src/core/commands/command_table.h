#pragma once
// The command table: each command's name, arity, flags and key positions (as
// Redis' COMMAND reports them) and the function that executes it.
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace meridian {

class Region;
class Client;
class Keyspace;
class Reply;

struct CommandContext {
  Region& region;
  Client& session;
  Keyspace& keyspace;
  const std::vector<std::string_view>& argv;
  Reply& reply;
  int64_t now_ms;  // one clock reading per command, like Redis' command time snapshot
};

using CommandHandler = void (*)(CommandContext&);
// The keys of a command whose key positions depend on its options (SORT's
// STORE destination), as Redis' getkeys_proc finds them.
using KeysFinder = std::vector<std::string_view> (*)(const std::vector<std::string_view>& argv);

enum CommandFlag : uint32_t {
  kCmdWrite = 1 << 0,
  kCmdReadOnly = 1 << 1,
  kCmdFast = 1 << 2,
  kCmdNoAuth = 1 << 3,  // runs before authentication (AUTH, HELLO, QUIT)
  kCmdDenyOom = 1 << 4,
  kCmdAdmin = 1 << 5,
  kCmdLoading = 1 << 6,
  kCmdStale = 1 << 7,
  // Not a write, yet held by CLIENT PAUSE WRITE as Redis holds it (Redis'
  // may-replicate commands: WAIT, PFCOUNT, wrappers of writes).
  kCmdMayReplicate = 1 << 8,
  // Allowed to a RESP2 client while it is subscribed (SUBSCRIBE, PING, ...).
  kCmdPubSubContext = 1 << 9,
  // Refused from a Lua script (Redis' noscript): transactions, blocking,
  // connection state, scripts themselves.
  kCmdNoScript = 1 << 10,
};

struct CommandSpec {
  std::string name;  // lower case, as in error messages
  int arity;         // Redis convention: N exact, -N at least N
  uint32_t flags;
  int first_key, last_key, step;
  CommandHandler handler;
  // Commands whose keys follow a count (SINTERCARD, LMPOP: Redis'
  // movablekeys): the position of that count, 0 for none. A first_key
  // before it is a destination key (ZUNIONSTORE).
  int numkeys_at = 0;
  // Set: the keys are what it finds (Redis' movablekeys), first_key..step
  // are only what COMMAND INFO reports.
  KeysFinder find_keys = nullptr;
  bool movable_keys() const { return numkeys_at > 0 || find_keys != nullptr; }
};

// The keys a command names, by its key positions (or its key count).
std::vector<std::string_view> command_keys(const CommandSpec& spec,
                                           const std::vector<std::string_view>& argv);

class CommandTable {
 public:
  CommandTable();
  // Case-insensitive lookup; nullptr for an unknown command.
  const CommandSpec* find(std::string_view name) const;
  const std::vector<CommandSpec>& all() const { return specs_; }
  void add(CommandSpec spec);

 private:
  std::vector<CommandSpec> specs_;
  std::unordered_map<std::string, size_t> index_;
};

// Every command, built once on first use (read-only afterwards, so every
// region of a process shares it).
const CommandTable& command_table();

// Each family registers its commands.
void register_connection_commands(CommandTable& table);
void register_pubsub_commands(CommandTable& table);
void register_transaction_commands(CommandTable& table);
void register_script_commands(CommandTable& table);
void register_server_commands(CommandTable& table);
void register_key_commands(CommandTable& table);
void register_string_commands(CommandTable& table);
void register_set_commands(CommandTable& table);
void register_hash_commands(CommandTable& table);
void register_set_algebra_commands(CommandTable& table);
void register_scan_commands(CommandTable& table);
void register_rename_commands(CommandTable& table);
void register_object_command(CommandTable& table);
void register_acl_commands(CommandTable& table);
void register_lcs_command(CommandTable& table);
void register_bit_commands(CommandTable& table);
void register_bitfield_commands(CommandTable& table);
void register_sort_commands(CommandTable& table);
void register_list_commands(CommandTable& table);
void register_list_move_commands(CommandTable& table);
void register_zset_commands(CommandTable& table);
void register_zset_range_commands(CommandTable& table);
void register_zset_store_commands(CommandTable& table);
void register_hll_commands(CommandTable& table);
void register_stream_commands(CommandTable& table);
void register_stream_read_commands(CommandTable& table);
void register_stream_info_command(CommandTable& table);
void register_stream_group_commands(CommandTable& table);
void register_dump_commands(CommandTable& table);
void register_geo_commands(CommandTable& table);
void register_geo_search_commands(CommandTable& table);
void register_introspection_commands(CommandTable& table);
void register_memory_command(CommandTable& table);
void register_replication_commands(CommandTable& table);
void register_conflict_commands(CommandTable& table);
void register_failover_commands(CommandTable& table);
void register_backup_commands(CommandTable& table);
void register_global_commands(CommandTable& table);

}  // namespace meridian
