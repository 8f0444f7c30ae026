#include "gateway/sign/trust_store.hpp"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509_vfy.h>

#include <algorithm>

#include "gateway/core/clock.hpp"
#include "gateway/core/files.hpp"
#include "gateway/sign/detail/certificates.hpp"
#include "gateway/sign/detail/trust.hpp"

namespace eaeu::sign {

struct TrustStoreAccess {
  static std::shared_ptr<const TrustStore> Make(std::unique_ptr<TrustStore::Impl> impl) {
    return std::shared_ptr<const TrustStore>(new TrustStore(std::move(impl)));
  }
};

namespace {

using namespace detail;
namespace fs = std::filesystem;

constexpr uint64_t kMaxTrustFileBytes = 16u << 20;

enum class FileKind { kCertificates, kDerCertificate, kCrl, kOther };

FileKind KindOf(const fs::path& path) {
  std::string ext = path.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (ext == ".pem" || ext == ".crt" || ext == ".cer") return FileKind::kCertificates;
  if (ext == ".der") return FileKind::kDerCertificate;
  if (ext == ".crl") return FileKind::kCrl;
  return FileKind::kOther;
}

bool IsPem(std::string_view bytes) {
  return bytes.find("-----BEGIN ") != std::string_view::npos;
}

Status AddCertificates(TrustStore::Impl& impl, const fs::path& file, std::string_view bytes,
                       bool der_only) {
  size_t added = 0;
  if (!der_only && IsPem(bytes)) {
    Bio bio = MemoryBio(bytes);
    while (X509* raw = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) {
      Cert cert(raw);
      if (X509_STORE_add_cert(impl.store.get(), cert.get()) != 1) {
        return OpenSslError("trust.certificate", file.string(), "cannot add the certificate");
      }
      ++added;
    }
    ERR_clear_error();  // the end of the file
  } else {
    Bio bio = MemoryBio(bytes);
    Cert cert(d2i_X509_bio(bio.get(), nullptr));
    if (cert && X509_STORE_add_cert(impl.store.get(), cert.get()) == 1) ++added;
  }
  if (added == 0) {
    return OpenSslError("trust.certificate", file.string(), "no readable certificate in the file");
  }
  impl.certificates += added;
  return Ok{};
}

Status AddCrl(TrustStore::Impl& impl, const fs::path& file, std::string_view bytes) {
  Bio bio = MemoryBio(bytes);
  Crl crl(IsPem(bytes) ? PEM_read_bio_X509_CRL(bio.get(), nullptr, nullptr, nullptr)
                       : d2i_X509_CRL_bio(bio.get(), nullptr));
  if (!crl || X509_STORE_add_crl(impl.store.get(), crl.get()) != 1) {
    return OpenSslError("trust.crl", file.string(), "not a readable CRL");
  }
  ++impl.crls;
  return Ok{};
}

// Collects what the verify callback lets pass, so that the verdict can say it.
struct CallbackState {
  std::vector<std::string> notes;
};

std::string SubjectAt(X509_STORE_CTX* ctx) {
  X509* cert = X509_STORE_CTX_get_current_cert(ctx);
  return cert != nullptr ? FactsOf(cert).subject : std::string("?");
}

int VerifyCallback(int ok, X509_STORE_CTX* ctx) {
  if (ok == 1) return 1;
  auto* state = static_cast<CallbackState*>(X509_STORE_CTX_get_app_data(ctx));
  switch (X509_STORE_CTX_get_error(ctx)) {
    case X509_V_ERR_UNABLE_TO_GET_CRL:
      // Revocation is checked where the operator put a CRL of the issuer in the trust store.
      if (state != nullptr) {
        state->notes.push_back("revocation not checked for \"" + SubjectAt(ctx) +
                               "\": the trust store has no CRL of its issuer");
      }
      return 1;
    case X509_V_ERR_CRL_NOT_YET_VALID:
      // The CRL was issued after the signing time: it still tells what was revoked.
      return 1;
    default:
      return 0;
  }
}

SignatureCheck Classify(int error) {
  switch (error) {
    case X509_V_ERR_CERT_HAS_EXPIRED:
    case X509_V_ERR_CERT_NOT_YET_VALID:
    case X509_V_ERR_ERROR_IN_CERT_NOT_BEFORE_FIELD:
    case X509_V_ERR_ERROR_IN_CERT_NOT_AFTER_FIELD:
      return SignatureCheck::kValidity;
    case X509_V_ERR_CERT_REVOKED:
    case X509_V_ERR_CRL_HAS_EXPIRED:
    case X509_V_ERR_CRL_SIGNATURE_FAILURE:
    case X509_V_ERR_UNABLE_TO_DECRYPT_CRL_SIGNATURE:
    case X509_V_ERR_ERROR_IN_CRL_LAST_UPDATE_FIELD:
    case X509_V_ERR_ERROR_IN_CRL_NEXT_UPDATE_FIELD:
    case X509_V_ERR_KEYUSAGE_NO_CRL_SIGN:
    case X509_V_ERR_UNHANDLED_CRITICAL_CRL_EXTENSION:
    case X509_V_ERR_DIFFERENT_CRL_SCOPE:
    case X509_V_ERR_CRL_PATH_VALIDATION_ERROR:
      return SignatureCheck::kRevocation;
    case X509_V_ERR_CERT_SIGNATURE_FAILURE:
    case X509_V_ERR_UNABLE_TO_DECRYPT_CERT_SIGNATURE:
    case X509_V_ERR_UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY:
      // The issuer is known but its signature on the certificate does not hold: the certificate
      // was changed, or forged.
      return SignatureCheck::kCertificate;
    default:
      return SignatureCheck::kTrust;
  }
}

}  // namespace

TrustStore::TrustStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
TrustStore::~TrustStore() = default;

const fs::path& TrustStore::folder() const {
  return impl_->folder;
}
size_t TrustStore::certificate_count() const {
  return impl_->certificates;
}
size_t TrustStore::crl_count() const {
  return impl_->crls;
}

Result<std::shared_ptr<const TrustStore>> TrustStore::Load(const fs::path& folder) {
  std::error_code ec;
  if (!fs::is_directory(folder, ec)) {
    return MakeError("trust.folder", folder.string(), "the trust store folder does not exist");
  }
  auto impl = std::make_unique<Impl>();
  impl->folder = folder;
  impl->store.reset(X509_STORE_new());
  if (!impl->store) return OpenSslError("trust.folder", folder.string(), "out of memory");
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(folder, ec)) {
    const auto name = entry.path().filename().string();
    if (!name.empty() && name[0] != '.' && entry.is_regular_file(ec)) files.push_back(entry);
  }
  if (ec) return MakeError("trust.folder", folder.string(), ec.message());
  std::sort(files.begin(), files.end());
  for (const auto& file : files) {
    const FileKind kind = KindOf(file);
    if (kind == FileKind::kOther) continue;
    auto bytes = ReadFileLimited(file, kMaxTrustFileBytes);
    if (!bytes) return bytes.error();
    Status added = kind == FileKind::kCrl
                       ? AddCrl(*impl, file, *bytes)
                       : AddCertificates(*impl, file, *bytes, kind == FileKind::kDerCertificate);
    if (!added) return added.error();
  }
  if (impl->certificates == 0) {
    return MakeError("trust.folder", folder.string(),
                     "the trust store holds no CA certificate (*.pem, *.crt, *.cer, *.der)");
  }
  return TrustStoreAccess::Make(std::move(impl));
}

