#pragma once
// Random commands of the replication chaos run (chaos.cc) for key families
// whose outcome it checks only by convergence: every region must end with
// the same state. `pick(n)` is the run's seeded uniform choice in [0, n).
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace meridian::sim {

using Pick = std::function<uint64_t(uint64_t)>;

// A client of the run, as the generators see it: its id and a counter that
// makes its values unique.
struct OpAuthor {
  int id;
  uint64_t& n;
};

// Big collections (up to kBigKeyElements each), written in bulk, with some
// members and fields removed, and deleted or expired whole: sets b0, b1 and
// hashes c0, c1 under crdt (counter and register fields), hash kb0 under lww.
// `sizes` tracks how big each has grown since its last DEL.
std::vector<std::string> big_collection_op(const Pick& pick, OpAuthor a,
                                           std::map<std::string, size_t>& sizes, std::string* key);
inline constexpr size_t kBigKeyElements = 10000;

// Commands that write a key whole from other keys (SUNIONSTORE and the
// other STOREs, SMOVE, RENAME, COPY, SPOP) over small sets: u0-u2 under
// crdt, ku0-ku2 under lww. Sources and destination are of one family.
std::vector<std::string> whole_key_op(const Pick& pick, OpAuthor a, std::string* key);

// List commands over q0-q2 (crdt) and kq0-kq2 (lww): pushes at both ends,
// inserts, pops, LSET, LREM, LTRIM and LMOVE between them. Convergence
// means one order of the elements everywhere.
std::vector<std::string> list_op(const Pick& pick, OpAuthor a, std::string* key);

// Sorted-set commands over z0-z2 (crdt) and kz0-kz2 (lww): ZADD (with GT /
// LT), whole-number and fractional ZINCRBY, removals by member, rank, score
// and pops, and the STOREs between them. Convergence means the same members,
// scores and order everywhere (the score index is audited too).
std::vector<std::string> zset_op(const Pick& pick, std::string* key);

// Stream commands over st0-st1 (crdt) and kst0-kst1 (lww): XADD with ids
// in whole tenths of a second (<t>-*, so XDEL and XTRIM MINID can name
// entries that exist) and with *, trimming XADDs, XDEL, XTRIM by length and
// by id, XSETID, expiry and DEL. Convergence means the same entries in the
// same order everywhere.
std::vector<std::string> stream_op(const Pick& pick, int64_t now_ms, std::string* key);

}  // namespace meridian::sim
