// Hostile and broken input: each gets a clear verdict naming what is wrong, with no crash, no hang
// and nothing fetched from outside.

#include <catch2/catch.hpp>
#include <random>

#include <nlohmann/json.hpp>

#include "codecs/json_codec.hpp"
#include "support.hpp"

namespace {

using eaeu::model::DocumentKind;
using eaeu::validate::InputFormat;
using eaeu::validate::Status;
using namespace eaeu::test;

std::string AllMessages(const eaeu::validate::Verdict& verdict) {
  std::string out;
  for (const auto& v : verdict.violations) out += v.rule_id + ": " + v.message_en + "\n";
  return out;
}

bool Mentions(const eaeu::validate::Verdict& verdict, std::string_view text) {
  return AllMessages(verdict).find(text) != std::string::npos;
}

const char* const kRoot =
    "<doc:MedicalProductReleaseSuspensionDetails "
    "xmlns:doc=\"urn:EEC:R:HC:MM:00:MedicalProductReleaseSuspensionDetails:v1.0.0\">";

}  // namespace

TEST_CASE("malformed XML is unusable and the verdict names the line", "[hostile]") {
  std::string text = ReadText(ExamplePath(DocumentKind::kSuspensionNotice));
  const auto at = text.find("</csdo:DocId>");
  REQUIRE(at != std::string::npos);
  text.replace(at, 13, "</csdo:DocID>");
  auto v = TestValidator().Validate(text, InputFormat::kAuto, Context());
  CHECK(v.verdict.status == Status::kUnusable);
  REQUIRE(v.verdict.violations.size() == 1);
  CHECK(v.verdict.violations[0].rule_id == "XML");
  CHECK(v.verdict.violations[0].position.line == 13);
  CHECK_FALSE(v.document.has_value());
}

TEST_CASE("an unknown root, or a known root in another namespace, is refused", "[hostile]") {
  SECTION("an element no catalogue document has") {
    auto v =
        TestValidator().Validate("<doc:Invoice xmlns:doc=\"urn:EEC:R:HC:MM:00:Invoice:v1.0.0\"/>",
                                 InputFormat::kXml, Context());
    CHECK(v.verdict.status == Status::kUnusable);
    CHECK(Mentions(v.verdict, "Invoice"));
  }
  SECTION("the suspension root in the register's namespace") {
    auto v = TestValidator().Validate(
        "<doc:MedicalProductReleaseSuspensionDetails xmlns:doc=\"urn:EEC:R:HC:MM:00:"
        "MedicalProductInspectingOrganizationDetails:v1.0.0\"/>",
        InputFormat::kXml, Context());
    CHECK(v.verdict.status == Status::kUnusable);
    CHECK(Mentions(v.verdict, "MedicalProductInspectingOrganizationDetails"));
  }
  SECTION("a root without a namespace") {
    auto v = TestValidator().Validate("<MedicalProductReleaseSuspensionDetails/>",
                                      InputFormat::kXml, Context());
    CHECK(v.verdict.status == Status::kUnusable);
  }
  SECTION("a known root with the wrong content is invalid, not unusable") {
    auto v = TestValidator().Validate(
        std::string(kRoot) + "</doc:MedicalProductReleaseSuspensionDetails>", InputFormat::kXml,
        Context());
    CHECK(v.verdict.status == Status::kInvalid);
    CHECK(v.verdict.Has("XSD"));
    CHECK(v.verdict.kind == DocumentKind::kSuspensionNotice);
  }
}

TEST_CASE("a billion-laughs document is refused before any expansion", "[hostile]") {
  std::string text = "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n<!ENTITY lol \"lol\">\n";
  for (int i = 1; i <= 9; ++i) {
    text += "<!ENTITY lol" + std::to_string(i) + " \"";
    for (int k = 0; k < 10; ++k)
      text += "&lol" + (i == 1 ? std::string() : std::to_string(i - 1)) + ";";
    text += "\">\n";
  }
  text += "]>\n<lolz>&lol9;</lolz>";
  auto v = TestValidator().Validate(text, InputFormat::kXml, Context());
  CHECK(v.verdict.status == Status::kUnusable);
  CHECK(Mentions(v.verdict, "DOCTYPE"));
}

