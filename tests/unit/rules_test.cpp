// Every rule of spec/rules.md: a change to a valid example that breaks it, and a near miss that
// keeps it, each asserting the rule id. The examples are valid to begin with (checked first).

#include <catch2/catch.hpp>
#include <functional>
#include <set>

#include "gateway/calendar/calendar.hpp"
#include "gateway/validate/rules.hpp"
#include "support.hpp"

namespace {

using eaeu::Date;
using eaeu::DateTime;
using eaeu::model::Document;
using eaeu::model::DocumentKind;
using eaeu::validate::RuleContext;
using eaeu::validate::Severity;
using namespace eaeu::test;
namespace m = eaeu::model;

Date D(std::string_view text) {
  return *Date::Parse(text);
}
// SN-04's history: every certificate suspended in Russia, none elsewhere.
eaeu::Result<std::optional<std::string>> Suspended(std::string_view country, std::string_view) {
  if (country == "RU") return std::optional<std::string>("02");
  return std::optional<std::string>();
}
// The calendars shipped in config/calendars.
std::shared_ptr<const eaeu::calendar::Calendars> ShippedCalendars() {
  static const auto calendars = [] {
    auto loaded = eaeu::calendar::Calendars::Load(SourceDir() / "config/calendars");
    REQUIRE(loaded.ok());
    return std::make_shared<const eaeu::calendar::Calendars>(std::move(*loaded));
  }();
  return calendars;
}
DateTime DT(std::string_view text) {
  return *DateTime::Parse(text);
}

m::InspectionReport& IR(Document& d) {
  return std::get<m::InspectionReport>(d);
}
m::t1::Report& Rep(Document& d) {
  return *IR(d).report;
}
// The site inspections of the example report: A (2026-03-02..05, processes 10/30/60, grades 3
// and 2) and B (2026-03-10..12, processes 10/30/60, one grade 4 due 2026-04-17).
m::t1::SiteInspection& SiteA(Document& d) {
  return Rep(d).manufacturer.objects[0].inspections[0];
}
m::t1::SiteInspection& SiteB(Document& d) {
  return Rep(d).manufacturer.objects[1].inspections[0];
}
m::SuspensionNotice& SN(Document& d) {
  return std::get<m::SuspensionNotice>(d);
}
m::RegisterEntry& RE(Document& d) {
  return std::get<m::RegisterEntry>(d);
}
m::SummaryReport& SR(Document& d) {
  return std::get<m::SummaryReport>(d);
}
m::SummaryRequest& SQ(Document& d) {
  return std::get<m::SummaryRequest>(d);
}

void SetProcesses(m::t1::SiteInspection& site, std::initializer_list<const char*> codes) {
  const auto group = site.groups.front().group_code;
  site.groups.clear();
  for (const char* code : codes) site.groups.push_back({group, code, {}});
}

m::t1::Nonconformity Graded(const char* grade) {
  return {"Несоответствие для проверки правила", grade, std::nullopt};
}

using Change = std::function<void(Document&, RuleContext&)>;

struct RuleCase {
  const char* rule;
  DocumentKind kind;
  const char* breaks_how;
  Change breaks;
  const char* keeps_how;
  Change keeps;
};

const std::vector<RuleCase>& Cases() {
  static const std::vector<RuleCase> cases = {
      // ===== every document =====
      {"GN-01", DocumentKind::kInspectionReport, "a contact channel code outside the list",
       [](Document& d, RuleContext&) { Rep(d).manufacturer.contacts[0].channel_code = "XX"; },
       "a listed code (FX)",
       [](Document& d, RuleContext&) { Rep(d).manufacturer.contacts[0].channel_code = "FX"; }},
      {"GN-01", DocumentKind::kInspectionReport, "an e-mail channel holding a phone number",
       [](Document& d, RuleContext&) {
         Rep(d).manufacturer.contacts[1].channel_ids = {"+7 813 710-22-40"};
       },
       "an e-mail address of a short domain",
       [](Document& d, RuleContext&) {
         Rep(d).manufacturer.contacts[1].channel_ids = {"q@mt.ru"};
       }},
      {"GN-01", DocumentKind::kRegisterEntry, "an address with neither city nor settlement",
       [](Document& d, RuleContext&) { RE(d).organization.addresses[0].city_name.reset(); },
       "a settlement instead of the city",
       [](Document& d, RuleContext&) {
         auto& a = RE(d).organization.addresses[0];
         a.city_name.reset();
         a.settlement_name = "село Косшы";
       }},
      {"GN-01", DocumentKind::kSuspensionNotice, "an authority with neither id nor name",
       [](Document& d, RuleContext&) {
         SN(d).authority.authority_id.reset();
         SN(d).authority.authority_name.reset();
       },
       "an authority with a name only",
       [](Document& d, RuleContext&) { SN(d).authority.authority_id.reset(); }},
      {"GN-01", DocumentKind::kRegisterEntry, "an inspector without a last name",
       [](Document& d, RuleContext&) { RE(d).inspectors[0].full_name.last_name.reset(); },
       "an inspector without a middle name",
       [](Document& d, RuleContext&) { RE(d).inspectors[0].full_name.middle_name.reset(); }},
      {"GN-02", DocumentKind::kInspectionReport, "the structure code of a suspension notice",
       [](Document& d, RuleContext&) { IR(d).header.e_doc_code = "R.HC.MM.00.002"; },
       "a new lower-case RFC 4122 EDocId",
       [](Document& d, RuleContext&) {
         IR(d).header.e_doc_id = "6f1d2c3b-4a59-4e8d-8c7b-6a5f4e3d2c1b";
       }},
      {"GN-02", DocumentKind::kSuspensionNotice, "an upper-case EDocId",
       [](Document& d, RuleContext&) {
         SN(d).header.e_doc_id = "0F8FAD5B-D9CB-469F-A165-70867728950E";
       },
       "the notice's own message code",
       [](Document& d, RuleContext&) { SN(d).header.inf_envelope_code = "P.MM.00.MSG.004"; }},
      {"GN-02", DocumentKind::kSummaryRequest, "an EDocId of version 0 (not RFC 4122)",
       [](Document& d, RuleContext&) {
         SQ(d).header.e_doc_id = "5b7e2f90-1c4d-0a8b-b3e6-d9f0a2c5e714";
       },
       "a version 4 EDocId",
       [](Document& d, RuleContext&) {
         SQ(d).header.e_doc_id = "5b7e2f90-1c4d-4a8b-b3e6-d9f0a2c5e714";
       }},

      // ===== inspection report =====
      {"IR-01", DocumentKind::kInspectionReport, "an actual address (2) for the applicant",
       [](Document& d, RuleContext&) {
         IR(d).application.manufacturer.address.address_kind_code = "2";
       },
       "a registration address (1) for the applicant",
       [](Document& d, RuleContext&) {
         IR(d).application.manufacturer.address.address_kind_code = "1";
       }},
      {"IR-01", DocumentKind::kInspectionReport, "a device group absent from the loaded list",
       [](Document& d, RuleContext&) { SiteA(d).groups[0].group_code = "99.99"; },
       "a device group of the loaded list",
       [](Document& d, RuleContext&) { SiteA(d).groups[0].group_code = "09.01"; }},
      {"IR-01", DocumentKind::kInspectionReport, "a device kind absent from the nomenclature",
       [](Document& d, RuleContext&) { SiteA(d).groups[1].products[0].kind_code = "999999"; },
       "another kind of the nomenclature",
       [](Document& d, RuleContext&) { SiteA(d).groups[1].products[0].kind_code = "217620"; }},
      {"IR-01", DocumentKind::kInspectionReport, "a legal form absent from the loaded list",
       [](Document& d, RuleContext&) { Rep(d).manufacturer.type_code = "99999"; },
       "a legal form of the list",
       [](Document& d, RuleContext&) { Rep(d).manufacturer.type_code = "30"; }},
      {"IR-02", DocumentKind::kInspectionReport, "periodic report (02) without process 60",
       [](Document& d, RuleContext&) {
         SetProcesses(SiteA(d), {"10", "30"});
       },
       "periodic report with exactly 10, 30, 60",
       [](Document& d, RuleContext&) {
         SetProcesses(SiteA(d), {"60", "30", "10"});
       }},
      {"IR-02", DocumentKind::kInspectionReport, "periodic report (02) with process 20",
       [](Document& d, RuleContext&) {
         SetProcesses(SiteB(d), {"10", "20", "30", "60"});
       },
       "unscheduled (02 -> 03) report with 10..50",
       [](Document& d, RuleContext&) {
         IR(d).application.inspection_kind_code = "02";
         Rep(d).kind_code = "03";
         SetProcesses(SiteA(d), {"10", "20", "30", "40", "50"});
         SetProcesses(SiteB(d), {"10", "20", "30", "40", "50"});
       }},
      {"IR-02", DocumentKind::kInspectionReport, "primary report (01) without process 40",
       [](Document& d, RuleContext&) {
         IR(d).application.inspection_kind_code = "02";
         Rep(d).kind_code = "01";
         SetProcesses(SiteA(d), {"10", "20", "30", "50"});
         SetProcesses(SiteB(d), {"10", "20", "30", "40", "50"});
       },
       "primary report (01) with 10..50",
       [](Document& d, RuleContext&) {
         IR(d).application.inspection_kind_code = "02";
         Rep(d).kind_code = "01";
         SetProcesses(SiteA(d), {"10", "20", "30", "40", "50"});
         SetProcesses(SiteB(d), {"10", "20", "30", "40", "50"});
       }},
      {"IR-03", DocumentKind::kInspectionReport, "risk class 3 applied for, no process 10 at A",
       [](Document& d, RuleContext&) {
         SetProcesses(SiteA(d), {"30", "60"});
       },
       "no class 3 in the application, no process 10",
       [](Document& d, RuleContext&) {
         IR(d).application.manufacturer.sites[1].risk_class_codes = {"2b"};
         SetProcesses(SiteA(d), {"30", "60"});
         SetProcesses(SiteB(d), {"30", "60"});
       }},
      {"IR-04", DocumentKind::kInspectionReport, "negative conclusion without its reason",
       [](Document& d, RuleContext&) { SiteA(d).conformity = false; },
       "negative conclusion with its reason",
       [](Document& d, RuleContext&) {
         SiteA(d).conformity = false;
         SiteA(d).negative_conclusion_reason = "Процесс стерилизации не валидирован";
       }},
      {"IR-04", DocumentKind::kInspectionReport, "positive conclusion carrying a reason",
       [](Document& d, RuleContext&) { SiteB(d).negative_conclusion_reason = "Причина"; },
       "positive conclusion without a reason",
       [](Document& d, RuleContext&) { SiteB(d).negative_conclusion_reason.reset(); }},
      {"IR-05", DocumentKind::kInspectionReport, "site A ends the day before it starts",
       [](Document& d, RuleContext&) { SiteA(d).end_date = D("2026-03-01"); },
       "site A ends the day it starts",
       [](Document& d, RuleContext&) { SiteA(d).end_date = D("2026-03-02"); }},
      {"IR-06", DocumentKind::kInspectionReport, "report dated before site B ended",
       [](Document& d, RuleContext&) {
         Rep(d).doc_creation_date = D("2026-03-11");
         Rep(d).validity_date = D("2029-03-10");
       },
       "report dated the day site B ended",
       [](Document& d, RuleContext&) {
         Rep(d).doc_creation_date = D("2026-03-12");
         Rep(d).validity_date = D("2029-03-11");
       }},
      {"IR-06", DocumentKind::kInspectionReport, "application dated after the report",
       [](Document& d, RuleContext&) { IR(d).application.doc_creation_date = D("2026-03-28"); },
       "application dated the day of the report",
       [](Document& d, RuleContext&) { IR(d).application.doc_creation_date = D("2026-03-27"); }},
      {"IR-07", DocumentKind::kInspectionReport, "expiry one day past 3 years",
       [](Document& d, RuleContext&) { Rep(d).validity_date = D("2029-03-28"); },
       "expiry exactly 3 years after",
       [](Document& d, RuleContext&) { Rep(d).validity_date = D("2029-03-27"); }},
      {"IR-07", DocumentKind::kInspectionReport, "expiry on the report date",
       [](Document& d, RuleContext&) { Rep(d).validity_date = D("2026-03-27"); },
       "expiry the day after the report date",
       [](Document& d, RuleContext&) { Rep(d).validity_date = D("2026-03-28"); }},
      {"IR-08", DocumentKind::kInspectionReport, "in force (01) the day after expiry",
       [](Document&, RuleContext& c) { c.today = D("2029-03-27"); },
       "in force (01) on the day of expiry",
       [](Document&, RuleContext& c) { c.today = D("2029-03-26"); }},
      {"IR-08", DocumentKind::kInspectionReport, "in force (01) long after expiry",
       [](Document&, RuleContext& c) { c.today = D("2030-01-01"); }, "terminated (02) after expiry",
       [](Document& d, RuleContext& c) {
         c.today = D("2030-01-01");
         Rep(d).status_code = "02";
       }},
      {"IR-09", DocumentKind::kInspectionReport, "a report on an application under inspection (4)",
       [](Document& d, RuleContext&) { IR(d).application.status_code = "4"; },
       "a report on a completed application (3)",
       [](Document& d, RuleContext&) { IR(d).application.status_code = "3"; }},
      {"IR-10", DocumentKind::kInspectionReport, "a completed application (3) without report",
       [](Document& d, RuleContext&) { IR(d).report.reset(); },
       "a planned application (1) without report",
       [](Document& d, RuleContext&) {
         IR(d).report.reset();
         IR(d).application.status_code = "1";
       }},
      {"IR-11", DocumentKind::kInspectionReport, "periodic application (01), unscheduled report",
       [](Document& d, RuleContext&) {
         Rep(d).kind_code = "03";
         SetProcesses(SiteA(d), {"10", "20", "30", "40", "50"});
         SetProcesses(SiteB(d), {"10", "20", "30", "40", "50"});
       },
       "unscheduled application (02), primary report (01)",
       [](Document& d, RuleContext&) {
         IR(d).application.inspection_kind_code = "02";
         Rep(d).kind_code = "01";
         SetProcesses(SiteA(d), {"10", "20", "30", "40", "50"});
         SetProcesses(SiteB(d), {"10", "20", "30", "40", "50"});
       }},
      {"IR-11", DocumentKind::kInspectionReport, "unscheduled application (02), periodic report",
       [](Document& d, RuleContext&) { IR(d).application.inspection_kind_code = "02"; },
       "periodic application (01), periodic report (02)",
       [](Document& d, RuleContext&) { IR(d).application.inspection_kind_code = "01"; }},
      {"IR-12", DocumentKind::kInspectionReport, "positive with a nonconformity graded 5",
       [](Document& d, RuleContext&) { SiteA(d).nonconformities.push_back(Graded("5")); },
       "negative with a nonconformity graded 5",
       [](Document& d, RuleContext&) {
         SiteA(d).nonconformities.push_back(Graded("5"));
         SiteA(d).conformity = false;
         SiteA(d).negative_conclusion_reason = "Критическое несоответствие";
       }},
      {"IR-12", DocumentKind::kInspectionReport, "positive with three nonconformities graded 4",
       [](Document& d, RuleContext&) {
         SiteB(d).nonconformities.push_back(Graded("4"));
         SiteB(d).nonconformities.push_back(Graded("4"));
       },
       "positive with two graded 4",
       [](Document& d, RuleContext&) { SiteB(d).nonconformities.push_back(Graded("4")); }},
      {"IR-12", DocumentKind::kInspectionReport, "positive with a nonconformity graded 6",
       [](Document& d, RuleContext&) { SiteB(d).nonconformities[0].grade_code = "6"; },
       "positive with a nonconformity graded 3",
       [](Document& d, RuleContext&) { SiteB(d).nonconformities[0].grade_code = "3"; }},
      // Site B ends on Thursday 2026-03-12; with weekends only, business day 30 is 2026-04-23.
      {"IR-13", DocumentKind::kInspectionReport, "remediation on business day 31",
       [](Document& d, RuleContext&) {
         SiteB(d).nonconformities[0].remediation_date = D("2026-04-24");
       },
       "remediation on business day 30",
       [](Document& d, RuleContext&) {
         SiteB(d).nonconformities[0].remediation_date = D("2026-04-23");
       }},
      // In Kazakhstan's calendar Nauryz takes 23 to 25 March 2026: business day 30 is 2026-04-28.
      {"IR-13", DocumentKind::kInspectionReport, "Kazakh report, remediation on business day 31",
       [](Document& d, RuleContext& c) {
         Rep(d).country_code = "KZ";
         c.calendars = ShippedCalendars();
         SiteB(d).nonconformities[0].remediation_date = D("2026-04-29");
       },
       "Kazakh report, remediation on business day 30",
       [](Document& d, RuleContext& c) {
         Rep(d).country_code = "KZ";
         c.calendars = ShippedCalendars();
         SiteB(d).nonconformities[0].remediation_date = D("2026-04-28");
       }},
      {"IR-14", DocumentKind::kInspectionReport, "reported by Uzbekistan",
       [](Document& d, RuleContext&) { Rep(d).country_code = "UZ"; }, "reported by Kyrgyzstan",
       [](Document& d, RuleContext&) { Rep(d).country_code = "KG"; }},
      {"IR-15", DocumentKind::kInspectionReport, "a previous inspection dated as this report",
       [](Document& d, RuleContext&) {
         Rep(d).manufacturer.previous_inspections[0].doc_creation_date = D("2026-03-27");
       },
       "a previous inspection dated the day before",
       [](Document& d, RuleContext&) {
         Rep(d).manufacturer.previous_inspections[0].doc_creation_date = D("2026-03-26");
       }},
      {"IR-16", DocumentKind::kInspectionReport, "next inspection a day past 3 years",
       [](Document& d, RuleContext&) { SiteB(d).next_inspection_date = D("2029-03-28"); },
       "next inspection exactly 3 years after",
       [](Document& d, RuleContext&) { SiteB(d).next_inspection_date = D("2029-03-27"); }},
      {"IR-17", DocumentKind::kInspectionReport, "a report file that is not base64",
       [](Document& d, RuleContext&) { Rep(d).report_file->base64 = "JVBERi0x$$=="; },
       "a short but valid base64 file",
       [](Document& d, RuleContext&) { Rep(d).report_file->base64 = "JVBERi0xLjQK"; }},
      {"IR-17", DocumentKind::kInspectionReport, "padding in the middle of base64",
       [](Document& d, RuleContext&) { Rep(d).report_file->base64 = "JV==Ri0xLjQK"; },
       "padding at the end",
       [](Document& d, RuleContext&) { Rep(d).report_file->base64 = "JVBERi0xLg=="; }},
      {"IR-18", DocumentKind::kInspectionReport, "a production site with city and settlement",
       [](Document& d, RuleContext&) {
         IR(d).application.manufacturer.sites[0].address.settlement_name = "посёлок Пудость";
       },
       "a production site with a settlement only",
       [](Document& d, RuleContext&) {
         auto& a = IR(d).application.manufacturer.sites[0].address;
         a.city_name.reset();
         a.settlement_name = "посёлок Пудость";
       }},
      {"IR-18", DocumentKind::kInspectionReport, "an inspected site without its country",
       [](Document& d, RuleContext&) {
         Rep(d).manufacturer.objects[1].address.unified_country_code.reset();
       },
       "an inspected site in another state",
       [](Document& d, RuleContext&) {
         Rep(d).manufacturer.objects[1].address.unified_country_code = "BY";
       }},
      {"IR-18", DocumentKind::kInspectionReport, "the manufacturer's address without its kind",
       [](Document& d, RuleContext&) { Rep(d).manufacturer.address.address_kind_code.reset(); },
       "the manufacturer's address without a street",
       [](Document& d, RuleContext&) { Rep(d).manufacturer.address.street_name.reset(); }},

      // ===== suspension notice =====
      {"SN-01", DocumentKind::kSuspensionNotice, "certificate status 01",
       [](Document& d, RuleContext&) { SN(d).certificate_status_code = "01"; },
       "certificate status 06 (resumed)",
       [](Document& d, RuleContext& c) {
         SN(d).certificate_status_code = "06";
         c.certificate_status = Suspended;
       }},
      {"SN-02", DocumentKind::kSuspensionNotice, "a Russian authority sent by Kazakhstan",
       [](Document&, RuleContext& c) { c.sender_country = "KZ"; },
       "a Russian authority sent by Russia",
       [](Document&, RuleContext& c) { c.sender_country = "RU"; }},
      {"SN-03", DocumentKind::kSuspensionNotice, "a notice dated before the report it cites",
       [](Document& d, RuleContext&) { SN(d).doc_creation_date = D("2026-11-05"); },
       "a notice dated the day of the report",
       [](Document& d, RuleContext&) { SN(d).doc_creation_date = D("2026-11-06"); }},
      {"SN-04", DocumentKind::kSuspensionNotice, "a resumption with no suspension seen",
       [](Document& d, RuleContext& c) {
         SN(d).certificate_status_code = "06";
         c.certificate_status =
             [](std::string_view country,
                std::string_view id) -> eaeu::Result<std::optional<std::string>> {
           if (country == "RU" && id == "РЗН 2023/19504") return std::optional<std::string>("02");
           return std::optional<std::string>();
         };
       },
       "a resumption after suspensions of both certificates",
       [](Document& d, RuleContext& c) {
         SN(d).certificate_status_code = "06";
         c.certificate_status = Suspended;
       }},
      {"SN-04", DocumentKind::kSuspensionNotice, "a second resumption (the latest notice resumed)",
       [](Document& d, RuleContext& c) {
         SN(d).certificate_status_code = "06";
         c.certificate_status = [](std::string_view,
                                   std::string_view) -> eaeu::Result<std::optional<std::string>> {
           return std::optional<std::string>("06");
         };
       },
       "a resumption of certificates suspended in Russia",
       [](Document& d, RuleContext& c) {
         SN(d).certificate_status_code = "06";
         c.certificate_status = Suspended;
       }},

      // ===== register =====
      {"IO-01", DocumentKind::kRegisterEntry, "an attestation of 3 years and a day",
       [](Document& d, RuleContext&) {
         RE(d).inspectors[0].competence.attestation_validity_date = D("2028-06-03");
       },
       "an attestation of exactly 3 years",
       [](Document& d, RuleContext&) {
         RE(d).inspectors[0].competence.attestation_validity_date = D("2028-06-02");
       }},
      {"IO-01", DocumentKind::kRegisterEntry, "an attestation that ends the day it is granted",
       [](Document& d, RuleContext&) {
         RE(d).inspectors[2].competence.attestation_validity_date = D("2026-02-10");
       },
       "an attestation that ends the day after",
       [](Document& d, RuleContext& c) {
         RE(d).inspectors[2].competence.attestation_validity_date = D("2026-02-11");
         c.today = D("2026-02-11");
       }},
      {"IO-02", DocumentKind::kRegisterEntry, "the day after the first attestation ends",
       [](Document&, RuleContext& c) { c.today = D("2027-11-15"); },
       "the last day of the first attestation to end",
       [](Document&, RuleContext& c) { c.today = D("2027-11-14"); }},
      {"IO-03", DocumentKind::kRegisterEntry, "competence in a subgroup outside the groups",
       [](Document& d, RuleContext&) {
         RE(d).inspectors[0].competence.subgroup_names.push_back("Эндопротезы");
       },
       "competence in another subgroup of the groups",
       [](Document& d, RuleContext&) {
         RE(d).inspectors[0].competence.subgroup_names.push_back("Катетеры сосудистые");
       }},
      {"IO-03", DocumentKind::kRegisterEntry, "a subgroup name unknown to the loaded list",
       [](Document& d, RuleContext&) {
         RE(d).inspectors[1].competence.subgroup_names[0] = "Катетеры";
       },
       "another subgroup name of the organization's groups",
       [](Document& d, RuleContext&) {
         RE(d).inspectors[1].competence.subgroup_names[0] = "Иглы инъекционные";
       }},
      {"IO-04", DocumentKind::kRegisterEntry, "an authorisation that expired yesterday",
       [](Document& d, RuleContext&) {
         RE(d).organization.authorization.validity_date = D("2026-11-23");
       },
       "an authorisation that expires today",
       [](Document& d, RuleContext&) {
         RE(d).organization.authorization.validity_date = D("2026-11-24");
       }},
      {"IO-05", DocumentKind::kRegisterEntry, "2.9 years of experience",
       [](Document& d, RuleContext&) {
         RE(d).inspectors[2].experience[0].service_years = eaeu::Decimal1{29};
       },
       "3.0 years of experience",
       [](Document& d, RuleContext&) {
         RE(d).inspectors[2].experience[0].service_years = eaeu::Decimal1{30};
       }},
      {"IO-05", DocumentKind::kRegisterEntry, "no work experience at all",
       [](Document& d, RuleContext&) { RE(d).inspectors[1].experience.clear(); },
       "experience in two jobs adding up to 3 years",
       [](Document& d, RuleContext&) {
         auto& jobs = RE(d).inspectors[1].experience;
         jobs[0].service_years = eaeu::Decimal1{15};
         jobs.push_back(jobs[0]);
       }},
      {"IO-06", DocumentKind::kRegisterEntry, "a Kazakh authorisation issued by a Russian body",
       [](Document& d, RuleContext&) {
         RE(d).organization.authorization.authority.unified_country_code = "RU";
       },
       "a Kazakh authorisation issued by a Kazakh body",
       [](Document& d, RuleContext&) {
         RE(d).organization.authorization.authority.unified_country_code = "KZ";
       }},
      {"IO-07", DocumentKind::kRegisterEntry, "withdrawn a second before being entered",
       [](Document& d, RuleContext&) {
         RE(d).organization.record_status->period.end = DT("2026-08-31T23:59:59");
       },
       "withdrawn the moment it was entered",
       [](Document& d, RuleContext&) {
         RE(d).organization.record_status->period.end = DT("2026-09-01T00:00:00");
       }},

      // ===== summary =====
      {"SR-01", DocumentKind::kSummaryReport, "a period that ends when it starts",
       [](Document& d, RuleContext&) { SR(d).period->end = SR(d).period->start; },
       "a period of one second",
       [](Document& d, RuleContext&) { SR(d).period->end = DT("2026-01-01T00:00:01"); }},
      {"SR-01", DocumentKind::kSummaryRequest, "a request for a period that ends first",
       [](Document& d, RuleContext&) { SQ(d).period->end = DT("2025-12-31T00:00:00"); },
       "a request without a period", [](Document& d, RuleContext&) { SQ(d).period.reset(); }},
      {"SR-02", DocumentKind::kSummaryReport, "a listed report valid 3 years and a day",
       [](Document& d, RuleContext&) { SR(d).reports[0].validity_date = D("2029-03-28"); },
       "a listed report valid exactly 3 years",
       [](Document& d, RuleContext&) { SR(d).reports[0].validity_date = D("2029-03-27"); }},
      {"SR-02", DocumentKind::kSummaryReport, "a listed report expiring on its date",
       [](Document& d, RuleContext&) { SR(d).reports[1].validity_date = D("2026-05-18"); },
       "a listed report expiring the next day",
       [](Document& d, RuleContext&) { SR(d).reports[1].validity_date = D("2026-05-19"); }},
      {"SR-03", DocumentKind::kSummaryReport, "a report dated the day before the period",
       [](Document& d, RuleContext&) {
         SR(d).reports[0].doc_creation_date = D("2025-12-31");
         SR(d).reports[0].validity_date = D("2028-12-30");
       },
       "a report dated the first day of the period",
       [](Document& d, RuleContext&) {
         SR(d).reports[0].doc_creation_date = D("2026-01-01");
         SR(d).reports[0].validity_date = D("2028-12-31");
       }},
      {"SR-03", DocumentKind::kSummaryReport, "a report dated after the period",
       [](Document& d, RuleContext&) {
         SR(d).reports[1].doc_creation_date = D("2026-07-01");
         SR(d).reports[1].validity_date = D("2029-06-30");
       },
       "a report dated the last day of the period",
       [](Document& d, RuleContext&) {
         SR(d).reports[1].doc_creation_date = D("2026-06-30");
         SR(d).reports[1].validity_date = D("2029-06-29");
       }},
  };
  return cases;
}

std::string Describe(const eaeu::validate::Verdict& verdict) {
  std::string out;
  for (const auto& v : verdict.violations) {
    out += v.rule_id + " " + v.path + ": " + v.message_en + "\n";
  }
  return out;
}

const eaeu::validate::Rule* FindRule(std::string_view id) {
  for (const auto& rule : eaeu::validate::AllRules()) {
    if (rule.id == id) return &rule;
  }
  return nullptr;
}

}  // namespace

