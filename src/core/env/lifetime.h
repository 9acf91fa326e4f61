#pragma once
// Timers and continuations may fire after the part that set them is gone (a
// region restarting in the simulator, a client closing mid-command). A part
// holds one Lifetime and wraps each such callback in guard(): the callback
// then runs only while the part lives.
#include <memory>
#include <utility>

namespace meridian {

class Lifetime {
 public:
  Lifetime() = default;
  ~Lifetime() { *alive_ = false; }
  Lifetime(const Lifetime&) = delete;
  Lifetime& operator=(const Lifetime&) = delete;

  // `fn`, run only if this Lifetime has not ended; it takes whatever
  // arguments `fn` takes and returns nothing.
  template <typename Fn>
  auto guard(Fn fn) const {
    return [alive = std::weak_ptr<bool>(alive_), fn = std::move(fn)](auto&&... args) mutable {
      if (auto a = alive.lock(); a && *a) fn(std::forward<decltype(args)>(args)...);
    };
  }
  // Ends it early, from an owner's destructor, before its members go.
  void end() { *alive_ = false; }

 private:
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace meridian
