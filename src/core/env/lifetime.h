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
  Lifetime(const Lifetime&) = delete;
  Lifetime& operator=(const Lifetime&) = delete;

  // `fn`, run only while this Lifetime exists; it takes whatever arguments
  // `fn` takes and returns nothing.
  template <typename Fn>
  auto guard(Fn fn) const {
    return [alive = std::weak_ptr<const char>(token_), fn = std::move(fn)](auto&&... args) mutable {
      if (!alive.expired()) fn(std::forward<decltype(args)>(args)...);
    };
  }

 private:
  // Guards hold it weakly: it expires with its owner.
  std::shared_ptr<const char> token_ = std::make_shared<const char>(0);
};

}  // namespace meridian
