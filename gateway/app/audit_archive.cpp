#include "gateway/app/audit_archive.hpp"

#include <openssl/evp.h>
#include <zlib.h>

#include <array>
#include <fstream>
#include <limits>
#include <memory>
#include <nlohmann/json.hpp>

#include "gateway/core/clock.hpp"
#include "gateway/core/hex.hpp"
#include "gateway/core/temporal.hpp"
#include "gateway/sign/detached.hpp"
#include "gateway/store/audit.hpp"
#include "gateway/store/journal.hpp"

namespace eaeu::app {
namespace {

using Json = nlohmann::ordered_json;
constexpr std::string_view kFormat = "eaeu-audit-archive-1";

// SHA-256 over the lines as they pass.
class Sha256 {
 public:
  Sha256() : ctx_(EVP_MD_CTX_new(), EVP_MD_CTX_free) {
    EVP_DigestInit_ex(ctx_.get(), EVP_sha256(), nullptr);
  }
  void Add(std::string_view bytes) { EVP_DigestUpdate(ctx_.get(), bytes.data(), bytes.size()); }
  std::string Hex() {
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int size = 0;
    EVP_DigestFinal_ex(ctx_.get(), digest.data(), &size);
    return HexLower({reinterpret_cast<const char*>(digest.data()), size});
  }

 private:
  std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX*)> ctx_;
};

using GzFile = std::unique_ptr<gzFile_s, int (*)(gzFile)>;

// The month "YYYY-MM" as [its first day, the next month's) in microseconds, UTC.
Result<std::pair<int64_t, int64_t>> MonthRange(const std::string& month) {
  const auto first = Date::Parse(month + "-01");
  if (month.size() != 7 || !first) {
    return MakeError("cli.usage", "--month", "\"" + month + "\" is not a month such as 2026-11");
  }
  const auto micros = [](const Date& d) {
    return std::chrono::duration_cast<std::chrono::microseconds>(
               FromUtc(DateTime{d, 0, 0, 0}).time_since_epoch())
        .count();
  };
  return std::pair{micros(*first), micros(first->AddMonths(1))};
}

// The SHA-256 of a file's bytes, or empty when it cannot be read.
std::string FileSha256(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return {};
  Sha256 sha;
  std::array<char, 1 << 16> buffer{};
  while (in.read(buffer.data(), buffer.size()) || in.gcount() > 0) {
    sha.Add({buffer.data(), static_cast<size_t>(in.gcount())});
  }
  return sha.Hex();
}

std::string Utc(int64_t micros) {
  return FormatUtc(std::chrono::system_clock::time_point(std::chrono::microseconds(micros)));
}

// Whether `e` follows the entry before it (seq, prev) and is what its hash says; the reason when
// not.
std::string Broken(const store::AuditEntry& e, uint64_t expected_seq, const std::string& prev) {
  if (expected_seq != 0 && e.seq != expected_seq) {
    return "entry " + std::to_string(e.seq) + " follows entry " + std::to_string(expected_seq - 1) +
           ": entries are missing or moved";
  }
  if (!prev.empty() && e.prev != prev) {
    return "entry " + std::to_string(e.seq) + " does not link to the entry before it";
  }
  if (store::AuditHash(e.prev, e.seq, e.at, e.event, e.subject, e.record) != e.hash) {
    return "entry " + std::to_string(e.seq) + " is not what its hash says: edited";
  }
  return {};
}

}  // namespace

std::string AuditArchiveText(const std::string& month, uint64_t entries, uint64_t first,
                             uint64_t last, const std::string& head, const std::string& sha256) {
  return std::string(kFormat) + " " + month + " " + std::to_string(entries) + " " +
         std::to_string(first) + " " + std::to_string(last) + " " + head + " " + sha256;
}

