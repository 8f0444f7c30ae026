// Fuzz target: the signer of the compact tree against the independent DOM path. For any input the
// parser takes, the tree's canonical form must be the DOM's byte for byte; read again with its
// base64 texts kept where they stand (gateway/xml/bulk_text.hpp), it must give the same findings
// at the same places and the same canonical form; and a document the signer signs must come out
// well-formed with a signature Santuario verifies. Any difference stops the fuzzer.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

#include "gateway/sign/credentials.hpp"
#include "gateway/sign/crypto.hpp"
#include "gateway/sign/keys.hpp"
#include "gateway/sign/signature.hpp"
#include "gateway/sign/trust_store.hpp"
#include "gateway/xml/exc_c14n.hpp"
#include "tests/fuzz/fuzz_support.hpp"

namespace {

constexpr std::time_t kNow = 1795521600;  // 2026-11-24, the fixed day of the rules

struct Keys {
  std::unique_ptr<eaeu::sign::Signer> signer;
  std::unique_ptr<eaeu::sign::Verifier> verifier;
};

const Keys& TheKeys() {
  static const Keys keys = [] {
    using namespace eaeu;
    std::string dir = (std::filesystem::temp_directory_path() / "eaeu-fuzz-keys-XXXXXX").string();
    if (::mkdtemp(dir.data()) == nullptr) throw std::runtime_error("mkdtemp");
    sign::DevelopmentKeyOptions options;
    options.algorithm = sign::Algorithm::kEcdsaP256Sha256;
    options.now = 1767225600;  // 2026-01-01
    auto made = sign::GenerateDevelopmentKeys(options, dir);
    if (!made) throw std::runtime_error(made.error().ToString());
    auto credentials =
        sign::SigningCredentials::FromPem(made->signer_key, made->signer_certificate);
    if (!credentials) throw std::runtime_error(credentials.error().ToString());
    auto signer = sign::MakeSigner(*credentials);
    if (!signer) throw std::runtime_error(signer.error().ToString());
    auto trust = sign::TrustStore::Load(made->ca_certificate.parent_path());
    if (!trust) throw std::runtime_error(trust.error().ToString());
    return Keys{std::move(*signer), sign::MakeVerifier(*trust)};
  }();
  return keys;
}

[[noreturn]] void Differs(const char* what) {
  std::fprintf(stderr, "sign_roundtrip: %s\n", what);
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace eaeu;
  const std::string_view input = fuzz::Bytes(data, size);
  auto v = fuzz::TheValidator().Validate(input, validate::InputFormat::kXml, fuzz::FixedContext(),
                                         xml::Keep{.tree = true, .dom = true});
  if (!v.tree || !v.dom) return 0;

  std::string from_tree;
  xml::CanonicaliseDocument(*v.tree, xml::Tree::kNone,
                            [&from_tree](std::string_view s) { from_tree += s; });
  std::string from_dom;
  xml::CanonicaliseDocument(v.dom->dom(), nullptr,
                            [&from_dom](std::string_view s) { from_dom += s; });
  if (from_tree != from_dom) Differs("the tree's canonical form differs from the DOM's");

  // The same bytes with their base64 texts kept where they stand: the same findings at the same
  // places, and the same canonical form.
  auto shared = std::make_shared<const std::string>(input);
  auto in_place = fuzz::SmallBulkValidator().Validate(shared, validate::InputFormat::kXml,
                                                      fuzz::FixedContext());
  if (!in_place.tree) Differs("the document is not read with its base64 texts in place");
  if (in_place.verdict.status != v.verdict.status) Differs("another verdict with texts in place");
  if (in_place.verdict.violations.size() != v.verdict.violations.size()) {
    Differs("other findings with texts in place");
  }
  for (size_t i = 0; i < v.verdict.violations.size(); ++i) {
    const auto& a = v.verdict.violations[i];
    const auto& b = in_place.verdict.violations[i];
    if (a.rule_id != b.rule_id || a.path != b.path || a.position.line != b.position.line ||
        a.position.column != b.position.column) {
      Differs("a finding differs with texts in place");
    }
  }
  std::string in_place_form;
  xml::CanonicaliseDocument(*in_place.tree, xml::Tree::kNone,
                            [&in_place_form](std::string_view s) { in_place_form += s; });
  if (in_place_form != from_tree) Differs("the canonical form differs with texts in place");

  // Signed from the tree with its texts in place, whose canonical form is the DOM's.
  auto signed_text = TheKeys().signer->Sign(*in_place.tree, in_place.Source(input), kNow);
  if (!signed_text) return 0;  // already signed, for one
  auto again =
      fuzz::TheValidator().Validate(*signed_text, validate::InputFormat::kXml, fuzz::FixedContext(),
                                    xml::Keep{.tree = false, .dom = true});
  if (!again.dom) Differs("the signed document is not well-formed");
  sign::VerifyOptions options;
  options.now = kNow;
  const auto verdict = TheKeys().verifier->Verify(again.dom->dom(), options);
  if (!verdict.valid) Differs(("the signature does not verify: " + verdict.reason).c_str());
  return 0;
}
