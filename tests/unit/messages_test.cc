// Every peer message has one typed struct whose encoding round-trips, and
// one number in the registry (core/peer/message_types.h) that routes it to
// its owner. Truncated or extended bytes decode to nothing, never to a
// different message.
#include "core/replication/messages.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "core/failover/failover_messages.h"
#include "core/failover/forward_messages.h"
#include "core/global/scan_messages.h"
#include "core/peer/message_types.h"

namespace meridian {
namespace {

VersionVector vector_of(uint64_t a, uint64_t b) {
  VersionVector v;
  v.set(1, a);
  v.set(3, b);
  return v;
}

// Round-trips `m` and checks the bytes are routed to `owner` and that any
// truncation or extension is refused.
template <typename M, typename Eq>
void check(const M& m, peer::Owner owner, Eq same) {
  std::string bytes = [&] {
    using namespace repl;
    using namespace failover;
    using namespace forward;
    using namespace scan;
    return encode(m);
  }();
  auto decode_into = [](std::string_view in, M* out) {
    using namespace repl;
    using namespace failover;
    using namespace forward;
    using namespace scan;
    return decode(in, out);
  };
  ASSERT_FALSE(bytes.empty());
  EXPECT_EQ(peer::owner_of(static_cast<uint8_t>(bytes[0])), owner);
  M back;
  ASSERT_TRUE(decode_into(bytes, &back));
  EXPECT_TRUE(same(m, back));
  for (size_t cut = 0; cut < bytes.size(); ++cut) {
    M partial;
    EXPECT_FALSE(decode_into(std::string_view(bytes).substr(0, cut), &partial)) << cut;
  }
  M longer;
  EXPECT_FALSE(decode_into(bytes + "x", &longer));
}

TEST(Messages, EveryTypeRoundTripsAndIsRoutedToItsOwner) {
  using peer::Owner;
  check(repl::Records{2, 7, {"a", "bc"}}, Owner::kReplication, [](auto& a, auto& b) {
    return a.origin == b.origin && a.after == b.after && a.records == b.records;
  });
  check(repl::Status{vector_of(5, 9), true, true}, Owner::kReplication, [](auto& a, auto& b) {
    return a.applied == b.applied && a.resend == b.resend && a.resync == b.resync;
  });
  repl::Snapshot header;
  header.id = 99;
  header.applied = vector_of(1, 2);
  header.floors = vector_of(0, 1);
  header.context = vector_of(3, 4);
  header.clears.all = Hlc{77};
  header.clears.raise(2, Hlc{1234});
  check(header, Owner::kReplication, [](auto& a, auto& b) {
    return a.id == b.id && a.applied == b.applied && a.floors == b.floors &&
           a.context == b.context && a.clears == b.clears;
  });
  check(repl::SnapshotAck{4, 8, true}, Owner::kReplication,
        [](auto& a, auto& b) { return a.id == b.id && a.part == b.part && a.broken == b.broken; });
  check(repl::Pull{3, vector_of(4, 4), 1 << 20}, Owner::kReplication, [](auto& a, auto& b) {
    return a.id == b.id && a.applied == b.applied && a.max_bytes == b.max_bytes;
  });
  check(repl::PullReply{3, vector_of(6, 1), true}, Owner::kReplication, [](auto& a, auto& b) {
    return a.id == b.id && a.applied == b.applied && a.more == b.more;
  });
  check(failover::Ping{5, 2, 1234, true, false, vector_of(3, 3), 42, 700, 9000}, Owner::kFailover,
        [](auto& a, auto& b) {
          return a.epoch == b.epoch && a.primary == b.primary && a.sent_ms == b.sent_ms &&
                 a.primary_down == b.primary_down && a.fenced == b.fenced &&
                 a.applied == b.applied && a.mean_rtt_ms == b.mean_rtt_ms && a.reads == b.reads &&
                 a.writes == b.writes;
        });
  check(failover::Pong{5, 2, 1234, true}, Owner::kFailover, [](auto& a, auto& b) {
    return a.epoch == b.epoch && a.primary == b.primary && a.sent_ms == b.sent_ms &&
           a.lease == b.lease;
  });
  check(failover::VoteRequest{6, 1, 100, true}, Owner::kFailover, [](auto& a, auto& b) {
    return a.epoch == b.epoch && a.old_primary == b.old_primary && a.holds == b.holds &&
           a.forced == b.forced;
  });
  check(failover::VoteReply{6, true, 1, 99, 6, 120}, Owner::kFailover, [](auto& a, auto& b) {
    return a.epoch == b.epoch && a.granted == b.granted && a.old_primary == b.old_primary &&
           a.holds == b.holds && a.voted_epoch == b.voted_epoch && a.old_said == b.old_said;
  });
  failover::NewPrimary np;
  np.change = {7, 1, 2, "failover: r1 unhealthy", 10, 20, 30, 4, true, 31, 35};
  check(np, Owner::kFailover, [](auto& a, auto& b) {
    return a.change.epoch == b.change.epoch && a.change.to == b.change.to &&
           a.change.reason == b.change.reason && a.change.unreplicated == b.change.unreplicated &&
           a.change.exact == b.change.exact && a.change.survivors_held == b.change.survivors_held &&
           a.change.old_reported == b.change.old_reported;
  });
  check(failover::Handover{8}, Owner::kFailover,
        [](auto& a, auto& b) { return a.epoch == b.epoch; });
  check(failover::Promote{8}, Owner::kFailover,
        [](auto& a, auto& b) { return a.epoch == b.epoch; });
  check(failover::Fence{8}, Owner::kFailover, [](auto& a, auto& b) { return a.epoch == b.epoch; });
  check(forward::Forward{11, 3, {"SET", "k", "v"}}, Owner::kForwarder,
        [](auto& a, auto& b) { return a.id == b.id && a.proto == b.proto && a.argv == b.argv; });
  check(forward::ForwardReply{11, "+OK\r\n"}, Owner::kForwarder,
        [](auto& a, auto& b) { return a.id == b.id && a.reply == b.reply; });
  check(scan::Scan{12, "k10", "k*", 100}, Owner::kGlobalView, [](auto& a, auto& b) {
    return a.id == b.id && a.after == b.after && a.pattern == b.pattern && a.count == b.count;
  });
  check(scan::ScanReply{12, true, {"k11", "k12"}}, Owner::kGlobalView,
        [](auto& a, auto& b) { return a.id == b.id && a.more == b.more && a.names == b.names; });
}

TEST(Messages, UnknownTypesHaveNoOwner) {
  for (int t = 0; t < 256; ++t) {
    auto owner = peer::owner_of(static_cast<uint8_t>(t));
    bool known = (t >= 1 && t <= 6) || (t >= 16 && t <= 28);
    EXPECT_EQ(owner.has_value(), known) << t;
  }
}

}  // namespace
}  // namespace meridian
