#pragma once
// Incremental parser for client requests: RESP multibulk ("*2\r\n$3\r\nGET\r\n...")
// and inline commands ("GET key\n"), with Redis' limits and error wording.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace meridian {

struct ParserLimits {
  int64_t proto_max_bulk_len = 512LL * 1024 * 1024;          // Redis' proto-max-bulk-len
  int64_t max_multibulk_len = 2147483647;                    // Redis 7: INT_MAX
  int64_t client_query_buffer_limit = 1024LL * 1024 * 1024;  // client-query-buffer-limit
  // Before authentication Redis allows at most 10 arguments of 16 KiB.
  bool unauthenticated = false;
};

class RequestParser {
 public:
  enum class Result { kCommand, kNeedMore, kError };

  explicit RequestParser(const ParserLimits& limits) : limits_(limits) {}
  void set_unauthenticated(bool v) { limits_.unauthenticated = v; }

  void append(std::string_view bytes) { buf_.append(bytes); }
  // Parses the next command into argv. The views in argv stay valid until the
  // next call to next() or append(). On kError, error() holds the reply text
  // (e.g. "ERR Protocol error: invalid bulk length") and the connection must close.
  Result next(std::vector<std::string_view>& argv);
  const std::string& error() const { return error_; }
  size_t buffered() const { return buf_.size() - pos_; }

 private:
  Result parse_inline(std::vector<std::string_view>& argv);
  Result parse_multibulk(std::vector<std::string_view>& argv);
  Result fail(std::string msg);
  void compact();

  ParserLimits limits_;
  std::string buf_;
  size_t pos_ = 0;
  std::string error_;
  // Inline arguments need unescaping, so they are owned here.
  std::vector<std::string> inline_args_;
  // A multibulk request still arriving: where parsing resumes (offset from
  // pos_) and the arguments parsed so far (offset from pos_, length).
  bool pending_ = false;
  int64_t pending_count_ = 0;
  size_t pending_next_ = 0;
  std::vector<std::pair<size_t, size_t>> pending_args_;
};

}  // namespace meridian
