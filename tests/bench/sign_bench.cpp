// Signing and verification throughput on one core, per algorithm, for the example inspection
// report and a 1 MB one, beside the raw OpenSSL signature rate of the same key. Prints a table;
// run by tests/bench/run.sh on a Release build.

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <xercesc/dom/DOM.hpp>

#include <cstdio>
#include <ctime>
#include <memory>

#include "gateway/sign/credentials.hpp"
#include "gateway/sign/crypto.hpp"
#include "gateway/sign/keys.hpp"
#include "gateway/sign/signature.hpp"
#include "gateway/sign/trust_store.hpp"
#include "gateway/xml/parser.hpp"
#include "gateway/xml/schema_catalog.hpp"
#include "tests/bench/bench_support.hpp"

namespace {

using namespace eaeu;
using namespace eaeu::bench;

// EVP_DigestSign of a digest-sized message with the signer's key: the floor of any signature.
double RawSignRate(const fs::path& key_file, sign::Algorithm algorithm, double seconds) {
  std::FILE* f = std::fopen(key_file.c_str(), "r");
  EVP_PKEY* key = PEM_read_PrivateKey(f, nullptr, nullptr, nullptr);
  std::fclose(f);
  const EVP_MD* md = EVP_get_digestbyname(std::string(sign::Info(algorithm).digest_name).c_str());
  const unsigned char message[64] = {1, 2, 3};
  unsigned char signature[1024];
  const auto figure = Measure(sizeof message, seconds, [&] {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    size_t size = sizeof signature;
    const bool ok = EVP_DigestSignInit(ctx, nullptr, md, nullptr, key) == 1 &&
                    EVP_DigestSign(ctx, signature, &size, message, 32) == 1;
    EVP_MD_CTX_free(ctx);
    return ok;
  });
  EVP_PKEY_free(key);
  return figure.docs_per_second;
}

}  // namespace

int main(int argc, char** argv) {
  const fs::path source = argc > 1 ? fs::path(argv[1]) : fs::path(EAEU_SOURCE_DIR);
  const double seconds = argc > 2 ? std::stod(argv[2]) : 3.0;
  if (auto init = sign::InitialiseCrypto(source / "config/openssl-gost.cnf"); !init) {
    std::fprintf(stderr, "%s\n", init.error().ToString().c_str());
    return 2;
  }
  const auto loaded = LoadValidator(source);
  const auto& validator = *loaded;
  validate::RuleContext context;
  context.today = *Date::Parse("2026-11-24");
  auto catalog = xml::LoadSchemaCatalog(source / "schemas/catalog.toml");
  auto pool = xml::GrammarPool::Load(*catalog);
  xml::SecureParser parser(pool.value(), {});

  const auto inputs = ReportInputs(source, validator, context);
  const fs::path keys_dir = MakeTempDir();
  const std::time_t now = std::time(nullptr);

  std::printf("Signing and verification throughput, one thread, %.1f s per row\n\n", seconds);
  std::printf("| algorithm | document | bytes | stage | docs/s | MB/s | us/doc |\n");
  std::printf("|---|---|---:|---|---:|---:|---:|\n");
  for (const auto& a : sign::Algorithms()) {
    sign::DevelopmentKeyOptions options;
    options.algorithm = a.id;
    options.now = now - 60;
    auto keys = sign::GenerateDevelopmentKeys(options, keys_dir / std::string(a.name));
    auto credentials =
        sign::SigningCredentials::FromPem(keys->signer_key, keys->signer_certificate);
    auto trust = sign::TrustStore::Load(keys_dir / std::string(a.name) / "trust");
    if (!keys || !credentials || !trust) {
      std::fprintf(stderr, "cannot make the %s keys\n", std::string(a.name).c_str());
      return 2;
    }
    auto signer = sign::MakeSigner(*credentials);
    const auto verifier = sign::MakeVerifier(*trust);
    std::printf("| %s | - | 64 | raw OpenSSL signature (EVP_DigestSign) | %.0f | | |\n",
                std::string(a.name).c_str(), RawSignRate(keys->signer_key, a.id, seconds));
    for (const auto& input : inputs) {
      const std::string& xml = input.xml;
      auto row = [&](const char* stage, const Figure& f) {
        std::printf("| %s | %s | %zu | %s | %.0f | %.1f | %.0f |\n", std::string(a.name).c_str(),
                    input.name, xml.size(), stage, f.docs_per_second, f.mb_per_second,
                    f.micros_per_doc);
      };
      // Signing a parsed tree: the canonical form digested, SignedInfo signed, the signature
      // written into a copy of the bytes.
      auto parsed = parser.Parse(input.shared, true);
      const xml::Tree& tree = *parsed.tree;
      row("sign (tree in, signed bytes out)",
          Measure(xml.size(), seconds, [&] { return (*signer)->Sign(tree, xml, now).ok(); }));
      row("validate + sign (bytes in, signed bytes out)", Measure(xml.size(), seconds, [&] {
            auto v = validator.Validate(input.shared, validate::InputFormat::kXml, context);
            return v.verdict.valid() && (*signer)->Sign(*v.tree, xml, now).ok();
          }));
      const auto signed_xml = std::make_shared<const std::string>(*(*signer)->Sign(tree, xml, now));
      sign::VerifyOptions verify_options;
      verify_options.now = now;
      // What the gateway does with a signed document that arrives: the validator's tree, the
      // signature verified on it.
      auto signed_tree = parser.Parse(signed_xml, true);
      row("verify (tree in)", Measure(signed_xml->size(), seconds, [&] {
            return verifier->Verify(*signed_tree.tree, verify_options).valid;
          }));
      row("validate + verify (bytes in)", Measure(signed_xml->size(), seconds, [&] {
            auto v = validator.Validate(signed_xml, validate::InputFormat::kXml, context);
            return v.verdict.valid() && verifier->Verify(*v.tree, verify_options).valid;
          }));
      // Santuario's check of ds:SignedInfo on a Xerces DOM, which the tests hold the tree's to.
      auto signed_dom = parser.Parse(*signed_xml, true, xml::Keep{.tree = false, .dom = true});
      auto& dom = signed_dom.document->dom();
      row("verify (DOM in, Santuario)", Measure(signed_xml->size(), seconds, [&] {
            return verifier->Verify(dom, verify_options).valid;
          }));
    }
  }
  std::error_code ec;
  fs::remove_all(keys_dir, ec);
  std::printf("\npeak resident memory: %ld KiB\n", PeakRssKb());
  return 0;
}
