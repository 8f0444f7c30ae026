#pragma once
// The trust store: a folder of CA certificates (trust anchors) and optional CRLs.

#include <filesystem>
#include <memory>
#include <vector>

#include "gateway/core/result.hpp"

namespace eaeu::sign {

class TrustStore {
 public:
  // Loads `folder`: certificates from *.pem, *.crt, *.cer (PEM, one or more per file) and *.der
  // files; CRLs from *.crl files (PEM or DER). Other files are ignored. Any certificate in the
  // folder is an anchor: a chain may end at an intermediate CA the operator chose to trust.
  // A folder without a certificate, or an unreadable file, is an error that names the file.
  static Result<std::shared_ptr<const TrustStore>> Load(const std::filesystem::path& folder);

  ~TrustStore();
  TrustStore(const TrustStore&) = delete;
  TrustStore& operator=(const TrustStore&) = delete;

  const std::filesystem::path& folder() const;
  size_t certificate_count() const;
  size_t crl_count() const;

  struct Impl;
  const Impl& impl() const { return *impl_; }

 private:
  friend struct TrustStoreAccess;
  explicit TrustStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace eaeu::sign
