// The fsync modes on the real runtime: "always" syncs once per pass that
// wrote (group commit), the other modes never sync on the write path.
#include <gtest/gtest.h>

#include "backends.h"

namespace meridian::testing {
namespace {

uint64_t info_field(Backend& c, const std::string& name) {
  std::string info = c.cmd({"INFO", "persistence"});
  auto at = info.find(name + ":");
  if (at == std::string::npos) throw std::runtime_error("no " + name + " in INFO");
  return std::stoull(info.substr(at + name.size() + 1));
}

TEST(Durability, AlwaysSyncsOncePerPassThatWrote) {
  RegionSettings s = test_settings();
  s.fsync = FsyncMode::kAlways;
  RealBackend c(s);
  uint64_t before = info_field(c, "synced_commits");
  // 100 writes in one pipeline: one pass, so one synced commit (a large
  // pipeline may span a few reads, hence a few passes; never 100).
  std::string pipeline;
  for (int i = 0; i < 100; ++i) pipeline += encode_command({"SET", "k" + std::to_string(i), "v"});
  c.send(pipeline, 100);
  uint64_t synced = info_field(c, "synced_commits") - before;
  EXPECT_GE(synced, 1u);
  EXPECT_LE(synced, 5u);
  // Reads commit nothing.
  uint64_t after_writes = info_field(c, "synced_commits");
  EXPECT_EQ(c.cmd({"GET", "k1"}), "$1\r\nv\r\n");
  EXPECT_EQ(info_field(c, "synced_commits"), after_writes);
}

TEST(Durability, EverysecDoesNotSyncOnTheWritePath) {
  RegionSettings s = test_settings();
  s.fsync = FsyncMode::kEverySec;
  RealBackend c(s);
  EXPECT_EQ(c.cmd({"SET", "k", "v"}), "+OK\r\n");
  EXPECT_EQ(info_field(c, "synced_commits"), 0u);
  EXPECT_GE(info_field(c, "commits"), 1u);
}

}  // namespace
}  // namespace meridian::testing
