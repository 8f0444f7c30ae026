// Faults of the environment under a gateway: the journal's file system fills up while submissions
// come, and a gateway is started on one that is read-only. The journal lives on a small tmpfs
// mounted for the test (mounting needs root, as the test command runs on a fresh machine; elsewhere
// the test says so and checks nothing). What must hold: a submission the journal could not take is
// refused with 503 and Retry-After, every 202 stays readable, nothing half-written is left, and
// service comes back by itself once the file system takes writes again, across a restart too.
#include <sys/mount.h>

#include <sqlite3.h>

#include <catch2/catch.hpp>
#include <cerrno>
#include <cstring>
#include <optional>
#include <set>

#include "integration/gateway_fixture.hpp"

namespace eaeu::test {
namespace {

// A tmpfs of `bytes` on a folder of its own, unmounted at the end.
class SmallFileSystem {
 public:
  explicit SmallFileSystem(size_t bytes) {
    std::filesystem::create_directories(dir_ / "fs");
    const std::string options = "size=" + std::to_string(bytes) + ",mode=0700";
    if (::mount("tmpfs", path().c_str(), "tmpfs", 0, options.c_str()) != 0) {
      why_not_ = std::strerror(errno);
      return;
    }
    mounted_ = true;
  }
  ~SmallFileSystem() {
    if (mounted_) ::umount2(path().c_str(), MNT_DETACH);
  }
  SmallFileSystem(const SmallFileSystem&) = delete;
  SmallFileSystem& operator=(const SmallFileSystem&) = delete;

  bool mounted() const { return mounted_; }
  const std::string& why_not() const { return why_not_; }
  std::filesystem::path path() const { return dir_ / "fs"; }
  // Read-only, or writable again, in place (refused while a file is open for writing).
  bool SetReadOnly(bool read_only) {
    unsigned long flags = MS_REMOUNT;
    if (read_only) flags |= MS_RDONLY;
    return ::mount("tmpfs", path().c_str(), "tmpfs", flags, nullptr) == 0;
  }

 private:
  TempDir dir_;
  bool mounted_ = false;
  std::string why_not_;
};

// Fills the file system with one file until no byte more fits.
void Fill(const std::filesystem::path& file) {
  std::FILE* f = std::fopen(file.c_str(), "wb");
  REQUIRE(f != nullptr);
  const std::string block(4096, 'x');
  while (std::fwrite(block.data(), 1, block.size(), f) == block.size()) {
  }
  std::fclose(f);
}

HttpReply Submit(const TestGateway& g, const std::string& token, int n) {
  HttpCall call;
  call.method = "POST";
  call.url = g.Url("/v1/documents");
  call.token = token;
  call.body = WithEDocId(ExampleText(model::DocumentKind::kInspectionReport), NumberedEDocId(n));
  return Http(call);
}

// The ids of the messages the gateway lists (every page).
std::set<std::string> Listed(const TestGateway& g, const std::string& token) {
  std::set<std::string> ids;
  HttpCall list;
  list.url = g.Url("/v1/messages?limit=1000");
  list.token = token;
  const Json page = Http(list).json();
  for (const auto& m : page["items"]) ids.insert(m["id"].get<std::string>());
  return ids;
}

// SQLite's own check of a journal file: "ok", or what is wrong.
std::string IntegrityOf(const std::filesystem::path& file) {
  sqlite3* db = nullptr;
  std::string out;
  if (sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, nullptr) == SQLITE_OK) {
      while (sqlite3_step(st) == SQLITE_ROW) {
        out += reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
      }
    }
    sqlite3_finalize(st);
  }
  if (out.empty()) out = sqlite3_errmsg(db);
  sqlite3_close(db);
  return out;
}

// A gateway's configuration with its journal on `fs`; none (and the test says why) when no tmpfs
// could be mounted.
std::optional<config::DaemonConfig> JournalOn(const SmallFileSystem& fs,
                                              const GatewayFiles& files) {
  if (!fs.mounted()) {
    WARN("no tmpfs could be mounted (" << fs.why_not() << "): the test needs root");
    return std::nullopt;
  }
  auto config = files.Config();
  config.journal.file = fs.path() / "journal.sqlite";
  return config;
}

}  // namespace

TEST_CASE(
    "Faults: a full disk refuses submissions with 503 and keeps every 202 and service comes back "
    "when space returns",
    "[faults][daemon]") {
  SmallFileSystem fs(8 * 1024 * 1024);
  GatewayFiles files;
  auto journalled = JournalOn(fs, files);
  if (!journalled) return;
  const config::DaemonConfig config = *journalled;
  std::set<std::string> accepted;
  int n = 0;
  {
    TestGateway g(config);
    for (; n < 5; ++n) {
      const auto r = Submit(g, files.ru_token, n);
      REQUIRE(r.status == 202);
      accepted.insert(r.json()["id"].get<std::string>());
    }
    Fill(fs.path() / "filler");
    // Until the journal cannot grow: refused, and said why.
    HttpReply refused;
    for (int tries = 0; tries < 400; ++tries, ++n) {
      refused = Submit(g, files.ru_token, n);
      if (refused.status != 202) break;
      accepted.insert(refused.json()["id"].get<std::string>());
    }
    INFO(refused.body);
    REQUIRE(refused.status == 503);
    CHECK(refused.json()["type"] == "urn:eaeu-gateway:problem:journal-unavailable");
    CHECK_THAT(refused.headers, Catch::Contains("Retry-After"));
    // Still serving reads, with every message accepted so far.
    CHECK(Listed(g, files.ru_token) == accepted);

    // Space returns: taken again, without a restart.
    std::filesystem::remove(fs.path() / "filler");
    const auto again = Submit(g, files.ru_token, ++n);
    INFO(again.body);
    REQUIRE(again.status == 202);
    accepted.insert(again.json()["id"].get<std::string>());
    CHECK(Listed(g, files.ru_token) == accepted);
  }
  // Nothing half-written: the journal opens again with exactly the messages answered 202.
  TestGateway restarted(config);
  CHECK(Listed(restarted, files.ru_token) == accepted);
  CHECK(IntegrityOf(config.journal.file) == "ok");
}

TEST_CASE(
    "Faults: a gateway does not start on a read-only journal folder and says so and starts "
    "with every message once it is writable",
    "[faults][daemon]") {
  SmallFileSystem fs(16 * 1024 * 1024);
  GatewayFiles files;
  auto journalled = JournalOn(fs, files);
  if (!journalled) return;
  const config::DaemonConfig config = *journalled;
  std::set<std::string> accepted;
  {
    TestGateway g(config);
    for (int n = 1; n <= 3; ++n) {
      const auto r = Submit(g, files.ru_token, n);
      REQUIRE(r.status == 202);
      accepted.insert(r.json()["id"].get<std::string>());
    }
  }
  // A file system remounted read-only (as one with errors is): no start, and the reason named.
  REQUIRE(fs.SetReadOnly(true));
  auto refused = app::Daemon::Create(config, {});
  REQUIRE_FALSE(refused.ok());
  INFO(refused.error().ToString());
  CHECK_THAT(refused.error().ToString(), Catch::Contains("journal"));
  CHECK_THAT(refused.error().ToString(), Catch::Contains("Read-only file system"));
  REQUIRE(fs.SetReadOnly(false));
  TestGateway restarted(config);
  CHECK(Listed(restarted, files.ru_token) == accepted);
}

}  // namespace eaeu::test
