#pragma once
// One client connection's protocol state: request parsing, RESP version,
// authentication and name. The runtime feeds it the bytes it reads and sends
// the bytes it produces (after Region::end_pass()).
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/protocol/request_parser.h"

namespace meridian {

class Region;

class Session {
 public:
  Session(Region& region, uint64_t id, std::string peer_address);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Consumes bytes read from the client and appends replies to `out`.
  // Returns false when the connection must be closed once `out` is sent
  // (QUIT, protocol error).
  bool feed(std::string_view bytes, std::string& out);

  uint64_t id() const { return id_; }
  const std::string& peer_address() const { return peer_; }
  const std::string& name() const { return name_; }
  void set_name(std::string n) { name_ = std::move(n); }
  int proto() const { return proto_; }
  void set_proto(int p) { proto_ = p; }
  bool authenticated() const { return authenticated_; }
  void set_authenticated(const std::string& user);
  const std::string& user() const { return user_; }
  void close_after_reply() { closing_ = true; }
  int64_t created_ms() const { return created_ms_; }
  int64_t last_command_ms() const { return last_command_ms_; }
  // Name of the last command run, "NULL" before the first (as Redis shows it).
  std::string_view last_command() const { return last_command_; }

 private:
  void dispatch(std::vector<std::string_view>& argv, std::string& out);

  Region& region_;
  uint64_t id_;
  std::string peer_;
  std::string name_;
  std::string user_ = "default";
  int proto_ = 2;
  bool authenticated_ = false;
  bool closing_ = false;
  int64_t created_ms_ = 0;
  int64_t last_command_ms_ = 0;
  std::string_view last_command_ = "NULL";  // points into the command table
  RequestParser parser_;
  std::vector<std::string_view> argv_;
};

}  // namespace meridian
