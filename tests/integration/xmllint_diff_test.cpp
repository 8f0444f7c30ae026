// Differential check of the schema verdict: for a corpus of valid and invalid documents, the
// product (Xerces-C++ with the grammar pool) and libxml2's `xmllint --schema` agree on whether
// each document follows the XSD. Business rules are not compared: xmllint knows none.

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "support.hpp"

namespace {

using namespace eaeu::test;

struct Mutation {
  const char* file;  // example the mutation starts from
  const char* from;  // text replaced (first occurrence)
  const char* to;
  const char* what;
};

constexpr const char* kReport = "inspection-report.xml";
constexpr const char* kNotice = "suspension-notice.xml";
constexpr const char* kRegister = "register-entry.xml";
constexpr const char* kSummary = "summary-report.xml";
constexpr const char* kRequest = "summary-request.xml";
constexpr const char* kResult = "processing-result.xml";

// Each changes one thing; most break the schema, some keep it (the verdicts must agree either way).
const std::vector<Mutation> kMutations = {
    // kept
    {kReport, "<doc:MedicalProductRiskClassCode>2a<", "<doc:MedicalProductRiskClassCode>2\xD0\xB0<",
     "Cyrillic risk class"},
    {kReport, "<csdo:LanguageCode>ru</csdo:LanguageCode>", "", "optional LanguageCode dropped"},
    {kNotice, "<csdo:DocId>", "<csdo:DocId>  ", "leading spaces in a token"},
    {kRegister, "<csdo:RoomNumberId>204</csdo:RoomNumberId>", "", "optional room dropped"},
    {kSummary, "</doc:MedicalProductQmsInspectionSummaryDetails>",
     "<!-- a comment -->\n</doc:MedicalProductQmsInspectionSummaryDetails>", "trailing comment"},
    {kRequest, "<csdo:EndDateTime>2026-06-30T23:59:59</csdo:EndDateTime>",
     "<csdo:EndDateTime>2026-06-30T23:59:59.5</csdo:EndDateTime>", "fractional seconds"},
    // broken: dates and times
    {kReport, "<csdo:DocCreationDate>2026-01-15<", "<csdo:DocCreationDate>2026-02-30<",
     "impossible date"},
    {kReport, "<csdo:DocCreationDate>2026-01-15<", "<csdo:DocCreationDate>15.01.2026<",
     "date in national form"},
    {kReport, "<csdo:EDocDateTime>2026-03-30T09:12:00<", "<csdo:EDocDateTime>2026-03-30<",
     "date-time without time"},
    {kNotice, "<csdo:DocCreationDate>2026-11-20<", "<csdo:DocCreationDate>2026-11-20Z<",
     "date with time zone"},
    {kRequest, "<csdo:StartDateTime>2026-01-01T00:00:00<",
     "<csdo:StartDateTime>2026-01-01T24:30:00<", "hour 24:30"},
    {kReport, "<doc:PlannedInspectionDate>2026-03<", "<doc:PlannedInspectionDate>2026-3<",
     "year-month without leading zero"},
    // broken: codes
    {kReport, "<doc:QmsConformityIndicator>1<", "<doc:QmsConformityIndicator>true<",
     "indicator written true (Indicator01 takes 1/0 only)"},
    {kReport, "<doc:InspectionKindCode>01<", "<doc:InspectionKindCode>03<", "inspection kind 03"},
    {kReport, "<doc:QmsProcessKindCode>60<", "<doc:QmsProcessKindCode>70<", "process code 70"},
    {kReport, "<doc:MedicalProductRiskClassCode>3<", "<doc:MedicalProductRiskClassCode>2c<",
     "risk class 2c"},
    {kReport, "<doc:NonconformityGradeCode>3<", "<doc:NonconformityGradeCode>7<", "grade 7"},
    {kReport, "<doc:QmsConformityIndicator>1<", "<doc:QmsConformityIndicator>yes<",
     "indicator yes"},
    {kReport, "<doc:ApplicationStatusCode>3<", "<doc:ApplicationStatusCode>03<",
     "status 03 where 3 is listed"},
    {kRegister, "<doc:StaffMemberIndicator>1<", "<doc:StaffMemberIndicator>2<", "staff member 2"},
    {kRegister, "<doc:GraduationYear>2004<", "<doc:GraduationYear>04<", "two-digit year"},
    {kRegister, "<doc:ServiceYearQuantity>6.5<", "<doc:ServiceYearQuantity>six<", "years in words"},
    {kReport, "codeListId=\"P.CLS.019\">RU<", "codeListId=\"P.CLS.020\">RU<",
     "wrong fixed codeListId"},
    {kReport, "<csdo:UnifiedCountryCode codeListId=\"P.CLS.019\">RU<",
     "<csdo:UnifiedCountryCode codeListId=\"P.CLS.019\">RUS<", "three-letter country"},
    {kNotice, "<csdo:EDocId>0f8fad5b-d9cb-469f-a165-70867728950e<",
     "<csdo:EDocId>0f8fad5bd9cb469fa16570867728950e<", "EDocId without hyphens"},
    // broken: structure
    {kReport, "<doc:ApplicationStatusCode>3</doc:ApplicationStatusCode>", "",
     "required status dropped"},
    {kReport,
     "<doc:InspectionFormCode>01</doc:InspectionFormCode>\n    "
     "<doc:PlannedInspectionDate>2026-03</doc:PlannedInspectionDate>",
     "<doc:PlannedInspectionDate>2026-03</doc:PlannedInspectionDate>\n    "
     "<doc:InspectionFormCode>01</doc:InspectionFormCode>",
     "two elements swapped"},
    {kReport, "<csdo:InfEnvelopeCode>P.MM.00.MSG.001</csdo:InfEnvelopeCode>",
     "<csdo:InfEnvelopeCode>P.MM.00.MSG.001</csdo:InfEnvelopeCode>"
     "<csdo:InfEnvelopeCode>P.MM.00.MSG.001</csdo:InfEnvelopeCode>",
     "single element repeated"},
    {kNotice, "<doc:RegistrationCertificateStatusCode>",
     "<doc:Extra>x</doc:Extra><doc:RegistrationCertificateStatusCode>", "unknown element"},
    {kNotice, "<csdo:DocId>", "<csdo:DocId xml:lang=\"ru\" extra=\"1\">", "unknown attribute"},
    {kNotice, "<csdo:DocId>RZN-UV-2026-00311</csdo:DocId>", "<csdo:DocId></csdo:DocId>",
     "empty required token"},
    {kNotice, "<csdo:DocId>RZN-UV-2026-00311</csdo:DocId>",
     "<csdo:DocId>RZN-UV-2026-00311-0000000000-0000000000-0000000000-0000000000</csdo:DocId>",
     "DocId over 50 characters"},
    {kRegister, "<ccdo:FullNameDetails>", "<csdo:FullNameDetails>",
     "element in the wrong namespace"},
    {kRegister, "<doc:InspectorDetails>", "<doc:InspectorDetails><doc:InspectorDetails/>",
     "nested empty inspector"},
    {kSummary, "<csdo:StartDateTime>",
     "<csdo:EndDateTime>2026-06-30T23:59:59</csdo:EndDateTime><csdo:StartDateTime>",
     "period elements out of order"},
    {kSummary, "<doc:RegistrationCertificateStatusCode>01</doc:RegistrationCertificateStatusCode>",
     "", "certificate status dropped"},
    {kRequest, "<csdo:UnifiedCountryCode codeListId=\"P.CLS.019\">RU</csdo:UnifiedCountryCode>",
     "<csdo:UnifiedCountryCode>RU</csdo:UnifiedCountryCode>", "codeListId missing"},
    {kResult, "<csdo:ProcessingResultV2Code>",
     "<csdo:ProcessingResultV2Code>  </csdo:"
     "ProcessingResultV2Code><csdo:ProcessingResultV2Code>",
     "result code repeated, first empty"},
    {kReport, "mediaTypeCode=\"application/pdf\"", "", "media type of the file dropped"},
    {kReport, "<doc:InspectionReportBinaryText mediaTypeCode=\"application/pdf\"",
     "<doc:InspectionReportBinaryText mediaTypeCode=\"application/pdf\"><!-- x -->!!!</doc:"
     "InspectionReportBinaryText><doc:InspectionReportBinaryText mediaTypeCode=\"application/pdf\"",
     "report file twice, first not base64"},
    {kReport, "<doc:InspectionReportDetails>",
     "<doc:InspectionReportDetails xmlns:doc=\"urn:other\">", "namespace redeclared inside"},
};

std::string Apply(const Mutation& m) {
  std::string text = ReadText(Examples() / m.file);
  const auto at = text.find(m.from);
  if (at == std::string::npos) return {};
  text.replace(at, std::string_view(m.from).size(), m.to);
  return text;
}

// The XSD of each example, as schemas/catalog.toml lists it.
std::string SchemaOf(std::string_view file) {
  const std::pair<std::string_view, const char*> schemas[] = {
      {kReport, "EEC_R_HC_MM_00_MedicalProductQmsInspectionDetails_v1.0.0.xsd"},
      {kNotice, "EEC_R_HC_MM_00_MedicalProductReleaseSuspensionDetails_v1.0.0.xsd"},
      {kRegister, "EEC_R_HC_MM_00_MedicalProductInspectingOrganizationDetails_v1.0.0.xsd"},
      {kSummary, "EEC_R_HC_MM_00_MedicalProductQmsInspectionSummaryDetails_v1.0.0.xsd"},
      {kRequest, "EEC_R_HC_MM_00_MedicalProductQmsInspectionSummaryRequestDetails_v1.0.0.xsd"},
      {kResult, "EEC_R_ProcessingResultDetails_v1.0.0.xsd"}};
  for (const auto& [name, schema] : schemas) {
    if (name == file) return (SourceDir() / "schemas" / schema).string();
  }
  return {};
}

struct Sample {
  std::string what;
  std::string schema;
  std::string text;
};

}  // namespace