TEST_CASE("external entities and external DTDs are never resolved", "[hostile]") {
  TempDir dir;
  const auto secret = dir / "secret.txt";
  WriteText(secret, "TOP-SECRET-VALUE");
  SECTION("an external general entity") {
    const std::string text = "<?xml version=\"1.0\"?>\n<!DOCTYPE d [<!ENTITY x SYSTEM \"file://" +
                             secret.string() + "\">]>\n" + kRoot +
                             "&x;</doc:MedicalProductReleaseSuspensionDetails>";
    auto v = TestValidator().Validate(text, InputFormat::kXml, Context());
    CHECK(v.verdict.status == Status::kUnusable);
    CHECK_FALSE(Mentions(v.verdict, "TOP-SECRET-VALUE"));
  }
  SECTION("an external DTD on the network") {
    const std::string text =
        "<?xml version=\"1.0\"?>\n<!DOCTYPE d SYSTEM \"http://127.0.0.1:9/evil.dtd\">\n" +
        std::string(kRoot) + "</doc:MedicalProductReleaseSuspensionDetails>";
    auto v = TestValidator().Validate(text, InputFormat::kXml, Context());
    CHECK(v.verdict.status == Status::kUnusable);
    CHECK(Mentions(v.verdict, "DOCTYPE"));
  }
  SECTION("a parameter entity") {
    const std::string text = "<?xml version=\"1.0\"?>\n<!DOCTYPE d [<!ENTITY % p SYSTEM \"file://" +
                             secret.string() + "\"> %p;]>\n<d/>";
    auto v = TestValidator().Validate(text, InputFormat::kXml, Context());
    CHECK(v.verdict.status == Status::kUnusable);
  }
}

TEST_CASE("a schema location in the document is ignored: the catalogue decides", "[hostile]") {
  TempDir dir;
  // A permissive schema the document asks for; if it were loaded, the broken document would pass.
  WriteText(dir / "lax.xsd",
            "<xs:schema xmlns:xs=\"http://www.w3.org/2001/XMLSchema\" targetNamespace=\"urn:EEC:R:"
            "HC:MM:00:MedicalProductReleaseSuspensionDetails:v1.0.0\"><xs:element "
            "name=\"MedicalProductReleaseSuspensionDetails\"/></xs:schema>");
  const std::string text =
      std::string(
          "<doc:MedicalProductReleaseSuspensionDetails "
          "xmlns:doc=\"urn:EEC:R:HC:MM:00:MedicalProductReleaseSuspensionDetails:v1.0.0\" "
          "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:schemaLocation=\"urn:EEC:R:"
          "HC:MM:00:MedicalProductReleaseSuspensionDetails:v1.0.0 file://") +
      (dir / "lax.xsd").string() + "\"><junk/></doc:MedicalProductReleaseSuspensionDetails>";
  auto v = TestValidator().Validate(text, InputFormat::kXml, Context());
  CHECK(v.verdict.status == Status::kInvalid);
  CHECK(v.verdict.Has("XSD"));
}

TEST_CASE("size and depth limits hold, and are configurable", "[hostile]") {
  SECTION("a document over the size limit is refused before it is parsed") {
    auto settings = Settings(false);
    settings.limits.max_document_bytes = 4096;
    auto small = eaeu::validate::Validator::Create(settings);
    REQUIRE(small.ok());
    const std::string text = ReadText(ExamplePath(DocumentKind::kInspectionReport));
    REQUIRE(text.size() > 4096);
    auto v = small.value()->Validate(text, InputFormat::kAuto, Context());
    CHECK(v.verdict.status == Status::kUnusable);
    CHECK(Mentions(v.verdict, "over the limit of 4096"));
  }
  SECTION("nesting 100,000 deep") {
    std::string text(kRoot);
    for (int i = 0; i < 100000; ++i) text += "<a>";
    auto v = TestValidator().Validate(text, InputFormat::kXml, Context());
    CHECK(v.verdict.status == Status::kUnusable);
    CHECK(Mentions(v.verdict, "nested deeper than"));
  }
  SECTION("a lower depth limit") {
    auto settings = Settings(false);
    settings.limits.max_depth = 4;
    auto shallow = eaeu::validate::Validator::Create(settings);
    REQUIRE(shallow.ok());
    auto v = shallow.value()->Validate(ReadText(ExamplePath(DocumentKind::kSuspensionNotice)),
                                       InputFormat::kXml, Context());
    CHECK(v.verdict.status == Status::kUnusable);
    CHECK(Mentions(v.verdict, "nested deeper than"));
  }
  SECTION("JSON nested 100,000 deep") {
    const std::string text = std::string(100000, '[') + std::string(100000, ']');
    auto v = TestValidator().Validate(text, InputFormat::kJson, Context());
    CHECK(v.verdict.status == Status::kUnusable);
    CHECK(v.verdict.Has("JSON"));
  }
}

