// The command line as the README shows it: exit codes 0 / 1 / 2, text and JSON verdicts,
// conversions, and --help on every command. Runs the built binary.

#include <catch2/catch.hpp>
#include <fstream>
#include <nlohmann/json.hpp>

#include "support.hpp"

namespace {

using namespace eaeu::test;

// The CLI with the shipped data and the test code lists, on a fixed day.
std::string Cli(const std::string& arguments) {
  return std::string(EAEU_CLI) + " " + arguments;
}

std::string Quote(const std::filesystem::path& path) {
  return "'" + path.string() + "'";
}

std::string Lists() {
  return "--codelists " + Quote(SourceDir() / "config/codelists") + " --codelists " +
         Quote(SourceDir() / "tests/data/codelists") + " --today 2026-11-24";
}

std::filesystem::path BrokenReport(const TempDir& dir) {
  std::string text = ReadText(Examples() / "inspection-report.xml");
  const std::string from = "<doc:InspectionEndDate>2026-03-05<";
  text.replace(text.find(from), from.size(), "<doc:InspectionEndDate>2026-03-01<");
  const auto path = dir / "broken-report.xml";
  WriteText(path, text);
  return path;
}

}  // namespace

TEST_CASE("validate exits 0 for every example", "[cli]") {
  TempDir dir;
  for (const char* file : {"inspection-report.xml", "suspension-notice.xml", "register-entry.xml",
                           "summary-report.xml", "summary-request.xml", "processing-result.xml"}) {
    auto r = RunCommand(Cli("validate " + Lists() + " " + Quote(Examples() / file)), dir.path());
    INFO(file << "\n" << r.out << r.err);
    CHECK(r.exit_code == 0);
    CHECK(r.out.find(": valid ") != std::string::npos);
  }
}

TEST_CASE("validate exits 1 for an invalid document and names the rule", "[cli]") {
  TempDir dir;
  const auto broken = BrokenReport(dir);
  auto r = RunCommand(Cli("validate " + Lists() + " " + Quote(broken)), dir.path());
  INFO(r.out << r.err);
  CHECK(r.exit_code == 1);
  CHECK(r.out.find("IR-05") != std::string::npos);
  CHECK(r.out.find("doc:InspectionEndDate") != std::string::npos);
  CHECK(r.out.find("line ") != std::string::npos);
}

TEST_CASE("validate --format json gives a verdict per file", "[cli]") {
  TempDir dir;
  const auto broken = BrokenReport(dir);
  auto r = RunCommand(Cli("validate --format json " + Lists() + " " +
                          Quote(Examples() / "register-entry.xml") + " " + Quote(broken)),
                      dir.path());
  INFO(r.out << r.err);
  CHECK(r.exit_code == 1);  // the worst of the files
  const auto json = nlohmann::json::parse(r.out);
  REQUIRE(json.size() == 2);
  CHECK(json[0]["status"] == "valid");
  CHECK(json[1]["status"] == "invalid");
  bool found = false;
  for (const auto& v : json[1]["violations"]) {
    if (v["rule"] != "IR-05") continue;
    found = true;
    CHECK(v["severity"] == "error");
    CHECK(v["line"].get<int>() > 0);
    CHECK_FALSE(v["message"].get<std::string>().empty());
    CHECK_FALSE(v["messageRu"].get<std::string>().empty());
  }
  CHECK(found);
}

TEST_CASE("warnings do not fail validation", "[cli]") {
  TempDir dir;
  // On 2029-06-01 the example report (in force, expired 2029-03-26) draws warning IR-08.
  auto r =
      RunCommand(Cli("validate --today 2029-06-01 " + Quote(Examples() / "inspection-report.xml")),
                 dir.path());
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("IR-08") != std::string::npos);
}

TEST_CASE("unusable input and bad arguments exit 2 with a reason", "[cli]") {
  TempDir dir;
  SECTION("a missing file") {
    auto r = RunCommand(Cli("validate " + Quote(dir / "absent.xml")), dir.path());
    CHECK(r.exit_code == 2);
    CHECK((r.out + r.err).find("absent.xml") != std::string::npos);
  }
  SECTION("binary junk") {
    const auto junk = dir / "junk.bin";
    WriteText(junk, std::string("\x7f"
                                "ELF\x02\x01\x01\x00\x00\x00\xff\xfe",
                                12));
    auto r = RunCommand(Cli("validate " + Quote(junk)), dir.path());
    CHECK(r.exit_code == 2);
    CHECK(r.out.find("neither an XML nor a JSON") != std::string::npos);
  }
  SECTION("a 2 GB file is refused without being read") {
    const auto huge = dir / "huge.xml";
    {
      std::ofstream out(huge, std::ios::binary);
      out << "<a>";
    }
    std::filesystem::resize_file(huge, 2ull << 30);  // sparse: no disk used
    auto r = RunCommand(Cli("validate " + Quote(huge)), dir.path());
    CHECK(r.exit_code == 2);
    CHECK((r.out + r.err).find("limit") != std::string::npos);
  }
  SECTION("an unknown option") {
    auto r = RunCommand(Cli("validate --colour red " + Quote(Examples() / "register-entry.xml")),
                        dir.path());
    CHECK(r.exit_code == 2);
  }
  SECTION("an unknown command") {
    auto r = RunCommand(Cli("validata x.xml"), dir.path());
    CHECK(r.exit_code == 2);
  }
  SECTION("a bad --today") {
    auto r = RunCommand(
        Cli("validate --today 24.11.2026 " + Quote(Examples() / "register-entry.xml")), dir.path());
    CHECK(r.exit_code == 2);
    CHECK((r.out + r.err).find("--today") != std::string::npos);
  }
  SECTION("a missing code-list folder") {
    auto r = RunCommand(Cli("validate --codelists " + Quote(dir / "nowhere") + " " +
                            Quote(Examples() / "register-entry.xml")),
                        dir.path());
    CHECK(r.exit_code == 2);
    CHECK((r.out + r.err).find("nowhere") != std::string::npos);
  }
}