TEST_CASE("the schema verdict equals xmllint --schema on a corpus of 40+ documents",
          "[xmllint][differential]") {
  REQUIRE(std::system("xmllint --version >/dev/null 2>&1") == 0);
  TempDir dir;
  std::vector<Sample> corpus;
  for (const char* file : {kReport, kNotice, kRegister, kSummary, kRequest, kResult}) {
    corpus.push_back({std::string("example ") + file, SchemaOf(file), ReadText(Examples() / file)});
  }
  for (const auto& m : kMutations) {
    std::string text = Apply(m);
    INFO(m.file << ": " << m.what);
    REQUIRE_FALSE(text.empty());  // the anchor of the mutation is in the example
    corpus.push_back({std::string(m.file) + ": " + m.what, SchemaOf(m.file), std::move(text)});
  }
  REQUIRE(corpus.size() >= 40);

  int valid = 0, invalid = 0;
  for (size_t i = 0; i < corpus.size(); ++i) {
    const auto& sample = corpus[i];
    INFO(sample.what);
    const auto path = dir / ("doc" + std::to_string(i) + ".xml");
    WriteText(path, sample.text);
    const auto lint = RunCommand(
        "xmllint --noout --nonet --schema " + sample.schema + " " + path.string(), dir.path());
    INFO("xmllint: " << lint.err);
    REQUIRE((lint.exit_code == 0 || lint.exit_code == 1 || lint.exit_code == 3));

    auto v = TestValidator().Validate(sample.text, eaeu::validate::InputFormat::kXml, Context());
    bool schema_valid = v.verdict.status != eaeu::validate::Status::kUnusable;
    std::string ours;
    for (const auto& violation : v.verdict.violations) {
      if (violation.rule_id == "XSD" || violation.rule_id == "XML") schema_valid = false;
      ours += violation.rule_id + " " + violation.path + ": " + violation.message_en + "\n";
    }
    INFO("product: " << ours);
    CHECK(schema_valid == (lint.exit_code == 0));
    (schema_valid ? valid : invalid)++;
  }
  // Both kinds of verdict are represented in the corpus.
  CHECK(valid >= 8);
  CHECK(invalid >= 30);
}
