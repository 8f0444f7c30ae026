#include "gateway/validate/verdict_json.hpp"

#include <nlohmann/json.hpp>

namespace eaeu::validate {

nlohmann::ordered_json VerdictToJson(const Verdict& v) {
  using Json = nlohmann::ordered_json;
  Json j;
  j["status"] = StatusName(v.status);
  if (v.kind) j["kind"] = model::KindName(*v.kind);
  if (!v.e_doc_id.empty()) j["eDocId"] = v.e_doc_id;
  j["errors"] = v.ErrorCount();
  j["warnings"] = v.WarningCount();
  Json list = Json::array();
  for (const auto& x : v.violations) {
    Json item;
    item["rule"] = x.rule_id;
    item["severity"] = SeverityName(x.severity);
    item["path"] = x.path;
    if (x.position.line > 0) {
      item["line"] = x.position.line;
      item["column"] = x.position.column;
    }
    item["message"] = x.message_en;
    item["messageRu"] = x.message_ru;
    if (!x.source.empty()) item["source"] = x.source;
    list.push_back(std::move(item));
  }
  j["violations"] = std::move(list);
  j["notes"] = v.notes;
  return j;
}

}  // namespace eaeu::validate