TEST_CASE("the parser limits are options", "[cli]") {
  TempDir dir;
  const auto report = Quote(Examples() / "inspection-report.xml");
  auto shallow = RunCommand(Cli("validate --max-depth 5 " + report), dir.path());
  CHECK(shallow.exit_code == 2);
  CHECK(shallow.out.find("nested deeper than 5") != std::string::npos);
  auto small_file = RunCommand(Cli("validate --max-file-bytes 100 " + report), dir.path());
  CHECK(small_file.exit_code == 1);
  CHECK(small_file.out.find("IR-17") != std::string::npos);
  auto small = RunCommand(Cli("validate --max-bytes 1000 " + report), dir.path());
  CHECK(small.exit_code == 2);
}

TEST_CASE("convert XML -> JSON -> XML gives back a valid document", "[cli]") {
  TempDir dir;
  const auto json = dir / "report.json";
  const auto xml = dir / "report.xml";
  auto r1 = RunCommand(Cli("convert --to json --out " + Quote(json) + " " +
                           Quote(Examples() / "inspection-report.xml")),
                       dir.path());
  INFO(r1.err);
  REQUIRE(r1.exit_code == 0);
  CHECK(nlohmann::json::parse(ReadText(json))["eDocHeader"]["eDocCode"] == "R.HC.MM.00.001");

  auto r2 = RunCommand(Cli("convert --to xml --out " + Quote(xml) + " " + Quote(json)), dir.path());
  INFO(r2.err);
  REQUIRE(r2.exit_code == 0);
  auto r3 = RunCommand(Cli("validate " + Lists() + " " + Quote(xml)), dir.path());
  INFO(r3.out);
  CHECK(r3.exit_code == 0);
}

TEST_CASE("convert imports the register CSV into one document per organization", "[cli]") {
  TempDir dir;
  const auto out = dir / "out";
  std::filesystem::create_directory(out);
  auto r = RunCommand(Cli("convert --to xml --today 2026-11-24 --out-dir " + Quote(out) + " " +
                          Quote(Examples() / "register-import.csv")),
                      dir.path());
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(out)) {
    ++files;
    auto v = RunCommand(Cli("validate " + Lists() + " " + Quote(entry.path())), dir.path());
    INFO(v.out);
    CHECK(v.exit_code == 0);
  }
  CHECK(files == 2);
}

TEST_CASE("convert refuses to write an invalid result", "[cli]") {
  TempDir dir;
  const auto broken = BrokenReport(dir);
  auto r = RunCommand(
      Cli("convert --to json " + Lists() + " --out " + Quote(dir / "x.json") + " " + Quote(broken)),
      dir.path());
  CHECK(r.exit_code == 1);
  CHECK_FALSE(std::filesystem::exists(dir / "x.json"));
  CHECK((r.out + r.err).find("IR-05") != std::string::npos);
}

TEST_CASE("every command has --help", "[cli]") {
  TempDir dir;
  for (const char* command :
       {"", "validate", "convert", "rules", "sign", "verify", "keys", "keys generate", "registry",
        "registry sync", "registry list", "registry diff", "summary"}) {
    auto r = RunCommand(Cli(std::string(command) + " --help"), dir.path());
    INFO(command);
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("Usage") != std::string::npos);
  }
}

TEST_CASE("rules lists every rule with its source", "[cli]") {
  TempDir dir;
  auto r = RunCommand(Cli("rules --format json"), dir.path());
  REQUIRE(r.exit_code == 0);
  const auto json = nlohmann::json::parse(r.out);
  CHECK(json.size() >= 34);
  for (const auto& rule : json) {
    CHECK_FALSE(rule["id"].get<std::string>().empty());
    CHECK_FALSE(rule["source"].get<std::string>().empty());
  }
}

