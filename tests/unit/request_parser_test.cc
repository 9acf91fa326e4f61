// The request parser must give the same commands however the bytes are split
// across reads, and refuse over-limit or malformed input with Redis' words.
#include "core/protocol/request_parser.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

namespace meridian {
namespace {

std::vector<std::vector<std::string>> parse_all(RequestParser& p, RequestParser::Result* last) {
  std::vector<std::vector<std::string>> out;
  std::vector<std::string_view> argv;
  while ((*last = p.next(argv)) == RequestParser::Result::kCommand) {
    out.emplace_back(argv.begin(), argv.end());
  }
  return out;
}

std::string encode(const std::vector<std::string>& args) {
  std::string out = "*" + std::to_string(args.size()) + "\r\n";
  for (const auto& a : args) out += "$" + std::to_string(a.size()) + "\r\n" + a + "\r\n";
  return out;
}

RC_GTEST_PROP(RequestParser, SameCommandsWhateverTheChunking, ()) {
  auto commands = *rc::gen::container<std::vector<std::vector<std::string>>>(rc::gen::nonEmpty(
      rc::gen::container<std::vector<std::string>>(rc::gen::arbitrary<std::string>())));
  std::string wire;
  for (const auto& c : commands) wire += encode(c);
  ParserLimits limits;
  RequestParser p(limits);
  std::vector<std::vector<std::string>> got;
  size_t pos = 0;
  RequestParser::Result last;
  while (pos < wire.size()) {
    size_t n = *rc::gen::inRange<size_t>(1, wire.size() - pos + 1);
    p.append(std::string_view(wire).substr(pos, n));
    pos += n;
    auto part = parse_all(p, &last);
    RC_ASSERT(last == RequestParser::Result::kNeedMore);
    got.insert(got.end(), part.begin(), part.end());
  }
  RC_ASSERT(got == commands);
}

struct Case {
  std::string input;
  std::string error;
};

TEST(RequestParser, MalformedInputGetsRedisErrors) {
  const Case cases[] = {
      {"*1\r\n$abc\r\n", "ERR Protocol error: invalid bulk length"},
      {"*x\r\n", "ERR Protocol error: invalid multibulk length"},
      {"*1\r\n:1\r\n", "ERR Protocol error: expected '$', got ':'"},
      {"SET \"a b\r\n", "ERR Protocol error: unbalanced quotes in request"},
      {"*1\r\n$536870913\r\n", "ERR Protocol error: invalid bulk length"},
  };
  for (const auto& c : cases) {
    RequestParser p(ParserLimits{});
    p.append(c.input);
    std::vector<std::string_view> argv;
    EXPECT_EQ(p.next(argv), RequestParser::Result::kError) << c.input;
    EXPECT_EQ(p.error(), c.error) << c.input;
  }
}

TEST(RequestParser, UnauthenticatedClientsAreLimited) {
  ParserLimits limits;
  limits.unauthenticated = true;
  RequestParser p(limits);
  p.append("*11\r\n");
  std::vector<std::string_view> argv;
  EXPECT_EQ(p.next(argv), RequestParser::Result::kError);
  EXPECT_EQ(p.error(), "ERR Protocol error: unauthenticated multibulk length");
}

TEST(RequestParser, InlineCommandsWithQuotes) {
  RequestParser p(ParserLimits{});
  p.append("SET \"a b\" 'c d'\r\nPING\n\r\n");
  RequestParser::Result last;
  auto got = parse_all(p, &last);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0], (std::vector<std::string>{"SET", "a b", "c d"}));
  EXPECT_EQ(got[1], (std::vector<std::string>{"PING"}));
}

TEST(RequestParser, TooBigInlineRequest) {
  RequestParser p(ParserLimits{});
  p.append(std::string(70 * 1024, 'a'));
  std::vector<std::string_view> argv;
  EXPECT_EQ(p.next(argv), RequestParser::Result::kError);
  EXPECT_EQ(p.error(), "ERR Protocol error: too big inline request");
}

}  // namespace
}  // namespace meridian
