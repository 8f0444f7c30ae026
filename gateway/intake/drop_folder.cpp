#include <utility>
// Asio after <utility> (Boost 1.74 with GCC 12 in C++20).
#include "gateway/intake/drop_folder.hpp"

#include <spdlog/spdlog.h>

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <mutex>
#include <nlohmann/json.hpp>

#include "gateway/core/files.hpp"
#include "gateway/validate/verdict_json.hpp"

namespace eaeu::intake {
namespace {

namespace fs = std::filesystem;
constexpr uint64_t kMaxFileBytes = 128ull << 20;
constexpr size_t kMaxFilesPerScan = 256;

bool IsUnfinished(const fs::path& name) {
  const std::string n = name.filename().string();
  return n.empty() || n.front() == '.' || n.ends_with(".part") || n.ends_with(".tmp");
}

// A file name as the logs show it: control characters (a newline that would forge a log line)
// as '?', and at most 200 bytes.
std::string Printable(const fs::path& path) {
  std::string out = path.filename().string().substr(0, 200);
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
  }
  return out;
}

validate::InputFormat FormatOf(const fs::path& file) {
  const auto ext = file.extension().string();
  if (ext == ".xml" || ext == ".XML") return validate::InputFormat::kXml;
  if (ext == ".json" || ext == ".JSON") return validate::InputFormat::kJson;
  return validate::InputFormat::kAuto;
}

// Moves `from` to `to`, adding "-2", "-3"… before the extension when `to` exists.
fs::path MoveUnique(const fs::path& from, fs::path to, std::error_code& ec) {
  const fs::path stem = to.stem();
  const fs::path ext = to.extension();
  for (int i = 2; fs::exists(to); ++i) {
    to = to.parent_path() / (stem.string() + "-" + std::to_string(i) + ext.string());
  }
  fs::rename(from, to, ec);
  return to;
}

}  // namespace

struct DropFolder::Impl : std::enable_shared_from_this<Impl> {
  Impl(boost::asio::io_context& io, DropFolderSettings s, Pipeline& p, PostToWorkers post_to)
      : settings(std::move(s)), pipeline(p), post(std::move(post_to)), timer(io) {}

  DropFolderSettings settings;
  Pipeline& pipeline;
  PostToWorkers post;
  boost::asio::steady_timer timer;
  std::atomic<bool> stopped{false};
  std::atomic<bool> scanning{false};
  std::atomic<uint64_t> accepted{0}, rejected{0}, retried{0};

  fs::path Work() const { return settings.path / ".work"; }

