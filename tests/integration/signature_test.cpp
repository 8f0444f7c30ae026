// Signing and verification (exchange.md §5): every algorithm, tampering, the certificate checks,
// signature wrapping, and interop with independent tools: xmlsec1 for RSA and ECDSA, and for
// GOST (which Debian's xmlsec1 lacks) xmllint --exc-c14n with openssl dgst under the gost engine.

#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <regex>

#include "codecs/json_codec.hpp"
#include "gateway/core/utf8.hpp"
#include "gateway/sign/credentials.hpp"
#include "gateway/sign/crypto.hpp"
#include "gateway/sign/detached.hpp"
#include "gateway/sign/keys.hpp"
#include "gateway/sign/signature.hpp"
#include "gateway/sign/trust_store.hpp"
#include "large_report.hpp"
#include "support.hpp"

namespace {

using namespace eaeu::test;
namespace sign = eaeu::sign;
namespace fs = std::filesystem;
using sign::Algorithm;
using sign::SignatureCheck;

constexpr std::time_t kDay = 86400;
constexpr std::time_t kT0 = 1767225600;  // 2026-01-01T00:00:00Z: the keys' start of validity
constexpr std::time_t kSignedAt = kT0 + kDay;

// Development keys for one algorithm, made once per test run in a folder of their own.
struct KeySet {
  TempDir dir;
  sign::DevelopmentKeys files;
  std::shared_ptr<const sign::SigningCredentials> credentials;
  std::shared_ptr<const sign::TrustStore> trust;
};

std::unique_ptr<KeySet> MakeKeys(Algorithm algorithm, const std::string& key_usage) {
  REQUIRE(sign::InitialiseCrypto(OpenSslConfig()).ok());
  auto set = std::make_unique<KeySet>();
  sign::DevelopmentKeyOptions options;
  options.algorithm = algorithm;
  options.now = kT0;
  options.signer_key_usage = key_usage;
  auto files = sign::GenerateDevelopmentKeys(options, set->dir.path());
  REQUIRE(files.ok());
  set->files = *files;
  auto credentials =
      sign::SigningCredentials::FromPem(files->signer_key, files->signer_certificate);
  REQUIRE(credentials.ok());
  set->credentials = *credentials;
  auto trust = sign::TrustStore::Load(set->dir / "trust");
  REQUIRE(trust.ok());
  set->trust = *trust;
  return set;
}

const KeySet& Keys(Algorithm algorithm) {
  static std::map<Algorithm, std::unique_ptr<KeySet>> cache;
  auto& slot = cache[algorithm];
  if (!slot) slot = MakeKeys(algorithm, "digitalSignature,nonRepudiation");
  return *slot;
}

// A second CA of the same algorithm that the first one's trust store does not know.
const KeySet& ForeignKeys() {
  static auto set = MakeKeys(Algorithm::kRsaSha256, "digitalSignature,nonRepudiation");
  return *set;
}

eaeu::validate::Validation Parse(const std::string& text) {
  auto v = TestValidator().Validate(text, eaeu::validate::InputFormat::kAuto, Context(),
                                    eaeu::xml::Keep{.tree = true, .dom = true});
  REQUIRE(v.tree);
  REQUIRE(v.dom);
  return v;
}

std::string SignText(const std::string& text, const KeySet& keys, std::time_t at = kSignedAt) {
  auto signer = sign::MakeSigner(keys.credentials);
  REQUIRE(signer.ok());
  auto v = Parse(text);
  auto signed_text = (*signer)->Sign(*v.tree, v.Source(text), at);
  INFO((signed_text.ok() ? "" : signed_text.error().ToString()));
  REQUIRE(signed_text.ok());
  return *signed_text;
}

sign::SignatureVerdict VerifyText(const std::string& text,
                                  std::shared_ptr<const sign::TrustStore> trust,
                                  std::time_t now = kSignedAt + 60,
                                  std::optional<std::time_t> signing_time = std::nullopt) {
  auto v = Parse(text);
  sign::VerifyOptions options;
  options.now = now;
  options.signing_time = signing_time;
  // On the tree, as the gateway verifies what arrives; and on the DOM, where Santuario checks the
  // signature value: the two must agree on every document of these tests.
  const auto verifier = sign::MakeVerifier(std::move(trust));
  auto on_tree = verifier->Verify(*v.tree, options);
  const auto on_dom = verifier->Verify(v.dom->dom(), options);
  INFO("tree: " << on_tree.Code() << ": " << on_tree.reason);
  INFO("DOM: " << on_dom.Code() << ": " << on_dom.reason);
  CHECK(on_tree.valid == on_dom.valid);
  CHECK(on_tree.Code() == on_dom.Code());
  CHECK(on_tree.reason == on_dom.reason);
  return on_tree;
}

std::string Describe(const sign::SignatureVerdict& v) {
  return v.Code() + ": " + v.reason;
}

// The content of the first element `name` (e.g. "ds:DigestValue").
std::string Between(const std::string& text, const std::string& name) {
  const auto open = text.find("<" + name + ">");
  const auto close = text.find("</" + name + ">");
  REQUIRE(open != std::string::npos);
  REQUIRE(close != std::string::npos);
  return text.substr(open + name.size() + 2, close - open - name.size() - 2);
}

// Another base64 character in place of the one at `pos`.
void FlipBase64(std::string& text, size_t pos) {
  text[pos] = text[pos] == 'A' ? 'B' : 'A';
}

std::string WithoutSignature(const std::string& text) {
  const auto start = text.find("<ds:Signature");
  const auto end = text.find("</ds:Signature>");
  REQUIRE(start != std::string::npos);
  return text.substr(0, start) + text.substr(end + std::string("</ds:Signature>").size());
}

// Inserts `fragment` just before the end tag of the root.
std::string BeforeRootEnd(const std::string& text, const std::string& fragment) {
  const auto end = text.rfind("</");
  return text.substr(0, end) + fragment + text.substr(end);
}

std::string PemBody(const fs::path& pem) {
  std::string body;
  std::istringstream in(ReadText(pem));
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("-----", 0) != 0) body += line;
  }
  return body;
}

