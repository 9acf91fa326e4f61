// LCS key1 key2 [LEN] [IDX] [MINMATCHLEN len] [WITHMATCHLEN]: the longest
// common subsequence of two strings, by Redis' dynamic programming (the same
// table walk, so IDX reports the same ranges in the same order).
#include <cstdint>
#include <string>
#include <vector>

#include "core/commands/command_util.h"
#include "core/region/region.h"

namespace meridian {
namespace {

// Redis refuses a table bigger than proto-max-bulk-len (512 MB by default).
constexpr uint64_t kMaxTableBytes = uint64_t{512} << 20;

struct Range {
  uint32_t a_start, a_end, b_start, b_end;
};

void lcs(CommandContext& ctx) {
  const auto& argv = ctx.argv;
  std::string values[2];
  for (int k = 0; k < 2; ++k) {
    const KeyRecord* rec = ctx.keyspace.peek(argv[1 + k], ctx.now_ms);
    if (rec == nullptr) continue;
    if (rec->type != ValueType::kString) {
      return ctx.reply.error("ERR The specified keys must contain string values");
    }
    values[k] = rec->payload;
  }
  bool getlen = false, getidx = false, withmatchlen = false;
  int64_t minmatchlen = 0;
  for (size_t i = 3; i < argv.size(); ++i) {
    if (cmd::equals_ci(argv[i], "IDX")) {
      getidx = true;
    } else if (cmd::equals_ci(argv[i], "LEN")) {
      getlen = true;
    } else if (cmd::equals_ci(argv[i], "WITHMATCHLEN")) {
      withmatchlen = true;
    } else if (cmd::equals_ci(argv[i], "MINMATCHLEN") && i + 1 < argv.size()) {
      if (!cmd::int_arg(ctx, argv[++i], &minmatchlen)) return;
      if (minmatchlen < 0) minmatchlen = 0;
    } else {
      return ctx.reply.error(cmd::kSyntax);
    }
  }
  if (getidx && getlen) {
    return ctx.reply.error("ERR If you want both the length and indexes, please just use IDX.");
  }
  const std::string& a = values[0];
  const std::string& b = values[1];
  const uint64_t alen = a.size(), blen = b.size();
  if ((alen + 1) * (blen + 1) * sizeof(uint32_t) > kMaxTableBytes) {
    return ctx.reply.error(
        "ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len");
  }
  std::vector<uint32_t> dp((alen + 1) * (blen + 1), 0);
  auto at = [&](uint64_t i, uint64_t j) -> uint32_t& { return dp[j + i * (blen + 1)]; };
  for (uint64_t i = 1; i <= alen; ++i) {
    for (uint64_t j = 1; j <= blen; ++j) {
      at(i, j) = a[i - 1] == b[j - 1] ? at(i - 1, j - 1) + 1 : std::max(at(i - 1, j), at(i, j - 1));
    }
  }
  const uint32_t total = at(alen, blen);
  if (getlen) return ctx.reply.integer(total);
  // Walk back from the end, as Redis does, collecting the common bytes and
  // the ranges where both strings match consecutively.
  std::string result(total, '\0');
  std::vector<Range> ranges;
  uint32_t idx = total;
  uint64_t i = alen, j = blen;
  uint32_t as = static_cast<uint32_t>(alen), ae = 0, bs = 0, be = 0;  // as == alen: no range open
  while (i > 0 && j > 0) {
    bool emit = false;
    if (a[i - 1] == b[j - 1]) {
      result[idx - 1] = a[i - 1];
      if (as == alen) {
        as = ae = static_cast<uint32_t>(i - 1);
        bs = be = static_cast<uint32_t>(j - 1);
      } else if (as == i && bs == j) {
        --as;
        --bs;
      } else {
        emit = true;
      }
      if (as == 0 || bs == 0) emit = true;
      --idx;
      --i;
      --j;
    } else {
      if (at(i - 1, j) > at(i, j - 1)) {
        --i;
      } else {
        --j;
      }
      if (as != alen) emit = true;
    }
    if (emit) {
      if (minmatchlen == 0 || ae - as + 1 >= minmatchlen) ranges.push_back({as, ae, bs, be});
      as = static_cast<uint32_t>(alen);
    }
  }
  if (!getidx) return ctx.reply.bulk(result);
  ctx.reply.map(2);
  ctx.reply.bulk("matches");
  ctx.reply.array(ranges.size());
  for (const auto& r : ranges) {
    ctx.reply.array(withmatchlen ? 3 : 2);
    ctx.reply.array(2);
    ctx.reply.integer(r.a_start);
    ctx.reply.integer(r.a_end);
    ctx.reply.array(2);
    ctx.reply.integer(r.b_start);
    ctx.reply.integer(r.b_end);
    if (withmatchlen) ctx.reply.integer(r.a_end - r.a_start + 1);
  }
  ctx.reply.bulk("len");
  ctx.reply.integer(total);
}

}  // namespace

void register_lcs_command(CommandTable& t) {
  t.add({"lcs", -3, kCmdReadOnly, 1, 2, 1, lcs});
}

}  // namespace meridian
