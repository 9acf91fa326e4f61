#include "core/protocol/request_parser.h"

#include <cctype>
#include <cstring>

#include "core/base/numbers.h"

namespace meridian {
namespace {

constexpr size_t kInlineMaxSize = size_t{64} * 1024;  // Redis' PROTO_INLINE_MAX_SIZE
constexpr int64_t kUnauthMaxArgs = 10;
constexpr int64_t kUnauthMaxBulk = 16384;

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return 0;
}

// Redis' sdssplitargs: whitespace-separated words, "double quotes" with
// escapes, 'single quotes'. False on unbalanced quotes.
bool split_args(std::string_view line, std::vector<std::string>& out) {
  size_t i = 0;
  const size_t n = line.size();
  while (true) {
    while (i < n && std::isspace(static_cast<unsigned char>(line[i]))) ++i;
    if (i >= n) return true;
    std::string cur;
    bool inq = false, insq = false, done = false;
    while (!done) {
      if (inq) {
        if (i >= n) return false;
        char c = line[i];
        if (c == '\\' && i + 3 < n && line[i + 1] == 'x' &&
            std::isxdigit(static_cast<unsigned char>(line[i + 2])) &&
            std::isxdigit(static_cast<unsigned char>(line[i + 3]))) {
          cur.push_back(static_cast<char>(hex_value(line[i + 2]) * 16 + hex_value(line[i + 3])));
          i += 3;
        } else if (c == '\\' && i + 1 < n) {
          ++i;
          switch (line[i]) {
            case 'n':
              cur.push_back('\n');
              break;
            case 'r':
              cur.push_back('\r');
              break;
            case 't':
              cur.push_back('\t');
              break;
            case 'b':
              cur.push_back('\b');
              break;
            case 'a':
              cur.push_back('\a');
              break;
            default:
              cur.push_back(line[i]);
              break;
          }
        } else if (c == '"') {
          // A closing quote must be followed by a space or nothing.
          if (i + 1 < n && !std::isspace(static_cast<unsigned char>(line[i + 1]))) return false;
          done = true;
        } else {
          cur.push_back(c);
        }
      } else if (insq) {
        if (i >= n) return false;
        char c = line[i];
        if (c == '\\' && i + 1 < n && line[i + 1] == '\'') {
          ++i;
          cur.push_back('\'');
        } else if (c == '\'') {
          if (i + 1 < n && !std::isspace(static_cast<unsigned char>(line[i + 1]))) return false;
          done = true;
        } else {
          cur.push_back(c);
        }
      } else {
        if (i >= n) {
          done = true;
          break;
        }
        char c = line[i];
        switch (c) {
          case ' ':
          case '\n':
          case '\r':
          case '\t':
          case '\0':
            done = true;
            break;
          case '"':
            inq = true;
            break;
          case '\'':
            insq = true;
            break;
          default:
            cur.push_back(c);
            break;
        }
      }
      if (i < n) ++i;
    }
    out.push_back(std::move(cur));
  }
}

}  // namespace

RequestParser::Result RequestParser::fail(std::string msg) {
  error_ = std::move(msg);
  return Result::kError;
}

void RequestParser::compact() {
  if (pos_ == 0) return;
  if (pos_ >= buf_.size()) {
    buf_.clear();
  } else if (pos_ > 4096 && pos_ * 2 > buf_.size()) {
    buf_.erase(0, pos_);
  } else {
    return;
  }
  pos_ = 0;
}

RequestParser::Result RequestParser::next(std::vector<std::string_view>& argv) {
  argv.clear();
  compact();
  if (static_cast<int64_t>(buf_.size() - pos_) > limits_.client_query_buffer_limit) {
    return fail("ERR Protocol error: query buffer limit exceeded");
  }
  while (pos_ < buf_.size()) {
    Result r = buf_[pos_] == '*' ? parse_multibulk(argv) : parse_inline(argv);
    // "*0" and empty inline lines are consumed without producing a command.
    if (r != Result::kCommand || !argv.empty()) return r;
  }
  return Result::kNeedMore;
}

