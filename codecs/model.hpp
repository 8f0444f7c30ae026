#pragma once
// The typed model of the documents of the common process (spec/documents*.md).
//
// Each struct lists its elements once, in schema order, in a static `Fields(visitor, self)`:
// namespace, XML local name and member. The XML, JSON and CSV codecs walk that list, so the
// element names and their order live in one place. Multiplicity comes from the member's type:
// T is 1, std::optional<T> is 0..1 and std::vector<T> is 0..* or 1..* (the schema says which).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "codecs/base64.hpp"
#include "gateway/core/temporal.hpp"

namespace eaeu::model {

// The namespace of an element: the document's own, or the basis model's.
enum class Ns : uint8_t { kDoc, kCcdo, kCsdo };

// What a field needs beyond its name and type.
struct FieldOpts {
  // A fixed code-list attribute written as codeListId="..." (e.g. "P.CLS.019").
  const char* code_list = nullptr;
  // An external classifier whose codes the value holds, checked when the list is loaded; no
  // attribute is written (e.g. "D106.A2", the device groups of Annex 2 to Decision 106).
  const char* classifier = nullptr;
  // Risk class spelling: Cyrillic 2а/2б are read as Latin 2a/2b.
  bool risk_class = false;

  // The list the value's codes come from, if any.
  const char* List() const { return classifier != nullptr ? classifier : code_list; }
};

// Reading R-11: Decision 173 writes the risk classes 2а and 2б with Cyrillic letters; both
// spellings are accepted on input and the Latin one is kept.
std::string NormaliseRiskClass(std::string value);

inline constexpr FieldOpts kCountry{"P.CLS.019", nullptr, false};
inline constexpr FieldOpts kLegalForm{"P.CLS.054", nullptr, false};
inline constexpr FieldOpts kDeviceGroup{nullptr, "D106.A2", false};
inline constexpr FieldOpts kDeviceKind{nullptr, "P.CLS.064", false};
inline constexpr FieldOpts kCertificateStatus{nullptr, "RC.STATUS", false};
inline constexpr FieldOpts kRiskClass{nullptr, nullptr, true};

// Binary content (T1 2.9): base64 text with a media type and an optional file name.
struct BinaryFile {
  std::string media_type;
  std::optional<std::string> file_name;
  Base64Text base64;  // whitespace removed
  bool operator==(const BinaryFile&) const = default;
};

// ===== Basis groups (ccdo) =====

struct EDocHeader {
  std::string inf_envelope_code;
  std::string e_doc_code;
  std::string e_doc_id;
  std::optional<std::string> e_doc_ref_id;
  DateTime e_doc_date_time;
  std::optional<std::string> language_code;

  template <class V, class S>
  static void Fields(V& v, S& s) {
    v(Ns::kCsdo, "InfEnvelopeCode", s.inf_envelope_code);
    v(Ns::kCsdo, "EDocCode", s.e_doc_code);
    v(Ns::kCsdo, "EDocId", s.e_doc_id);
    v(Ns::kCsdo, "EDocRefId", s.e_doc_ref_id);
    v(Ns::kCsdo, "EDocDateTime", s.e_doc_date_time);
    v(Ns::kCsdo, "LanguageCode", s.language_code);
  }
  bool operator==(const EDocHeader&) const = default;
};

struct Address {
  std::optional<std::string> address_kind_code;
  std::optional<std::string> unified_country_code;
  std::optional<std::string> territory_code;
  std::optional<std::string> region_name;
  std::optional<std::string> district_name;
  std::optional<std::string> city_name;
  std::optional<std::string> settlement_name;
  std::optional<std::string> street_name;
  std::optional<std::string> building_number_id;
  std::optional<std::string> room_number_id;
  std::optional<std::string> post_code;
  std::optional<std::string> post_office_box_id;