std::string Base64File(const fs::path& file, const fs::path& dir) {
  auto r = RunCommand("base64 -w0 '" + file.string() + "'", dir);
  REQUIRE(r.exit_code == 0);
  return r.out;
}

// The canonical form of `xml` by xmllint, written to DIR/NAME.c14n for openssl to read.
fs::path XmllintC14n(const std::string& xml, const fs::path& dir, const std::string& name) {
  const auto path = dir / (name + ".c14n");
  WriteText(path, XmllintExcC14n(xml));
  return path;
}

// A signature made without the product: the digest by xmllint --exc-c14n and openssl dgst, the
// SignedInfo canonicalised by xmllint and signed by openssl dgst -sign (RSA, GOST).
std::string IndependentlySigned(const std::string& text, Algorithm algorithm, const fs::path& key,
                                const fs::path& cert, const fs::path& dir) {
  const auto& info = sign::Info(algorithm);
  const std::string md = algorithm == Algorithm::kRsaSha256      ? "sha256"
                         : algorithm == Algorithm::kGost2012_256 ? "md_gost12_256"
                                                                 : "md_gost12_512";
  const auto doc_c14n = XmllintC14n(text, dir, "document");
  auto digest = RunCommand(Openssl("dgst -" + md + " -binary -out '" +
                                   (dir / "digest.bin").string() + "' '" + doc_c14n.string() + "'"),
                           dir);
  REQUIRE(digest.exit_code == 0);
  const std::string signed_info =
      "<ds:SignedInfo xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\">"
      "<ds:CanonicalizationMethod Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#\"/>"
      "<ds:SignatureMethod Algorithm=\"" +
      std::string(info.signature_uri) +
      "\"/><ds:Reference URI=\"\"><ds:Transforms>"
      "<ds:Transform Algorithm=\"http://www.w3.org/2000/09/xmldsig#enveloped-signature\"/>"
      "<ds:Transform Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#\"/></ds:Transforms>"
      "<ds:DigestMethod Algorithm=\"" +
      std::string(info.digest_uri) + "\"/><ds:DigestValue>" + Base64File(dir / "digest.bin", dir) +
      "</ds:DigestValue></ds:Reference></ds:SignedInfo>";
  const auto info_c14n = XmllintC14n(signed_info, dir, "signedinfo");
  auto signature =
      RunCommand(Openssl("dgst -" + md + " -sign '" + key.string() + "' -out '" +
                         (dir / "signature.bin").string() + "' '" + info_c14n.string() + "'"),
                 dir);
  REQUIRE(signature.exit_code == 0);
  return BeforeRootEnd(
      text, "<ds:Signature xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\">" + ReadText(info_c14n) +
                "<ds:SignatureValue>" + Base64File(dir / "signature.bin", dir) +
                "</ds:SignatureValue><ds:KeyInfo><ds:X509Data>"
                "<ds:X509Certificate>" +
                PemBody(cert) + "</ds:X509Certificate></ds:X509Data></ds:KeyInfo></ds:Signature>");
}

const std::vector<Algorithm> kAll = {Algorithm::kGost2012_256, Algorithm::kGost2012_512,
                                     Algorithm::kRsaSha256, Algorithm::kEcdsaP256Sha256};

}  // namespace

TEST_CASE("every algorithm signs and verifies, and the signature is the root's last child",
          "[sign]") {
  for (const Algorithm a : kAll) {
    DYNAMIC_SECTION(sign::Info(a).name) {
      const auto& keys = Keys(a);
      const std::string signed_text = SignText(ExampleText(), keys);
      const auto verdict = VerifyText(signed_text, keys.trust);
      INFO(Describe(verdict));
      CHECK(verdict.valid);
      CHECK(verdict.Code() == "signature.valid");
      REQUIRE(verdict.algorithm);
      CHECK(*verdict.algorithm == a);
      REQUIRE(verdict.signer);
      CHECK(verdict.signer->subject == keys.credentials->certificate().subject);
      CHECK(verdict.signing_time == kSignedAt + 60);
      CHECK(signed_text.find("SignatureMethod Algorithm=\"" +
                             std::string(sign::Info(a).signature_uri) + "\"") != std::string::npos);
      // The last child of the root, and the signed document is still a valid document.
      CHECK(std::regex_search(signed_text,
                              std::regex("</ds:Signature>\\s*</doc:MedicalProductQmsInspection"
                                         "Details>\\s*$")));
      CHECK(Parse(signed_text).verdict.valid());
    }
  }
}

