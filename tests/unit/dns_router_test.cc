// GeoDNS decisions (core/dns): client location from the CIDR table, nearest
// healthy region, write names and the primary, fallbacks, TTL halving,
// weighted and priority modes.
#include "core/dns/dns_router.h"

#include <gtest/gtest.h>

#include <map>
#include <optional>

namespace meridian::dns {
namespace {

DnsSettings settings() {
  DnsSettings s;
  s.names = {{"db.example.test", NameKind::kRead}, {"w.example.test", NameKind::kWrite}};
  s.regions = {{"us", "192.0.2.1", 38.9, -77.0, 1, 0},
               {"eu", "192.0.2.2", 53.3, -6.3, 1, 0},
               {"ap", "192.0.2.3", 19.1, 72.9, 1, 0}};
  s.networks.entries.push_back({*Network::parse("10.1.0.0/16"), {38.9, -77.0, "us"}});
  s.networks.entries.push_back({*Network::parse("10.2.0.0/16"), {53.3, -6.3, "eu"}});
  s.networks.entries.push_back({*Network::parse("10.2.9.0/24"), {19.1, 72.9, "ap"}});
  s.networks.entries.push_back({*Network::parse("2001:db8::/32"), {19.1, 72.9, "ap"}});
  return s;
}

ClusterView healthy(std::string primary = "us", bool primary_writes = true) {
  ClusterView v;
  v.known = true;
  v.health = {{"us", Health::kHealthy}, {"eu", Health::kHealthy}, {"ap", Health::kHealthy}};
  v.primary = std::move(primary);
  v.primary_takes_all_writes = primary_writes;
  return v;
}

std::string pick(const DnsRouter& r, const std::string& name, const std::string& addr, int prefix,
                 const ClusterView& v, uint64_t hash = 0) {
  Decision d = r.decide(name, *Address::parse(addr), prefix, v, hash, false);
  if (d.rcode == Decision::Rcode::kRefused) return "REFUSED";
  if (d.rcode == Decision::Rcode::kServfail) return "SERVFAIL";
  std::string out;
  for (const auto* x : d.regions) out += (out.empty() ? "" : ",") + x->name;
  return out;
}

TEST(DnsRouter, NearestHealthyByTheMostSpecificNetwork) {
  DnsRouter r(settings());
  auto v = healthy();
  EXPECT_EQ(pick(r, "db.example.test", "10.1.3.0", 24, v), "us");
  EXPECT_EQ(pick(r, "db.example.test", "10.2.3.0", 24, v), "eu");
  EXPECT_EQ(pick(r, "db.example.test", "10.2.9.0", 24, v), "ap");  // the /24 beats the /16
  // A /16 ECS subnet is wider than the /24 entry: the /16 entry answers.
  EXPECT_EQ(pick(r, "db.example.test", "10.2.0.0", 16, v), "eu");
  EXPECT_EQ(pick(r, "db.example.test", "2001:db8::1", 128, v), "ap");
  EXPECT_EQ(pick(r, "DB.example.test", "10.1.3.0", 24, v), "REFUSED");  // callers lower-case
  EXPECT_EQ(pick(r, "other.test", "10.1.3.0", 24, v), "REFUSED");
  v.health["eu"] = Health::kDown;
  EXPECT_EQ(pick(r, "db.example.test", "10.2.3.0", 24, v), "us");  // next nearest to Dublin
}

TEST(DnsRouter, EcsScopeIsWhatTheAnswerHoldsFor) {
  DnsRouter r(settings());
  auto v = healthy();
  auto scope = [&](const std::string& addr, int prefix) {
    return r.decide("db.example.test", *Address::parse(addr), prefix, v, 0, false).scope;
  };
  EXPECT_EQ(scope("10.1.3.0", 24), 24);  // inside one network: the source prefix
  EXPECT_EQ(scope("10.1.3.7", 32), 32);
  // 10.2.0.0/16 holds 10.2.9.0/24, located apart: the answer holds for /24
  EXPECT_EQ(scope("10.2.0.0", 16), 24);
  EXPECT_EQ(scope("10.0.0.0", 8), 24);  // 10.1/16, 10.2/16 and 10.2.9/24 inside
  EXPECT_EQ(scope("10.1.0.0", 16), 16);
  EXPECT_EQ(scope("2001:db8::", 16), 32);
  // located by a database whose record is a /20: the scope says so
  r.locate = [](const Address&, int* prefix) {
    *prefix = 20;
    return std::optional<Location>(Location{1, 2, "db"});
  };
  EXPECT_EQ(scope("172.16.0.0", 12), 20);
  EXPECT_EQ(scope("172.16.1.0", 24), 24);
}

TEST(DnsRouter, WriteNamesFollowThePrimaryAndFailClosed) {
  DnsRouter r(settings());
  auto v = healthy("ap");
  EXPECT_EQ(pick(r, "w.example.test", "10.1.3.0", 24, v), "ap");
  v.health["ap"] = Health::kDown;
  EXPECT_EQ(pick(r, "w.example.test", "10.1.3.0", 24, v), "SERVFAIL");
  // Active-active: every region takes writes, so the nearest.
  auto aa = healthy("ap", /*primary_writes=*/false);
  EXPECT_EQ(pick(r, "w.example.test", "10.1.3.0", 24, aa), "us");
}

TEST(DnsRouter, FallbacksBeforeHealthAndWhenAllAreDown) {
  DnsSettings s = settings();
  s.read_all_down = Fallback::kAll;
  s.before_health = Fallback::kServfail;
  DnsRouter r(s);
  ClusterView unknown;
  EXPECT_EQ(pick(r, "db.example.test", "10.1.3.0", 24, unknown), "SERVFAIL");
  auto v = healthy();
  for (auto& [n, h] : v.health) h = Health::kDown;
  EXPECT_EQ(pick(r, "db.example.test", "10.2.3.0", 24, v), "eu,us,ap");  // fail-open, nearest first
  EXPECT_EQ(pick(r, "w.example.test", "10.2.3.0", 24, v), "SERVFAIL");   // fail-closed
}

TEST(DnsRouter, EachDecisionSaysWhy) {
  DnsRouter r(settings());
  auto why = [&](const std::string& name, const std::string& addr, const ClusterView& v) {
    return std::string(
        Decision::reason_name(r.decide(name, *Address::parse(addr), 24, v, 0, false).reason));
  };
  auto v = healthy("ap");
  EXPECT_EQ(why("db.example.test", "10.2.3.0", v), "nearest");
  EXPECT_EQ(why("w.example.test", "10.2.3.0", v), "primary");
  EXPECT_EQ(why("other.test", "10.2.3.0", v), "refused");
  EXPECT_EQ(why("db.example.test", "10.2.3.0", ClusterView{}), "no_verdict");
  v.health["eu"] = Health::kDown;
  EXPECT_EQ(why("db.example.test", "10.2.3.0", v), "nearer_down");
  for (auto& [n, h] : v.health) h = Health::kDown;
  EXPECT_EQ(why("db.example.test", "10.2.3.0", v), "fail_open");
  EXPECT_EQ(why("w.example.test", "10.2.3.0", v), "fail_closed");
}

TEST(DnsRouter, TtlHalvedWhileDegraded) {
  DnsRouter r(settings());
  auto v = healthy();
  EXPECT_EQ(r.decide("db.example.test", *Address::parse("10.2.0.1"), 32, v, 0, false).ttl, 30u);
  v.health["eu"] = Health::kDegraded;
  EXPECT_EQ(r.decide("db.example.test", *Address::parse("10.2.0.1"), 32, v, 0, false).ttl, 15u);
}

TEST(DnsRouter, WeightedAndPriorityModes) {
  DnsSettings s = settings();
  s.mode = Mode::kWeighted;
  s.regions[0].weight = 3;  // us
  s.regions[1].weight = 1;  // eu
  s.regions[2].weight = 0;  // ap: never
  DnsRouter w(s);
  std::map<std::string, int> got;
  for (uint64_t h = 0; h < 400; ++h)
    ++got[pick(w, "db.example.test", "10.1.0.1", 32, healthy(), h)];
  EXPECT_EQ(got["us"], 300);
  EXPECT_EQ(got["eu"], 100);
  EXPECT_EQ(got.count("ap"), 0u);
  s = settings();
  s.mode = Mode::kPriority;
  s.regions[2].priority = -1;  // ap first, wherever the client is
  DnsRouter p(s);
  auto v = healthy();
  EXPECT_EQ(pick(p, "db.example.test", "10.1.0.1", 32, v), "ap");
  v.health["ap"] = Health::kDown;
  EXPECT_EQ(pick(p, "db.example.test", "10.1.0.1", 32, v), "us");
}

TEST(DnsAddress, ParsesAndPrintsBothFamilies) {
  for (const char* ok : {"192.0.2.1", "0.0.0.0", "255.255.255.255", "2001:db8::1", "::", "::1",
                         "fe80::1:2:3:4", "2001:db8:0:1:1:1:1:1", "::ffff:192.0.2.1"}) {
    auto a = Address::parse(ok);
    ASSERT_TRUE(a.has_value()) << ok;
    EXPECT_EQ(a->str(), ok) << ok;  // already in RFC 5952 form
  }
  EXPECT_EQ(Address::parse("2001:DB8:0:0:0:0:0:1")->str(), "2001:db8::1");
  EXPECT_EQ(Address::parse("2001:db8:0:0:1:0:0:1")->str(), "2001:db8::1:0:0:1");
  EXPECT_TRUE(Address::parse("10.2.3.4")->v4);
  EXPECT_FALSE(Address::parse("::1")->v4);
  for (const char* bad : {"", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1.2.3.4 ", "01234.1.1.1",
                          ":::", "1::2::3", "1:2:3:4:5:6:7:8:9", "12345::", "g::1",
                          "1:2:3:4:5:6:7:", "::1.2.3", "1:2:3:4:5:6:7:1.2.3.4"}) {
    EXPECT_FALSE(Address::parse(bad).has_value()) << bad;
  }
  EXPECT_TRUE(Network::parse("10.0.0.0/8")->contains(*Address::parse("10.200.1.1")));
  EXPECT_FALSE(Network::parse("10.0.0.0/8")->contains(*Address::parse("11.0.0.1")));
  EXPECT_FALSE(Network::parse("10.0.0.0/33").has_value());
  EXPECT_TRUE(Network::parse("2001:db8::/32")->contains(*Address::parse("2001:db8:ffff::1")));
}

TEST(DnsRouter, ExplainsItsChoice) {
  DnsRouter r(settings());
  Decision d = r.decide("db.example.test", *Address::parse("10.2.9.0"), 24, healthy());
  std::string all;
  for (const auto& l : d.explain) all += l + "\n";
  EXPECT_NE(all.find("client 10.2.9.0/24 is in 10.2.9.0/24 (ap)"), std::string::npos) << all;
  EXPECT_NE(all.find("answer: ap (nearest healthy), TTL 30"), std::string::npos) << all;
}

}  // namespace
}  // namespace meridian::dns