  template <class V, class S>
  static void Fields(V& v, S& s) {
    v(Ns::kCsdo, "AddressKindCode", s.address_kind_code);
    v(Ns::kCsdo, "UnifiedCountryCode", s.unified_country_code, kCountry);
    v(Ns::kCsdo, "TerritoryCode", s.territory_code);
    v(Ns::kCsdo, "RegionName", s.region_name);
    v(Ns::kCsdo, "DistrictName", s.district_name);
    v(Ns::kCsdo, "CityName", s.city_name);
    v(Ns::kCsdo, "SettlementName", s.settlement_name);
    v(Ns::kCsdo, "StreetName", s.street_name);
    v(Ns::kCsdo, "BuildingNumberId", s.building_number_id);
    v(Ns::kCsdo, "RoomNumberId", s.room_number_id);
    v(Ns::kCsdo, "PostCode", s.post_code);
    v(Ns::kCsdo, "PostOfficeBoxId", s.post_office_box_id);
  }
  bool operator==(const Address&) const = default;
};

struct Communication {
  std::optional<std::string> channel_code;
  std::optional<std::string> channel_name;
  std::vector<std::string> channel_ids;

  template <class V, class S>
  static void Fields(V& v, S& s) {
    v(Ns::kCsdo, "CommunicationChannelCode", s.channel_code);
    v(Ns::kCsdo, "CommunicationChannelName", s.channel_name);
    v(Ns::kCsdo, "CommunicationChannelId", s.channel_ids);
  }
  bool operator==(const Communication&) const = default;
};

struct FullName {
  std::optional<std::string> first_name;
  std::optional<std::string> middle_name;
  std::optional<std::string> last_name;

  template <class V, class S>
  static void Fields(V& v, S& s) {
    v(Ns::kCsdo, "FirstName", s.first_name);
    v(Ns::kCsdo, "MiddleName", s.middle_name);
    v(Ns::kCsdo, "LastName", s.last_name);
  }
  bool operator==(const FullName&) const = default;
};

struct Authority {
  std::optional<std::string> unified_country_code;
  std::optional<std::string> authority_id;
  std::optional<std::string> authority_name;
  std::optional<std::string> authority_brief_name;

  template <class V, class S>
  static void Fields(V& v, S& s) {
    v(Ns::kCsdo, "UnifiedCountryCode", s.unified_country_code, kCountry);
    v(Ns::kCsdo, "AuthorityId", s.authority_id);
    v(Ns::kCsdo, "AuthorityName", s.authority_name);
    v(Ns::kCsdo, "AuthorityBriefName", s.authority_brief_name);
  }
  bool operator==(const Authority&) const = default;
};

// ===== Table 1: inspection report with its application (R.HC.MM.00.001) =====
namespace t1 {

struct ProductionSite {  // 1.4.3
  std::optional<std::string> name;
  Address address;
  std::vector<std::string> group_codes;
  std::vector<std::string> risk_class_codes;

  template <class V, class S>
  static void Fields(V& v, S& s) {
    v(Ns::kDoc, "ProductionSiteName", s.name);
    v(Ns::kCcdo, "SubjectAddressDetails", s.address);
    v(Ns::kDoc, "MedicalProductGroupCode", s.group_codes, kDeviceGroup);
    v(Ns::kDoc, "MedicalProductRiskClassCode", s.risk_class_codes, kRiskClass);
  }
  bool operator==(const ProductionSite&) const = default;
};

struct ApplicantManufacturer {  // 1.4
  std::string name;
  Address address;
  std::vector<ProductionSite> sites;

  template <class V, class S>
  static void Fields(V& v, S& s) {
    v(Ns::kCsdo, "BusinessEntityName", s.name);
    v(Ns::kCcdo, "SubjectAddressDetails", s.address);
    v(Ns::kDoc, "ProductionSiteDetails", s.sites);
  }
  bool operator==(const ApplicantManufacturer&) const = default;
};

struct Application {  // 1
  std::string doc_id;
  Date doc_creation_date;
  std::string inspection_kind_code;
  ApplicantManufacturer manufacturer;
  std::optional<std::string> inspection_form_code;
  std::optional<YearMonth> planned_inspection_date;
  std::string status_code;

  template <class V, class S>
  static void Fields(V& v, S& s) {
    v(Ns::kCsdo, "DocId", s.doc_id);
    v(Ns::kCsdo, "DocCreationDate", s.doc_creation_date);
    v(Ns::kDoc, "InspectionKindCode", s.inspection_kind_code);
    v(Ns::kDoc, "ApplicantManufacturerDetails", s.manufacturer);
    v(Ns::kDoc, "InspectionFormCode", s.inspection_form_code);
    v(Ns::kDoc, "PlannedInspectionDate", s.planned_inspection_date);
    v(Ns::kDoc, "ApplicationStatusCode", s.status_code);
  }
  bool operator==(const Application&) const = default;
};

struct InspectingOrganization {  // 2.7
  std::string name;
  std::optional<std::string> brief_name;
  std::string type_code;