TEST_CASE("the signature is written into the document's own bytes, whatever follows the root",
          "[sign]") {
  const auto& keys = Keys(Algorithm::kEcdsaP256Sha256);
  const std::string end_tag = "</doc:MedicalProductQmsInspectionDetails>";
  // A comment and a processing instruction after the root, and a space in the end tag.
  std::string text = ExampleText();
  const size_t end = text.rfind(end_tag);
  REQUIRE(end != std::string::npos);
  text.replace(end, end_tag.size(), "</doc:MedicalProductQmsInspectionDetails >");
  text += "<!-- after the root </doc:MedicalProductQmsInspectionDetails> -->\n<?trailer x?>\n";
  const std::string signed_text = SignText(text, keys);
  // Every byte of the document is where it was; the signature is in front of the end tag.
  const size_t at = signed_text.find("<ds:Signature ");
  REQUIRE(at == end);
  CHECK(signed_text.substr(0, at) == text.substr(0, end));
  const size_t after = signed_text.find("</ds:Signature>") + 15;
  CHECK(signed_text.substr(after) == text.substr(end));
  const auto verdict = VerifyText(signed_text, keys.trust);
  INFO(Describe(verdict));
  CHECK(verdict.valid);

  SECTION("a document in UTF-16 comes out as its canonical form in UTF-8") {
    std::string utf8 = ExampleText();
    const size_t decl = utf8.find("encoding=\"UTF-8\"");
    REQUIRE(decl != std::string::npos);
    utf8.replace(decl, 16, "encoding=\"UTF-16\"");
    utf8 += "<?trailer x?>\n";  // after the root: the signature still goes before its end tag
    const std::u16string wide = eaeu::ToUtf16(utf8);
    std::string utf16 = "\xFF\xFE";  // little-endian, with its byte-order mark
    for (const char16_t c : wide) {
      utf16 += static_cast<char>(c & 0xFF);
      utf16 += static_cast<char>(c >> 8);
    }
    const std::string from_utf16 = SignText(utf16, keys);
    CHECK(from_utf16.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", 0) == 0);
    CHECK(
        from_utf16.ends_with("</ds:Signature></doc:MedicalProductQmsInspectionDetails>\n"
                             "<?trailer x?>"));
    const auto v = VerifyText(from_utf16, keys.trust);
    INFO(Describe(v));
    CHECK(v.valid);
    const auto original = Parse(ExampleText());
    const auto read_back = Parse(from_utf16);
    REQUIRE(original.document);
    REQUIRE(read_back.document);
    CHECK(*read_back.document == *original.document);
  }
}

TEST_CASE(
    "a detached signature (the audit chain's seals) verifies for every algorithm with the "
    "certificate it carries, and not for other bytes, another key or a swapped algorithm",
    "[sign]") {
  const std::string data = "eaeu-audit-seal-1 42 " + std::string(64, 'a');
  for (const Algorithm a : kAll) {
    DYNAMIC_SECTION(sign::Info(a).name) {
      const auto& keys = Keys(a);
      auto s = sign::SignDetached(*keys.credentials, data);
      INFO((s.ok() ? "" : s.error().ToString()));
      REQUIRE(s.ok());
      CHECK(s->algorithm == sign::Info(a).name);
      auto facts = sign::VerifyDetached(*s, data);
      INFO((facts.ok() ? "" : facts.error().ToString()));
      REQUIRE(facts.ok());
      CHECK(facts->subject == keys.credentials->certificate().subject);
      // Other bytes.
      auto other = sign::VerifyDetached(*s, data + "b");
      REQUIRE_FALSE(other.ok());
      CHECK(other.error().code == "sign.mismatch");
      // Another key's certificate with this signature.
      sign::DetachedSignature swapped = *s;
      swapped.certificate = sign::SignDetached(*ForeignKeys().credentials, data)->certificate;
      CHECK_FALSE(sign::VerifyDetached(swapped, data).ok());
      // The algorithm it names is the certificate key's.
      sign::DetachedSignature renamed = *s;
      renamed.algorithm = a == Algorithm::kRsaSha256 ? "ecdsa-p256" : "rsa2048";
      auto wrong = sign::VerifyDetached(renamed, data);
      REQUIRE_FALSE(wrong.ok());
      CHECK(wrong.error().code == "sign.algorithm");
    }
  }
}

TEST_CASE("every kind of document, and a JSON document, is signed as XML", "[sign]") {
  const auto& keys = Keys(Algorithm::kGost2012_256);
  for (const auto kind :
       {eaeu::model::DocumentKind::kSuspensionNotice, eaeu::model::DocumentKind::kRegisterEntry,
        eaeu::model::DocumentKind::kSummaryReport, eaeu::model::DocumentKind::kSummaryRequest,
        eaeu::model::DocumentKind::kProcessingResult}) {
    const auto verdict = VerifyText(SignText(ExampleText(kind), keys), keys.trust);
    INFO(Describe(verdict));
    CHECK(verdict.valid);
  }
  const auto json = eaeu::codec::WriteJson(Example(eaeu::model::DocumentKind::kInspectionReport));
  const std::string signed_text = SignText(json, keys);
  CHECK(signed_text.rfind("<?xml", 0) == 0);
  CHECK(VerifyText(signed_text, keys.trust).valid);
}

TEST_CASE("one changed byte in the content, the signature value or the certificate is caught",
          "[sign]") {
  for (const Algorithm a : kAll) {
    DYNAMIC_SECTION(sign::Info(a).name) {
      const auto& keys = Keys(a);
      const std::string good = SignText(ExampleText(), keys);

      // `good` with base64 character `at` of it changed.
      auto flipped = [&good](size_t at) {
        std::string text = good;
        FlipBase64(text, at);
        return text;
      };
      auto expect = [&keys](const std::string& text, SignatureCheck check) {
        const auto verdict = VerifyText(text, keys.trust);
        INFO(Describe(verdict));
        CHECK(verdict.failed == check);
      };

      std::string content = good;
      const auto where = content.find("негерметичность");
      REQUIRE(where != std::string::npos);
      content.replace(where, std::string("негерметичность").size(), "герметичность!!");
      expect(content, SignatureCheck::kDigest);
      expect(flipped(good.find("<ds:SignatureValue>") + 30), SignatureCheck::kSignatureValue);
      // Inside the CA's signature at the end of the certificate.
      expect(flipped(good.find("</ds:X509Certificate>") - 12), SignatureCheck::kCertificate);
      expect(flipped(good.find("<ds:DigestValue>") + 20), SignatureCheck::kSignatureValue);
    }
  }
}

TEST_CASE("RSA and ECDSA signatures interoperate with xmlsec1 both ways", "[sign][interop]") {
  for (const Algorithm a : {Algorithm::kRsaSha256, Algorithm::kEcdsaP256Sha256}) {
    DYNAMIC_SECTION(sign::Info(a).name) {
      const auto& keys = Keys(a);
      TempDir dir;
      const std::string ours = SignText(ExampleText(), keys);
      WriteText(dir / "ours.xml", ours);
      auto checked = RunCommand(
          "TZ=UTC xmlsec1 --verify --verification-time '2026-01-02 00:01:00' "
          "--trusted-pem '" +
              keys.files.ca_certificate.string() + "' '" + (dir / "ours.xml").string() + "'",
          dir.path());
      INFO(checked.out << checked.err);
      CHECK(checked.exit_code == 0);
      CHECK(checked.err.find("OK") != std::string::npos);

      // xmlsec1 signs a template inside the example as it is written (indented).
      const std::string tmpl = BeforeRootEnd(
          ExampleText(),
          "<ds:Signature xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\">\n  <ds:SignedInfo>\n"
          "    <ds:CanonicalizationMethod "
          "Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#\"/>\n"
          "    <ds:SignatureMethod Algorithm=\"" +
              std::string(sign::Info(a).signature_uri) +
              "\"/>\n    <ds:Reference URI=\"\">\n      <ds:Transforms>\n"
              "        <ds:Transform "
              "Algorithm=\"http://www.w3.org/2000/09/xmldsig#enveloped-signature\"/>\n"
              "        <ds:Transform Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#\"/>\n"
              "      </ds:Transforms>\n      <ds:DigestMethod "
              "Algorithm=\"http://www.w3.org/2001/04/xmlenc#sha256\"/>\n"
              "      <ds:DigestValue/>\n    </ds:Reference>\n  </ds:SignedInfo>\n"
              "  <ds:SignatureValue/>\n  <ds:KeyInfo><ds:X509Data><ds:X509Certificate/>"
              "</ds:X509Data></ds:KeyInfo>\n</ds:Signature>\n");
      WriteText(dir / "template.xml", tmpl);
      auto made = RunCommand("xmlsec1 --sign --privkey-pem '" + keys.files.signer_key.string() +
                                 "," + keys.files.signer_certificate.string() + "' --output '" +
                                 (dir / "theirs.xml").string() + "' '" +
                                 (dir / "template.xml").string() + "'",
                             dir.path());
      INFO(made.out << made.err);
      REQUIRE(made.exit_code == 0);
      const auto verdict = VerifyText(ReadText(dir / "theirs.xml"), keys.trust);
      INFO(Describe(verdict));
      CHECK(verdict.valid);
    }
  }
}

TEST_CASE("a large report file signed where it stands verifies with xmlsec1 and Santuario",
          "[sign][interop][bulk]") {
  const auto& keys = Keys(Algorithm::kRsaSha256);
  auto signer = sign::MakeSigner(keys.credentials);
  REQUIRE(signer.ok());
  for (const std::string_view line_break : {"\n", "\r\n"}) {
    DYNAMIC_SECTION("line breaks " << (line_break == "\n" ? "LF" : "CR LF")) {
      const auto text = std::make_shared<const std::string>(WithReportFile(
          ExampleText(), "\n      " + Base64Lines(256 * 1024, line_break) + "\n    "));
      // Validated with the bytes shared: the report file stays in them, out of the tree.
      auto v = TestValidator().Validate(text, eaeu::validate::InputFormat::kXml, Context());
      REQUIRE(v.verdict.valid());
      REQUIRE(v.tree->source() == text);
      auto placed = (*signer)->SignInPlace(*v.tree, *text, kSignedAt);
      REQUIRE(placed.ok());
      CHECK_FALSE(placed->document);
      const auto pieces = placed->Pieces(*text);
      CHECK(pieces[0].data() == text->data());  // written around the bytes, not into a copy
      const std::string ours = placed->Join(*text);
      CHECK(Between(ours, "ds:DigestValue") == Between(SignText(*text, keys), "ds:DigestValue"));

      TempDir dir;
      WriteText(dir / "large.xml", ours);
      auto checked = RunCommand(
          "TZ=UTC xmlsec1 --verify --verification-time '2026-01-02 00:01:00' --trusted-pem '" +
              keys.files.ca_certificate.string() + "' '" + (dir / "large.xml").string() + "'",
          dir.path());
      INFO(checked.out << checked.err);
      CHECK(checked.exit_code == 0);
      const auto verdict = VerifyText(ours, keys.trust);
      INFO(Describe(verdict));
      CHECK(verdict.valid);
      // As the inbound side verifies it: the report file left in the received bytes.
      auto received = TestValidator().Validate(std::make_shared<const std::string>(ours),
                                               eaeu::validate::InputFormat::kXml, Context());
      REQUIRE(received.tree);
      REQUIRE(received.tree->source());
      sign::VerifyOptions options;
      options.now = kSignedAt + 60;
      const auto in_place = sign::MakeVerifier(keys.trust)->Verify(*received.tree, options);
      INFO(Describe(in_place));
      CHECK(in_place.valid);
    }
  }
}

TEST_CASE("the GOST digest and signature agree with xmllint --exc-c14n and openssl dgst",
          "[sign][interop]") {
  for (const Algorithm a : {Algorithm::kGost2012_256, Algorithm::kGost2012_512}) {
    DYNAMIC_SECTION(sign::Info(a).name) {
      const auto& keys = Keys(a);
      const std::string md = a == Algorithm::kGost2012_256 ? "md_gost12_256" : "md_gost12_512";
      TempDir dir;
      const std::string ours = SignText(ExampleText(), keys);

      // The reference digest: the document without its signature, canonicalised by xmllint.
      const auto doc_c14n = XmllintC14n(WithoutSignature(ours), dir.path(), "document");
      auto digest =
          RunCommand(Openssl("dgst -" + md + " -binary -out '" + (dir / "digest.bin").string() +
                             "' '" + doc_c14n.string() + "'"),
                     dir.path());
      REQUIRE(digest.exit_code == 0);
      std::string ours_digest = Between(ours, "ds:DigestValue");
      ours_digest.erase(std::remove(ours_digest.begin(), ours_digest.end(), '\n'),
                        ours_digest.end());
      CHECK(Base64File(dir / "digest.bin", dir.path()) == ours_digest);

      // The signature value over SignedInfo, canonicalised by xmllint, checked by openssl.
      std::string signed_info = "<ds:SignedInfo xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\">" +
                                Between(ours, "ds:SignedInfo") + "</ds:SignedInfo>";
      const auto info_c14n = XmllintC14n(signed_info, dir.path(), "signedinfo");
      WriteText(dir / "signature.b64", Between(ours, "ds:SignatureValue"));
      auto pub = RunCommand(Openssl("pkey -pubout -in '" + keys.files.signer_key.string() +
                                    "' -out '" + (dir / "pub.pem").string() + "'"),
                            dir.path());
      REQUIRE(pub.exit_code == 0);
      auto check = RunCommand(
          "base64 -d '" + (dir / "signature.b64").string() + "' >'" +
              (dir / "signature.bin").string() + "' && " +
              Openssl("dgst -" + md + " -verify '" + (dir / "pub.pem").string() + "' -signature '" +
                      (dir / "signature.bin").string() + "' '" + info_c14n.string() + "'"),
          dir.path());
      INFO(check.out << check.err);
      CHECK(check.out.find("Verified OK") != std::string::npos);

      // And the other way: a document signed by openssl alone verifies with the product.
      const std::string theirs = IndependentlySigned(ExampleText(), a, keys.files.signer_key,
                                                     keys.files.signer_certificate, dir.path());
      const auto verdict = VerifyText(theirs, keys.trust);
      INFO(Describe(verdict));
      CHECK(verdict.valid);
    }
  }
}

// Debian's Santuario for Java and BouncyCastle, and the checker in tests/interop, compiled once.
struct JavaChecker {
  static constexpr const char* kClassPath =
      "/usr/share/java/xmlsec.jar:/usr/share/java/bcprov.jar:/usr/share/java/slf4j-api.jar:"
      "/usr/share/java/slf4j-nop.jar";
  TempDir classes;
  ProcessResult compiled;

  JavaChecker() {
    compiled =
        RunCommand(std::string("javac -cp ") + kClassPath + " -d '" + classes.path().string() +
                       "' '" + (SourceDir() / "tests/interop/GostXmlDsigCheck.java").string() + "'",
                   classes.path());
  }
  ProcessResult Check(const std::vector<std::filesystem::path>& files) const {
    std::string command =
        "java -cp '" + classes.path().string() + "':" + kClassPath + " GostXmlDsigCheck";
    for (const auto& f : files) command += " '" + f.string() + "'";
    return RunCommand(command, classes.path());
  }
};

TEST_CASE(
    "Santuario for Java with BouncyCastle verifies the GOST signatures and catches a changed byte",
    "[sign][interop]") {
  static const JavaChecker java;
  INFO(java.compiled.out << java.compiled.err);
  REQUIRE(java.compiled.exit_code == 0);
  for (const Algorithm a : {Algorithm::kGost2012_256, Algorithm::kGost2012_512}) {
    DYNAMIC_SECTION(sign::Info(a).name) {
      const auto& keys = Keys(a);
      TempDir dir;
      // Every kind of document, as it came and from its JSON form.
      std::vector<std::filesystem::path> files;
      for (size_t k = 0; k < eaeu::model::kDocumentKindCount; ++k) {
        const auto kind = static_cast<eaeu::model::DocumentKind>(k);
        const std::string name(eaeu::model::KindName(kind));
        WriteText(dir / (name + ".xml"), SignText(ExampleText(kind), keys));
        files.push_back(dir / (name + ".xml"));
      }
      WriteText(
          dir / "from-json.xml",
          SignText(eaeu::codec::WriteJson(Example(eaeu::model::DocumentKind::kInspectionReport)),
                   keys));
      files.push_back(dir / "from-json.xml");
      const auto valid = java.Check(files);
      INFO(valid.out << valid.err);
      CHECK(valid.exit_code == 0);
      for (const auto& f : files)
        CHECK(valid.out.find(f.string() + ": valid") != std::string::npos);

      // A changed character of the content, and of the signature value.
      std::string content = SignText(ExampleText(), keys);
      const size_t id = content.find("<csdo:EDocId>") + 13;
      content[id] = content[id] == 'a' ? 'b' : 'a';
      WriteText(dir / "content.xml", content);
      std::string value = SignText(ExampleText(), keys);
      const size_t sv = value.find("<ds:SignatureValue>") + 25;
      value[sv] = value[sv] == 'A' ? 'B' : 'A';
      WriteText(dir / "value.xml", value);
      const auto changed = java.Check({dir / "content.xml", dir / "value.xml"});
      INFO(changed.out << changed.err);
      CHECK(changed.exit_code == 1);
      CHECK(changed.out.find("content.xml: invalid: the digest does not match") !=
            std::string::npos);
      CHECK(changed.out.find("value.xml: invalid: the signature value does not verify") !=
            std::string::npos);
    }
  }
}

TEST_CASE("certificates: expired, not yet valid, untrusted, revoked, wrong key usage", "[sign]") {
  const auto& keys = Keys(Algorithm::kRsaSha256);
  const std::string good = SignText(ExampleText(), keys);

  SECTION("expired at the time of receipt") {
    const std::time_t later = kT0 + 731 * kDay;
    const auto verdict = VerifyText(good, keys.trust, later);
    INFO(Describe(verdict));
    CHECK(verdict.failed == SignatureCheck::kValidity);
    CHECK(verdict.reason.find("expired") != std::string::npos);
    // Re-checked at the time it was received, it is still valid.
    CHECK(VerifyText(good, keys.trust, later, kSignedAt + 60).valid);
  }
  SECTION("not yet valid") {
    const auto verdict = VerifyText(good, keys.trust, kSignedAt, kT0 - kDay);
    INFO(Describe(verdict));
    CHECK(verdict.failed == SignatureCheck::kValidity);
    CHECK(verdict.reason.find("not yet valid") != std::string::npos);
  }
  SECTION("a signing time after the time of receipt") {
    const auto verdict = VerifyText(good, keys.trust, kSignedAt, kSignedAt + kDay);
    CHECK(verdict.failed == SignatureCheck::kValidity);
  }
  SECTION("untrusted issuer") {
    const auto verdict = VerifyText(good, ForeignKeys().trust);
    INFO(Describe(verdict));
    CHECK(verdict.failed == SignatureCheck::kTrust);
    CHECK(verdict.reason.find("unable to get local issuer certificate") != std::string::npos);
  }
  SECTION("revoked by a CRL; an empty CRL revokes nothing") {
    TempDir trust_dir;
    fs::copy(keys.files.ca_certificate, trust_dir / "ca.pem");
    sign::DevelopmentCrlOptions crl;
    crl.this_update = kT0;
    REQUIRE(
        sign::WriteDevelopmentCrl(keys.files, Algorithm::kRsaSha256, {}, crl, trust_dir / "ca.crl")
            .ok());
    auto trust = sign::TrustStore::Load(trust_dir.path());
    REQUIRE(trust.ok());
    CHECK((*trust)->crl_count() == 1);
    auto verdict = VerifyText(good, *trust);
    INFO(Describe(verdict));
    CHECK(verdict.valid);
    for (const auto& note : verdict.notes) CHECK(note.find("revocation") == std::string::npos);

    REQUIRE(sign::WriteDevelopmentCrl(keys.files, Algorithm::kRsaSha256,
                                      {keys.files.signer_certificate}, crl, trust_dir / "ca.crl")
                .ok());
    trust = sign::TrustStore::Load(trust_dir.path());
    REQUIRE(trust.ok());
    verdict = VerifyText(good, *trust);
    INFO(Describe(verdict));
    CHECK(verdict.failed == SignatureCheck::kRevocation);
    CHECK(verdict.reason.find("revoked") != std::string::npos);

    // A CRL past its nextUpdate cannot vouch for anything.
    verdict = VerifyText(good, *trust, kT0 + 40 * kDay);
    CHECK(verdict.failed == SignatureCheck::kRevocation);
  }
  SECTION("without a CRL the verdict says revocation was not checked") {
    const auto verdict = VerifyText(good, keys.trust);
    REQUIRE(verdict.valid);
    REQUIRE(verdict.notes.size() == 1);
    CHECK(verdict.notes[0].find("revocation not checked") != std::string::npos);
  }
  SECTION("a certificate for key encipherment only") {
    const auto wrong = MakeKeys(Algorithm::kRsaSha256, "keyEncipherment");
    // The product does not sign with it ...
    auto usable = wrong->credentials->CheckUsable(kSignedAt);
    REQUIRE_FALSE(usable.ok());
    CHECK(usable.error().code == "credentials.key-usage");
    auto signer = sign::MakeSigner(wrong->credentials);
    REQUIRE(signer.ok());
    auto v = Parse(ExampleText());
    CHECK_FALSE((*signer)->Sign(*v.tree, ExampleText(), kSignedAt).ok());
    // ... and refuses a document another tool signed with it.
    TempDir dir;
    const auto theirs =
        IndependentlySigned(ExampleText(), Algorithm::kRsaSha256, wrong->files.signer_key,
                            wrong->files.signer_certificate, dir.path());
    const auto verdict = VerifyText(theirs, wrong->trust);
    INFO(Describe(verdict));
    CHECK(verdict.failed == SignatureCheck::kKeyUsage);
  }
  SECTION("the signer refuses a certificate outside its validity") {
    auto v = Parse(ExampleText());
    auto signer = sign::MakeSigner(keys.credentials);
    REQUIRE(signer.ok());
    auto late = (*signer)->Sign(*v.tree, ExampleText(), kT0 + 800 * kDay);
    REQUIRE_FALSE(late.ok());
    CHECK(late.error().code == "credentials.expired");
    auto early = (*signer)->Sign(*v.tree, ExampleText(), kT0 - kDay);
    REQUIRE_FALSE(early.ok());
    CHECK(early.error().code == "credentials.not-yet-valid");
  }
}

TEST_CASE("signature wrapping and documents outside the profile are rejected", "[sign]") {
  const auto& keys = Keys(Algorithm::kEcdsaP256Sha256);
  const std::string good = SignText(ExampleText(), keys);
  const std::string signature = good.substr(
      good.find("<ds:Signature"), good.find("</ds:Signature>") + 15 - good.find("<ds:Signature"));
  auto expect = [&keys](const std::string& text, SignatureCheck check, const std::string& words) {
    const auto verdict = VerifyText(text, keys.trust);
    INFO(Describe(verdict));
    CHECK(verdict.failed == check);
    CHECK(verdict.reason.find(words) != std::string::npos);
  };

  SECTION("unsigned") {
    expect(ExampleText(), SignatureCheck::kPresence, "no ds:Signature");
  }
  SECTION("a reference to a part of the document") {
    std::string text = good;
    text.replace(text.find("URI=\"\""), 6, "URI=\"#header\"");
    expect(text, SignatureCheck::kWrapping, "whole document");
  }
  SECTION("the signature moved into the header") {
    std::string text = WithoutSignature(good);
    const auto header_end = text.find("</ccdo:EDocHeader>");
    text.insert(header_end, signature);
    expect(text, SignatureCheck::kWrapping, "must be a child of the root");
  }
  SECTION("the signature not last") {
    std::string text = WithoutSignature(good);
    text.insert(text.find("<doc:InspectionReportDetails>"), signature);
    expect(text, SignatureCheck::kWrapping, "last child of the root");
  }
  SECTION("two signatures") {
    expect(BeforeRootEnd(good, signature), SignatureCheck::kWrapping, "2 ds:Signature");
  }
  SECTION("the signed content kept in a ds:Object, other content in its place") {
    std::string text = good;
    const std::string original = "<ds:Object>" + Between(good, "csdo:EDocId") + "</ds:Object>";
    text.insert(text.find("</ds:Signature>"), original);
    const auto id = text.find("<csdo:EDocId>") + 13;
    text.replace(id, 8, "00000000");
    expect(text, SignatureCheck::kProfile, "ds:Object");
  }
  SECTION("an element moved within the document") {
    // Two sibling elements swapped: the digest no longer matches.
    std::string text = good;
    const std::string a = "<csdo:EDocCode>R.HC.MM.00.001</csdo:EDocCode>";
    const std::string b = "<csdo:InfEnvelopeCode>P.MM.00.MSG.001</csdo:InfEnvelopeCode>";
    REQUIRE(text.find(a) != std::string::npos);
    REQUIRE(text.find(b) != std::string::npos);
    text.replace(text.find(a), a.size(), "@A@");
    text.replace(text.find(b), b.size(), a);
    text.replace(text.find("@A@"), 3, b);
    expect(text, SignatureCheck::kDigest, "changed");
  }
  SECTION("an XPath transform") {
    std::string text = good;
    text.insert(text.find("</ds:Transforms>"),
                "<ds:Transform Algorithm=\"http://www.w3.org/TR/1999/REC-xpath-19991116\"/>");
    expect(text, SignatureCheck::kProfile, "Transforms");
  }
  SECTION("SHA-1") {
    std::string text = good;
    const std::string uri(sign::Info(Algorithm::kEcdsaP256Sha256).signature_uri);
    text.replace(text.find(uri), uri.size(), "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha1");
    expect(text, SignatureCheck::kProfile, "ecdsa-sha1");
  }
  SECTION("a signature method that does not fit the certificate's key") {
    std::string text = good;
    const std::string uri(sign::Info(Algorithm::kEcdsaP256Sha256).signature_uri);
    text.replace(text.find(uri), uri.size(), sign::Info(Algorithm::kRsaSha256).signature_uri);
    expect(text, SignatureCheck::kCertificate, "ECDSA");
  }
  SECTION("no certificate") {
    std::string text = good;
    const auto start = text.find("<ds:X509Certificate>");
    const auto end = text.find("</ds:X509Certificate>") + 21;
    text.erase(start, end - start);
    expect(text, SignatureCheck::kCertificate, "no ds:X509Certificate");
  }
  SECTION("a signed document is not signed twice") {
    auto v = Parse(good);
    auto signer = sign::MakeSigner(keys.credentials);
    REQUIRE(signer.ok());
    auto again = (*signer)->Sign(*v.tree, good, kSignedAt);
    REQUIRE_FALSE(again.ok());
    CHECK(again.error().code == "sign.already-signed");
  }
}

TEST_CASE(
    "credentials from encrypted PEM and PKCS#12, with the password from a file or the "
    "environment",
    "[sign]") {
  for (const Algorithm a : {Algorithm::kRsaSha256, Algorithm::kGost2012_256}) {
    DYNAMIC_SECTION(sign::Info(a).name) {
      const auto& keys = Keys(a);
      TempDir dir;
      WriteText(dir / "password", "correct horse\n");
      const std::string pass = "file:" + (dir / "password").string();
      auto encrypted =
          RunCommand(Openssl("pkcs8 -topk8 -v2 aes-256-cbc -in '" + keys.files.signer_key.string() +
                             "' -passout '" + pass + "' -out '" + (dir / "key.pem").string() + "'"),
                     dir.path());
      INFO(encrypted.err);
      REQUIRE(encrypted.exit_code == 0);
      auto p12 =
          RunCommand(Openssl("pkcs12 -export -inkey '" + keys.files.signer_key.string() +
                             "' -in '" + keys.files.signer_certificate.string() + "' -passout '" +
                             pass + "' -out '" + (dir / "signer.p12").string() + "'"),
                     dir.path());
      INFO(p12.err);
      REQUIRE(p12.exit_code == 0);

      sign::PasswordSource from_file;
      from_file.file = dir / "password";
      auto pem = sign::SigningCredentials::FromPem(dir / "key.pem", keys.files.signer_certificate,
                                                   from_file);
      INFO((pem.ok() ? "" : pem.error().ToString()));
      REQUIRE(pem.ok());
      CHECK((*pem)->algorithm() == a);

      ::setenv("EAEU_TEST_P12_PASSWORD", "correct horse", 1);
      sign::PasswordSource from_env;
      from_env.env = "EAEU_TEST_P12_PASSWORD";
      auto pkcs12 = sign::SigningCredentials::FromPkcs12(dir / "signer.p12", from_env);
      INFO((pkcs12.ok() ? "" : pkcs12.error().ToString()));
      REQUIRE(pkcs12.ok());
      CHECK((*pkcs12)->certificate().serial == keys.credentials->certificate().serial);

      // Both sign documents that verify.
      auto signer = sign::MakeSigner(*pkcs12);
      REQUIRE(signer.ok());
      auto v = Parse(ExampleText());
      auto signed_text = (*signer)->Sign(*v.tree, ExampleText(), kSignedAt);
      REQUIRE(signed_text.ok());
      CHECK(VerifyText(*signed_text, keys.trust).valid);

      WriteText(dir / "wrong", "wrong horse\n");
      sign::PasswordSource wrong;
      wrong.file = dir / "wrong";
      auto refused =
          sign::SigningCredentials::FromPem(dir / "key.pem", keys.files.signer_certificate, wrong);
      REQUIRE_FALSE(refused.ok());
      CHECK(refused.error().where == (dir / "key.pem").string());
      CHECK_FALSE(sign::SigningCredentials::FromPkcs12(dir / "signer.p12", wrong).ok());
      auto no_password =
          sign::SigningCredentials::FromPem(dir / "key.pem", keys.files.signer_certificate);
      REQUIRE_FALSE(no_password.ok());
      CHECK(no_password.error().message.find("password") != std::string::npos);
    }
  }
}

TEST_CASE("credentials and trust stores that cannot be used are refused with the reason",
          "[sign]") {
  const auto& rsa = Keys(Algorithm::kRsaSha256);
  const auto& gost = Keys(Algorithm::kGost2012_256);
  TempDir dir;

  auto mismatch = sign::SigningCredentials::FromPem(rsa.files.signer_key, rsa.files.ca_certificate);
  REQUIRE_FALSE(mismatch.ok());
  CHECK(mismatch.error().code == "credentials.mismatch");

  auto small = RunCommand(Openssl("genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:1024 -out '" +
                                  (dir / "small.key").string() + "'"),
                          dir.path());
  REQUIRE(small.exit_code == 0);
  auto weak = sign::SigningCredentials::FromPem(dir / "small.key", gost.files.signer_certificate);
  REQUIRE_FALSE(weak.ok());
  CHECK(weak.error().message.find("1024 bits") != std::string::npos);

  sign::PasswordSource unset;
  unset.env = "EAEU_TEST_NO_SUCH_VARIABLE";
  auto no_env = sign::ReadPassword(unset);
  REQUIRE_FALSE(no_env.ok());
  CHECK(no_env.error().where == "EAEU_TEST_NO_SUCH_VARIABLE");

  auto missing = sign::TrustStore::Load(dir / "nothing");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().code == "trust.folder");
  fs::create_directories(dir / "empty");
  WriteText(dir / "empty/README.txt", "no certificates here\n");
  auto empty = sign::TrustStore::Load(dir / "empty");
  REQUIRE_FALSE(empty.ok());
  CHECK(empty.error().message.find("no CA certificate") != std::string::npos);
  fs::create_directories(dir / "junk");
  WriteText(dir / "junk/ca.pem", "-----BEGIN CERTIFICATE-----\nnot base64\n");
  auto junk = sign::TrustStore::Load(dir / "junk");
  REQUIRE_FALSE(junk.ok());
  CHECK(junk.error().where == (dir / "junk/ca.pem").string());
}