  void Arm() {
    if (stopped) return;
    timer.expires_after(settings.scan_interval);
    timer.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
      if (ec || self->stopped) return;
      self->Scan();
      self->Arm();
    });
  }

  void Scan() {
    if (scanning.exchange(true)) return;  // the previous scan is still listing
    post([self = shared_from_this()] {
      self->Claim();
      self->scanning = false;
    });
  }

  // Takes the finished files of the folder (on a worker thread).
  void Claim() {
    std::error_code ec;
    std::vector<fs::path> files;
    for (fs::directory_iterator it(settings.path, ec), end; !ec && it != end; it.increment(ec)) {
      if (files.size() >= kMaxFilesPerScan) break;
      std::error_code type_ec;
      const fs::file_status status = it->symlink_status(type_ec);
      if (type_ec || IsUnfinished(it->path())) continue;
      if (fs::is_symlink(status)) {
        // A link could make the gateway read, journal and show any file its user may read: it
        // is set aside, not followed.
        std::error_code move_ec;
        const auto to =
            MoveUnique(it->path(), settings.path / "rejected" / it->path().filename(), move_ec);
        spdlog::warn("drop-folder file={} is a symbolic link: not followed, moved to {}",
                     Printable(it->path()), Printable(to));
        continue;
      }
      if (!fs::is_regular_file(status)) continue;
      files.push_back(it->path());
    }
    if (ec)
      spdlog::warn("drop-folder {} cannot be listed: {}", settings.path.string(), ec.message());
    for (const auto& file : files) {
      if (stopped) return;
      const fs::path claimed = Work() / file.filename();
      std::error_code move_ec;
      fs::rename(file, claimed, move_ec);
      if (move_ec) continue;  // taken by someone else, or gone
      Submit(claimed);
    }
  }

  void Submit(const fs::path& claimed) {
    auto bytes = ReadFileLimited(claimed, kMaxFileBytes);
    Submission s;
    s.format = FormatOf(claimed);
    s.sender = {settings.country, settings.participant, "drop-folder " + settings.path.string()};
    s.channel = "drop-folder";
    if (!bytes) {
      // Too large or unreadable: submitted empty, so the rejection is journalled with the reason.
      spdlog::warn("drop-folder file={} cannot be read: {}", Printable(claimed),
                   bytes.error().ToString());
    } else {
      s.bytes = std::move(*bytes);
    }
    pipeline.Submit(std::move(s), [self = shared_from_this(), claimed](SubmissionResult r) {
      self->post([self, claimed, r = std::move(r)] { self->Finish(claimed, r); });
    });
  }

  void Finish(const fs::path& claimed, const SubmissionResult& r) {
    std::error_code ec;
    const std::string name = claimed.filename().string();
    const std::string shown = Printable(claimed);
    switch (r.outcome) {
      case intake::Outcome::kAccepted:
      case intake::Outcome::kDuplicate: {
        const auto to =
            MoveUnique(claimed, settings.path / "accepted" / (r.message_id + "-" + name), ec);
        ++accepted;
        spdlog::info("message={} drop-folder file={} -> accepted/{}", r.message_id, shown,
                     Printable(to));
        break;
      }
      case intake::Outcome::kFailed:
        ++retried;
        fs::rename(claimed, settings.path / name, ec);
        spdlog::warn("drop-folder file={} not taken, will be tried again: {}", shown,
                     r.error.ToString());
        break;
      default: {
        const auto to = MoveUnique(claimed, settings.path / "rejected" / name, ec);
        nlohmann::ordered_json report;
        report["file"] = name;
        report["messageId"] = r.message_id;
        report["outcome"] = intake::OutcomeName(r.outcome);
        report.update(validate::VerdictToJson(r.verdict));
        const auto report_path = fs::path(to.string() + ".report.json");
        if (auto st = WriteFileAtomically(report_path, report.dump(2) + "\n"); !st) {
          spdlog::error("drop-folder cannot write {}: {}", report_path.string(),
                        st.error().ToString());
        }
        ++rejected;
        spdlog::info("message={} drop-folder file={} rejected -> rejected/{}", r.message_id, shown,
                     Printable(to));
        break;
      }
    }
    if (ec) spdlog::error("drop-folder cannot move {}: {}", shown, ec.message());
  }
};

Result<std::unique_ptr<DropFolder>> DropFolder::Start(boost::asio::io_context& io,
                                                      const DropFolderSettings& settings,
                                                      Pipeline& pipeline, PostToWorkers post) {
  auto impl = std::make_shared<Impl>(io, settings, pipeline, std::move(post));
  std::error_code ec;
  for (const char* sub : {".work", "accepted", "rejected"}) {
    fs::create_directories(settings.path / sub, ec);
    if (ec) {
      return MakeError("drop-folder.create", settings.path.string(),
                       "cannot create " + (settings.path / sub).string() + ": " + ec.message());
    }
  }
  // Files a crash left claimed go back to be taken again.
  for (fs::directory_iterator it(impl->Work(), ec), end; !ec && it != end; it.increment(ec)) {
    std::error_code move_ec;
    fs::rename(it->path(), settings.path / it->path().filename(), move_ec);
  }
  impl->Arm();
  impl->Scan();
  return std::unique_ptr<DropFolder>(new DropFolder(std::move(impl)));
}

DropFolder::DropFolder(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}

DropFolder::~DropFolder() {
  Stop();
}

void DropFolder::Stop() {
  if (impl_->stopped.exchange(true)) return;
  boost::asio::post(impl_->timer.get_executor(), [impl = impl_] { impl->timer.cancel(); });
}

void DropFolder::ScanNow() {
  impl_->Scan();
}

DropFolder::Stats DropFolder::stats() const {
  return {impl_->accepted.load(), impl_->rejected.load(), impl_->retried.load()};
}

}  // namespace eaeu::intake
