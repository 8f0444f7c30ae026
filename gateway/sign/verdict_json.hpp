#pragma once
// A signature verdict as JSON: what the journal keeps with a received message (D5 appendix 4's
// Receipt/IsValid with its reason) and what `eaeu-gateway verify --json` prints.

#include <nlohmann/json.hpp>

#include "gateway/sign/verdict.hpp"

namespace eaeu::sign {

nlohmann::ordered_json SignatureVerdictToJson(const SignatureVerdict& verdict);

}  // namespace eaeu::sign
