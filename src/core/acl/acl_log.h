#pragma once
// ACL LOG: the latest refusals (a command, key or channel the user may not
// use, a failed AUTH), newest first, a repeat of the same refusal within a
// minute counted on its entry, as Redis keeps it.
#include <cstdint>
#include <deque>
#include <string>

namespace meridian {

struct AclLogEntry {
  uint64_t count = 1;
  std::string reason;   // "command", "key", "channel", "auth"
  std::string context;  // "toplevel", "multi", "lua"
  std::string object;   // the command's full name, the key, the channel, "AUTH"
  std::string username;
  int64_t created_ms = 0;  // of its latest repeat
  std::string client_info;
};

class AclLog {
 public:
  static constexpr size_t kDefaultMaxLen = 128;  // Redis' acllog-max-len
  static constexpr int64_t kGroupMs = 60000;

  void add(AclLogEntry e);
  const std::deque<AclLogEntry>& entries() const { return entries_; }
  void reset() { entries_.clear(); }
  void set_max_len(size_t n);
  size_t max_len() const { return max_len_; }

 private:
  std::deque<AclLogEntry> entries_;  // newest first
  size_t max_len_ = kDefaultMaxLen;
};

}  // namespace meridian