RequestParser::Result RequestParser::parse_inline(std::vector<std::string_view>& argv) {
  const char* start = buf_.data() + pos_;
  const size_t avail = buf_.size() - pos_;
  const void* nl = std::memchr(start, '\n', avail);
  if (nl == nullptr) {
    if (avail > kInlineMaxSize) return fail("ERR Protocol error: too big inline request");
    return Result::kNeedMore;
  }
  size_t len = static_cast<const char*>(nl) - start;
  std::string_view line(start, len);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  inline_args_.clear();
  if (!split_args(line, inline_args_))
    return fail("ERR Protocol error: unbalanced quotes in request");
  pos_ += len + 1;
  for (const auto& a : inline_args_) argv.emplace_back(a);
  return Result::kCommand;
}

RequestParser::Result RequestParser::parse_multibulk(std::vector<std::string_view>& argv) {
  size_t p = pos_;
  const size_t end = buf_.size();
  auto read_line = [&](std::string_view* line) -> bool {
    const void* cr = std::memchr(buf_.data() + p, '\r', end - p);
    if (cr == nullptr) return false;
    size_t at = static_cast<const char*>(cr) - buf_.data();
    if (at + 1 >= end) return false;  // need the '\n' too
    *line = std::string_view(buf_.data() + p, at - p);
    p = at + 2;
    return true;
  };
  auto need_more = [&]() {
    pending_next_ = p - pos_;
    return Result::kNeedMore;
  };
  auto error = [&](std::string msg) {
    pending_ = false;
    pending_args_.clear();
    return fail(std::move(msg));
  };

  std::string_view line;
  if (!pending_) {
    if (!read_line(&line)) {
      if (end - p > kInlineMaxSize) return fail("ERR Protocol error: too big mbulk count string");
      return Result::kNeedMore;
    }
    // Lengths follow Redis' string2ll: no leading zeros, no '+'.
    auto parsed_count = parse_int64(line.substr(1));
    int64_t count = parsed_count.value_or(0);
    if (!parsed_count || count > limits_.max_multibulk_len || count > 2147483647) {
      return fail("ERR Protocol error: invalid multibulk length");
    }
    if (count > kUnauthMaxArgs && limits_.unauthenticated) {
      return fail("ERR Protocol error: unauthenticated multibulk length");
    }
    if (count <= 0) {
      pos_ = p;
      return Result::kCommand;  // empty: consumed, no command
    }
    pending_ = true;
    pending_count_ = count;
    pending_args_.clear();
    pending_args_.reserve(static_cast<size_t>(count < 1024 ? count : 1024));
  } else {
    p = pos_ + pending_next_;
  }
  while (static_cast<int64_t>(pending_args_.size()) < pending_count_) {
    if (p >= end) return need_more();
    if (buf_[p] != '$') {
      return error(std::string("ERR Protocol error: expected '$', got '") + buf_[p] + "'");
    }
    size_t header = p;
    if (!read_line(&line)) {
      p = header;
      if (end - p > kInlineMaxSize) return error("ERR Protocol error: too big bulk count string");
      return need_more();
    }
    auto parsed_len = parse_int64(line.substr(1));
    int64_t len = parsed_len.value_or(-1);
    if (len < 0 || len > limits_.proto_max_bulk_len) {
      return error("ERR Protocol error: invalid bulk length");
    }
    if (len > kUnauthMaxBulk && limits_.unauthenticated) {
      return error("ERR Protocol error: unauthenticated bulk length");
    }
    if (end - p < static_cast<size_t>(len) + 2) {
      p = header;  // re-read this header when more bytes arrive
      return need_more();
    }
    pending_args_.emplace_back(p - pos_, static_cast<size_t>(len));
    p += static_cast<size_t>(len) + 2;  // Redis does not check the trailing CRLF bytes
  }
  argv.reserve(pending_args_.size());
  for (auto [off, len] : pending_args_) argv.emplace_back(buf_.data() + pos_ + off, len);
  pending_ = false;
  pending_args_.clear();
  pos_ = p;
  return Result::kCommand;
}

}  // namespace meridian
