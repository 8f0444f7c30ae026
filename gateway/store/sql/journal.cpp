// The journal's writer: starting it over a backend's connections, the listeners of commits.
#include "gateway/store/sql/detail/shared.hpp"

#include <algorithm>
#include <future>

namespace eaeu::store {

SqlJournal::SqlJournal(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SqlJournal::~SqlJournal() {
  if (impl_->cluster) impl_->cluster->StopListening();  // it calls the listeners below
}

JournalStats SqlJournal::stats() const {
  return {impl_->commits.load(), impl_->changes.load()};
}

void SqlJournal::ObserveCommits(std::function<void(size_t changes, double seconds)> observer) {
  std::lock_guard lock(impl_->queue_mutex);  // the writer reads it after taking a batch
  impl_->commit_observer = std::move(observer);
}

std::unique_ptr<SqlJournal> SqlJournal::Start(std::unique_ptr<sql::Connection> writer,
                                              std::vector<std::unique_ptr<sql::Connection>> readers,
                                              size_t max_batch,
                                              std::unique_ptr<sql::Cluster> cluster) {
  auto impl = std::make_unique<Impl>();
  impl->max_batch = std::max<size_t>(max_batch, 1);
  impl->writer = std::move(writer);
  impl->readers = std::make_unique<sql::ReaderPool>(std::move(readers));
  impl->cluster = std::move(cluster);
  impl->writer->cluster = impl->cluster.get();
  Impl* raw = impl.get();
  impl->thread = std::thread([raw] { raw->Run(); });
  if (raw->cluster) {
    raw->cluster->Listen([raw] { raw->TellListeners(); },
                         [raw] {
                           std::function<void()> released;
                           {
                             std::lock_guard lock(raw->listener_mutex);
                             released = raw->released;
                           }
                           if (released) CallGuarded("released", released);
                         });
  }
  return std::unique_ptr<SqlJournal>(new SqlJournal(std::move(impl)));
}

std::string SqlJournal::instance() const {
  return impl_->cluster ? impl_->cluster->instance() : std::string();
}

void SqlJournal::BeatAsync(uint32_t claim, JournalCallback<Beat> done) {
  if (!impl_->cluster) {
    Journal::BeatAsync(claim, std::move(done));
    return;
  }
  auto beat = std::make_shared<Beat>();
  impl_->Submit(
      [cluster = impl_->cluster.get(), claim, beat](Connection& db) -> Status {
        auto found = cluster->Beat(db, claim);
        if (!found) return found.error();
        *beat = std::move(*found);
        return Ok{};
      },
      [beat, done = std::move(done)](Status st) {
        if (!st) {
          done(st.error());
          return;
        }
        done(std::move(*beat));
      });
}

void SqlJournal::ClaimAsync(std::string id, JournalCallback<Ok> done) {
  if (!impl_->cluster) {
    Journal::ClaimAsync(std::move(id), std::move(done));
    return;
  }
  impl_->Submit([cluster = impl_->cluster.get(),
                 id = std::move(id)](Connection& db) { return cluster->Claim(db, id); },
                std::move(done));
}

Status SqlJournal::Leave() {
  if (!impl_->cluster) return Ok{};
  std::promise<Status> left;
  auto future = left.get_future();
  impl_->Submit([cluster = impl_->cluster.get()](Connection& db) { return cluster->Leave(db); },
                [&left](Status st) { left.set_value(std::move(st)); });
  return future.get();
}

Result<std::vector<ClusterMember>> SqlJournal::Members() {
  if (!impl_->cluster) return Journal::Members();
  auto reader = impl_->readers->Acquire();
  return impl_->cluster->Members(*reader);
}

void SqlJournal::OnReleased(std::function<void()> listener) {
  std::lock_guard lock(impl_->listener_mutex);
  impl_->released = std::move(listener);
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
