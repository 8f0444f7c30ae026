// Development keys: a CA and a signing certificate for each algorithm, checked by the openssl
// command line (with the gost engine loaded by the shipped configuration).

#include <sys/stat.h>

#include <catch2/catch.hpp>

#include "gateway/sign/crypto.hpp"
#include "gateway/sign/keys.hpp"
#include "support.hpp"

namespace {

using namespace eaeu::test;
namespace sign = eaeu::sign;

unsigned Mode(const std::filesystem::path& path) {
  struct stat st {};
  ::stat(path.c_str(), &st);
  return st.st_mode & 0777u;
}

}  // namespace

TEST_CASE("every algorithm is available with the shipped OpenSSL configuration", "[keys]") {
  REQUIRE(sign::InitialiseCrypto(OpenSslConfig()).ok());
  CHECK(sign::InitialiseCrypto(OpenSslConfig()).ok());  // again, the same file
  auto other = sign::InitialiseCrypto(SourceDir() / "README.md");
  REQUIRE_FALSE(other.ok());
  CHECK(other.error().message.find("already configured") != std::string::npos);
  for (const auto& a : sign::Algorithms()) {
    INFO(a.name);
    auto available = sign::CheckAvailable(a.id);
    CHECK(available.ok());
    CHECK(sign::AlgorithmFromName(a.name) == a.id);
    CHECK(sign::AlgorithmFromSignatureUri(a.signature_uri) == a.id);
  }
}

TEST_CASE("keys generate makes a CA and a signing certificate the openssl tool accepts", "[keys]") {
  REQUIRE(sign::InitialiseCrypto(OpenSslConfig()).ok());
  TempDir dir;
  for (const auto& a : sign::Algorithms()) {
    DYNAMIC_SECTION(a.name) {
      sign::DevelopmentKeyOptions options;
      options.algorithm = a.id;
      options.now = std::time(nullptr);
      auto keys = sign::GenerateDevelopmentKeys(options, dir.path());
      REQUIRE(keys.ok());
      CHECK(Mode(keys->signer_key) == 0600u);
      CHECK(Mode(keys->ca_key) == 0600u);
      CHECK(keys->ca_certificate.parent_path() == dir / "trust");

      auto verified = RunCommand(Openssl("verify -CAfile '" + keys->ca_certificate.string() +
                                         "' '" + keys->signer_certificate.string() + "'"),
                                 dir.path());
      INFO(verified.out << verified.err);
      CHECK(verified.exit_code == 0);
      CHECK(verified.out.find(": OK") != std::string::npos);

      auto text = RunCommand(
          Openssl("x509 -noout -text -in '" + keys->signer_certificate.string() + "'"), dir.path());
      REQUIRE(text.exit_code == 0);
      CHECK(text.out.find("Digital Signature, Non Repudiation") != std::string::npos);
      CHECK(text.out.find("CA:FALSE") != std::string::npos);
      if (a.id == sign::Algorithm::kGost2012_256) {
        CHECK(text.out.find("GOST R 34.10-2012 with GOST R 34.11-2012 (256 bit)") !=
              std::string::npos);
      }
      auto key =
          RunCommand(Openssl("pkey -noout -in '" + keys->signer_key.string() + "'"), dir.path());
      CHECK(key.exit_code == 0);
    }
  }
}

TEST_CASE("without the gost engine, GOST is refused with what to install", "[keys]") {
  TempDir dir;
  const auto bare = dir / "bare.cnf";
  WriteText(bare, "# no engines\n");
  auto r =
      RunCommand(std::string(EAEU_CLI) + " keys generate --alg gost2012-256 --openssl-config '" +
                     bare.string() + "' --out '" + (dir / "keys").string() + "'",
                 dir.path());
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("libengine-gost-openssl") != std::string::npos);

  auto rsa = RunCommand(std::string(EAEU_CLI) + " keys generate --alg rsa2048 --openssl-config '" +
                            bare.string() + "' --out '" + (dir / "keys").string() + "'",
                        dir.path());
  CHECK(rsa.exit_code == 0);
  CHECK(std::filesystem::exists(dir / "keys/rsa2048-signer.key"));

  // GOST keys made with the engine cannot sign without it, and GOST signatures cannot be
  // checked: both say what to install.
  const std::string cli = std::string(EAEU_CLI);
  const std::string gost = (dir / "gost").string();
  REQUIRE(RunCommand(cli + " keys generate --alg gost2012-256 --out '" + gost + "'", dir.path())
              .exit_code == 0);
  const std::string example = (Examples() / "inspection-report.xml").string();
  const std::string lists = " --codelists '" + (SourceDir() / "config/codelists").string() +
                            "' --codelists '" + (SourceDir() / "tests/data/codelists").string() +
                            "' --today 2026-11-24 ";
  auto refused = RunCommand(cli + " sign --openssl-config '" + bare.string() + "' --key '" + gost +
                                "/gost2012-256-signer.key' --cert '" + gost +
                                "/gost2012-256-signer.pem'" + lists + "'" + example + "'",
                            dir.path());
  CHECK(refused.exit_code == 2);
  CHECK(refused.err.find("libengine-gost-openssl") != std::string::npos);
  auto signed_doc = RunCommand(cli + " sign --key '" + gost + "/gost2012-256-signer.key' --cert '" +
                                   gost + "/gost2012-256-signer.pem'" + lists + " --out '" + gost +
                                   "/signed.xml' '" + example + "'",
                               dir.path());
  REQUIRE(signed_doc.exit_code == 0);
  auto unchecked = RunCommand(cli + " verify --openssl-config '" + bare.string() + "' --trust '" +
                                  gost + "/trust'" + lists + "'" + gost + "/signed.xml'",
                              dir.path());
  INFO(unchecked.out << unchecked.err);
  CHECK(unchecked.exit_code != 0);
  CHECK((unchecked.out + unchecked.err).find("libengine-gost-openssl") != std::string::npos);
}
