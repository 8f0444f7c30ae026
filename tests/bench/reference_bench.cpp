// The gateway's validate + sign + serialise beside the usual C stack doing the same job on the
// same core: libxml2 (the document parsed and checked against the XSD, the schema loaded once) and
// xmlsec1 with OpenSSL (an enveloped signature, exclusive c14n, SHA-256, the certificate in
// KeyInfo), then the signed document written out. And the floor under both: Xerces SAX2 parse +
// XSD with no tree, and one raw signature of a digest. RSA-2048 and ECDSA P-256 (xmlsec1 of Debian
// has no GOST), the example report and a 1 MB one. Prints a table; run by tests/bench/run.sh.

#include <openssl/evp.h>
#include <openssl/pem.h>
// xmlsec1's headers after libxml2's.
#include <libxml/parser.h>
#include <libxml/xmlschemas.h>
#include <xmlsec/crypto.h>
#include <xmlsec/templates.h>
#include <xmlsec/xmldsig.h>
#include <xmlsec/xmlsec.h>

#include <cstdio>
#include <ctime>
#include <memory>
#include <string>

#include "gateway/sign/credentials.hpp"
#include "gateway/sign/crypto.hpp"
#include "gateway/sign/keys.hpp"
#include "gateway/sign/signature.hpp"
#include "gateway/xml/parser.hpp"
#include "gateway/xml/schema_catalog.hpp"
#include "tests/bench/bench_support.hpp"

namespace {

using namespace eaeu;
using namespace eaeu::bench;

// libxml2 + xmlsec1: parse, XSD, sign, write. The schema and the key are loaded once.
class ReferenceStack {
 public:
  ReferenceStack(const fs::path& xsd, const fs::path& key, const fs::path& certificate,
                 xmlSecTransformId algorithm)
      : algorithm_(algorithm) {
    xmlSchemaParserCtxtPtr parser = xmlSchemaNewParserCtxt(xsd.c_str());
    schema_ = xmlSchemaParse(parser);
    xmlSchemaFreeParserCtxt(parser);
    context_ = xmlSchemaNewValidCtxt(schema_);
    key_ = xmlSecCryptoAppKeyLoad(key.c_str(), xmlSecKeyDataFormatPem, nullptr, nullptr, nullptr);
    if (key_ != nullptr &&
        xmlSecCryptoAppKeyCertLoad(key_, certificate.c_str(), xmlSecKeyDataFormatPem) < 0) {
      xmlSecKeyDestroy(key_);
      key_ = nullptr;
    }
  }
  ~ReferenceStack() {
    if (key_ != nullptr) xmlSecKeyDestroy(key_);
    xmlSchemaFreeValidCtxt(context_);
    xmlSchemaFree(schema_);
  }
  ReferenceStack(const ReferenceStack&) = delete;
  ReferenceStack& operator=(const ReferenceStack&) = delete;

  bool ready() const { return schema_ != nullptr && key_ != nullptr; }

  // The signed document's bytes; empty when a step fails.
  std::string Run(const std::string& xml) {
    xmlDocPtr doc = xmlReadMemory(xml.data(), static_cast<int>(xml.size()), "document.xml", nullptr,
                                  XML_PARSE_NONET | XML_PARSE_HUGE);
    if (doc == nullptr) return {};
    std::string out;
    if (xmlSchemaValidateDoc(context_, doc) == 0 && Sign(doc)) {
      xmlChar* bytes = nullptr;
      int size = 0;
      xmlDocDumpMemory(doc, &bytes, &size);
      out.assign(reinterpret_cast<const char*>(bytes), static_cast<size_t>(size));
      xmlFree(bytes);
    }
    xmlFreeDoc(doc);
    return out;
  }

 private:
  bool Sign(xmlDocPtr doc) {
    xmlNodePtr signature =
        xmlSecTmplSignatureCreate(doc, xmlSecTransformExclC14NId, algorithm_, nullptr);
    if (signature == nullptr) return false;
    xmlAddChild(xmlDocGetRootElement(doc), signature);
    xmlNodePtr reference = xmlSecTmplSignatureAddReference(
        signature, xmlSecTransformSha256Id, nullptr, reinterpret_cast<const xmlChar*>(""), nullptr);
    if (reference == nullptr ||
        xmlSecTmplReferenceAddTransform(reference, xmlSecTransformEnvelopedId) == nullptr ||
        xmlSecTmplReferenceAddTransform(reference, xmlSecTransformExclC14NId) == nullptr) {
      return false;
    }
    xmlNodePtr key_info = xmlSecTmplSignatureEnsureKeyInfo(signature, nullptr);
    if (key_info == nullptr || xmlSecTmplKeyInfoAddX509Data(key_info) == nullptr) return false;
    xmlSecDSigCtxPtr context = xmlSecDSigCtxCreate(nullptr);
    context->signKey = xmlSecKeyDuplicate(key_);
    const bool ok = context->signKey != nullptr && xmlSecDSigCtxSign(context, signature) == 0;
    xmlSecDSigCtxDestroy(context);
    return ok;
  }

  xmlSecTransformId algorithm_;
  xmlSchemaPtr schema_ = nullptr;
  xmlSchemaValidCtxtPtr context_ = nullptr;
  xmlSecKeyPtr key_ = nullptr;
};

// One EVP_DigestSign of a digest-sized message with `key_file`'s key.
class RawSigner {
 public:
  RawSigner(const fs::path& key_file, const char* digest) : md_(EVP_get_digestbyname(digest)) {
    std::FILE* f = std::fopen(key_file.c_str(), "r");
    if (f != nullptr) {
      key_ = PEM_read_PrivateKey(f, nullptr, nullptr, nullptr);
      std::fclose(f);
    }
  }
  ~RawSigner() { EVP_PKEY_free(key_); }
  RawSigner(const RawSigner&) = delete;
  RawSigner& operator=(const RawSigner&) = delete;