namespace detail {

ChainCheck CheckChain(const TrustStore& trust, X509* cert, const std::vector<X509*>& untrusted,
                      std::time_t at) {
  ChainCheck out;
  struct StackFree {
    void operator()(STACK_OF(X509) * s) const { sk_X509_free(s); }
  };
  std::unique_ptr<STACK_OF(X509), StackFree> chain(sk_X509_new_null());
  for (X509* c : untrusted) sk_X509_push(chain.get(), c);
  std::unique_ptr<X509_STORE_CTX, Deleter<X509_STORE_CTX, X509_STORE_CTX_free>> ctx(
      X509_STORE_CTX_new());
  CallbackState state;
  if (!ctx || !chain ||
      X509_STORE_CTX_init(ctx.get(), trust.impl().store.get(), cert, chain.get()) != 1) {
    out.failed = SignatureCheck::kTrust;
    out.reason = "cannot set up the certificate check: " + TakeOpenSslErrors();
    return out;
  }
  X509_STORE_CTX_set_app_data(ctx.get(), &state);
  X509_STORE_CTX_set_verify_cb(ctx.get(), &VerifyCallback);
  X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(ctx.get());
  X509_VERIFY_PARAM_set_time(param, at);
  unsigned long flags = X509_V_FLAG_PARTIAL_CHAIN;
  if (trust.crl_count() > 0) {
    flags |= X509_V_FLAG_CRL_CHECK | X509_V_FLAG_CRL_CHECK_ALL;
  } else {
    out.notes.push_back("revocation not checked: the trust store holds no CRL");
  }
  X509_VERIFY_PARAM_set_flags(param, flags);
  const int ok = X509_verify_cert(ctx.get());
  out.notes.insert(out.notes.end(), state.notes.begin(), state.notes.end());
  if (ok == 1) return out;
  const int error = X509_STORE_CTX_get_error(ctx.get());
  const int depth = X509_STORE_CTX_get_error_depth(ctx.get());
  out.failed = Classify(error);
  std::string who = SubjectAt(ctx.get());
  out.reason = std::string(X509_verify_cert_error_string(error)) + " (" +
               (depth == 0 ? "signer certificate" : "CA certificate") + " \"" + who + "\", at " +
               FormatUtc(at) + ")";
  TakeOpenSslErrors();
  return out;
}

}  // namespace detail
}  // namespace eaeu::sign
