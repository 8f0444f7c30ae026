#pragma once
// A verdict as JSON: the form the command line prints, the API answers and the journal keeps.

#include <nlohmann/json_fwd.hpp>

#include "gateway/validate/validator.hpp"

namespace eaeu::validate {

// {"status", "kind"?, "eDocId"?, "errors", "warnings", "violations": [{"rule", "severity",
// "path", "line"?, "column"?, "message", "messageRu", "source"?}], "notes"}
nlohmann::ordered_json VerdictToJson(const Verdict& verdict);

}  // namespace eaeu::validate
