// Robustness, (c) bounded work: a glob pattern or a request split into many
// reads cannot make the region's single thread spin for seconds (exponential
// glob matching, quadratic multibulk re-parsing). The limits leave a wide
// margin: the bounded code takes milliseconds, the unbounded tens of seconds.
#include <chrono>
#include <string>

#include "robustness_support.h"

namespace meridian::testing::robustness {
namespace {

// Work bounded by the input, not exponential or quadratic in it. A region is
// one thread: one client's request that burns CPU stalls every other client.

int64_t elapsed_ms(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                               since)
      .count();
}

TEST(Robustness, GlobPatternsCannotStallTheRegion) {
  // Backtracking on every '*' is exponential in the number of stars: Redis
  // bounds it since 7.0.9 (CVE-2022-36021, "skipLongerMatches"), and answers
  // this in microseconds. Unbounded, 7 stars take about half a second with a
  // 56-byte key and the time grows ~8x per extra "a*": 9 stars, half a minute.
  Watchdog dog("GlobPatternsCannotStallTheRegion", 120);
  sim::SimRegion region(test_settings(), 1, kStartMs);
  auto c = region.connect();
  const std::string key(56, 'a');
  ASSERT_EQ(c->send_raw(encode_command({"SET", key, "v"})), "+OK\r\n");
  const std::string pattern = "a*a*a*a*a*a*a*a*a*b";
  for (const Args& cmd : {Args{"KEYS", pattern}, Args{"SCAN", "0", "MATCH", pattern}}) {
    auto t0 = std::chrono::steady_clock::now();
    std::string out = c->send_raw(encode_command(cmd));
    int64_t ms = elapsed_ms(t0);
    EXPECT_TRUE(out == "*0\r\n" || out == "*2\r\n$1\r\n0\r\n*0\r\n") << escape(out);
    EXPECT_LT(ms, 2000) << show_args(cmd) << " took " << ms << " ms against one 56-byte key";
  }
}

TEST(Robustness, ManyArgumentsInSmallReadsParseInLinearTime) {
  // The real runtime reads 16 KiB at a time. A request of 2M arguments (14 MB,
  // far below client_query_buffer_limit) arrives in ~860 reads; re-parsing the
  // buffered part of the request from its start on every read makes the total
  // work quadratic: ~10 s of event-loop time here (linear: ~0.1 s),
  // hours when the client sends small segments. Redis keeps its position in
  // the request (multibulklen/bulklen) and parses each byte once.
  Watchdog dog("ManyArgumentsInSmallReadsParseInLinearTime", 120);
  sim::SimRegion region(test_settings(), 1, kStartMs);
  auto c = region.connect();
  const int n = 2'000'000;
  std::string request = "*" + std::to_string(n + 1) + "\r\n$4\r\nPING\r\n";
  for (int i = 0; i < n; ++i) request += "$1\r\na\r\n";
  std::string out;
  auto t0 = std::chrono::steady_clock::now();
  for (size_t off = 0; off < request.size(); off += 16384)
    out += c->send_raw(std::string_view(request).substr(off, 16384));
  int64_t ms = elapsed_ms(t0);
  EXPECT_EQ(out, "-ERR wrong number of arguments for 'ping' command\r\n");
  EXPECT_LT(ms, 2000) << "parsing " << request.size() << " bytes in 16 KiB reads took " << ms
                      << " ms";
}

}  // namespace
}  // namespace meridian::testing::robustness
