// ACL users, rules and the key and channel checks, without a server (the
// replies are compared with redis-server in tests/differential/test_acl.py).
#include "core/acl/acl.h"

#include <gtest/gtest.h>

#include "core/acl/acl_catalog.h"
#include "core/commands/command_acl.h"
#include "core/commands/command_table.h"

namespace meridian {
namespace {

std::vector<std::string_view> words(const std::vector<std::string>& w) {
  return {w.begin(), w.end()};
}

std::optional<AclRefusal> check(const AclUser& u, const std::vector<std::string>& call) {
  auto argv = words(call);
  const CommandSpec* spec = command_table().find(argv[0]);
  EXPECT_NE(spec, nullptr) << call[0];
  return acl_check(u, *spec, argv);
}

TEST(AclCatalog, KnowsEveryCommandMeridianAnswers) {
  // A new command without categories would be refused to every user whose
  // rules name categories, and to +@all users' describe.
  for (const auto& c : command_table().all()) {
    EXPECT_NE(AclCatalog::get().find(c.name), nullptr) << c.name << " has no ACL categories";
  }
}

TEST(AclUser, RulesAndTheirDescription) {
  Acl acl;
  ASSERT_FALSE(
      acl.set_user("a", std::string_view("+get +set -get +GET +@read -@read +config|get")));
  EXPECT_EQ(acl.find("a")->describe(), "off resetchannels -@all +config|get +set");
  ASSERT_FALSE(acl.set_user("b", std::string_view("+@all -@read +get")));
  EXPECT_EQ(acl.find("b")->describe_commands(), "+@all -@read +get");
  ASSERT_FALSE(acl.set_user("c", std::string_view("%R~a %W~a %RW~b ~c %R~c &x &x")));
  EXPECT_EQ(acl.find("c")->describe_keys(), "~a ~b ~c");
  EXPECT_EQ(acl.find("c")->describe_channels(), "&x");
  ASSERT_FALSE(acl.set_user("d", std::string_view("+config -config|get")));
  EXPECT_EQ(acl.find("d")->describe_commands(), "-@all +config -config|get");
}

TEST(AclUser, AFailingRuleLeavesTheUserAsItWas) {
  Acl acl;
  ASSERT_FALSE(acl.set_user("u", std::string_view("on >pw ~k* +get")));
  auto err = acl.set_user("u", std::string_view("+set ~x allkeys ~y"));
  ASSERT_TRUE(err);
  EXPECT_EQ(*err,
            "ERR Error in ACL SETUSER modifier '~y': Adding a pattern after the * pattern (or the "
            "'allkeys' flag) is not valid and does not have any effect. Try 'resetkeys' to start "
            "with an empty list of patterns");
  EXPECT_EQ(acl.find("u")->describe(),
            "on #" + AclUser::sha256_hex("pw") + " ~k* resetchannels -@all +get");
  EXPECT_TRUE(acl.set_user("u", std::string_view("+nosuch")));
  EXPECT_TRUE(acl.set_user("u", std::string_view("<notapassword")));
}

TEST(AclUser, PasswordsAndAuthentication) {
  Acl acl;
  EXPECT_FALSE(acl.default_needs_auth());
  ASSERT_FALSE(acl.set_user("u", std::string_view("on >one >two")));
  EXPECT_NE(acl.authenticate("u", "one"), nullptr);
  EXPECT_NE(acl.authenticate("u", "two"), nullptr);
  EXPECT_EQ(acl.authenticate("u", "three"), nullptr);
  ASSERT_FALSE(acl.set_user("u", std::string_view("<one")));
  EXPECT_EQ(acl.authenticate("u", "one"), nullptr);
  ASSERT_FALSE(acl.set_user("u", std::string_view("off")));
  EXPECT_EQ(acl.authenticate("u", "two"), nullptr);  // disabled
  ASSERT_FALSE(acl.set_user("default", std::string_view(">secret")));
  EXPECT_TRUE(acl.default_needs_auth());
  EXPECT_FALSE(acl.del_user("default"));
}

TEST(AclCheck, KeysByWhatTheCommandDoesToThem) {
  Acl acl;
  ASSERT_FALSE(acl.set_user("w", std::string_view("on nopass %W~w* %R~r* ~rw* &ch* +@all")));
  const AclUser& u = *acl.find("w");
  EXPECT_FALSE(check(u, {"SET", "wkey", "v"}));
  EXPECT_TRUE(check(u, {"SET", "wkey", "v", "GET"}));  // GET reads it
  EXPECT_TRUE(check(u, {"GET", "wkey"}));
  EXPECT_FALSE(check(u, {"GET", "rkey"}));
  EXPECT_TRUE(check(u, {"SET", "rkey", "v"}));
  EXPECT_TRUE(check(u, {"INCR", "wkey"}));  // reads to add
  EXPECT_FALSE(check(u, {"COPY", "rkey", "wkey"}));
  EXPECT_TRUE(check(u, {"LMOVE", "rl", "wl", "LEFT", "RIGHT"}));
  EXPECT_FALSE(check(u, {"EXISTS", "wkey"}));  // neither reads nor writes the value
  EXPECT_FALSE(check(u, {"ZUNIONSTORE", "wdst", "2", "r1", "r2"}));
  auto r = check(u, {"ZUNIONSTORE", "wdst", "2", "r1", "zz"});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->kind, AclRefusal::kKey);
  EXPECT_EQ(r->object, "zz");
  EXPECT_FALSE(check(u, {"SORT", "rkey", "STORE", "wdst"}));
  EXPECT_TRUE(check(u, {"SORT", "rkey", "STORE", "rdst"}));
  EXPECT_FALSE(check(u, {"XREAD", "COUNT", "1", "STREAMS", "r1", "rw2", "0", "0"}));
  EXPECT_TRUE(check(u, {"XREAD", "COUNT", "1", "STREAMS", "r1", "w2", "0", "0"}));
  EXPECT_FALSE(check(u, {"PUBLISH", "ch1", "m"}));
  r = check(u, {"SUBSCRIBE", "ch1", "other"});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->kind, AclRefusal::kChannel);
  EXPECT_EQ(r->object, "other");
  EXPECT_TRUE(check(u, {"PSUBSCRIBE", "ch1*"}));  // a pattern must be one of the user's own
  EXPECT_FALSE(check(u, {"PSUBSCRIBE", "ch*"}));
}