TEST_CASE("the examples pass every rule", "[rules]") {
  for (const auto kind : {DocumentKind::kInspectionReport, DocumentKind::kSuspensionNotice,
                          DocumentKind::kRegisterEntry, DocumentKind::kSummaryReport,
                          DocumentKind::kSummaryRequest, DocumentKind::kProcessingResult}) {
    auto v = TestValidator().ValidateModel(Example(kind), Context());
    INFO(m::KindName(kind) << "\n" << Describe(v.verdict));
    CHECK(v.verdict.valid());
    CHECK(v.verdict.violations.empty());
  }
}

TEST_CASE("each rule has a case that breaks it and one that keeps it", "[rules]") {
  for (const auto& c : Cases()) {
    DYNAMIC_SECTION(c.rule << ": " << c.breaks_how << " / " << c.keeps_how) {
      const auto* rule = FindRule(c.rule);
      REQUIRE(rule != nullptr);

      Document broken = Example(c.kind);
      RuleContext broken_context = Context();
      c.breaks(broken, broken_context);
      auto bad = TestValidator().ValidateModel(std::move(broken), broken_context);
      INFO("broken:\n" << Describe(bad.verdict));
      REQUIRE(bad.verdict.Has(c.rule));
      for (const auto& v : bad.verdict.violations) {
        if (v.rule_id != c.rule) continue;
        CHECK(v.severity == rule->severity);
        CHECK(v.source == rule->source);
        CHECK_FALSE(v.message_en.empty());
        CHECK_FALSE(v.message_ru.empty());
        CHECK(v.path.rfind("/doc:", 0) == 0);
      }
      CHECK(bad.verdict.valid() == (rule->severity == Severity::kWarning));

      Document kept = Example(c.kind);
      RuleContext kept_context = Context();
      c.keeps(kept, kept_context);
      auto good = TestValidator().ValidateModel(std::move(kept), kept_context);
      INFO("kept:\n" << Describe(good.verdict));
      CHECK_FALSE(good.verdict.Has(c.rule));
      CHECK(good.verdict.valid());
    }
  }
}

