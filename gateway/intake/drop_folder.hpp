#pragma once
// Drop-folder intake: a watched folder per sender. A file put into the folder (write it under a
// name starting with '.' or ending in ".part", then rename it: only finished files are taken) is
// claimed by an atomic rename into `.work/`, submitted, and then moved to `accepted/` under its
// message id, or to `rejected/` with a `<name>.report.json` beside it. A file the journal could
// not take goes back to the folder and is tried again; files left in `.work/` by a crash go back
// at start.

#include <cstdint>
#include <filesystem>
#include <memory>

#include "gateway/core/result.hpp"
#include "gateway/intake/pipeline.hpp"
#include "gateway/intake/settings.hpp"

namespace boost::asio {
class io_context;
}

namespace eaeu::intake {

class DropFolder {
 public:
  // Creates the folder's subfolders, returns claimed files to the folder, and starts scanning
  // every `settings.scan_interval` on `io`; the files are read and moved on the worker pool.
  static Result<std::unique_ptr<DropFolder>> Start(boost::asio::io_context& io,
                                                   const DropFolderSettings& settings,
                                                   Pipeline& pipeline, PostToWorkers post);
  ~DropFolder();
  // Stops scanning; files under way finish.
  void Stop();
  // Scans now (tests, and SIGHUP).
  void ScanNow();

  struct Stats {
    uint64_t accepted = 0;
    uint64_t rejected = 0;
    uint64_t retried = 0;
  };
  Stats stats() const;

 private:
  struct Impl;
  explicit DropFolder(std::shared_ptr<Impl> impl);
  std::shared_ptr<Impl> impl_;
};

}  // namespace eaeu::intake