TEST_CASE("junk is neither XML nor JSON", "[hostile]") {
  for (const std::string& junk :
       {std::string("\x7f"
                    "ELF\x02\x01\x01\x00\x00\x00",
                    10),
        std::string(), std::string("   \n\t "), std::string("%PDF-1.7\n%\xe2\xe3\xcf\xd3"),
        std::string("\xff\xd8\xff\xe0", 4)}) {
    auto v = TestValidator().Validate(junk, InputFormat::kAuto, Context());
    CHECK(v.verdict.status == Status::kUnusable);
    CHECK(v.verdict.Has("INPUT"));
  }
}

TEST_CASE("JSON that is not a document gets an error naming why", "[hostile]") {
  SECTION("truncated") {
    auto v = TestValidator().Validate("{\"eDocHeader\": {", InputFormat::kAuto, Context());
    CHECK(v.verdict.status == Status::kUnusable);
    CHECK(v.verdict.Has("JSON"));
  }
  SECTION("an unknown structure code") {
    auto v = TestValidator().Validate(R"({"eDocHeader": {"eDocCode": "R.XX.99"}})",
                                      InputFormat::kAuto, Context());
    CHECK(v.verdict.status != Status::kValid);
    CHECK(Mentions(v.verdict, "R.XX.99"));
  }
  SECTION("a number of thousands of digits (found by fuzzing: it stopped the process)") {
    const std::string json =
        R"({"eDocHeader": {"eDocCode": "R.HC.MM.00.001"}, "x": 1)" + std::string(4000, '0') + "}";
    auto v = TestValidator().Validate(json, InputFormat::kJson, Context());
    CHECK(v.verdict.status == Status::kUnusable);
    REQUIRE(v.verdict.Has("JSON"));
    CHECK(Mentions(v.verdict, "number overflow"));
    CHECK(v.verdict.violations[0].message_en.size() < 300);
  }
  SECTION("a control character in a value") {
    auto json =
        nlohmann::json::parse(eaeu::codec::WriteJson(Example(DocumentKind::kSuspensionNotice)));
    json["docId"] = std::string("RZN\x01", 4);
    auto v = TestValidator().Validate(json.dump(), InputFormat::kJson, Context());
    CHECK(v.verdict.status == Status::kInvalid);
    REQUIRE(v.verdict.Has("JSON"));
    CHECK(v.verdict.violations[0].path == "docId");
    CHECK(Mentions(v.verdict, "control character"));
  }
}

TEST_CASE("random corruption of the examples never crashes the validator", "[hostile]") {
  std::mt19937 random(20261124);
  for (const auto kind : {DocumentKind::kInspectionReport, DocumentKind::kRegisterEntry,
                          DocumentKind::kSuspensionNotice}) {
    const std::string original = ReadText(ExamplePath(kind));
    std::uniform_int_distribution<size_t> where(0, original.size() - 1);
    std::uniform_int_distribution<int> byte(0, 255);
    int valid = 0;
    for (int round = 0; round < 150; ++round) {
      std::string text = original;
      const int edits = 1 + round % 4;
      for (int e = 0; e < edits; ++e) text[where(random)] = static_cast<char>(byte(random));
      auto v = TestValidator().Validate(text, InputFormat::kAuto, Context());
      if (v.verdict.valid()) {
        ++valid;
        CHECK(v.document.has_value());
      } else {
        CHECK_FALSE(v.verdict.violations.empty());
      }
    }
    CHECK(valid < 150);
  }
}
