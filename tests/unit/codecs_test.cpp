// Round trips of the codecs: XML -> model -> XML keeps every value, JSON -> XML passes the schema,
// and the CSV import of the register builds valid register entries.

#include <xercesc/dom/DOM.hpp>

#include <catch2/catch.hpp>
#include <map>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>
#include "codecs/csv_register.hpp"
#include "codecs/json_codec.hpp"
#include "codecs/xerces_text.hpp"
#include "codecs/xml_writer.hpp"
#include "support.hpp"

namespace {

using eaeu::model::DocumentKind;
using eaeu::validate::InputFormat;
using namespace eaeu::test;
namespace xc = XERCES_CPP_NAMESPACE;

constexpr DocumentKind kAllKinds[] = {
    DocumentKind::kInspectionReport, DocumentKind::kSuspensionNotice,
    DocumentKind::kRegisterEntry,    DocumentKind::kSummaryReport,
    DocumentKind::kSummaryRequest,   DocumentKind::kProcessingResult};

std::string WithoutSpaces(std::string_view text) {
  std::string out;
  for (const char c : text) {
    if (c != ' ' && c != '\n' && c != '\r' && c != '\t') out += c;
  }
  return out;
}

// Every leaf value and attribute of a DOM, keyed by its path of qualified names and positions.
// Whitespace is dropped from values: the schema's types collapse it, and base64 ignores it.
void CollectLeaves(const xc::DOMElement& element, const std::string& path,
                   std::vector<std::pair<std::string, std::string>>& out) {
  const xc::DOMNamedNodeMap* attributes = element.getAttributes();
  for (XMLSize_t i = 0; attributes != nullptr && i < attributes->getLength(); ++i) {
    const auto* attribute = attributes->item(i);
    const std::string name = eaeu::xml::ToUtf8(attribute->getNodeName());
    if (name.rfind("xmlns", 0) == 0) continue;  // prefixes may be declared anywhere
    out.emplace_back(path + "/@" + name,
                     WithoutSpaces(eaeu::xml::ToUtf8(attribute->getNodeValue())));
  }
  std::map<std::string, int> seen;
  bool has_children = false;
  for (const xc::DOMElement* child = element.getFirstElementChild(); child != nullptr;
       child = child->getNextElementSibling()) {
    has_children = true;
    const std::string name = eaeu::xml::ToUtf8(child->getTagName());
    CollectLeaves(*child, path + "/" + name + "[" + std::to_string(++seen[name]) + "]", out);
  }
  if (!has_children) {
    out.emplace_back(path, WithoutSpaces(eaeu::xml::ToUtf8(element.getTextContent())));
  }
}

std::vector<std::pair<std::string, std::string>> Leaves(const eaeu::xml::ParsedDocument& doc) {
  std::vector<std::pair<std::string, std::string>> out;
  CollectLeaves(doc.root(), "", out);
  return out;
}

}  // namespace

TEST_CASE("A document validated before reads back into the same model without the schema",
          "[codecs][roundtrip]") {
  for (const auto kind : kAllKinds) {
    DYNAMIC_SECTION(eaeu::model::KindName(kind)) {
      const std::string original = ReadText(ExamplePath(kind));
      auto validated = TestValidator().Validate(original, InputFormat::kXml, Context());
      REQUIRE(validated.document.has_value());
      auto read = TestValidator().Read(original);
      REQUIRE(read.ok());
      CHECK(*read == *validated.document);
    }
  }
  auto broken = TestValidator().Read("<not-closed>");
  REQUIRE(!broken.ok());
  CHECK(broken.error().code == "document.unreadable");
}

TEST_CASE("XML -> model -> XML keeps every value of every example", "[codecs][roundtrip]") {
  for (const auto kind : kAllKinds) {
    DYNAMIC_SECTION(eaeu::model::KindName(kind)) {
      const std::string original = ReadText(ExamplePath(kind));
      auto first = TestValidator().Validate(original, InputFormat::kXml, Context(),
                                            eaeu::xml::Keep{.tree = true, .dom = true});
      REQUIRE(first.verdict.valid());
      REQUIRE(first.document.has_value());
      REQUIRE(first.dom != nullptr);

      const std::string written = eaeu::codec::WriteXml(*first.document, TestValidator().catalog());
      auto second = TestValidator().Validate(written, InputFormat::kXml, Context(),
                                             eaeu::xml::Keep{.tree = true, .dom = true});
      REQUIRE(second.verdict.valid());
      REQUIRE(second.document.has_value());

      CHECK(*second.document == *first.document);
      CHECK(Leaves(*second.dom) == Leaves(*first.dom));
      // Writing is a fixed point: the second generation is byte-identical to the first.
      CHECK(eaeu::codec::WriteXml(*second.document, TestValidator().catalog()) == written);
    }
  }
}

