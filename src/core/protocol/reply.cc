#include "core/protocol/reply.h"

#include <charconv>

namespace meridian {

void Reply::header(char type, size_t n) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof(buf), n);
  out_.push_back(type);
  out_.append(buf, r.ptr);
  out_.append("\r\n");
}

void Reply::simple(std::string_view s) {
  out_.push_back('+');
  out_.append(s);
  out_.append("\r\n");
}

void Reply::error(std::string_view msg) {
  if (error_count_ != nullptr) ++*error_count_;
  out_.push_back('-');
  size_t start = out_.size();
  out_.append(msg);
  for (size_t i = start; i < out_.size(); ++i)
    if (out_[i] == '\r' || out_[i] == '\n') out_[i] = ' ';
  out_.append("\r\n");
}

void Reply::integer(int64_t v) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof(buf), v);
  out_.push_back(':');
  out_.append(buf, r.ptr);
  out_.append("\r\n");
}

void Reply::bulk(std::string_view s) {
  header('$', s.size());
  out_.append(s);
  out_.append("\r\n");
}

void Reply::dbl(std::string_view text) {
  if (proto_ < 3) return bulk(text);
  out_.push_back(',');
  out_.append(text);
  out_.append("\r\n");
}

void Reply::null() {
  out_.append(proto_ >= 3 ? "_\r\n" : "$-1\r\n");
}

void Reply::null_array() {
  out_.append(proto_ >= 3 ? "_\r\n" : "*-1\r\n");
}

void Reply::map(size_t pairs) {
  if (proto_ >= 3) {
    header('%', pairs);
  } else {
    header('*', pairs * 2);
  }
}

void Reply::set(size_t n) {
  header(proto_ >= 3 ? '~' : '*', n);
}

void Reply::verbatim(std::string_view text, std::string_view format) {
  if (proto_ >= 3) {
    header('=', text.size() + format.size() + 1);
    out_.append(format);
    out_.push_back(':');
    out_.append(text);
    out_.append("\r\n");
  } else {
    bulk(text);
  }
}

void Reply::boolean(bool b) {
  if (proto_ >= 3) {
    out_.append(b ? "#t\r\n" : "#f\r\n");
  } else {
    out_.append(b ? ":1\r\n" : ":0\r\n");
  }
}

void Reply::big_number(std::string_view n) {
  if (proto_ < 3) return bulk(n);
  out_.push_back('(');
  out_.append(n);
  out_.append("\r\n");
}

}  // namespace meridian
