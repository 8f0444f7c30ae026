// IR-*: rules of the inspection report (Table 1; spec/rules.md, "Inspection report").

#include <algorithm>
#include <set>

#include "gateway/calendar/calendar.hpp"
#include "gateway/validate/rules.hpp"

namespace eaeu::validate {
namespace {

using model::InspectionReport;
using model::Ns;
using model::PathStep;

std::string ReportPath(const RuleEnv& env) {
  return Root(env.catalog, model::DocumentKind::kInspectionReport) + "/doc:InspectionReportDetails";
}
std::string ApplicationPath(const RuleEnv& env) {
  return Root(env.catalog, model::DocumentKind::kInspectionReport) +
         "/doc:InspectionApplicationDetails";
}
std::string ManufacturerPath(const RuleEnv& env) {
  return ReportPath(env) + "/doc:InspectedManufacturerDetails";
}

// Calls f(site_inspection, path) for every site inspection of the report (2.8.6.2).
template <class F>
void ForEachSiteInspection(const InspectionReport& doc, const RuleEnv& env, F f) {
  if (!doc.report) return;
  const auto& objects = doc.report->manufacturer.objects;
  for (size_t o = 0; o < objects.size(); ++o) {
    const std::string object_path =
        ManufacturerPath(env) + "/" +
        PathStep(Ns::kDoc, "InspectionObjectDetails", static_cast<int>(o));
    for (size_t s = 0; s < objects[o].inspections.size(); ++s) {
      f(objects[o].inspections[s],
        object_path + "/" + PathStep(Ns::kDoc, "SiteInspectionDetails", static_cast<int>(s)));
    }
  }
}

std::string Codes(const std::set<std::string>& codes) {
  return Join(std::vector<std::string>(codes.begin(), codes.end()));
}

// Reading R-07: which address kind each place of Table 1 takes (1 registration, 2 actual).
struct AddressPlace {
  const model::Address* address;
  std::string path;
  const char* expected_kind;
};

std::vector<AddressPlace> AddressPlaces(const InspectionReport& doc, const RuleEnv& env) {
  std::vector<AddressPlace> places;
  const std::string applicant = ApplicationPath(env) + "/doc:ApplicantManufacturerDetails";
  places.push_back(
      {&doc.application.manufacturer.address, applicant + "/ccdo:SubjectAddressDetails", "1"});
  const auto& sites = doc.application.manufacturer.sites;
  for (size_t i = 0; i < sites.size(); ++i) {
    places.push_back({&sites[i].address,
                      applicant + "/" +
                          PathStep(Ns::kDoc, "ProductionSiteDetails", static_cast<int>(i)) +
                          "/ccdo:SubjectAddressDetails",
                      "2"});
  }
  if (doc.report) {
    places.push_back({&doc.report->manufacturer.address,
                      ManufacturerPath(env) + "/ccdo:SubjectAddressDetails", "1"});
    const auto& objects = doc.report->manufacturer.objects;
    for (size_t i = 0; i < objects.size(); ++i) {
      places.push_back({&objects[i].address,
                        ManufacturerPath(env) + "/" +
                            PathStep(Ns::kDoc, "InspectionObjectDetails", static_cast<int>(i)) +
                            "/ccdo:SubjectAddressDetails",
                        "2"});
    }
  }
  return places;
}

void CheckCodeLists(const InspectionReport& doc, const RuleEnv& env, Findings& out) {
  for (const auto& place : AddressPlaces(doc, env)) {
    const auto& kind = place.address->address_kind_code;
    if (kind && *kind != place.expected_kind) {
      out.push_back(
          {place.path + "/csdo:AddressKindCode",
           "address kind " + *kind + " where " + place.expected_kind +
               (std::string(place.expected_kind) == "1" ? " (registration)" : " (actual)") +
               " is required (reading R-07)"});
    }
  }
  ForEach<std::string>(
      doc, env.catalog,
      [&](const std::string& value, const ModelPath& path, const model::FieldOpts& opts) {
        if (opts.risk_class && value != "1" && value != "2a" && value != "2b" && value != "3") {
          out.push_back({path, "risk class \"" + value + "\" is not one of 1, 2a, 2b, 3"});
        }
      });
  CheckClassifiers(doc, env, out);
}

// Reading R-03: "item 1 of Table 1" in *.2.3.1 is the report kind 2.1.
void CheckProcessSets(const InspectionReport& doc, const RuleEnv& env, Findings& out) {
  if (!doc.report) return;
  const std::string& kind = doc.report->kind_code;
  std::set<std::string> allowed, required;
  if (kind == "01" || kind == "03") {
    allowed = {"10", "20", "30", "40", "50"};
    required = {"20", "30", "40", "50"};
  } else if (kind == "02") {
    allowed = {"10", "30", "60"};
    required = {"30", "60"};
  } else {
    return;
  }
  ForEachSiteInspection(doc, env, [&](const model::t1::SiteInspection& s, const std::string& path) {
    std::set<std::string> present;
    for (const auto& g : s.groups) present.insert(g.process_kind_code);
    std::set<std::string> extra, missing;
    std::set_difference(present.begin(), present.end(), allowed.begin(), allowed.end(),
                        std::inserter(extra, extra.end()));
    std::set_difference(required.begin(), required.end(), present.begin(), present.end(),
                        std::inserter(missing, missing.end()));
    if (!extra.empty()) {
      out.push_back({path, "report kind " + kind +
                               " (reading R-03: item 2.1) does not allow process " + Codes(extra) +
                               "; allowed: " + Codes(allowed)});
    }
    if (!missing.empty()) {
      out.push_back({path, "report kind " + kind + " (reading R-03: item 2.1) requires process " +
                               Codes(missing)});
    }
  });
}

void CheckHighRisk(const InspectionReport& doc, const RuleEnv& env, Findings& out) {
  // Reading R-04: any production site of the application with class 3.
  bool high_risk = false;
  for (const auto& site : doc.application.manufacturer.sites) {
    for (const auto& c : site.risk_class_codes) high_risk = high_risk || c == "3";
  }
  if (!high_risk) return;
  ForEachSiteInspection(doc, env, [&](const model::t1::SiteInspection& s, const std::string& path) {
    const bool has_design = std::any_of(s.groups.begin(), s.groups.end(),
                                        [](const auto& g) { return g.process_kind_code == "10"; });
    if (!has_design) {
      out.push_back({path, "risk class 3 in the application (reading R-04) requires process 10"});
    }
  });
}

void CheckConclusionReason(const InspectionReport& doc, const RuleEnv& env, Findings& out) {
  ForEachSiteInspection(doc, env, [&](const model::t1::SiteInspection& s, const std::string& path) {
    if (!s.conformity && !s.negative_conclusion_reason) {
      out.push_back({path, "conclusion 0 (negative) without NegativeConclusionReasonText"});
    } else if (s.conformity && s.negative_conclusion_reason) {
      out.push_back({path + "/doc:NegativeConclusionReasonText",
                     "conclusion 1 (positive) must not carry a negative-conclusion reason"});
    }
  });
}

void CheckInspectionDates(const InspectionReport& doc, const RuleEnv& env, Findings& out) {
  ForEachSiteInspection(doc, env, [&](const model::t1::SiteInspection& s, const std::string& path) {
    if (s.end_date < s.start_date) {
      out.push_back(
          {path + "/doc:InspectionEndDate",
           "ends " + s.end_date.ToString() + ", before it starts " + s.start_date.ToString()});
    }
  });
}

void CheckReportDate(const InspectionReport& doc, const RuleEnv& env, Findings& out) {
  if (!doc.report) return;
  const auto& date = doc.report->doc_creation_date;
  std::optional<Date> last_end;
  ForEachSiteInspection(doc, env, [&](const model::t1::SiteInspection& s, const std::string&) {
    if (!last_end || *last_end < s.end_date) last_end = s.end_date;
  });
  if (last_end && date < *last_end) {
    out.push_back({ReportPath(env) + "/csdo:DocCreationDate",
                   "report dated " + date.ToString() + ", before the last site inspection ended " +
                       last_end->ToString()});
  }
  if (date < doc.application.doc_creation_date) {
    out.push_back({ApplicationPath(env) + "/csdo:DocCreationDate",
                   "application dated " + doc.application.doc_creation_date.ToString() +
                       ", after the report " + date.ToString()});
  }
}

void CheckExpiry(const InspectionReport& doc, const RuleEnv& env, Findings& out) {
  if (!doc.report || !doc.report->validity_date) return;
  const auto& date = doc.report->doc_creation_date;
  const auto& expiry = *doc.report->validity_date;
  if (expiry <= date || date.AddYears(3) < expiry) {
    out.push_back({ReportPath(env) + "/csdo:DocValidityDate",
                   "expiry " + expiry.ToString() + " is not within (" + date.ToString() + ", " +
                       date.AddYears(3).ToString() + "]"});
  }
}

void CheckExpiredInForce(const InspectionReport& doc, const RuleEnv& env, Findings& out) {
  if (!doc.report || doc.report->status_code != "01" || !doc.report->validity_date) return;
  if (*doc.report->validity_date < env.context.today) {
    out.push_back({ReportPath(env) + "/doc:InspectionReportStatusCode",
                   "in force (01) but expired on " + doc.report->validity_date->ToString()});
  }
}

void CheckReportNeedsCompleted(const InspectionReport& doc, const RuleEnv& env, Findings& out) {
  if (doc.report && doc.application.status_code != "3") {
    out.push_back({ApplicationPath(env) + "/doc:ApplicationStatusCode",
                   "application status " + doc.application.status_code +
                       " with a report; a report needs status 3 (completed)"});
  }
}

void CheckCompletedHasReport(const InspectionReport& doc, const RuleEnv& env, Findings& out) {
  if (!doc.report && doc.application.status_code == "3") {
    out.push_back({ApplicationPath(env) + "/doc:ApplicationStatusCode",
                   "status 3 (completed) but no report"});
  }
}

void CheckKinds(const InspectionReport& doc, const RuleEnv& env, Findings& out) {
  if (!doc.report) return;
  const auto& app = doc.application.inspection_kind_code;
  const auto& rep = doc.report->kind_code;
  const bool ok = (app == "01" && rep == "02") || (app == "02" && (rep == "01" || rep == "03"));
  if (!ok) {
    out.push_back({ReportPath(env) + "/doc:InspectionReportKindCode",
                   "report kind " + rep + " does not go with application kind " + app +
                       " (01 → 02; 02 → 01 or 03)"});
  }
}

void CheckPositiveWithGraveNonconformities(const InspectionReport& doc, const RuleEnv& env,
                                           Findings& out) {
  ForEachSiteInspection(doc, env, [&](const model::t1::SiteInspection& s, const std::string& path) {
    if (!s.conformity) return;
    int grave = 0, fours = 0;
    for (const auto& n : s.nonconformities) {
      if (n.grade_code == "5" || n.grade_code == "6") ++grave;
      if (n.grade_code == "4") ++fours;
    }
    if (grave > 0 || fours > 2) {
      out.push_back({path + "/doc:QmsConformityIndicator",
                     "positive conclusion with " + std::to_string(grave) +
                         " nonconformities graded 5 or 6 and " + std::to_string(fours) +
                         " graded 4"});
    }
  });
}

void CheckRemediation(const InspectionReport& doc, const RuleEnv& env, Findings& out) {
  if (!doc.report) return;
  static const calendar::WeekendCalendar kFallback;
  const calendar::StateCalendar* state = env.context.calendars != nullptr
                                             ? env.context.calendars->Of(doc.report->country_code)
                                             : nullptr;
  const calendar::BusinessCalendar& calendar =
      state != nullptr ? static_cast<const calendar::BusinessCalendar&>(*state) : kFallback;
  bool counted = false;
  Date first, last;
  ForEachSiteInspection(doc, env, [&](const model::t1::SiteInspection& s, const std::string& path) {
    const Date due = calendar::AddBusinessDays(calendar, s.end_date, 30);
    for (size_t i = 0; i < s.nonconformities.size(); ++i) {
      const auto& date = s.nonconformities[i].remediation_date;
      if (!date) continue;
      first = counted ? std::min(first, s.end_date) : s.end_date;
      last = counted ? std::max(last, due) : due;
      counted = true;
      if (due < *date) {
        out.push_back({path + "/" +
                           PathStep(Ns::kDoc, "NonconformityDetails", static_cast<int>(i)) +
                           "/doc:NonconformityRemediationDate",
                       date->ToString() + " is after business day 30 (" + due.ToString() +
                           ") from the end of the inspection " + s.end_date.ToString()});
      }
    }
  });
  if (!counted) return;
  if (state == nullptr) {
    env.Note("IR-13: business days counted with " + calendar.Describe());
  } else if (!state->Complete(first, last)) {
    env.Note("IR-13: business days counted with " + state->Basis(first, last));
  }
}

void CheckReportingCountry(const InspectionReport& doc, const RuleEnv& env, Findings& out) {
  if (doc.report && !IsMemberState(doc.report->country_code)) {
    out.push_back(
        {ReportPath(env) + "/csdo:UnifiedCountryCode",
         "\"" + doc.report->country_code + "\" is not a member state (AM, BY, KZ, KG, RU)"});
  }
}

void CheckPreviousInspections(const InspectionReport& doc, const RuleEnv& env, Findings& out) {
  if (!doc.report) return;
  const auto& previous = doc.report->manufacturer.previous_inspections;
  for (size_t i = 0; i < previous.size(); ++i) {
    if (!(previous[i].doc_creation_date < doc.report->doc_creation_date)) {
      out.push_back({ManufacturerPath(env) + "/" +
                         PathStep(Ns::kDoc, "PreviousInspectionDetails", static_cast<int>(i)) +
                         "/csdo:DocCreationDate",
                     previous[i].doc_creation_date.ToString() + " is not before the report " +
                         doc.report->doc_creation_date.ToString()});
    }
  }
}

void CheckNextInspection(const InspectionReport& doc, const RuleEnv& env, Findings& out) {
  if (!doc.report) return;
  const Date limit = doc.report->doc_creation_date.AddYears(3);
  ForEachSiteInspection(doc, env, [&](const model::t1::SiteInspection& s, const std::string& path) {
    if (s.next_inspection_date && limit < *s.next_inspection_date) {
      out.push_back({path + "/doc:NextInspectionDate",
                     s.next_inspection_date->ToString() + " is later than " + limit.ToString()});
    }
  });
}

void CheckReportFile(const InspectionReport& doc, const RuleEnv& env, Findings& out) {
  if (!doc.report || !doc.report->report_file) return;
  const auto& file = *doc.report->report_file;
  const std::string path = ReportPath(env) + "/doc:InspectionReportBinaryText";
  model::Base64Scan scan;
  file.base64.ForEachPiece([&scan](std::string_view piece) { scan.Feed(piece); });
  if (!scan.Finish()) {
    out.push_back({path, "the report file is not valid base64: " + scan.error()});
    return;
  }
  const uint64_t size = scan.decoded_size();
  if (size == 0) {
    out.push_back({path, "the report file is empty"});
    return;
  }
  if (size > env.max_report_file_bytes) {
    out.push_back({path, "the report file is " + std::to_string(size) +
                             " bytes, over the limit of " +
                             std::to_string(env.max_report_file_bytes)});
    return;
  }
  env.Note("IR-17: report file " + file.media_type + ", " + std::to_string(size) + " bytes" +
           (file.file_name ? ", " + *file.file_name : std::string()));
}

void CheckAddressProfile(const InspectionReport& doc, const RuleEnv& env, Findings& out) {
  for (const auto& place : AddressPlaces(doc, env)) {
    const auto& a = *place.address;
    if (!a.address_kind_code) out.push_back({place.path, "AddressKindCode is required"});
    if (!a.unified_country_code) out.push_back({place.path, "UnifiedCountryCode is required"});
    if (a.city_name.has_value() == a.settlement_name.has_value()) {
      out.push_back({place.path, "exactly one of CityName and SettlementName is required"});
    }
  }
}

}  // namespace

void AddInspectionReportRules(std::vector<Rule>& rules) {
  using R = InspectionReport;
  rules.push_back(For<R>({"IR-01", Severity::kError, "T1; reading R-07",
                          "A coded element holds a value outside its code list",
                          "Значение кодового элемента отсутствует в классификаторе"},
                         CheckCodeLists));
  rules.push_back(For<R>(
      {"IR-02", Severity::kError, "T1 *.2.3.1 (reading R-03)",
       "The QMS process codes of a site inspection do not match the report kind (01/03: within "
       "10-50 and including 20, 30, 40, 50; 02: within 10, 30, 60 and including 30, 60)",
       "Коды видов процессов СМК не соответствуют виду отчета (01/03: из 10–50, обязательно 20, "
       "30, 40, 50; 02: из 10, 30, 60, обязательно 30 и 60)"},
      CheckProcessSets));
  rules.push_back(
      For<R>({"IR-03", Severity::kError, "T1 *.2.3.1, last paragraph (reading R-04)",
              "A site of risk class 3 requires process code 10 in every site inspection",
              "При классе риска 3 в каждом инспектировании площадки обязателен код "
              "процесса 10"},
             CheckHighRisk));
  rules.push_back(
      For<R>({"IR-04", Severity::kError, "T1 *.2.4–*.2.5 (reading R-02)",
              "A negative conclusion needs its reason; a positive one must not carry one",
              "Отрицательное заключение требует описания причины; положительное не "
              "должно его содержать"},
             CheckConclusionReason));
  rules.push_back(For<R>(
      {"IR-05", Severity::kError, "T1 *.2.1–*.2.2", "A site inspection ends before it starts",
       "Дата окончания инспекции раньше даты её начала"},
      CheckInspectionDates));
  rules.push_back(
      For<R>({"IR-06", Severity::kError, "T1 1.2, 2.3",
              "The report is dated before the last site inspection ended, or the "
              "application after the report",
              "Отчет датирован раньше окончания последней инспекции либо заявка — позже "
              "отчета"},
             CheckReportDate));
  rules.push_back(For<R>({"IR-07", Severity::kError, "R106 §33, §39, §41",
                          "The report's expiry must be after its date and no later than 3 years "
                          "after it",
                          "Срок действия отчета должен быть позже его даты и не более 3 лет с даты "
                          "выдачи"},
                         CheckExpiry));
  rules.push_back(
      For<R>({"IR-08", Severity::kWarning, "T1 2.5–2.6", "A report marked in force has expired",
              "Отчет со статусом «действующий» истек"},
             CheckExpiredInForce));
  rules.push_back(For<R>({"IR-09", Severity::kError, "T1 1.7, 2",
                          "A report exists only for an application with status 3 (completed)",
                          "Отчет допускается только для заявки со статусом 3 (выполнена)"},
                         CheckReportNeedsCompleted));
  rules.push_back(
      For<R>({"IR-10", Severity::kWarning, "T1 1.7, 2", "A completed application carries no report",
              "Выполненная заявка не содержит отчета"},
             CheckCompletedHasReport));
  rules.push_back(For<R>({"IR-11", Severity::kError, "T1 1.3, 2.1; R106 §41",
                          "The report kind does not go with the application kind",
                          "Вид отчета не соответствует виду инспектирования в заявке"},
                         CheckKinds));
  rules.push_back(
      For<R>({"IR-12", Severity::kError, "R106 §22; RU135",
              "A positive conclusion is not allowed with a nonconformity graded 5 or 6, "
              "or more than two graded 4",
              "Положительное заключение не допускается при несоответствии с оценкой 5 "
              "или 6 либо более чем двух с оценкой 4"},
             CheckPositiveWithGraveNonconformities));
  rules.push_back(For<R>({"IR-13", Severity::kWarning, "R106 §22",
                          "A nonconformity is remediated later than 30 business days after the end "
                          "of its site inspection",
                          "Срок устранения несоответствия позже 30 рабочих дней после окончания "
                          "инспекции"},
                         CheckRemediation));
  rules.push_back(
      For<R>({"IR-14", Severity::kError, "T1 2.4", "The reporting country is not a member state",
              "Страна, представившая отчет, не является государством-членом"},
             CheckReportingCountry));
  rules.push_back(For<R>({"IR-15", Severity::kError, "T1 2.8.8",
                          "A previous inspection is not dated before this report",
                          "Предыдущее инспектирование датировано не ранее настоящего отчета"},
                         CheckPreviousInspections));
  rules.push_back(For<R>({"IR-16", Severity::kWarning, "R106 §35",
                          "The next inspection is later than 3 years after the report",
                          "Следующая инспекция позже 3 лет с даты отчета"},
                         CheckNextInspection));
  rules.push_back(For<R>({"IR-17", Severity::kError, "T1 2.9 (reading R-13)",
                          "The report file is not valid base64 or is over the size limit",
                          "Файл отчета не является корректным base64 или превышает допустимый "
                          "размер"},
                         CheckReportFile));
  rules.push_back(For<R>({"IR-18", Severity::kError, "T1; documents.md",
                          "An address needs its kind, its country and exactly one of city or "
                          "settlement",
                          "В адресе должны быть указаны вид, страна и ровно одно из «город» / "
                          "«населенный пункт»"},
                         CheckAddressProfile));
}

}  // namespace eaeu::validate
