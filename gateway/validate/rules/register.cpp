// IO-*: rules of the register of inspecting organizations (Table 3).

#include <algorithm>

#include "gateway/validate/rules.hpp"

namespace eaeu::validate {
namespace {

using model::Ns;
using model::PathStep;
using model::RegisterEntry;

std::string OrganizationPath(const RuleEnv& env) {
  return Root(env.catalog, model::DocumentKind::kRegisterEntry) +
         "/doc:InspectingOrganizationDetails";
}

std::string InspectorPath(const RuleEnv& env, size_t i) {
  return Root(env.catalog, model::DocumentKind::kRegisterEntry) + "/" +
         PathStep(Ns::kDoc, "InspectorDetails", static_cast<int>(i));
}

std::string PersonName(const model::FullName& n) {
  return n.last_name.value_or("") + " " + n.first_name.value_or("");
}

void CheckAttestationTerm(const RegisterEntry& doc, const RuleEnv& env, Findings& out) {
  for (size_t i = 0; i < doc.inspectors.size(); ++i) {
    const auto& c = doc.inspectors[i].competence;
    if (c.attestation_validity_date <= c.attestation_date ||
        c.attestation_date.AddYears(3) < c.attestation_validity_date) {
      out.push_back(
          {InspectorPath(env, i) + "/doc:InspectorCompetenceDetails/doc:AttestationValidityDate",
           c.attestation_validity_date.ToString() + " is not within (" +
               c.attestation_date.ToString() + ", " + c.attestation_date.AddYears(3).ToString() +
               "]"});
    }
  }
}

void CheckAttestationEnded(const RegisterEntry& doc, const RuleEnv& env, Findings& out) {
  for (size_t i = 0; i < doc.inspectors.size(); ++i) {
    const auto& c = doc.inspectors[i].competence;
    if (c.attestation_validity_date < env.context.today) {
      out.push_back(
          {InspectorPath(env, i) + "/doc:InspectorCompetenceDetails/doc:AttestationValidityDate",
           PersonName(doc.inspectors[i].full_name) + ": attestation ended on " +
               c.attestation_validity_date.ToString()});
    }
  }
}

void CheckSubgroups(const RegisterEntry& doc, const RuleEnv& env, Findings& out) {
  if (!env.lists.Has(kDeviceGroupList)) {
    env.Note("IO-03 not checked: the device group list " + CodeLists::Describe(kDeviceGroupList) +
             " is not loaded");
    return;
  }
  const auto& groups = doc.organization.group_codes;
  for (size_t i = 0; i < doc.inspectors.size(); ++i) {
    const auto& names = doc.inspectors[i].competence.subgroup_names;
    for (size_t k = 0; k < names.size(); ++k) {
      const auto code = env.lists.CodeForName(kDeviceGroupList, names[k]);
      const std::string path =
          InspectorPath(env, i) + "/doc:InspectorCompetenceDetails/" +
          PathStep(Ns::kDoc, "MedicalProductSubgroupName", static_cast<int>(k));
      if (!code) {
        out.push_back({path, "\"" + names[k] + "\" is not a subgroup name of the loaded list"});
      } else if (std::find(groups.begin(), groups.end(), *code) == groups.end()) {
        out.push_back(
            {path, "\"" + names[k] + "\" (" + *code + ") is not among the organization's groups"});
      }
    }
  }
}

void CheckAuthorisationExpired(const RegisterEntry& doc, const RuleEnv& env, Findings& out) {
  const auto& validity = doc.organization.authorization.validity_date;
  if (validity && *validity < env.context.today) {
    out.push_back(
        {OrganizationPath(env) + "/doc:InspectionAuthorizationDocDetails/csdo:DocValidityDate",
         "expired on " + validity->ToString()});
  }
}

void CheckExperience(const RegisterEntry& doc, const RuleEnv& env, Findings& out) {
  for (size_t i = 0; i < doc.inspectors.size(); ++i) {
    int64_t tenths = 0;
    for (const auto& e : doc.inspectors[i].experience) tenths += e.service_years.tenths;
    if (tenths < 30) {
      out.push_back({InspectorPath(env, i), PersonName(doc.inspectors[i].full_name) + ": " +
                                                Decimal1{tenths}.ToString() +
                                                " years of experience"});
    }
  }
}

void CheckIssuingAuthority(const RegisterEntry& doc, const RuleEnv& env, Findings& out) {
  const auto& auth = doc.organization.authorization;
  if (auth.authority.unified_country_code &&
      *auth.authority.unified_country_code != auth.country_code) {
    out.push_back({OrganizationPath(env) +
                       "/doc:InspectionAuthorizationDocDetails/ccdo:UnifiedAuthorityDetails/"
                       "csdo:UnifiedCountryCode",
                   "authority of " + *auth.authority.unified_country_code + ", document of " +
                       auth.country_code});
  }
}

void CheckWithdrawal(const RegisterEntry& doc, const RuleEnv& env, Findings& out) {
  const auto& status = doc.organization.record_status;
  if (status && status->period.end && *status->period.end < status->period.start) {
    out.push_back(
        {OrganizationPath(env) +
             "/ccdo:ResourceItemStatusDetails/ccdo:ValidityPeriodDetails/csdo:EndDateTime",
         status->period.end->ToString() + " is before " + status->period.start.ToString()});
  }
}

}  // namespace

void AddRegisterRules(std::vector<Rule>& rules) {
  using E = RegisterEntry;
  rules.push_back(
      For<E>({"IO-01", Severity::kError, "R106 §15",
              "An attestation must end after it was granted and no later than 3 years "
              "after it",
              "Срок аттестации должен оканчиваться позже даты аттестации и не более чем "
              "через 3 года"},
             CheckAttestationTerm));
  rules.push_back(
      For<E>({"IO-02", Severity::kWarning, "R106 §15", "An inspector's attestation has ended",
              "Срок аттестации инспектора истек"},
             CheckAttestationEnded));
  rules.push_back(For<E>({"IO-03", Severity::kWarning, "T3 1.7, 2.3.3 (reading T3-R4)",
                          "An inspector is competent for a subgroup the organization is not "
                          "authorised for",
                          "Инспектор компетентен в подгруппе, на которую организация не "
                          "уполномочена"},
                         CheckSubgroups));
  rules.push_back(
      For<E>({"IO-04", Severity::kWarning, "T3 1.8", "The authorising document has expired",
              "Срок действия распорядительного документа истек"},
             CheckAuthorisationExpired));
  rules.push_back(For<E>({"IO-05", Severity::kWarning, "R106 §15",
                          "The inspector's work experience adds up to less than 3 years",
                          "Суммарный стаж работы инспектора менее 3 лет"},
                         CheckExperience));
  rules.push_back(For<E>({"IO-06", Severity::kError, "T3 1.8 (reading T3-R5)",
                          "The authority that issued the authorising document is of another state "
                          "than the document",
                          "Орган, издавший распорядительный документ, относится к другому "
                          "государству"},
                         CheckIssuingAuthority));
  rules.push_back(For<E>({"IO-07", Severity::kError, "T3 (register convention, reading T3-R1)",
                          "A withdrawal is earlier than the record's start",
                          "Дата исключения из реестра раньше даты включения"},
                         CheckWithdrawal));
}

}  // namespace eaeu::validate