  bool Sign() {
    static constexpr unsigned char kMessage[32] = {1, 2, 3};
    unsigned char signature[1024];
    size_t size = sizeof signature;
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    const bool ok = EVP_DigestSignInit(ctx, nullptr, md_, nullptr, key_) == 1 &&
                    EVP_DigestSign(ctx, signature, &size, kMessage, sizeof kMessage) == 1;
    EVP_MD_CTX_free(ctx);
    return ok;
  }

 private:
  const EVP_MD* md_;
  EVP_PKEY* key_ = nullptr;
};

}  // namespace

int main(int argc, char** argv) {
  const fs::path source = argc > 1 ? fs::path(argv[1]) : fs::path(EAEU_SOURCE_DIR);
  const double seconds = argc > 2 ? std::stod(argv[2]) : 3.0;
  if (auto init = sign::InitialiseCrypto(source / "config/openssl-gost.cnf"); !init) {
    std::fprintf(stderr, "%s\n", init.error().ToString().c_str());
    return 2;
  }
  xmlInitParser();
  if (xmlSecInit() < 0 || xmlSecCryptoAppInit(nullptr) < 0 || xmlSecCryptoInit() < 0) {
    std::fprintf(stderr, "xmlsec1 cannot start\n");
    return 2;
  }
  const auto loaded = LoadValidator(source);
  const auto& validator = *loaded;
  validate::RuleContext context;
  context.today = *Date::Parse("2026-11-24");
  auto catalog = xml::LoadSchemaCatalog(source / "schemas/catalog.toml");
  SaxValidator floor(*catalog);
  const fs::path xsd =
      source / "schemas" / "EEC_R_HC_MM_00_MedicalProductQmsInspectionDetails_v1.0.0.xsd";

  const auto inputs = ReportInputs(source, validator, context);
  const fs::path keys_dir = MakeTempDir();
  const std::time_t now = std::time(nullptr);

  struct Algorithm {
    sign::Algorithm id;
    xmlSecTransformId reference;
  };
  const Algorithm algorithms[] = {
      {sign::Algorithm::kRsaSha256, xmlSecTransformRsaSha256Id},
      {sign::Algorithm::kEcdsaP256Sha256, xmlSecTransformEcdsaSha256Id}};

  std::printf(
      "Validate + sign + serialise against libxml2 + xmlsec1, one thread, %.1f s per row\n\n",
      seconds);
  std::printf(
      "| algorithm | document | bytes | libxml2 + xmlsec1 docs/s | ours docs/s | ours / reference "
      "| floor docs/s | ours / floor |\n");
  std::printf("|---|---|---:|---:|---:|---:|---:|---:|\n");
  int status = 0;
  for (const auto& a : algorithms) {
    const std::string name(sign::Info(a.id).name);
    sign::DevelopmentKeyOptions options;
    options.algorithm = a.id;
    options.now = now - 60;
    auto keys = sign::GenerateDevelopmentKeys(options, keys_dir / name);
    if (!keys) {
      std::fprintf(stderr, "cannot make the %s keys\n", name.c_str());
      return 2;
    }
    auto credentials =
        sign::SigningCredentials::FromPem(keys->signer_key, keys->signer_certificate);
    if (!credentials) return 2;
    auto signer = sign::MakeSigner(*credentials);
    ReferenceStack reference(xsd, keys->signer_key, keys->signer_certificate, a.reference);
    RawSigner raw(keys->signer_key, std::string(sign::Info(a.id).digest_name).c_str());
    if (!reference.ready()) {
      std::fprintf(stderr, "xmlsec1 cannot load the %s key or the schema\n", name.c_str());
      return 2;
    }
    for (const auto& input : inputs) {
      const std::string& xml = input.xml;
      const Figure theirs =
          Measure(xml.size(), seconds, [&] { return !reference.Run(xml).empty(); });
      const Figure ours = Measure(xml.size(), seconds, [&] {
        auto v = validator.Validate(input.shared, validate::InputFormat::kXml, context);
        if (!v.verdict.valid()) return false;
        auto signed_text = (*signer)->Sign(*v.tree, xml, now);
        return signed_text.ok() && !signed_text->empty();
      });
      const Figure least =
          Measure(xml.size(), seconds, [&] { return floor.Validate(xml) && raw.Sign(); });
      std::printf("| %s | %s | %zu | %.0f | %.0f | %.2f | %.0f | %.0f %% |\n", name.c_str(),
                  input.name, xml.size(), theirs.docs_per_second, ours.docs_per_second,
                  ours.docs_per_second / theirs.docs_per_second, least.docs_per_second,
                  100.0 * ours.docs_per_second / least.docs_per_second);
      if (ours.docs_per_second < 1.5 * theirs.docs_per_second) status = 1;
    }
  }
  std::error_code ec;
  fs::remove_all(keys_dir, ec);
  xmlSecCryptoShutdown();
  xmlSecCryptoAppShutdown();
  xmlSecShutdown();
  std::printf("\ntarget: ours / reference >= 1.50 on every row (%s)\n",
              status == 0 ? "met" : "not met");
  std::printf("peak resident memory: %ld KiB\n", PeakRssKb());
  return 0;
}