Result<AuditArchive> WriteAuditArchive(const store::JournalSettings& settings,
                                       const std::string& password, const std::string& month,
                                       const sign::SigningCredentials& credentials,
                                       const std::filesystem::path& to) {
  auto range = MonthRange(month);
  if (!range) return range.error();
  std::error_code ec;
  if (std::filesystem::exists(to, ec)) {
    return MakeError("file.exists", to.string(),
                     "is there already: an archive is not written over");
  }
  const auto partial = std::filesystem::path(to.string() + ".partial");
  GzFile out(gzopen(partial.c_str(), "wb9"), gzclose);
  if (!out) return MakeError("file.write", partial.string(), "cannot be written");
  Sha256 sha;
  std::string failure;
  const auto write = [&](const Json& line) {
    const std::string text = line.dump() + "\n";
    sha.Add(text);
    if (gzwrite(out.get(), text.data(), static_cast<unsigned>(text.size())) !=
        static_cast<int>(text.size())) {
      failure = "cannot be written whole";
    }
  };
  write(Json{{"format", kFormat},
             {"month", month},
             {"from", Utc(range->first)},
             {"to", Utc(range->second)}});
  AuditArchive a;
  a.month = month;
  std::string prev;
  std::string broken;
  auto st = store::EachAuditEntry(settings, password, range->first, range->second,
                                  [&](const store::AuditEntry& e) {
                                    broken = Broken(e, a.entries == 0 ? 0 : a.last + 1, prev);
                                    if (!broken.empty()) return false;
                                    if (a.entries == 0) a.first = e.seq;
                                    a.last = e.seq;
                                    ++a.entries;
                                    prev = e.hash;
                                    write(Json{{"seq", e.seq},
                                               {"at", e.at},
                                               {"event", e.event},
                                               {"subject", e.subject},
                                               {"record", e.record},
                                               {"prev", e.prev},
                                               {"hash", e.hash}});
                                    return failure.empty();
                                  });
  const auto abandon = [&](Error error) {
    out.reset();
    std::filesystem::remove(partial, ec);
    return error;
  };
  if (!st) return abandon(st.error());
  if (!broken.empty()) {
    return abandon(MakeError("audit.broken", month,
                             broken + "; run `audit verify` — a broken month is not archived"));
  }
  if (a.entries == 0) return abandon(MakeError("audit.empty", month, "no entry in this month"));
  a.head = prev;
  const std::string digest = sha.Hex();
  auto signature = sign::SignDetached(
      credentials, AuditArchiveText(month, a.entries, a.first, a.last, a.head, digest));
  if (!signature) return abandon(signature.error());
  write(Json{{"entries", a.entries},
             {"first", a.first},
             {"last", a.last},
             {"head", a.head},
             {"sha256", digest},
             {"algorithm", signature->algorithm},
             {"signature", signature->signature},
             {"certificate", signature->certificate}});
  if (!failure.empty()) return abandon(MakeError("file.write", partial.string(), failure));
  if (gzclose(out.release()) != Z_OK) {
    return abandon(MakeError("file.write", partial.string(), "cannot be closed"));
  }
  std::filesystem::rename(partial, to, ec);
  if (ec) return abandon(MakeError("file.write", to.string(), ec.message()));
  a.signer = credentials.certificate().subject;
  return a;
}

Result<AuditArchive> VerifyAuditArchive(const std::filesystem::path& file) {
  GzFile in(gzopen(file.c_str(), "rb"), gzclose);
  if (!in) return MakeError("file.open", file.string(), "cannot be read");
  std::string text;
  std::array<char, 1 << 16> buffer{};
  for (int n; (n = gzread(in.get(), buffer.data(), buffer.size())) > 0;)
    text.append(buffer.data(), n);
  int gz_error = Z_OK;
  gzerror(in.get(), &gz_error);
  if (gz_error != Z_OK && gz_error != Z_STREAM_END) {
    return MakeError("archive.gzip", file.string(), "not a whole gzip file");
  }
  const auto fail = [&](size_t line, const std::string& why) {
    return MakeError("archive.broken", file.filename().string() + ":" + std::to_string(line), why);
  };
  std::vector<std::string_view> lines;
  for (std::string_view rest = text; !rest.empty();) {
    const auto nl = rest.find('\n');
    if (nl == std::string_view::npos) return fail(lines.size() + 1, "the last line is cut off");
    lines.push_back(rest.substr(0, nl + 1));
    rest.remove_prefix(nl + 1);
  }
  if (lines.size() < 3) return fail(lines.size(), "a header, entries and a trailer are expected");
  const auto header = Json::parse(lines.front(), nullptr, false);
  if (!header.is_object() || header.value("format", "") != kFormat) {
    return fail(1, "not an audit archive of this format (" + std::string(kFormat) + ")");
  }
  AuditArchive a;
  a.month = header.value("month", "");
  auto range = MonthRange(a.month);
  if (!range) return fail(1, "its month: " + range.error().message);
  Sha256 sha;
  sha.Add(lines.front());
  std::string prev;
  for (size_t i = 1; i + 1 < lines.size(); ++i) {
    const auto j = Json::parse(lines[i], nullptr, false);
    store::AuditEntry e;
    try {
      e = {j.at("seq").get<uint64_t>(),       j.at("at").get<int64_t>(),
           j.at("event").get<std::string>(),  j.at("subject").get<std::string>(),
           j.at("record").get<std::string>(), j.at("prev").get<std::string>(),
           j.at("hash").get<std::string>()};
    } catch (const nlohmann::json::exception&) {
      return fail(i + 1, "not an entry");
    }
    if (const auto broken = Broken(e, a.entries == 0 ? 0 : a.last + 1, prev); !broken.empty()) {
      return fail(i + 1, broken);
    }
    if (e.at < range->first || e.at >= range->second) {
      return fail(i + 1,
                  "entry " + std::to_string(e.seq) + " is of " + Utc(e.at) + ", not of " + a.month);
    }
    if (a.entries == 0) {
      a.first = e.seq;
      a.first_prev = e.prev;
    }
    a.last = e.seq;
    ++a.entries;
    prev = e.hash;
    sha.Add(lines[i]);
  }
  a.head = prev;
  const auto trailer = Json::parse(lines.back(), nullptr, false);
  const size_t last_line = lines.size();
  if (!trailer.is_object()) return fail(last_line, "not the trailer");
  if (trailer.value("entries", uint64_t{0}) != a.entries ||
      trailer.value("first", uint64_t{0}) != a.first ||
      trailer.value("last", uint64_t{0}) != a.last || trailer.value("head", "") != a.head) {
    return fail(last_line, "the trailer says " + std::to_string(trailer.value("entries", 0)) +
                               " entries ending at " + trailer.value("head", "") +
                               ", the file has " + std::to_string(a.entries) + " ending at " +
                               a.head + ": entries were added or removed");
  }
  const std::string digest = sha.Hex();
  if (trailer.value("sha256", "") != digest) {
    return fail(last_line, "the lines before the trailer are not those it was made of");
  }
  auto signer =
      sign::VerifyDetached({trailer.value("algorithm", ""), trailer.value("signature", ""),
                            trailer.value("certificate", "")},
                           AuditArchiveText(a.month, a.entries, a.first, a.last, a.head, digest));
  if (!signer) return fail(last_line, "its signature: " + signer.error().ToString());
  a.signer = signer->subject;
  return a;
}

