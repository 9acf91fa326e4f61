#pragma once
// The real runtime's clock, randomness and timers.
#include <asio/io_context.hpp>
#include <asio/steady_timer.hpp>
#include <chrono>
#include <memory>
#include <random>

#include "core/env/clock.h"
#include "core/env/random.h"
#include "core/env/scheduler.h"

namespace meridian {

class SystemClock final : public Clock {
 public:
  int64_t now_ms() override {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
  int64_t wall_us() override {
    return std::chrono::duration_cast<std::chrono::microseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
  int64_t now_us() override {
    return std::chrono::duration_cast<std::chrono::microseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
  }
};

class SystemRandom final : public Random {
 public:
  SystemRandom() : gen_(std::random_device{}()) {}
  uint64_t next_u64() override { return gen_(); }

 private:
  std::mt19937_64 gen_;
};

// Timers on the event loop thread, so callbacks never race the core.
class AsioScheduler final : public Scheduler {
 public:
  explicit AsioScheduler(asio::io_context& io) : io_(io) {}
  void after(int64_t delay_ms, std::function<void()> fn) override {
    auto timer = std::make_shared<asio::steady_timer>(io_, std::chrono::milliseconds(delay_ms));
    timer->async_wait([timer, fn = std::move(fn)](const std::error_code& ec) {
      if (!ec) fn();
    });
  }

 private:
  asio::io_context& io_;
};

}  // namespace meridian