TEST_CASE("JSON -> model -> XML passes the schema for every example", "[codecs][roundtrip]") {
  for (const auto kind : kAllKinds) {
    DYNAMIC_SECTION(eaeu::model::KindName(kind)) {
      const auto document = Example(kind);
      const std::string json = eaeu::codec::WriteJson(document);

      auto read = eaeu::codec::ReadJson(json, TestValidator().catalog());
      REQUIRE(read.ok());
      CHECK(read.value() == document);

      auto verdict = TestValidator().Validate(json, InputFormat::kJson, Context());
      INFO(json.substr(0, 400));
      CHECK(verdict.verdict.valid());
      CHECK(verdict.from_json);
      REQUIRE(verdict.tree != nullptr);
      CHECK(verdict.verdict.kind == kind);
    }
  }
}

TEST_CASE("the JSON form follows documents.md", "[codecs][json]") {
  const auto json =
      nlohmann::json::parse(eaeu::codec::WriteJson(Example(DocumentKind::kInspectionReport)));
  // camelCase local names without prefixes
  CHECK(json["eDocHeader"]["eDocId"] == "3f2b8c1e-7d4a-4e9b-9c61-2a5d8e0f4b17");
  const auto& report = json["inspectionReportDetails"];
  // codes as strings, fixed code-list attributes as plain strings
  CHECK(report["inspectionReportKindCode"] == "02");
  CHECK(report["unifiedCountryCode"] == "RU");
  // an array for every element that may repeat
  const auto& site = report["inspectedManufacturerDetails"]["inspectionObjectDetails"][0]
                           ["siteInspectionDetails"][0];
  CHECK(site["inspectedMedicalProductGroupDetails"].is_array());
  // indicators as booleans
  CHECK(site["qmsConformityIndicator"] == true);
  // an embedded file as mediaType / fileName / base64
  CHECK(report["inspectionReportBinaryText"]["mediaType"] == "application/pdf");
  CHECK(report["inspectionReportBinaryText"]["fileName"] == "RU-IR-2026-0417.pdf");
  CHECK(report["inspectionReportBinaryText"]["base64"].get<std::string>().rfind("JVBER", 0) == 0);
}

TEST_CASE("JSON input errors name the key", "[codecs][json]") {
  auto json =
      nlohmann::json::parse(eaeu::codec::WriteJson(Example(DocumentKind::kSuspensionNotice)));
  const auto& catalog = TestValidator().catalog();

  SECTION("an unknown key") {
    json["unifiedAuthorityDetails"]["authorityNickname"] = "RZN";
    auto read = eaeu::codec::ReadJson(json.dump(), catalog);
    REQUIRE_FALSE(read.ok());
    CHECK(read.error().code == "json.unknown-key");
    CHECK(read.error().ToString().find("authorityNickname") != std::string::npos);
  }
  SECTION("a code written as a number") {
    json["registrationCertificateStatusCode"] = 2;
    auto read = eaeu::codec::ReadJson(json.dump(), catalog);
    REQUIRE_FALSE(read.ok());
    CHECK(read.error().where.find("registrationCertificateStatusCode") != std::string::npos);
  }
  SECTION("a missing required value") {
    json.erase("docId");
    auto read = eaeu::codec::ReadJson(json.dump(), catalog);
    REQUIRE_FALSE(read.ok());
    CHECK(read.error().ToString().find("docId") != std::string::npos);
  }
  SECTION("an impossible date") {
    json["docCreationDate"] = "2026-02-30";
    auto read = eaeu::codec::ReadJson(json.dump(), catalog);
    REQUIRE_FALSE(read.ok());
    CHECK(read.error().where.find("docCreationDate") != std::string::npos);
  }
  SECTION("a single object where an array is required") {
    json["medicalProductDetails"] = json["medicalProductDetails"][0];
    auto read = eaeu::codec::ReadJson(json.dump(), catalog);
    REQUIRE_FALSE(read.ok());
    CHECK(read.error().where.find("medicalProductDetails") != std::string::npos);
  }
  SECTION("through the validator, the verdict carries the key path under rule JSON") {
    json["unifiedAuthorityDetails"]["authorityNickname"] = "RZN";
    auto v = TestValidator().Validate(json.dump(), InputFormat::kJson, Context());
    CHECK(v.verdict.status == eaeu::validate::Status::kInvalid);
    REQUIRE(v.verdict.Has("JSON"));
    CHECK(v.verdict.violations[0].path.find("authorityNickname") != std::string::npos);
  }
}

TEST_CASE("risk classes written in Cyrillic are read as Latin", "[codecs][xml]") {
  std::string text = ReadText(ExamplePath(DocumentKind::kInspectionReport));
  const std::string latin = "<doc:MedicalProductRiskClassCode>2a<";
  const auto at = text.find(latin);
  REQUIRE(at != std::string::npos);
  text.replace(at, latin.size(), "<doc:MedicalProductRiskClassCode>2\xD0\xB0<");  // 2а
  auto v = TestValidator().Validate(text, InputFormat::kXml, Context());
  REQUIRE(v.verdict.valid());
  const auto& report = std::get<eaeu::model::InspectionReport>(*v.document);
  CHECK(report.application.manufacturer.sites[0].risk_class_codes[0] == "2a");
  CHECK(eaeu::codec::WriteXml(*v.document, TestValidator().catalog()).find(latin) !=
        std::string::npos);
}