TEST_CASE("every rule of rules.md is implemented and has a test case", "[rules]") {
  // The ids of spec/rules.md; SN-05 is a routing rule, applied by delivery, not by validation.
  const std::set<std::string> spec = {"GN-01", "GN-02", "IR-01", "IR-02", "IR-03", "IR-04", "IR-05",
                                      "IR-06", "IR-07", "IR-08", "IR-09", "IR-10", "IR-11", "IR-12",
                                      "IR-13", "IR-14", "IR-15", "IR-16", "IR-17", "IR-18", "SN-01",
                                      "SN-02", "SN-03", "SN-04", "IO-01", "IO-02", "IO-03", "IO-04",
                                      "IO-05", "IO-06", "IO-07", "SR-01", "SR-02", "SR-03"};
  std::set<std::string> implemented, tested;
  for (const auto& rule : eaeu::validate::AllRules()) {
    implemented.emplace(rule.id);
    CHECK_FALSE(rule.message_en.empty());
    CHECK_FALSE(rule.message_ru.empty());
    CHECK_FALSE(rule.source.empty());
  }
  for (const auto& c : Cases()) tested.emplace(c.rule);
  CHECK(implemented == spec);
  CHECK(tested == spec);
}

TEST_CASE("IR-17 refuses a report file over the configured size", "[rules]") {
  auto settings = Settings(true);
  settings.max_report_file_bytes = 400;  // the example's PDF is 472 bytes
  auto small = eaeu::validate::Validator::Create(settings);
  REQUIRE(small.ok());
  auto v = small.value()->ValidateModel(Example(DocumentKind::kInspectionReport), Context());
  REQUIRE(v.verdict.Has("IR-17"));
  CHECK(v.verdict.status == eaeu::validate::Status::kInvalid);

  settings.max_report_file_bytes = 472;
  auto exact = eaeu::validate::Validator::Create(settings);
  REQUIRE(exact.ok());
  CHECK(exact.value()
            ->ValidateModel(Example(DocumentKind::kInspectionReport), Context())
            .verdict.valid());
}

