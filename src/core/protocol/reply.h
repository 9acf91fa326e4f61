#pragma once
// Writes replies in RESP2 or RESP3, choosing the encoding Redis uses for each
// shape (e.g. a map is a flat array in RESP2, a '%' map in RESP3).
#include <cstdint>
#include <string>
#include <string_view>

namespace meridian {

class Reply {
 public:
  // `error_count`, if given, is incremented for every error reply written.
  Reply(std::string& out, int proto, uint64_t* error_count = nullptr)
      : out_(out), proto_(proto), error_count_(error_count) {}
  int proto() const { return proto_; }
  // HELLO switches protocol mid-reply-stream; later replies use the new one.
  void set_proto(int proto) { proto_ = proto; }

  void ok() { out_.append("+OK\r\n"); }
  void simple(std::string_view s);
  // `msg` is the whole error line without '-', e.g. "ERR syntax error";
  // CR and LF are replaced by spaces, as Redis does.
  void error(std::string_view msg);
  void integer(int64_t v);
  void bulk(std::string_view s);
  void null();        // missing value: $-1 (RESP2) or _ (RESP3)
  void null_array();  // missing aggregate: *-1 (RESP2) or _ (RESP3)
  void array(size_t n) { header('*', n); }
  void map(size_t pairs);                                      // RESP2: array of 2n
  void set(size_t n);                                          // RESP2: array
  void push(size_t n) { header(proto_ == 3 ? '>' : '*', n); }  // out-of-band; RESP2: array
  // RESP3 '=' with its 3-letter format; RESP2 bulk.
  void verbatim(std::string_view text, std::string_view format = "txt");
  void boolean(bool b);                 // RESP3 #t / #f; RESP2 :1 / :0
  void big_number(std::string_view n);  // RESP3 '('; RESP2 bulk
  // A double already in Redis' text form ("1.5", "inf"): RESP3 ',', RESP2 bulk.
  void dbl(std::string_view text);

 private:
  void header(char type, size_t n);
  std::string& out_;
  int proto_;
  uint64_t* error_count_;
};

}  // namespace meridian