std::string AuditArchiveName(const std::string& month) {
  return "audit-" + month + ".jsonl.gz";
}

Result<std::vector<store::ArchivedAuditMonth>> RetireAuditMonths(
    store::Journal& journal, const store::JournalSettings& settings, const std::string& password,
    const sign::SigningCredentials& credentials, std::chrono::system_clock::time_point now) {
  std::vector<store::ArchivedAuditMonth> moved;
  if (settings.audit_retention_years == 0) return moved;
  // Whole months that ended before this instant go.
  DateTime cutoff_time = UtcDateTime(now);
  cutoff_time.date = cutoff_time.date.AddYears(-static_cast<int>(settings.audit_retention_years));
  const auto cutoff =
      std::chrono::duration_cast<std::chrono::microseconds>(FromUtc(cutoff_time).time_since_epoch())
          .count();
  const auto& dir = settings.audit_archive_dir;
  for (;;) {
    // The month of the oldest entry still in the journal.
    std::optional<int64_t> oldest;
    auto read =
        store::EachAuditEntry(settings, password, std::numeric_limits<int64_t>::min(),
                              std::numeric_limits<int64_t>::max(), [&](const store::AuditEntry& e) {
                                oldest = e.at;
                                return false;
                              });
    if (!read) return read.error();
    if (!oldest) return moved;
    const std::string month = Utc(*oldest).substr(0, 7);
    auto range = MonthRange(month);
    if (!range) return range.error();
    if (range->second > cutoff) return moved;
    const auto fail = [&](const Error& e) {
      return MakeError("audit.retention", month,
                       "not moved to an archive: " + e.ToString() + " (" +
                           std::to_string(moved.size()) + " months before it moved)");
    };
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) return fail(MakeError("file.write", dir.string(), ec.message()));
    const auto file = dir / AuditArchiveName(month);
    if (!std::filesystem::exists(file, ec)) {
      auto written = WriteAuditArchive(settings, password, month, credentials, file);
      if (!written) return fail(written.error());
    }
    // Read back from the disk: what leaves the journal is what the file holds.
    auto a = VerifyAuditArchive(file);
    if (!a) return fail(a.error());
    store::ArchivedAuditMonth m;
    m.month = month;
    m.first = a->first;
    m.last = a->last;
    m.entries = a->entries;
    m.head = a->head;
    m.file = file.filename().string();
    m.sha256 = FileSha256(file);
    if (m.sha256.empty()) return fail(MakeError("file.open", file.string(), "cannot be read"));
    if (auto st = journal.RetireAuditMonth(m, now); !st) return fail(st.error());
    m.at = std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()).count();
    moved.push_back(std::move(m));
  }
}

ArchivedMonthsCheck CheckArchivedMonths(const std::vector<store::ArchivedAuditMonth>& months,
                                        const std::filesystem::path& dir) {
  ArchivedMonthsCheck check;
  // The head of the month before, when its file was read.
  std::optional<std::string> before = std::string(store::kAuditGenesis);
  for (const auto& m : months) {
    const auto file = dir / m.file;
    std::error_code ec;
    if (!std::filesystem::exists(file, ec)) {
      check.missing.push_back(file.string());
      before.reset();
      continue;
    }
    const auto broken = [&](const std::string& why) {
      check.broken = MakeError("archive.broken", file.string(), why);
      return check;
    };
    if (FileSha256(file) != m.sha256) {
      return broken("is not the file the journal recorded when " + m.month +
                    " left it (its SHA-256 differs)");
    }
    auto a = VerifyAuditArchive(file);
    if (!a) return broken(a.error().ToString());
    if (a->month != m.month || a->first != m.first || a->last != m.last || a->head != m.head) {
      return broken("holds entries " + std::to_string(a->first) + " to " + std::to_string(a->last) +
                    " of " + a->month + ", the journal recorded " + std::to_string(m.first) +
                    " to " + std::to_string(m.last) + " of " + m.month);
    }
    if (before && a->first_prev != *before) {
      return broken("its first entry does not link to the month before it");
    }
    before = a->head;
    ++check.checked;
  }
  return check;
}

}  // namespace eaeu::app
