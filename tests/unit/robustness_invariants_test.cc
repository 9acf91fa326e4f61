// Robustness, (b) internal invariants under random valid command sequences
// (every command of README.md, with wrong types and bad numbers among the
// arguments, pipelined, with virtual time moving, crashes and small record
// caches): DBSIZE = |KEYS *| = |SCAN|, INFO keyspace counts, SCARD =
// |SMEMBERS|, HLEN = |HKEYS| = |HVALS|, storage holds no orphaned key or field
// records, the expiry index matches the keys' TTLs, and once every TTL has
// passed and the expiry cycle has run, the expiry column holds exactly one
// entry per key with a TTL. The same passes run on a second region with
// another record-cache size must get the same replies.
#include <memory>
#include <string>
#include <vector>

#include "core/data/records.h"
#include "robustness_support.h"

namespace meridian::testing::robustness {
namespace {

// One event-loop pass: commands pipelined together, then what happens after.
struct Pass {
  std::vector<Args> commands;
  int advance_ms = 0;  // virtual time after the pass
  bool crash = false;  // crash and restart after the pass
};

void showValue(const Pass& p, std::ostream& os) {
  os << "{";
  for (const auto& c : p.commands) os << "[" << show_args(c) << "] ";
  os << "+" << p.advance_ms << "ms" << (p.crash ? " CRASH" : "") << "}";
}

rc::Gen<Pass> gen_pass() {
  return rc::gen::exec([] {
    Pass p;
    int n = *rc::gen::weightedElement<int>({{6, 1}, {2, 2}, {1, 4}});
    for (int i = 0; i < n; ++i) p.commands.push_back(*gen_command());
    p.advance_ms = *rc::gen::weightedElement<int>({{4, 0}, {3, 7}, {2, 110}, {1, 700}});
    p.crash = *rc::gen::weightedElement<int>({{40, 0}, {1, 1}}) == 1;
    return p;
  });
}

// Runs random passes on two regions that differ only in the size of their
// record caches: every reply must be the same (the caches are invisible), and
// the invariants must hold in both after every pass.
void run_invariants_property(size_t cache_bytes, size_t shadow_cache_bytes) {
  auto passes = *rc::gen::container<std::vector<Pass>>(gen_pass());
  struct World {
    explicit World(size_t cache)
        : region(
              [cache] {
                RegionSettings s = test_settings();
                s.cache_bytes = cache;
                return s;
              }(),
              1, kStartMs) {
      client = region.connect();
    }
    sim::SimRegion region;
    std::unique_ptr<sim::SimClient> client;
  };
  World main(cache_bytes), shadow(shadow_cache_bytes);
  std::string transcript;
  int step = 0;
  for (const auto& p : passes) {
    ++step;
    std::string raw;
    for (const auto& c : p.commands) raw += encode_command(c);
    std::string out = main.client->send_raw(raw);
    std::string shadow_out = shadow.client->send_raw(raw);
    transcript += "> ";
    for (const auto& c : p.commands) transcript += "[" + show_args(c) + "] ";
    transcript += "\n< " + escape(out, 300) + "\n";
    const std::string at = " (pass " + std::to_string(step) + ")\n" + transcript;
    std::string err;
    int64_t n = count_replies(out, err);
    if (n < 0) RC_FAIL("malformed reply (" + err + ")" + at);
    if (out != shadow_out) {
      RC_FAIL("with a record cache of " + std::to_string(shadow_cache_bytes) +
              " bytes instead of " + std::to_string(cache_bytes) + " the reply is " +
              escape(shadow_out, 300) + at);
    }
    for (World* w : {&main, &shadow}) {
      if (!w->client->open()) {
        w->client.reset();
        w->client = w->region.connect();
      } else if (n != static_cast<int64_t>(p.commands.size())) {
        RC_FAIL(std::to_string(n) + " replies for " + std::to_string(p.commands.size()) +
                " commands" + at);
      }
      if (p.crash) {
        w->client.reset();  // a session must not outlive its Region
        w->region.crash_and_restart();
        w->client = w->region.connect();
      }
      if (p.advance_ms) w->region.advance(p.advance_ms);
    }
    if (p.crash) transcript += "-- crash and restart\n";
    const std::string when = "after pass " + std::to_string(step) + "\n" + transcript;
    Snapshot a = check_invariants(main.region, when);
    Snapshot b = check_invariants(shadow.region,
                                  "(cache " + std::to_string(shadow_cache_bytes) + ") " + when);
    if (a.replies != b.replies) {
      RC_FAIL("reading the keyspace back differs with a record cache of " +
              std::to_string(shadow_cache_bytes) + " bytes instead of " +
              std::to_string(cache_bytes) + at);
    }
  }
  // Let every short TTL pass and the expiry cycle (hz 10) run a few times:
  // then the expiry column holds exactly one entry per key with a TTL.
  main.region.advance(2'000 + 2'000);
  Snapshot snap = check_invariants(main.region, "at the end\n" + transcript);
  size_t entries = main.region.storage().size(Column::kExpiry);
  if (entries != static_cast<size_t>(snap.with_ttl)) {
    RC_FAIL("after every short TTL passed, the expiry column holds " + std::to_string(entries) +
            " entries for " + std::to_string(snap.with_ttl) + " keys with a TTL\n" + transcript);
  }
}

// ------------------------------------------------------------------ tests

TEST(Robustness, InvariantsHoldUnderRandomCommands) {
  Watchdog dog("InvariantsHoldUnderRandomCommands", 120);
  check_property(500, 150, [] { run_invariants_property(size_t{256} << 20, 0); });
}

TEST(Robustness, InvariantsHoldWithATinyRecordCache) {
  // 700 bytes hold two or three records, so peeked records are evicted all
  // the time; the test above compares the default cache with none at all.
  Watchdog dog("InvariantsHoldWithATinyRecordCache", 120);
  check_property(300, 150, [] {
    run_invariants_property(*rc::gen::element<size_t>(700, 3000), size_t{256} << 20);
  });
}

}  // namespace
}  // namespace meridian::testing::robustness