TEST_CASE("sign then verify from the command line, as the README shows", "[cli][sign]") {
  TempDir dir;
  const auto keys = dir / "keys";
  auto made = RunCommand(Cli("keys generate --alg gost2012-256 --out " + Quote(keys)), dir.path());
  REQUIRE(made.exit_code == 0);
  const std::string key = " --key " + Quote(keys / "gost2012-256-signer.key") + " --cert " +
                          Quote(keys / "gost2012-256-signer.pem") + " ";
  const std::string trust = " --trust " + Quote(keys / "trust") + " ";

  auto signed_doc = RunCommand(Cli("sign" + key + Lists() + " --out " + Quote(dir / "signed.xml") +
                                   " " + Quote(Examples() / "inspection-report.xml")),
                               dir.path());
  INFO(signed_doc.err);
  REQUIRE(signed_doc.exit_code == 0);
  CHECK(signed_doc.out.find("signed (GOST R 34.10-2012 (256 bit)") != std::string::npos);

  auto verified =
      RunCommand(Cli("verify" + trust + Lists() + " " + Quote(dir / "signed.xml")), dir.path());
  INFO(verified.out << verified.err);
  CHECK(verified.exit_code == 0);
  CHECK(verified.out.find("signature valid") != std::string::npos);

  // The signed document is still a valid document.
  auto validated =
      RunCommand(Cli("validate " + Lists() + " " + Quote(dir / "signed.xml")), dir.path());
  CHECK(validated.exit_code == 0);

  // A changed document: exit 1, and the JSON verdict names the check.
  std::string text = ReadText(dir / "signed.xml");
  text.replace(text.find("2503-118"), 8, "2503-119");
  WriteText(dir / "changed.xml", text);
  auto changed = RunCommand(Cli("verify --format json" + trust + Lists() + " " +
                                Quote(dir / "signed.xml") + " " + Quote(dir / "changed.xml")),
                            dir.path());
  CHECK(changed.exit_code == 1);
  const auto json = nlohmann::json::parse(changed.out);
  REQUIRE(json.size() == 2);
  CHECK(json[0]["valid"] == true);
  CHECK(json[1]["valid"] == false);
  CHECK(json[1]["code"] == "signature.digest");
  CHECK(json[1]["algorithm"] == "gost2012-256");
  CHECK(json[1]["signer"]["subject"].get<std::string>().find("CN=eaeu-gateway sandbox signer") !=
        std::string::npos);

  // Unsigned: exit 1 with the reason; not XML at all: exit 2.
  auto unsigned_doc = RunCommand(
      Cli("verify" + trust + Lists() + " " + Quote(Examples() / "inspection-report.xml")),
      dir.path());
  CHECK(unsigned_doc.exit_code == 1);
  CHECK(unsigned_doc.out.find("no ds:Signature") != std::string::npos);
  WriteText(dir / "junk.xml", "<not-closed>");
  auto junk =
      RunCommand(Cli("verify" + trust + Lists() + " " + Quote(dir / "junk.xml")), dir.path());
  CHECK(junk.exit_code == 2);

  // The certificates checked at a time before they were issued.
  auto early = RunCommand(
      Cli("verify --at 2001-01-01T00:00:00" + trust + Lists() + " " + Quote(dir / "signed.xml")),
      dir.path());
  CHECK(early.exit_code == 1);
  CHECK(early.out.find("(validity)") != std::string::npos);
}

TEST_CASE("sign refuses invalid documents and unusable keys", "[cli][sign]") {
  TempDir dir;
  const auto keys = dir / "keys";
  REQUIRE(
      RunCommand(Cli("keys generate --alg rsa2048 --out " + Quote(keys)), dir.path()).exit_code ==
      0);
  const std::string key = " --key " + Quote(keys / "rsa2048-signer.key") + " --cert " +
                          Quote(keys / "rsa2048-signer.pem") + " ";

  auto invalid = RunCommand(Cli("sign" + key + Lists() + " --out " + Quote(dir / "x.xml") + " " +
                                Quote(BrokenReport(dir))),
                            dir.path());
  CHECK(invalid.exit_code == 1);
  CHECK(invalid.err.find("IR-05") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(dir / "x.xml"));

  auto mismatched = RunCommand(Cli("sign --key " + Quote(keys / "rsa2048-signer.key") + " --cert " +
                                   Quote(keys / "trust/rsa2048-ca.pem") + " " + Lists() + " " +
                                   Quote(Examples() / "inspection-report.xml")),
                               dir.path());
  CHECK(mismatched.exit_code == 2);
  CHECK(mismatched.err.find("does not belong to the certificate") != std::string::npos);

  auto no_key = RunCommand(
      Cli("sign " + Lists() + " " + Quote(Examples() / "inspection-report.xml")), dir.path());
  CHECK(no_key.exit_code == 2);
  CHECK(no_key.err.find("--pkcs12") != std::string::npos);

  auto unset = RunCommand(Cli("sign" + key + "--password-env EAEU_TEST_UNSET_VARIABLE " + Lists() +
                              " " + Quote(Examples() / "inspection-report.xml")),
                          dir.path());
  CHECK(unset.exit_code == 2);
  CHECK(unset.err.find("EAEU_TEST_UNSET_VARIABLE") != std::string::npos);
}
