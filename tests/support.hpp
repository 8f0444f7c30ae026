#pragma once
// Shared helpers of the test suite: the shipped schemas and examples, a validator built once,
// temporary folders and a child-process runner.

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "codecs/model.hpp"
#include "gateway/validate/validator.hpp"

namespace eaeu::test {

inline std::filesystem::path SourceDir() {
  return EAEU_SOURCE_DIR;
}
inline std::filesystem::path Examples() {
  return SourceDir() / "schemas/examples";
}

inline std::string ReadText(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline void WriteText(const std::filesystem::path& path, std::string_view text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

inline validate::ValidatorSettings Settings(bool with_test_lists) {
  validate::ValidatorSettings s;
  s.schema_catalog = SourceDir() / "schemas/catalog.toml";
  s.code_lists.push_back(SourceDir() / "config/codelists");
  if (with_test_lists) s.code_lists.push_back(SourceDir() / "tests/data/codelists");
  return s;
}

inline std::unique_ptr<validate::Validator> MakeValidator(bool with_test_lists) {
  auto created = validate::Validator::Create(Settings(with_test_lists));
  if (!created) throw std::runtime_error(created.error().ToString());
  return std::move(created.value());
}

// The shipped configuration plus the test code lists (groups, legal forms, kinds, statuses).
inline const validate::Validator& TestValidator() {
  static const auto v = MakeValidator(true);
  return *v;
}

// The shipped configuration only, as an operator starts with it.
inline const validate::Validator& PlainValidator() {
  static const auto v = MakeValidator(false);
  return *v;
}

inline validate::RuleContext Context(std::string_view today = "2026-11-24") {
  validate::RuleContext c;
  c.today = *Date::Parse(today);
  return c;
}

inline std::filesystem::path ExamplePath(model::DocumentKind kind) {
  switch (kind) {
    case model::DocumentKind::kInspectionReport:
      return Examples() / "inspection-report.xml";
    case model::DocumentKind::kSuspensionNotice:
      return Examples() / "suspension-notice.xml";
    case model::DocumentKind::kRegisterEntry:
      return Examples() / "register-entry.xml";
    case model::DocumentKind::kSummaryReport:
      return Examples() / "summary-report.xml";
    case model::DocumentKind::kSummaryRequest:
      return Examples() / "summary-request.xml";
    case model::DocumentKind::kProcessingResult:
      break;
  }
  return Examples() / "processing-result.xml";
}

// The example of a kind, as text.
inline std::string ExampleText(model::DocumentKind kind = model::DocumentKind::kInspectionReport) {
  return ReadText(ExamplePath(kind));
}

// The example of a kind, read through the validator (so through the XML codec).
inline model::Document Example(model::DocumentKind kind) {
  auto v =
      TestValidator().Validate(ReadText(ExamplePath(kind)), validate::InputFormat::kXml, Context());
  if (!v.document) throw std::runtime_error("example unreadable");
  return std::move(*v.document);
}

// A fresh temporary folder, removed at the end of the scope.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "eaeu-test-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(std::string_view name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

struct ProcessResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs a command through /bin/sh with its output captured in files of `dir`.
inline ProcessResult RunCommand(const std::string& command, const std::filesystem::path& dir) {
  const auto out = dir / "stdout.txt";
  const auto err = dir / "stderr.txt";
  const std::string full = command + " >" + out.string() + " 2>" + err.string();
  const int status = std::system(full.c_str());
  ProcessResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = ReadText(out);
  r.err = ReadText(err);
  return r;
}

// The canonical form (exclusive c14n, comments kept) of `xml` by `xmllint --exc-c14n`.
inline std::string XmllintExcC14n(const std::string& xml) {
  TempDir dir;
  WriteText(dir / "in.xml", xml);
  auto r = RunCommand("xmllint --exc-c14n '" + (dir / "in.xml").string() + "'", dir.path());
  if (r.exit_code != 0) throw std::runtime_error("xmllint --exc-c14n failed: " + r.err);
  return r.out;
}

// The shipped OpenSSL configuration (loads the gost engine).
inline std::filesystem::path OpenSslConfig() {
  return SourceDir() / "config/openssl-gost.cnf";
}

// An openssl command line that sees the gost engine.
inline std::string Openssl(const std::string& arguments) {
  return "OPENSSL_CONF='" + OpenSslConfig().string() + "' openssl " + arguments;
}

// `xml` with its csdo:EDocId replaced by `id`.
inline std::string WithEDocId(std::string xml, std::string_view id) {
  const auto open = xml.find("<csdo:EDocId>");
  const auto close = xml.find("</csdo:EDocId>");
  if (open == std::string::npos || close == std::string::npos) {
    throw std::runtime_error("the document has no csdo:EDocId");
  }
  return xml.replace(open + 13, close - open - 13, id);
}

// A distinct valid EDocId (a UUID) for submission number `n`.
inline std::string NumberedEDocId(uint64_t n) {
  char id[48];  // room for any 64-bit n, though a UUID has 12 digits there
  std::snprintf(id, sizeof id, "3f2b8c1e-7d4a-4e9b-9c61-%012llu",
                static_cast<unsigned long long>(n));
  return id;
}

}  // namespace eaeu::test
