// SQLite journal: the writer: group commit, the listeners of commits, opening and migrating the
// file.
#include "gateway/store/sqlite/detail/shared.hpp"

namespace eaeu::store {

SqliteJournal::SqliteJournal(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SqliteJournal::~SqliteJournal() = default;

int SqliteJournal::SchemaVersion() {
  return sqlite::CurrentSchemaVersion();
}

JournalStats SqliteJournal::stats() const {
  return {impl_->commits.load(), impl_->changes.load()};
}

Result<std::unique_ptr<SqliteJournal>> SqliteJournal::Open(const SqliteJournalOptions& options) {
  if (sqlite3_threadsafe() == 0) {
    return MakeError("journal.sqlite", "", "SQLite was built without thread support");
  }
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  if (impl->options.max_batch == 0) impl->options.max_batch = 1;
  auto writer = Connection::Open(options.file);
  if (!writer) return writer.error();
  impl->writer = std::move(*writer);
  if (auto migrated = Migrate(*impl->writer, options.file, options.migrate_to); !migrated) {
    return migrated.error();
  }
  auto readers = sqlite::ReaderPool::Open(options.file, options.readers);
  if (!readers) return readers.error();
  impl->readers = std::move(*readers);
  Impl* raw = impl.get();
  impl->thread = std::thread([raw] { raw->Run(); });
  return std::unique_ptr<SqliteJournal>(new SqliteJournal(std::move(impl)));
}

void SqliteJournal::WaitIdle() {
  impl_->WaitIdle();
}

void SqliteJournal::OnCommit(std::string_view name, std::function<void()> listener) {
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