  template <class V, class S>
  static void Fields(V& v, S& s) {
    v(Ns::kCsdo, "BusinessEntityName", s.name);
    v(Ns::kCsdo, "BusinessEntityBriefName", s.brief_name);
    v(Ns::kCsdo, "BusinessEntityTypeCode", s.type_code, kLegalForm);
  }
  bool operator==(const InspectingOrganization&) const = default;
};

struct MedicalProduct {  // *.2.3.2
  std::string name;
  std::string kind_code;
  std::optional<std::string> registration_certificate_id;

  template <class V, class S>
  static void Fields(V& v, S& s) {
    v(Ns::kDoc, "MedicalProductName", s.name);
    v(Ns::kDoc, "MedicalProductKindCode", s.kind_code, kDeviceKind);
    v(Ns::kDoc, "RegistrationCertificateId", s.registration_certificate_id);
  }
  bool operator==(const MedicalProduct&) const = default;
};

struct InspectedGroup {                   // *.2.3
  std::optional<std::string> group_code;
  std::string process_kind_code;
  std::vector<MedicalProduct> products;

  template <class V, class S>
  static void Fields(V& v, S& s) {
    v(Ns::kDoc, "MedicalProductGroupCode", s.group_code, kDeviceGroup);
    v(Ns::kDoc, "QmsProcessKindCode", s.process_kind_code);
    v(Ns::kDoc, "MedicalProductDetails", s.products);
  }
  bool operator==(const InspectedGroup&) const = default;
};

struct Nonconformity {  // *.2.6
  std::string description;
  std::optional<std::string> grade_code;
  std::optional<Date> remediation_date;

  template <class V, class S>
  static void Fields(V& v, S& s) {
    v(Ns::kDoc, "NonconformityDescriptionText", s.description);
    v(Ns::kDoc, "NonconformityGradeCode", s.grade_code);
    v(Ns::kDoc, "NonconformityRemediationDate", s.remediation_date);
  }
  bool operator==(const Nonconformity&) const = default;
};

struct SiteInspection {  // *.2
  Date start_date;
  Date end_date;
  std::vector<InspectedGroup> groups;
  bool conformity = true;
  std::optional<std::string> negative_conclusion_reason;
  std::vector<Nonconformity> nonconformities;
  std::optional<Date> next_inspection_date;

  template <class V, class S>
  static void Fields(V& v, S& s) {
    v(Ns::kDoc, "InspectionStartDate", s.start_date);
    v(Ns::kDoc, "InspectionEndDate", s.end_date);
    v(Ns::kDoc, "InspectedMedicalProductGroupDetails", s.groups);
    v(Ns::kDoc, "QmsConformityIndicator", s.conformity);
    v(Ns::kDoc, "NegativeConclusionReasonText", s.negative_conclusion_reason);
    v(Ns::kDoc, "NonconformityDetails", s.nonconformities);
    v(Ns::kDoc, "NextInspectionDate", s.next_inspection_date);
  }
  bool operator==(const SiteInspection&) const = default;
};

struct InspectionObject {  // 2.8.6
  Address address;
  std::vector<SiteInspection> inspections;

  template <class V, class S>
  static void Fields(V& v, S& s) {
    v(Ns::kCcdo, "SubjectAddressDetails", s.address);
    v(Ns::kDoc, "SiteInspectionDetails", s.inspections);
  }
  bool operator==(const InspectionObject&) const = default;
};

struct PreviousInspection {  // 2.8.8
  std::string doc_id;
  Date doc_creation_date;
  std::string country_code;

  template <class V, class S>
  static void Fields(V& v, S& s) {
    v(Ns::kCsdo, "DocId", s.doc_id);
    v(Ns::kCsdo, "DocCreationDate", s.doc_creation_date);
    v(Ns::kCsdo, "UnifiedCountryCode", s.country_code, kCountry);
  }
  bool operator==(const PreviousInspection&) const = default;
};

struct InspectedManufacturer {  // 2.8
  std::string name;
  std::optional<std::string> brief_name;
  std::string type_code;
  Address address;
  std::vector<Communication> contacts;
  std::vector<InspectionObject> objects;
  std::vector<std::string> complaints;
  std::vector<PreviousInspection> previous_inspections;

