#pragma once
// Keyspace notifications, as Redis sends them (notify-keyspace-events):
// which classes of events a region publishes, and the events a write
// command makes. A command's events are published in its region and travel
// with its replicated record, so every region whose settings ask for them
// publishes them too. Pure functions.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace meridian {

// Redis' notify-keyspace-events classes, by their letters.
namespace notify {
inline constexpr uint32_t kKeyspace = 1 << 0;  // K
inline constexpr uint32_t kKeyevent = 1 << 1;  // E
inline constexpr uint32_t kGeneric = 1 << 2;   // g
inline constexpr uint32_t kString = 1 << 3;    // $
inline constexpr uint32_t kList = 1 << 4;      // l
inline constexpr uint32_t kSet = 1 << 5;       // s
inline constexpr uint32_t kHash = 1 << 6;      // h
inline constexpr uint32_t kZset = 1 << 7;      // z
inline constexpr uint32_t kExpired = 1 << 8;   // x
inline constexpr uint32_t kEvicted = 1 << 9;   // e
inline constexpr uint32_t kStream = 1 << 10;   // t
inline constexpr uint32_t kKeyMiss = 1 << 11;  // m
inline constexpr uint32_t kModule = 1 << 12;   // d
inline constexpr uint32_t kNew = 1 << 13;      // n
inline constexpr uint32_t kAll = kGeneric | kString | kList | kSet | kHash | kZset | kExpired |
                                 kEvicted | kStream | kModule;  // A

// The flags of a setting ("KEA"); nothing for an unknown letter.
std::optional<uint32_t> parse(std::string_view classes);
// The setting as CONFIG GET shows it (A for every class of A).
std::string format(uint32_t flags);
// The class of an event's letter (g, $, l, ...).
uint32_t class_of(char letter);
}  // namespace notify

// One event: its class letter, its name, its key.
struct KeyEvent {
  char cls;
  std::string name;
  std::string key;
};

// The events of a write command `argv` that changed `changed` (its keys,
// in the order it first wrote them); `exists` tells whether a key is there
// after the command. Commands without events (reads, FLUSHALL) give none.
std::vector<KeyEvent> command_events(const std::vector<std::string_view>& argv,
                                     const std::vector<std::string>& changed,
                                     const std::function<bool(std::string_view key)>& exists);

}  // namespace meridian
