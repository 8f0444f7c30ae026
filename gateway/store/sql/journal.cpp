// The journal's writer: starting it over a backend's connections, the listeners of commits.
#include "gateway/store/sql/detail/shared.hpp"

#include <algorithm>

namespace eaeu::store {

SqlJournal::SqlJournal(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SqlJournal::~SqlJournal() = default;

JournalStats SqlJournal::stats() const {
  return {impl_->commits.load(), impl_->changes.load()};
}

std::unique_ptr<SqlJournal> SqlJournal::Start(std::unique_ptr<sql::Connection> writer,
                                              std::vector<std::unique_ptr<sql::Connection>> readers,
                                              size_t max_batch) {
  auto impl = std::make_unique<Impl>();
  impl->max_batch = std::max<size_t>(max_batch, 1);
  impl->writer = std::move(writer);
  impl->readers = std::make_unique<sql::ReaderPool>(std::move(readers));
  Impl* raw = impl.get();
  impl->thread = std::thread([raw] { raw->Run(); });
  return std::unique_ptr<SqlJournal>(new SqlJournal(std::move(impl)));
}

void SqlJournal::WaitIdle() {
  impl_->WaitIdle();
}

void SqlJournal::OnCommit(std::string_view name, std::function<void()> listener) {
  std::lock_guard lock(impl_->listener_mutex);
  auto next = impl_->listeners
                  ? std::make_shared<std::map<std::string, std::function<void()>, std::less<>>>(
                        *impl_->listeners)
                  : std::make_shared<std::map<std::string, std::function<void()>, std::less<>>>();
  if (listener) {
    (*next)[std::string(name)] = std::move(listener);
  } else {
    next->erase(std::string(name));
  }
  impl_->listeners = std::move(next);
}

}  // namespace eaeu::store