  template <class V, class S>
  static void Fields(V& v, S& s) {
    v(Ns::kCsdo, "BusinessEntityName", s.name);
    v(Ns::kCsdo, "BusinessEntityBriefName", s.brief_name);
    v(Ns::kCsdo, "BusinessEntityTypeCode", s.type_code, kLegalForm);
    v(Ns::kCcdo, "SubjectAddressDetails", s.address);
    v(Ns::kCcdo, "CommunicationDetails", s.contacts);
    v(Ns::kDoc, "InspectionObjectDetails", s.objects);
    v(Ns::kDoc, "ComplaintAndRecallText", s.complaints);
    v(Ns::kDoc, "PreviousInspectionDetails", s.previous_inspections);
  }
  bool operator==(const InspectedManufacturer&) const = default;
};

struct Report {  // 2
  std::string kind_code;
  std::string doc_id;
  Date doc_creation_date;
  std::string country_code;
  std::optional<Date> validity_date;
  std::string status_code;
  std::optional<InspectingOrganization> inspecting_organization;
  InspectedManufacturer manufacturer;
  std::optional<BinaryFile> report_file;

  template <class V, class S>
  static void Fields(V& v, S& s) {
    v(Ns::kDoc, "InspectionReportKindCode", s.kind_code);
    v(Ns::kCsdo, "DocId", s.doc_id);
    v(Ns::kCsdo, "DocCreationDate", s.doc_creation_date);
    v(Ns::kCsdo, "UnifiedCountryCode", s.country_code, kCountry);
    v(Ns::kCsdo, "DocValidityDate", s.validity_date);
    v(Ns::kDoc, "InspectionReportStatusCode", s.status_code);
    v(Ns::kDoc, "InspectingOrganizationDetails", s.inspecting_organization);
    v(Ns::kDoc, "InspectedManufacturerDetails", s.manufacturer);
    v(Ns::kDoc, "InspectionReportBinaryText", s.report_file);
  }
  bool operator==(const Report&) const = default;
};

}  // namespace t1

struct InspectionReport {  // MedicalProductQmsInspectionDetails
  EDocHeader header;
  t1::Application application;
  std::optional<t1::Report> report;

  template <class V, class S>
  static void Fields(V& v, S& s) {
    v(Ns::kCcdo, "EDocHeader", s.header);
    v(Ns::kDoc, "InspectionApplicationDetails", s.application);
    v(Ns::kDoc, "InspectionReportDetails", s.report);
  }
  bool operator==(const InspectionReport&) const = default;
};

// ===== Table 2: notice of suspension or resumption of release (R.HC.MM.00.002) =====
namespace t2 {

struct MedicalProduct {  // 5
  std::string name;
  std::string registration_certificate_id;

  template <class V, class S>
  static void Fields(V& v, S& s) {
    v(Ns::kDoc, "MedicalProductName", s.name);
    v(Ns::kDoc, "RegistrationCertificateId", s.registration_certificate_id);
  }
  bool operator==(const MedicalProduct&) const = default;
};

struct InspectingOrganization {  // 6.4
  std::string country_code;
  std::string name;
  std::string type_code;
  std::vector<Communication> contacts;

  template <class V, class S>
  static void Fields(V& v, S& s) {
    v(Ns::kCsdo, "UnifiedCountryCode", s.country_code, kCountry);
    v(Ns::kCsdo, "BusinessEntityName", s.name);
    v(Ns::kCsdo, "BusinessEntityTypeCode", s.type_code, kLegalForm);
    v(Ns::kCcdo, "CommunicationDetails", s.contacts);
  }
  bool operator==(const InspectingOrganization&) const = default;
};

struct ReportRef {  // 6
  std::string doc_id;
  Date doc_creation_date;
  std::string country_code;
  InspectingOrganization inspecting_organization;

  template <class V, class S>
  static void Fields(V& v, S& s) {
    v(Ns::kCsdo, "DocId", s.doc_id);
    v(Ns::kCsdo, "DocCreationDate", s.doc_creation_date);
    v(Ns::kCsdo, "UnifiedCountryCode", s.country_code, kCountry);
    v(Ns::kDoc, "InspectingOrganizationDetails", s.inspecting_organization);
  }
  bool operator==(const ReportRef&) const = default;
};

}  // namespace t2

struct SuspensionNotice {  // MedicalProductReleaseSuspensionDetails
  EDocHeader header;
  std::string doc_id;
  Date doc_creation_date;
  Authority authority;
  std::string certificate_status_code;
  std::vector<t2::MedicalProduct> products;
  t2::ReportRef report;

