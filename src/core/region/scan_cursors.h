#pragma once
// SCAN cursors are integers for clients, but the keyspace is ordered by key:
// each cursor handed out names the key where the next call resumes. The table
// is bounded; a cursor that fell out of it is reported as invalid.
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <unordered_map>

namespace meridian {

class ScanCursors {
 public:
  explicit ScanCursors(size_t capacity = 16384) : capacity_(capacity) {}

  uint64_t issue(std::string resume_key) {
    uint64_t id = next_++;
    if (next_ == 0) next_ = 1;
    order_.push_back(id);
    cursors_[id] = std::move(resume_key);
    if (order_.size() > capacity_) {
      cursors_.erase(order_.front());
      order_.pop_front();
    }
    return id;
  }
  std::optional<std::string> resume_key(uint64_t id) const {
    auto it = cursors_.find(id);
    if (it == cursors_.end()) return std::nullopt;
    return it->second;
  }

 private:
  size_t capacity_;
  uint64_t next_ = 1;
  std::deque<uint64_t> order_;
  std::unordered_map<uint64_t, std::string> cursors_;
};

}  // namespace meridian
