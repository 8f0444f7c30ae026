#pragma once
// A bounded memory of values made lately, by key, for a reader in the same process that would
// otherwise make the same value again (the deadline tracker takes the model of a document the
// intake has just read, rather than reading the document back from the journal and parsing it).
// A reader that finds nothing makes the value itself: what is kept here is never the only copy.
//
// Bounded by the number of values and by their weight (what the caller says each holds, in
// bytes): the oldest go first. A value heavier than a share of the whole is not kept at all, so
// that one large document does not push out the many small ones, nor stay in memory for long.
//
// Values are kept only while a reader wants them (Want): a gateway of a cluster that does not
// follow the journal keeps none.
//
// Threading: every method may be called from any thread.

#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

namespace eaeu {

struct RecentLimits {
  size_t values = 4096;
  size_t weight = size_t{32} << 20;   // bytes, all values together
  size_t heaviest = size_t{1} << 20;  // bytes: a heavier value is not kept
};

template <class T>
class Recent {
 public:
  explicit Recent(RecentLimits limits = {}, bool wanted = true)
      : limits_(limits), wanted_(wanted) {}
  Recent(const Recent&) = delete;
  Recent& operator=(const Recent&) = delete;

  // Whether a reader takes the values: when none does, nothing is kept and what was is let go.
  void Want(bool wanted) {
    std::lock_guard lock(mutex_);
    wanted_ = wanted;
    if (wanted) return;
    order_.clear();
    by_key_.clear();
    weight_ = 0;
  }

  // Keeps `value` under `key` (replacing what was there); false when it is too heavy to keep, or
  // no reader wants it.
  bool Put(std::string key, std::shared_ptr<const T> value, size_t weight) {
    std::lock_guard lock(mutex_);
    EraseLocked(key);
    if (!wanted_ || !value || weight > limits_.heaviest || weight > limits_.weight ||
        limits_.values == 0) {
      return false;
    }
    order_.push_back(Entry{key, std::move(value), weight});
    by_key_.emplace(std::move(key), std::prev(order_.end()));
    weight_ += weight;
    while (order_.size() > limits_.values || weight_ > limits_.weight) {
      by_key_.erase(order_.front().key);
      weight_ -= order_.front().weight;
      order_.pop_front();
      ++evicted_;
    }
    return true;
  }

  // The value under `key`, or null; it stays. `forget` takes it out as it is found (its last
  // reader).
  std::shared_ptr<const T> Find(const std::string& key, bool forget = false) {
    std::lock_guard lock(mutex_);
    const auto it = by_key_.find(key);
    if (it == by_key_.end()) {
      ++misses_;
      return nullptr;
    }
    ++hits_;
    std::shared_ptr<const T> value = it->second->value;
    if (forget) EraseLocked(key);
    return value;
  }

  void Forget(const std::string& key) {
    std::lock_guard lock(mutex_);
    EraseLocked(key);
  }

  struct Figures {
    size_t values = 0;
    size_t weight = 0;
    uint64_t hits = 0;
    uint64_t misses = 0;
    uint64_t evicted = 0;  // pushed out by newer ones before their reader came
  };
  Figures figures() const {
    std::lock_guard lock(mutex_);
    return Figures{order_.size(), weight_, hits_, misses_, evicted_};
  }

 private:
  struct Entry {
    std::string key;
    std::shared_ptr<const T> value;
    size_t weight = 0;
  };

  void EraseLocked(const std::string& key) {
    const auto it = by_key_.find(key);
    if (it == by_key_.end()) return;
    weight_ -= it->second->weight;
    order_.erase(it->second);
    by_key_.erase(it);
  }

  const RecentLimits limits_;
  mutable std::mutex mutex_;
  bool wanted_;
  std::list<Entry> order_;  // oldest first
  std::unordered_map<std::string, typename std::list<Entry>::iterator> by_key_;
  size_t weight_ = 0;
  uint64_t hits_ = 0;
  uint64_t misses_ = 0;
  uint64_t evicted_ = 0;
};

}  // namespace eaeu