  template <class V, class S>
  static void Fields(V& v, S& s) {
    v(Ns::kCcdo, "EDocHeader", s.header);
    v(Ns::kCsdo, "DocId", s.doc_id);
    v(Ns::kCsdo, "DocCreationDate", s.doc_creation_date);
    v(Ns::kCcdo, "UnifiedAuthorityDetails", s.authority);
    v(Ns::kDoc, "RegistrationCertificateStatusCode", s.certificate_status_code);
    v(Ns::kDoc, "MedicalProductDetails", s.products);
    v(Ns::kDoc, "InspectionReportDetails", s.report);
  }
  bool operator==(const SuspensionNotice&) const = default;
};

// ===== Table 3: register of inspecting organizations (R.HC.MM.00.003) =====
namespace t3 {

struct Head {  // 1.6
  FullName full_name;
  std::vector<Communication> contacts;

  template <class V, class S>
  static void Fields(V& v, S& s) {
    v(Ns::kCcdo, "FullNameDetails", s.full_name);
    v(Ns::kCcdo, "CommunicationDetails", s.contacts);
  }
  bool operator==(const Head&) const = default;
};

struct AuthorizationDoc {  // 1.8
  std::string country_code;
  std::string doc_kind_name;
  std::string doc_name;
  std::string doc_id;
  Date doc_creation_date;
  std::optional<Date> validity_date;
  Authority authority;

  template <class V, class S>
  static void Fields(V& v, S& s) {
    v(Ns::kCsdo, "UnifiedCountryCode", s.country_code, kCountry);
    v(Ns::kDoc, "DocKindName", s.doc_kind_name);
    v(Ns::kCsdo, "DocName", s.doc_name);
    v(Ns::kCsdo, "DocId", s.doc_id);
    v(Ns::kCsdo, "DocCreationDate", s.doc_creation_date);
    v(Ns::kCsdo, "DocValidityDate", s.validity_date);
    v(Ns::kCcdo, "UnifiedAuthorityDetails", s.authority);
  }
  bool operator==(const AuthorizationDoc&) const = default;
};

struct ValidityPeriod {
  DateTime start;
  std::optional<DateTime> end;

  template <class V, class S>
  static void Fields(V& v, S& s) {
    v(Ns::kCsdo, "StartDateTime", s.start);
    v(Ns::kCsdo, "EndDateTime", s.end);
  }
  bool operator==(const ValidityPeriod&) const = default;
};

struct RecordStatus {  // T3-R1
  ValidityPeriod period;

  template <class V, class S>
  static void Fields(V& v, S& s) {
    v(Ns::kCcdo, "ValidityPeriodDetails", s.period);
  }
  bool operator==(const RecordStatus&) const = default;
};

struct Organization {  // 1
  std::string name;
  std::optional<std::string> brief_name;
  std::string type_code;
  std::vector<Address> addresses;
  std::vector<Communication> contacts;
  Head head;
  std::vector<std::string> group_codes;
  AuthorizationDoc authorization;
  std::optional<RecordStatus> record_status;

  template <class V, class S>
  static void Fields(V& v, S& s) {
    v(Ns::kCsdo, "BusinessEntityName", s.name);
    v(Ns::kCsdo, "BusinessEntityBriefName", s.brief_name);
    v(Ns::kCsdo, "BusinessEntityTypeCode", s.type_code, kLegalForm);
    v(Ns::kCcdo, "SubjectAddressDetails", s.addresses);
    v(Ns::kCcdo, "CommunicationDetails", s.contacts);
    v(Ns::kDoc, "OrganizationHeadDetails", s.head);
    v(Ns::kDoc, "MedicalProductGroupCode", s.group_codes, kDeviceGroup);
    v(Ns::kDoc, "InspectionAuthorizationDocDetails", s.authorization);
    v(Ns::kCcdo, "ResourceItemStatusDetails", s.record_status);
  }
  bool operator==(const Organization&) const = default;
};

struct Competence {  // 2.3
  Date attestation_date;
  Date attestation_validity_date;
  std::vector<std::string> subgroup_names;

