#pragma once
// The current version of something reloaded while the daemon runs (the callers, the verifier of
// received signatures, the calendars): readers take the version in force and keep it for as long
// as they use it; a reload puts a new one in place for the next readers.
//
// Threading: Get and Set from any thread.

#include <memory>
#include <mutex>

namespace eaeu {

template <class T>
class Current {
 public:
  explicit Current(std::shared_ptr<const T> value = nullptr) : value_(std::move(value)) {}

  std::shared_ptr<const T> Get() const {
    std::lock_guard lock(mutex_);
    return value_;
  }
  void Set(std::shared_ptr<const T> value) {
    std::lock_guard lock(mutex_);
    value_ = std::move(value);
  }

 private:
  mutable std::mutex mutex_;
  std::shared_ptr<const T> value_;
};

}  // namespace eaeu