TEST_CASE("without the external lists, codes are checked by form and the verdict says so",
          "[rules]") {
  Document d = Example(DocumentKind::kInspectionReport);
  SiteA(d).groups[0].group_code = "99.99";
  auto v = PlainValidator().ValidateModel(std::move(d), Context());
  CHECK_FALSE(v.verdict.Has("IR-01"));
  CHECK(v.verdict.valid());
  bool noted = false;
  for (const auto& note : v.verdict.notes) {
    noted = noted || note ==
                         "code list D106.A2 (device groups, Annex 2 to Decision 106) not loaded: "
                         "its codes were checked by form only (IR-01 and GN-01 check the group "
                         "codes by form only, and IO-03 is off)";
  }
  CHECK(noted);
}

TEST_CASE("the start-up line says which code lists are loaded and what is off without the others",
          "[rules]") {
  auto shipped = eaeu::validate::CodeLists::LoadDirectories({SourceDir() / "config/codelists"});
  REQUIRE(shipped.ok());
  const std::string line = shipped->StatusLine();
  CHECK(line.starts_with("code lists: loaded P.CLS.019 (countries, ISO 3166-1): "));
  CHECK(line.find("; absent: P.CLS.054 (organisational-legal forms, Decision 54) (IR-01 and GN-01 "
                  "check its codes by form only)") != std::string::npos);
  CHECK(line.find("D106.A2 (device groups, Annex 2 to Decision 106) (IR-01 and GN-01 check the "
                  "group codes by form only, and IO-03 is off)") != std::string::npos);
  eaeu::validate::CodeLists all = *shipped;
  for (const auto id : {eaeu::validate::kLegalFormList, eaeu::validate::kDeviceKindList,
                        eaeu::validate::kDeviceGroupList, eaeu::validate::kCertificateStatusList}) {
    all.Add(std::string(id), "01");
  }
  CHECK(all.StatusLine().find("absent") == std::string::npos);
}

TEST_CASE("a violation found in XML input carries its line and column", "[rules]") {
  std::string text = ReadText(ExamplePath(DocumentKind::kInspectionReport));
  const std::string from = "<doc:InspectionEndDate>2026-03-05<";
  const auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  text.replace(at, from.size(), "<doc:InspectionEndDate>2026-03-01<");
  const auto line = 1 + std::count(text.begin(), text.begin() + static_cast<long>(at), '\n');
  auto v = TestValidator().Validate(text, eaeu::validate::InputFormat::kXml, Context());
  REQUIRE(v.verdict.Has("IR-05"));
  for (const auto& violation : v.verdict.violations) {
    if (violation.rule_id != "IR-05") continue;
    CHECK(violation.path ==
          "/doc:MedicalProductQmsInspectionDetails/doc:InspectionReportDetails/"
          "doc:InspectedManufacturerDetails/doc:InspectionObjectDetails[1]/"
          "doc:SiteInspectionDetails[1]/doc:InspectionEndDate");
    CHECK(violation.position.line == line);
    CHECK(violation.position.column > 0);
  }
}