  template <class V, class S>
  static void Fields(V& v, S& s) {
    v(Ns::kDoc, "AttestationDate", s.attestation_date);
    v(Ns::kDoc, "AttestationValidityDate", s.attestation_validity_date);
    v(Ns::kDoc, "MedicalProductSubgroupName", s.subgroup_names);
  }
  bool operator==(const Competence&) const = default;
};

struct Education {  // 2.5
  std::string institution_name;
  Year graduation_year;
  std::string speciality_name;

  template <class V, class S>
  static void Fields(V& v, S& s) {
    v(Ns::kDoc, "EducationalInstitutionName", s.institution_name);
    v(Ns::kDoc, "GraduationYear", s.graduation_year);
    v(Ns::kDoc, "SpecialityName", s.speciality_name);
  }
  bool operator==(const Education&) const = default;
};

struct Training {  // 2.6
  std::string course_name;
  std::string institution_name;
  std::string doc_id;
  Date doc_creation_date;

  template <class V, class S>
  static void Fields(V& v, S& s) {
    v(Ns::kDoc, "TrainingCourseName", s.course_name);
    v(Ns::kDoc, "EducationalInstitutionName", s.institution_name);
    v(Ns::kCsdo, "DocId", s.doc_id);
    v(Ns::kCsdo, "DocCreationDate", s.doc_creation_date);
  }
  bool operator==(const Training&) const = default;
};

struct Experience {  // 2.7
  std::string employer_name;
  std::optional<std::string> employer_type_code;
  Address employer_address;
  std::string position_name;
  Decimal1 service_years;

  template <class V, class S>
  static void Fields(V& v, S& s) {
    v(Ns::kCsdo, "BusinessEntityName", s.employer_name);
    v(Ns::kCsdo, "BusinessEntityTypeCode", s.employer_type_code, kLegalForm);
    v(Ns::kCcdo, "SubjectAddressDetails", s.employer_address);
    v(Ns::kDoc, "PositionName", s.position_name);
    v(Ns::kDoc, "ServiceYearQuantity", s.service_years);
  }
  bool operator==(const Experience&) const = default;
};

struct Inspector {  // 2
  FullName full_name;
  std::vector<Communication> contacts;
  Competence competence;
  bool staff_member = true;
  std::vector<Education> education;
  std::vector<Training> training;
  std::vector<Experience> experience;

  template <class V, class S>
  static void Fields(V& v, S& s) {
    v(Ns::kCcdo, "FullNameDetails", s.full_name);
    v(Ns::kCcdo, "CommunicationDetails", s.contacts);
    v(Ns::kDoc, "InspectorCompetenceDetails", s.competence);
    v(Ns::kDoc, "StaffMemberIndicator", s.staff_member);
    v(Ns::kDoc, "HigherEducationDetails", s.education);
    v(Ns::kDoc, "ProfessionalTrainingDetails", s.training);
    v(Ns::kDoc, "WorkExperienceDetails", s.experience);
  }
  bool operator==(const Inspector&) const = default;
};

}  // namespace t3

struct RegisterEntry {  // MedicalProductInspectingOrganizationDetails
  EDocHeader header;
  t3::Organization organization;
  std::vector<t3::Inspector> inspectors;

  template <class V, class S>
  static void Fields(V& v, S& s) {
    v(Ns::kCcdo, "EDocHeader", s.header);
    v(Ns::kDoc, "InspectingOrganizationDetails", s.organization);
    v(Ns::kDoc, "InspectorDetails", s.inspectors);
  }
  bool operator==(const RegisterEntry&) const = default;
};

// ===== Table 4: summary report (R.HC.MM.00.004) and its request (R.HC.MM.00.005) =====
namespace t4 {

struct Period {  // 1
  DateTime start;
  DateTime end;

  template <class V, class S>
  static void Fields(V& v, S& s) {
    v(Ns::kCsdo, "StartDateTime", s.start);
    v(Ns::kCsdo, "EndDateTime", s.end);
  }
  bool operator==(const Period&) const = default;
};

struct Certificate {  // 2.6.3
  std::string doc_id;
  Date doc_creation_date;
  std::string status_code;

