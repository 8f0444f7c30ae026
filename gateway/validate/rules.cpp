#include "gateway/validate/rules.hpp"

#include <algorithm>

namespace eaeu::validate {

void RuleEnv::Note(std::string note) const {
  if (std::find(notes.begin(), notes.end(), note) == notes.end()) notes.push_back(std::move(note));
}

const std::vector<Rule>& AllRules() {
  static const std::vector<Rule> kRules = [] {
    std::vector<Rule> rules;
    AddCommonRules(rules);
    AddInspectionReportRules(rules);
    AddSuspensionNoticeRules(rules);
    AddRegisterRules(rules);
    AddSummaryRules(rules);
    return rules;
  }();
  return kRules;
}

std::string Root(const model::DocumentCatalog& catalog, model::DocumentKind kind) {
  return "/" + model::PathStep(model::Ns::kDoc, catalog.Info(kind).root);
}

bool IsMemberState(std::string_view country) {
  return country == "AM" || country == "BY" || country == "KZ" || country == "KG" ||
         country == "RU";
}

std::string Join(const std::vector<std::string>& items, std::string_view separator) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += separator;
    out += items[i];
  }
  return out;
}

}  // namespace eaeu::validate