TEST(AclCheck, CommandsSubcommandsAndFirstArguments) {
  Acl acl;
  ASSERT_FALSE(acl.set_user("u", std::string_view("on nopass allkeys +config|get +select|0")));
  const AclUser& u = *acl.find("u");
  EXPECT_FALSE(check(u, {"CONFIG", "GET", "maxmemory"}));
  auto r = check(u, {"CONFIG", "SET", "maxmemory", "1"});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->object, "config|set");
  EXPECT_FALSE(check(u, {"SELECT", "0"}));
  EXPECT_TRUE(check(u, {"SELECT", "1"}));
  EXPECT_FALSE(check(u, {"AUTH", "x", "y"}));  // runs before authentication: never refused
  ASSERT_FALSE(acl.set_user("m", std::string_view("on nopass allkeys +@meridian")));
  EXPECT_FALSE(check(*acl.find("m"), {"MR.STATUS"}));
  EXPECT_TRUE(check(*acl.find("m"), {"GET", "k"}));
}

TEST(Acl, LoadIsAllOrNothingAndSaveRoundTrips) {
  Acl acl;
  ASSERT_FALSE(acl.set_user("u", std::string_view("on >pw ~k* &c +get +@hash")));
  const std::string saved = acl.save();
  Acl other;
  ASSERT_FALSE(other.load(saved, "users.acl"));
  EXPECT_EQ(other.save(), saved);
  auto err = other.load("user a on +get\nnonsense\nuser b +nosuch\n", "users.acl");
  ASSERT_TRUE(err);
  EXPECT_NE(err->find("users.acl:2: should start with user keyword"), std::string::npos) << *err;
  EXPECT_NE(err->find("users.acl:3: Unknown command or category name in ACL"), std::string::npos);
  EXPECT_EQ(other.save(), saved);  // unchanged
  ASSERT_FALSE(other.load("user a on nopass +get\n", "users.acl"));
  EXPECT_NE(other.find("default"), nullptr);  // the default user is always there
  EXPECT_EQ(other.find("u"), nullptr);
}

TEST(AclLog, RepeatsWithinAMinuteAreCounted) {
  AclLog log;
  auto entry = [](int64_t at, std::string object) {
    AclLogEntry e;
    e.reason = "key";
    e.context = "toplevel";
    e.object = std::move(object);
    e.username = "u";
    e.created_ms = at;
    return e;
  };
  log.add(entry(0, "k"));
  log.add(entry(1000, "k"));
  log.add(entry(2000, "j"));
  ASSERT_EQ(log.entries().size(), 2u);
  EXPECT_EQ(log.entries()[0].object, "j");
  EXPECT_EQ(log.entries()[1].count, 2u);
  log.add(entry(100000, "k"));  // more than a minute after
  EXPECT_EQ(log.entries().size(), 3u);
  log.set_max_len(1);  // from the next entry on, as Redis
  EXPECT_EQ(log.entries().size(), 3u);
  log.add(entry(200000, "i"));
  ASSERT_EQ(log.entries().size(), 1u);
  EXPECT_EQ(log.entries()[0].object, "i");
}

}  // namespace
}  // namespace meridian
