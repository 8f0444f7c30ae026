// SN-*: rules of the notice of suspension or resumption of release (Table 2).
// SN-05 (routing to the Commission and every other member state) is applied by the router, not
// here: it says where a valid notice goes, not whether it is valid.

#include "gateway/validate/rules.hpp"

namespace eaeu::validate {
namespace {

using model::SuspensionNotice;

std::string NoticeRoot(const RuleEnv& env) {
  return Root(env.catalog, model::DocumentKind::kSuspensionNotice);
}

void CheckStatus(const SuspensionNotice& doc, const RuleEnv& env, Findings& out) {
  if (doc.certificate_status_code != "02" && doc.certificate_status_code != "06") {
    out.push_back(
        {NoticeRoot(env) + "/doc:RegistrationCertificateStatusCode",
         "\"" + doc.certificate_status_code + "\" is neither 02 (suspended) nor 06 (resumed)"});
  }
}

void CheckSender(const SuspensionNotice& doc, const RuleEnv& env, Findings& out) {
  if (!env.context.sender_country) {
    env.Note("SN-02 not checked: no authenticated sender");
    return;
  }
  const auto& country = doc.authority.unified_country_code;
  if (country != env.context.sender_country) {
    out.push_back({NoticeRoot(env) + "/ccdo:UnifiedAuthorityDetails/csdo:UnifiedCountryCode",
                   "authority of " + country.value_or("(none)") + ", sent by " +
                       *env.context.sender_country});
  }
}

void CheckDate(const SuspensionNotice& doc, const RuleEnv& env, Findings& out) {
  if (doc.doc_creation_date < doc.report.doc_creation_date) {
    out.push_back({NoticeRoot(env) + "/csdo:DocCreationDate",
                   "notice dated " + doc.doc_creation_date.ToString() + ", before the report " +
                       doc.report.doc_creation_date.ToString()});
  }
}

// A resumption (06) needs the certificate suspended (02) in the same member state: the latest
// notice of it that the gateway keeps, sent or received and not refused, is a suspension.
void CheckResumption(const SuspensionNotice& doc, const RuleEnv& env, Findings& out) {
  if (doc.certificate_status_code != "06") return;
  if (!env.context.certificate_status) {
    env.Note("SN-04 not checked: no history of suspensions available");
    return;
  }
  const std::string country =
      doc.authority.unified_country_code.value_or(env.context.sender_country.value_or(""));
  const std::optional<Severity> severity = env.context.certificate_history_complete
                                               ? std::nullopt
                                               : std::optional<Severity>(Severity::kWarning);
  for (size_t i = 0; i < doc.products.size(); ++i) {
    const auto& id = doc.products[i].registration_certificate_id;
    auto status = env.context.certificate_status(country, id);
    if (!status) {
      env.Note("SN-04 not checked for certificate " + id + ": " + status.error().ToString());
      continue;
    }
    if (*status && **status == "02") continue;
    out.push_back(
        {NoticeRoot(env) + "/" +
             model::PathStep(model::Ns::kDoc, "MedicalProductDetails", static_cast<int>(i)) +
             "/doc:RegistrationCertificateId",
         !*status
             ? "no suspension of certificate " + id + " in " + country + " is known to this gateway"
             : "certificate " + id + " is not suspended in " + country +
                   ": its latest notice resumed it",
         severity});
  }
}

}  // namespace

void AddSuspensionNoticeRules(std::vector<Rule>& rules) {
  using N = SuspensionNotice;
  rules.push_back(For<N>({"SN-01", Severity::kError, "T2 4",
                          "The registration certificate status must be 02 (suspended) or 06 "
                          "(resumed)",
                          "Статус регистрационного удостоверения должен быть 02 (приостановлено) "
                          "или 06 (возобновлено)"},
                         CheckStatus));
  rules.push_back(For<N>({"SN-02", Severity::kError, "T2 3",
                          "The authority's country is not the sender's member state",
                          "Страна уполномоченного органа не совпадает с государством отправителя"},
                         CheckSender));
  rules.push_back(For<N>({"SN-03", Severity::kError, "T2 2, 6.2",
                          "The notice is dated before the inspection report it cites",
                          "Уведомление датировано ранее отчета, на который оно ссылается"},
                         CheckDate));
  rules.push_back(For<N>({"SN-04", Severity::kError, "T2 4",
                          "A resumption for a device whose suspension this gateway has not seen",
                          "Возобновление для изделия, приостановление которого шлюзу неизвестно"},
                         CheckResumption));
}

}  // namespace eaeu::validate
