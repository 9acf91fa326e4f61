#pragma once
// A HyperLogLog as the keyspace stores it (hyperloglog.h has the layout):
// reading its registers, raising some, and the value a replicated register
// shows. Shared by the commands and the tests that model them.
#include <cstdint>
#include <string_view>
#include <vector>

#include "core/crdt/cell.h"
#include "core/data/hyperloglog.h"
#include "core/data/keyspace.h"

namespace meridian::hll {

// A replicated register's rank: the highest of its live raises. Registers
// only grow and every raise was reached by some region, so the maximum is
// the merge under every conflict policy.
uint8_t max_rank(const crdt::Cell& cell);

// Raises `regs` to the registers of the HyperLogLog `rec` at `key`.
void read_registers(Keyspace& ks, std::string_view key, const KeyRecord& rec, Registers& regs);

// Writes into `key` (created when `old` is null) the registers of `slots`
// (one per index) that rise above what it holds, and nothing else: the
// write, and what it replicates, is what it changed. A created key that
// gets no register holds the empty marker. Returns whether it wrote.
bool raise_registers(Keyspace& ks, std::string_view key, const KeyRecord* old,
                     const std::vector<Slot>& slots, int64_t now_ms);

// The slots of `elements`, one per register (its highest rank).
std::vector<Slot> slots_of(const std::vector<std::string_view>& elements);

}  // namespace meridian::hll