  template <class V, class S>
  static void Fields(V& v, S& s) {
    v(Ns::kCsdo, "DocId", s.doc_id);
    v(Ns::kCsdo, "DocCreationDate", s.doc_creation_date);
    v(Ns::kDoc, "RegistrationCertificateStatusCode", s.status_code, kCertificateStatus);
  }
  bool operator==(const Certificate&) const = default;
};

struct MedicalProduct {  // 2.6
  std::string name;
  std::string kind_code;
  std::optional<Certificate> certificate;

  template <class V, class S>
  static void Fields(V& v, S& s) {
    v(Ns::kDoc, "MedicalProductName", s.name);
    v(Ns::kDoc, "MedicalProductKindCode", s.kind_code, kDeviceKind);
    v(Ns::kDoc, "RegistrationCertificateDetails", s.certificate);
  }
  bool operator==(const MedicalProduct&) const = default;
};

struct ReportLine {  // 2
  std::string doc_id;
  Date doc_creation_date;
  std::string country_code;
  Date validity_date;
  std::string manufacturer_name;
  std::vector<MedicalProduct> products;

  template <class V, class S>
  static void Fields(V& v, S& s) {
    v(Ns::kCsdo, "DocId", s.doc_id);
    v(Ns::kCsdo, "DocCreationDate", s.doc_creation_date);
    v(Ns::kCsdo, "UnifiedCountryCode", s.country_code, kCountry);
    v(Ns::kCsdo, "DocValidityDate", s.validity_date);
    v(Ns::kCsdo, "BusinessEntityName", s.manufacturer_name);
    v(Ns::kDoc, "MedicalProductDetails", s.products);
  }
  bool operator==(const ReportLine&) const = default;
};

}  // namespace t4

struct SummaryReport {  // MedicalProductQmsInspectionSummaryDetails
  EDocHeader header;
  std::optional<t4::Period> period;
  std::vector<t4::ReportLine> reports;

  template <class V, class S>
  static void Fields(V& v, S& s) {
    v(Ns::kCcdo, "EDocHeader", s.header);
    v(Ns::kDoc, "PeriodDetails", s.period);
    v(Ns::kDoc, "InspectionReportDetails", s.reports);
  }
  bool operator==(const SummaryReport&) const = default;
};

struct SummaryRequest {  // MedicalProductQmsInspectionSummaryRequestDetails
  EDocHeader header;
  std::optional<t4::Period> period;
  std::optional<std::string> country_code;
  std::optional<std::string> manufacturer_name;

  template <class V, class S>
  static void Fields(V& v, S& s) {
    v(Ns::kCcdo, "EDocHeader", s.header);
    v(Ns::kDoc, "PeriodDetails", s.period);
    v(Ns::kCsdo, "UnifiedCountryCode", s.country_code, kCountry);
    v(Ns::kCsdo, "BusinessEntityName", s.manufacturer_name);
  }
  bool operator==(const SummaryRequest&) const = default;
};

// ===== R.006: the shared reply =====
struct ProcessingResult {  // ProcessingResultDetails
  EDocHeader header;
  DateTime event_date_time;
  std::string result_code;
  std::optional<std::string> description;

  template <class V, class S>
  static void Fields(V& v, S& s) {
    v(Ns::kCcdo, "EDocHeader", s.header);
    v(Ns::kCsdo, "EventDateTime", s.event_date_time);
    v(Ns::kCsdo, "ProcessingResultV2Code", s.result_code);
    v(Ns::kCsdo, "DescriptionText", s.description);
  }
  bool operator==(const ProcessingResult&) const = default;
};

// The order of the alternatives is the order of DocumentKind.
using Document = std::variant<InspectionReport, SuspensionNotice, RegisterEntry, SummaryReport,
                              SummaryRequest, ProcessingResult>;

enum class DocumentKind : uint8_t {
  kInspectionReport,
  kSuspensionNotice,
  kRegisterEntry,
  kSummaryReport,
  kSummaryRequest,
  kProcessingResult,
};
inline constexpr int kDocumentKindCount = 6;

inline DocumentKind KindOf(const Document& d) {
  return static_cast<DocumentKind>(d.index());
}
const EDocHeader& HeaderOf(const Document& d);
EDocHeader& HeaderOf(Document& d);

// "inspection-report", "suspension-notice", ... : the gateway's stable names of the kinds.
std::string_view KindName(DocumentKind kind);
std::optional<DocumentKind> KindFromName(std::string_view name);

}  // namespace eaeu::model
