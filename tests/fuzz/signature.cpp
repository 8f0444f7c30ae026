// Fuzz target: signature verification of a document as it comes in (parsed and checked, then
// its ds:Signature verified against a trust store of development keys made once), on the compact
// tree as the gateway does and on the DOM by Santuario: the two must agree, or the fuzzer stops.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

#include "gateway/sign/crypto.hpp"
#include "gateway/sign/keys.hpp"
#include "gateway/sign/signature.hpp"
#include "gateway/sign/trust_store.hpp"
#include "tests/fuzz/fuzz_support.hpp"

namespace {

const eaeu::sign::Verifier& TheVerifier() {
  static const std::unique_ptr<eaeu::sign::Verifier> verifier = [] {
    using namespace eaeu;
    std::string dir = (std::filesystem::temp_directory_path() / "eaeu-fuzz-keys-XXXXXX").string();
    if (::mkdtemp(dir.data()) == nullptr) throw std::runtime_error("mkdtemp");
    sign::DevelopmentKeyOptions options;
    options.algorithm = sign::Algorithm::kEcdsaP256Sha256;
    options.now = 1767225600;  // 2026-01-01: valid on the fixed day of the rules
    auto keys = sign::GenerateDevelopmentKeys(options, dir);
    if (!keys) throw std::runtime_error(keys.error().ToString());
    auto trust = sign::TrustStore::Load(keys->ca_certificate.parent_path());
    if (!trust) throw std::runtime_error(trust.error().ToString());
    return sign::MakeVerifier(*trust);
  }();
  return *verifier;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace eaeu;
  auto v =
      fuzz::TheValidator().Validate(fuzz::Bytes(data, size), validate::InputFormat::kXml,
                                    fuzz::FixedContext(), xml::Keep{.tree = true, .dom = true});
  if (!v.dom || !v.tree) return 0;
  sign::VerifyOptions options;
  options.now = 1795521600;  // 2026-11-24
  // The gateway's verification of the tree and Santuario's of the DOM must agree.
  const auto on_dom = TheVerifier().Verify(v.dom->dom(), options);
  const auto on_tree = TheVerifier().Verify(*v.tree, options);
  if (on_dom.valid != on_tree.valid) {
    std::fprintf(stderr, "signature: the tree says %s (%s), Santuario's DOM says %s (%s)\n",
                 on_tree.Code().c_str(), on_tree.reason.c_str(), on_dom.Code().c_str(),
                 on_dom.reason.c_str());
    std::abort();
  }
  return 0;
}
