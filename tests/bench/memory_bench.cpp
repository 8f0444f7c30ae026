// Peak memory for large reports: the example inspection report carrying a report file (IR-17)
// big enough for the message to be 10 MB and 100 MB (D5 appendix 1 allows up to 100 MB), run
// through `eaeu-gateway validate` and `eaeu-gateway sign` as processes of their own, each one's
// peak resident set read from wait4(). Beside them, xmllint validating the same file against the
// XSD. Prints a table: peak RSS, and its ratio to the message's size (the target is 2x or under).
//
// Usage: eaeu_bench_memory SOURCE_DIR [MB ...]   (default: 10 100)

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "gateway/sign/crypto.hpp"
#include "gateway/sign/keys.hpp"
#include "tests/bench/bench_support.hpp"
#include "tests/large_report.hpp"

namespace {

using namespace eaeu;
using namespace eaeu::bench;

struct Run {
  int status = -1;
  long peak_kb = 0;
  double seconds = 0;
};

// Runs `argv` with its output thrown away; its exit status, peak RSS and wall time.
Run Spawn(const std::vector<std::string>& argv) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const auto start = Clock::now();
  std::fflush(stdout);  // else the child's freopen writes the table so far a second time
  const pid_t pid = ::fork();
  if (pid == 0) {
    std::FILE* null = std::freopen("/dev/null", "w", stdout);
    (void)null;
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  Run r;
  int status = 0;
  rusage usage{};
  if (::wait4(pid, &status, 0, &usage) == pid) {
    r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.peak_kb = usage.ru_maxrss;
  }
  r.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  const fs::path source = argc > 1 ? fs::path(argv[1]) : fs::path(EAEU_SOURCE_DIR);
  std::vector<size_t> sizes_mb;
  for (int i = 2; i < argc; ++i) sizes_mb.push_back(std::stoul(argv[i]));
  if (sizes_mb.empty()) sizes_mb = {10, 100};
  if (auto init = sign::InitialiseCrypto(source / "config/openssl-gost.cnf"); !init) {
    std::fprintf(stderr, "%s\n", init.error().ToString().c_str());
    return 2;
  }
  const std::string example = ReadText(source / "schemas/examples/inspection-report.xml");
  if (test::WithReportFile(example, "").empty()) return 2;

  const fs::path dir = MakeTempDir();
  sign::DevelopmentKeyOptions options;
  options.algorithm = sign::Algorithm::kEcdsaP256Sha256;
  options.now = std::time(nullptr) - 60;
  auto keys = sign::GenerateDevelopmentKeys(options, dir / "keys");
  if (!keys) return 2;
  const std::string cli = EAEU_CLI;
  const std::string today = "--today=2026-11-24";

  std::printf("Peak resident memory for large reports (ECDSA P-256), each command a process\n\n");
  std::printf(
      "| message | report file | command | exit | seconds | peak RSS MiB | RSS / message | "
      "(RSS - example's) / message |\n");
  std::printf("|---:|---:|---|---:|---:|---:|---:|---:|\n");
  // The first row is the example report itself: what each command takes for a small document
  // (the program, its libraries, the schemas), which the larger rows are measured above.
  std::vector<long> base_kb;
  sizes_mb.insert(sizes_mb.begin(), 0);
  for (const size_t mb : sizes_mb) {
    // The message is almost all base64 text: 4 characters for 3 bytes, in lines of 76 characters
    // and 7 of line break and indent.
    const size_t message_target = mb * 1000 * 1000;
    const size_t raw = message_target / 83 * 76 / 4 * 3;
    const std::string xml =
        mb == 0 ? example
                : test::WithReportFile(example, "\n      " + test::Base64Lines(raw) + "\n    ");
    const fs::path file = dir / ("report-" + std::to_string(mb) + "mb.xml");
    {
      std::FILE* f = std::fopen(file.c_str(), "wb");
      if (f == nullptr || std::fwrite(xml.data(), 1, xml.size(), f) != xml.size()) return 2;
      std::fclose(f);
    }
    const std::string max_bytes = "--max-bytes=" + std::to_string(xml.size() + (1u << 20));
    const std::string max_file = "--max-file-bytes=" + std::to_string(raw + (1u << 20));
    struct Command {
      const char* name;
      std::vector<std::string> argv;
    };
    const std::vector<Command> commands = {
        {"eaeu-gateway validate", {cli, "validate", today, max_bytes, max_file, file.string()}},
        {"eaeu-gateway sign",
         {cli, "sign", today, max_bytes, max_file, "--key", keys->signer_key.string(), "--cert",
          keys->signer_certificate.string(), "--out", (dir / "signed.xml").string(),
          file.string()}},
        {"xmllint --schema (libxml2)",
         {"/usr/bin/xmllint", "--noout", "--huge", "--schema",
          (source / "schemas/EEC_R_HC_MM_00_MedicalProductQmsInspectionDetails_v1.0.0.xsd")
              .string(),
          file.string()}},
    };
    for (size_t i = 0; i < commands.size(); ++i) {
      const Run r = Spawn(commands[i].argv);
      if (mb == 0) base_kb.push_back(r.peak_kb);
      const double size = static_cast<double>(xml.size());
      std::printf("| %.2f MB | %.1f MB | %s | %d | %.2f | %.1f | %.2f | %.2f |\n", size / 1e6,
                  raw / 1e6, commands[i].name, r.status, r.seconds, r.peak_kb / 1024.0,
                  r.peak_kb * 1024.0 / size, (r.peak_kb - base_kb[i]) * 1024.0 / size);
    }
    fs::remove(file);
  }
  std::error_code ec;
  fs::remove_all(dir, ec);
  std::printf(
      "\ntarget: peak RSS / message <= 2.0 for the gateway's commands (at 100 MB; a 10 MB "
      "message adds to what the program holds for any document, the last column)\n");
  return 0;
}
