#pragma once
// MERIDIAN_ASSERT(condition, what): an invariant the code relies on, checked
// in every build, release included, so keep the condition cheap. When it
// fails the process prints where and what, and aborts: a region whose
// invariants broke must stop before it stores or replicates wrong data
// (its peers and its WAL bring it back). Not for bad input: that gets an
// error reply, never an abort.
#include <cstdio>
#include <cstdlib>

namespace meridian::detail {

[[noreturn]] inline void assert_failed(const char* condition, const char* what, const char* file,
                                       int line) {
  std::fprintf(stderr, "%s:%d: invariant broken: %s (%s)\n", file, line, what, condition);
  std::fflush(stderr);
  std::abort();
}

}  // namespace meridian::detail

#define MERIDIAN_ASSERT(condition, what) \
  ((condition) ? static_cast<void>(0)    \
               : ::meridian::detail::assert_failed(#condition, what, __FILE__, __LINE__))