TEST_CASE("the CSV import builds one valid register entry per organization", "[codecs][csv]") {
  int counter = 0;
  eaeu::codec::CsvImportOptions options;
  options.new_document_id = [&counter] {
    return "00000000-0000-4000-8000-00000000000" + std::to_string(++counter);
  };
  options.now = *eaeu::DateTime::Parse("2026-11-24T10:00:00");
  const std::string csv = ReadText(Examples() / "register-import.csv");
  auto entries = eaeu::codec::ReadRegisterCsv(csv, TestValidator().catalog(), options);
  REQUIRE(entries.ok());
  REQUIRE(entries.value().size() == 2);

  const auto& kz = entries.value()[0];
  CHECK(kz.header.e_doc_code == "R.HC.MM.00.003");
  CHECK(kz.header.e_doc_id == "00000000-0000-4000-8000-000000000001");
  CHECK(kz.organization.group_codes == std::vector<std::string>{"04.01", "04.02", "07.03"});
  REQUIRE(kz.inspectors.size() == 2);
  CHECK(kz.inspectors[1].staff_member == false);
  CHECK(kz.inspectors[1].experience[0].employer_type_code == "30");
  CHECK(kz.inspectors[0].training[0].doc_id == "CERT-KZ-2025-0711");
  CHECK(entries.value()[1].organization.authorization.country_code == "BY");
  CHECK_FALSE(entries.value()[1].organization.authorization.validity_date.has_value());

  for (const auto& entry : entries.value()) {
    auto v = TestValidator().ValidateModel(entry, Context());
    INFO(entry.organization.name);
    for (const auto& violation : v.verdict.violations) INFO(violation.message_en);
    CHECK(v.verdict.valid());
  }
}

TEST_CASE("CSV errors name the line and the column", "[codecs][csv]") {
  eaeu::codec::CsvImportOptions options;
  options.new_document_id = [] { return std::string("00000000-0000-4000-8000-000000000001"); };
  options.now = *eaeu::DateTime::Parse("2026-11-24T10:00:00");
  const auto& catalog = TestValidator().catalog();
  std::string csv = ReadText(Examples() / "register-import.csv");

  SECTION("an unknown column") {
    csv.replace(0, csv.find(','), "organisation_name");
    auto r = eaeu::codec::ReadRegisterCsv(csv, catalog, options);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == "csv.unknown-column");
    CHECK(r.error().message.find("organisation_name") != std::string::npos);
  }
  SECTION("a bad date on the third line") {
    const auto at = csv.find("2024-11-15");
    REQUIRE(at != std::string::npos);
    csv.replace(at, 10, "15.11.2024");
    auto r = eaeu::codec::ReadRegisterCsv(csv, catalog, options);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().where == "line 3, column attestation_date");
  }
  SECTION("an unterminated quote") {
    csv += "\"never closed,";
    auto r = eaeu::codec::ReadRegisterCsv(csv, catalog, options);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == "csv.malformed");
  }
  SECTION("rows of one organization that disagree") {
    const auto second_line = csv.find('\n') + 1;
    const auto third_line = csv.find('\n', second_line) + 1;
    const auto at = csv.find("178-ОД", third_line);
    REQUIRE(at != std::string::npos);
    csv.replace(at, std::string("178-ОД").size(), "179-ОД");
    auto r = eaeu::codec::ReadRegisterCsv(csv, catalog, options);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == "csv.inconsistent");
    CHECK(r.error().where == "line 3");
  }
  SECTION("binary junk") {
    const std::string junk("\x01\x02\x03\xff\xfe", 5);
    auto r = eaeu::codec::ReadRegisterCsv(junk, catalog, options);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == "csv.malformed");
  }
}

TEST_CASE("IsXmlText refuses what XML 1.0 cannot carry", "[codecs][json]") {
  CHECK(eaeu::codec::IsXmlText("Катетер «Б» 2б\t\n"));
  CHECK_FALSE(eaeu::codec::IsXmlText(std::string("a\0b", 3)));
  CHECK_FALSE(eaeu::codec::IsXmlText("\x1b[31m"));
  CHECK_FALSE(eaeu::codec::IsXmlText("\xC3"));          // truncated UTF-8
  CHECK_FALSE(eaeu::codec::IsXmlText("\xED\xA0\x80"));  // a surrogate
  CHECK_FALSE(eaeu::codec::IsXmlText("\xEF\xBF\xBE"));  // U+FFFE
}

TEST_CASE("UTF-8 to UTF-16 replaces what is not UTF-8", "[codecs]") {
  CHECK(eaeu::xml::ToUtf16("Шприц") == u"Шприц");
  CHECK(eaeu::xml::ToUtf16("\xF0\x9F\x98\x80") == u"\U0001F600");  // a surrogate pair
  CHECK(eaeu::xml::ToUtf16("a\xC0\xAF"
                           "b") == u"a\uFFFD\uFFFDb");       // overlong '/'
  CHECK(eaeu::xml::ToUtf16("\xE2\x82") == u"\uFFFD\uFFFD");  // truncated
  CHECK(eaeu::xml::ToUtf8(eaeu::xml::ToUtf16("Катетер 2б").c_str()) == "Катетер 2б");
}
