#include "runtime/sim/sim_world.h"

#include <algorithm>

namespace meridian::sim {
namespace {
uint64_t splitmix64(uint64_t& x) {
  uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}
uint64_t rotl(uint64_t x, int k) {
  return (x << k) | (x >> (64 - k));
}
}  // namespace

SimRandom::SimRandom(uint64_t seed) {
  for (auto& s : s_) s = splitmix64(seed);
}

uint64_t SimRandom::next_u64() {
  uint64_t result = rotl(s_[1] * 5, 7) * 9;
  uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = rotl(s_[3], 45);
  return result;
}

void SimScheduler::after(int64_t delay_ms, std::function<void()> fn) {
  at(clock_.now_ms() + (delay_ms < 0 ? 0 : delay_ms), std::move(fn));
}

void SimScheduler::at(int64_t at_ms, std::function<void()> fn) {
  queue_.push(Timer{std::max(at_ms, clock_.now_ms()), next_order_++, std::move(fn)});
}

void SimScheduler::advance(int64_t ms) {
  const int64_t target = clock_.now_ms() + ms;
  while (!queue_.empty() && queue_.top().at <= target) {
    Timer t = queue_.top();
    queue_.pop();
    if (t.at > clock_.now_ms()) clock_.set(t.at);
    t.fn();
  }
  clock_.set(target);
}

}  // namespace meridian::sim
