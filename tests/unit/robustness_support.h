#pragma once
// Shared by the robustness properties of a region on the deterministic
// runtime, checked with rapidcheck, one file per theme:
//   robustness_hostile_input_test.cc  (a) hostile input is harmless
//   robustness_invariants_test.cc     (b) internal invariants under random commands
//   robustness_bounded_work_test.cc   (c) bounded work per request
// Declared here: a watchdog and a property runner, a strict RESP reply
// parser and the check of the region's invariants (robustness_support.cc),
// and the generator of random valid commands (robustness_commands.cc).
//
// Failures are minimised by rapidcheck; RC_PARAMS="seed=N" reproduces a run.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/detail/TestListenerAdapter.h>
#include <rapidcheck/gtest.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "backends.h"
#include "runtime/sim/sim_region.h"

namespace meridian::testing::robustness {

using Args = std::vector<std::string>;

// Virtual time starts here in (b); absolute expiry times are built around it.
// Every "short" TTL the generator makes ends at most 2 s after the command
// that sets it; the "far" ones are years away.
inline constexpr int64_t kStartMs = 1'700'000'000'000;

// ---------------------------------------------------------------- helpers

// Aborts the process if a property runs longer than `seconds`: a hang in the
// region must fail the suite, not stall it.
class Watchdog {
 public:
  Watchdog(const char* what, int seconds) : what_(what) {
    thread_ = std::thread([this, seconds] {
      std::unique_lock lock(mu_);
      if (!cv_.wait_for(lock, std::chrono::seconds(seconds), [this] { return done_; })) {
        std::fprintf(stderr, "robustness_test: %s did not finish within %d s (hang?)\n", what_,
                     seconds);
        std::abort();
      }
    });
  }
  ~Watchdog() {
    {
      std::lock_guard lock(mu_);
      done_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }

 private:
  const char* what_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool done_ = false;
  std::thread thread_;
};

// Runs a property with our own number of cases (RC_PARAMS may still set the
// seed or ask to reproduce a failure).
template <typename Testable>
void check_property(int max_success, int max_size, Testable&& testable) {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  rc::detail::TestMetadata metadata;
  metadata.id = std::string(info->test_suite_name()) + "/" + info->name();
  metadata.description = info->name();
  rc::detail::TestParams params = rc::detail::configuration().testParams;
  if (params.maxSuccess == rc::detail::TestParams().maxSuccess) params.maxSuccess = max_success;
  if (params.maxSize == rc::detail::TestParams().maxSize) params.maxSize = max_size;
  rc::detail::TestListenerAdapter listener;  // quiet; failures are reported below
  auto result =
      rc::detail::checkProperty(rc::detail::toProperty(std::forward<Testable>(testable)), metadata,
                                params, listener, rc::detail::configuration().reproduce);
  if (!result.template is<rc::detail::SuccessResult>()) {
    std::ostringstream ss;
    rc::detail::printResultMessage(result, ss);
    FAIL() << ss.str();
  }
}

// Printable form of bytes for logs: C escapes for anything unusual.
std::string escape(std::string_view s, size_t max = 400);

std::string show_args(const Args& args);

// A parsed reply. Every RESP2 and RESP3 shape Meridian can produce.
struct Resp {
  char type = 0;      // the type byte
  bool null = false;  // $-1, *-1 or _
  std::string str;    // simple, error, bulk, verbatim (without "txt:"), double, big number
  int64_t integer = 0;
  std::vector<Resp> elems;  // arrays, sets, maps (flattened: k, v, k, v)

  bool is_error() const { return type == '-'; }
  size_t size() const { return elems.size(); }
};

// Checks that `out` is a sequence of complete, well-formed replies; returns
// how many, or -1 with `err`.
int64_t count_replies(std::string_view out, std::string& err);

// Sends one command on `c` and parses its single reply; appends the raw
// reply to *log when given.
Resp call(sim::SimClient& c, const Args& args, std::string* log = nullptr);

// ------------------------------------------------ the region's invariants

struct Snapshot {
  std::set<std::string> keys;
  int64_t with_ttl = 0;
  uint64_t fields = 0;  // sum of SCARD, HLEN and LLEN
  std::string replies;  // every reply the check read, to compare two regions
};

// Reads the whole keyspace through a fresh RESP2 client, at one virtual time,
// and checks every invariant that must hold at any moment.
// `generated`: every key was written by gen_command(), so members and fields
// come from kMemberUniverse (robustness_support.cc).
Snapshot check_invariants(sim::SimRegion& region, const std::string& when, bool generated = true);

// One command of README.md's list with random arguments.
rc::Gen<Args> gen_command();

}  // namespace meridian::testing::robustness
