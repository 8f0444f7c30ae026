#include "gateway/sign/verdict_json.hpp"

#include "gateway/core/clock.hpp"

namespace eaeu::sign {

nlohmann::ordered_json SignatureVerdictToJson(const SignatureVerdict& v) {
  nlohmann::ordered_json j;
  j["valid"] = v.valid;
  j["code"] = v.Code();
  if (v.failed) {
    j["check"] = CheckName(*v.failed);
    j["reason"] = v.reason;
  }
  if (v.algorithm) j["algorithm"] = Info(*v.algorithm).name;
  if (v.signer) {
    const CertificateFacts& f = *v.signer;
    j["signer"] = {{"subject", f.subject},
                   {"issuer", f.issuer},
                   {"serial", f.serial},
                   {"notBefore", FormatUtc(f.not_before)},
                   {"notAfter", FormatUtc(f.not_after)}};
  }
  j["signingTime"] = FormatUtc(v.signing_time);
  j["notes"] = v.notes;
  return j;
}

}  // namespace eaeu::sign
