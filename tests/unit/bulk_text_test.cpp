// Large base64 texts kept out of the schema validator (gateway/xml/bulk_text.hpp): the scan of the
// bytes finds an element's whole base64 content and nothing in markup; a document read with
// placeholders gives the same verdict, positions, model and canonical form as one read whole;
// what is not base64 is named by the schema check; and anything the parser does not check itself
// is read as it is.

#include <catch2/catch.hpp>

#include "codecs/model.hpp"
#include "gateway/xml/bulk_text.hpp"
#include "gateway/xml/exc_c14n.hpp"
#include "large_report.hpp"
#include "support.hpp"

namespace {

using namespace eaeu::test;
namespace xml = eaeu::xml;
namespace validate = eaeu::validate;
namespace model = eaeu::model;

std::string Canonical(const xml::Tree& tree) {
  std::string out;
  xml::CanonicaliseDocument(tree, xml::Tree::kNone, [&out](std::string_view s) { out += s; });
  return out;
}

validate::Validation Whole(const std::string& text) {
  return TestValidator().Validate(std::string_view(text), validate::InputFormat::kXml, Context());
}

validate::Validation InPlace(const std::string& text) {
  return TestValidator().Validate(std::make_shared<const std::string>(text),
                                  validate::InputFormat::kXml, Context());
}

// Whether the tree keeps the report file in the bytes (the placeholder path was taken).
bool KeptInSource(const xml::Tree& tree) {
  for (size_t i = 0; i < tree.node_count(); ++i) {
    if (tree.node(static_cast<xml::Tree::Index>(i)).in_source) return true;
  }
  return false;
}

std::string Describe(const validate::Verdict& v) {
  std::string out = std::string(validate::StatusName(v.status)) + "\n";
  for (const auto& x : v.violations) {
    out += x.rule_id + " " + x.path + " @" + std::to_string(x.position.line) + ":" +
           std::to_string(x.position.column) + " " + x.message_en.substr(0, 160) + "\n";
  }
  return out;
}

// The same findings at the same places (messages aside: the schema validator's and the parser's
// own words for a bad report file differ).
void CheckSameFindings(const validate::Verdict& a, const validate::Verdict& b) {
  INFO("whole:\n" << Describe(a) << "in place:\n" << Describe(b));
  REQUIRE(a.status == b.status);
  REQUIRE(a.violations.size() == b.violations.size());
  for (size_t i = 0; i < a.violations.size(); ++i) {
    CHECK(a.violations[i].rule_id == b.violations[i].rule_id);
    CHECK(a.violations[i].path == b.violations[i].path);
    CHECK(a.violations[i].position.line == b.violations[i].position.line);
    CHECK(a.violations[i].position.column == b.violations[i].position.column);
  }
}

const std::string& BigBase64() {
  static const std::string text = Base64Lines(60 * 1024);
  return text;
}

}  // namespace

TEST_CASE("the scan finds an element's whole base64 content and nothing inside markup",
          "[xml][bulk]") {
  const std::string& b64 = BigBase64();
  const std::string doc = "<r a='x>y'><e/><b>" + b64 + "</b><!-- <c>" + b64 + "</c> -->" +
                          "<d><![CDATA[" + b64 + "]]></d><?pi <e>" + b64 + "</e> ?>" + "<f>" + b64 +
                          "<g/></f><h>" + b64 + "&amp;</h><i>" + b64 + "<!-- --></i>" + "<j>\r\n" +
                          b64 + "\r\n  </j><k>short</k></r>";
  const auto found = xml::FindBulkTexts(doc, 16 * 1024);
  REQUIRE(found.size() == 2);
  // r 0, e 1, b 2, d 3, f 4, g 5, h 6, i 7, j 8
  CHECK(found[0].element == 2);
  CHECK(doc.substr(found[0].offset, found[0].size) == b64);
  CHECK(found[1].element == 8);
  CHECK(doc.substr(found[1].offset, found[1].size) == "\r\n" + b64 + "\r\n  ");
  const auto lines = std::count(b64.begin(), b64.end(), '\n');
  CHECK(found[0].placeholder == "AAAA" + std::string(static_cast<size_t>(lines), '\n'));
  CHECK(found[0].end_line == 1 + lines);
  CHECK(found[1].column_shift == 2);                          // "  " after the last line break
  CHECK(found[1].end_line == 1 + 7 * lines + 1 + lines + 1);  // seven copies before
  CHECK(found[0].base64_error.empty());                       // checked as base64 by the same scan
  const auto bad = xml::FindBulkTexts("<r><b>" + b64 + "AA=A</b></r>", 16 * 1024);
  REQUIRE(bad.size() == 1);
  CHECK_THAT(bad[0].base64_error, Catch::Contains("follows the padding"));

  SECTION("a DOCTYPE, markup that does not close and short texts give none") {
    CHECK(xml::FindBulkTexts("<!DOCTYPE r><r><b>" + b64 + "</b></r>", 16 * 1024).empty());
    CHECK(xml::FindBulkTexts("<r><b>" + b64 + "</b><c x='", 16 * 1024).empty());
    CHECK(xml::FindBulkTexts("<r><b>" + b64 + "</b></r>", b64.size() + 1).empty());
  }
}

TEST_CASE("a large report file is read where it stands: same verdict, model and canonical form",
          "[xml][bulk]") {
  for (const std::string_view line_break : {"\n", "\r\n"}) {
    DYNAMIC_SECTION("line breaks " << (line_break == "\n" ? "LF" : "CR LF")) {
      std::string text = WithReportFile(
          ExampleText(), "\n      " + Base64Lines(300 * 1024, line_break) + "\n    ");
      if (line_break == "\r\n") {
        std::string crlf;
        for (const char c : text) {
          if (c == '\n' && (crlf.empty() || crlf.back() != '\r')) crlf += '\r';
          crlf += c;
        }
        text = std::move(crlf);
      }
      const auto whole = Whole(text);
      const auto in_place = InPlace(text);
      INFO(Describe(in_place.verdict));
      REQUIRE(in_place.verdict.valid());
      REQUIRE(in_place.tree);
      CHECK(KeptInSource(*in_place.tree));
      CHECK_FALSE(KeptInSource(*whole.tree));
      CheckSameFindings(whole.verdict, in_place.verdict);
      CHECK(whole.verdict.notes == in_place.verdict.notes);  // IR-17 notes the file's size
      REQUIRE(in_place.document);
      const auto& file = *std::get<model::InspectionReport>(*in_place.document).report->report_file;
      CHECK(file.base64.in_buffer());
      CHECK(*whole.document == *in_place.document);
      CHECK(Canonical(*whole.tree) == Canonical(*in_place.tree));
      CHECK(Canonical(*in_place.tree) == XmllintExcC14n(text));
    }
  }
}

TEST_CASE("a large report file that is not base64 is named by the schema check", "[xml][bulk]") {
  const std::string b64 = BigBase64();
  struct Case {
    const char* what;
    std::string content;
    const char* reason;
  };
  const std::vector<Case> cases = {
      {"one character short", b64.substr(0, b64.size() - 1), "not a whole number of groups"},
      {"padding in the middle", "AB==" + b64, "follows the padding"},
      {"bits left over before the padding", b64 + "AB==", "bits that are not zero"},
  };
  for (const auto& c : cases) {
    DYNAMIC_SECTION(c.what) {
      const std::string text = WithReportFile(ExampleText(), c.content);
      const auto in_place = InPlace(text);
      REQUIRE(in_place.tree);
      CHECK(KeptInSource(*in_place.tree));
      CheckSameFindings(Whole(text).verdict, in_place.verdict);
      const auto& v = in_place.verdict.violations;
      const auto xsd = std::find_if(v.begin(), v.end(), [](const auto& x) {
        return x.rule_id == "XSD" && x.path.ends_with("/doc:InspectionReportBinaryText");
      });
      REQUIRE(xsd != v.end());
      CHECK_THAT(xsd->message_en,
                 Catch::Contains("not xs:base64Binary") && Catch::Contains(c.reason));
      CHECK(xsd->position.line > 0);
    }
  }
}

TEST_CASE("positions after a large report file are those of the bytes", "[xml][bulk]") {
  const std::string b64 = BigBase64();
  const std::string example = ExampleText();
  // An element the schema does not expect, right after the report file on the same line, and
  // a field after it that is not of its type.
  for (const std::string& content : {b64, "\n" + b64 + "\n  ", b64 + "\r\n"}) {
    std::string text = WithReportFile(example, content);
    const std::string end = "</doc:InspectionReportBinaryText>";
    text.insert(text.find(end) + end.size(), "<doc:Unexpected/>");
    const auto whole = Whole(text);
    const auto in_place = InPlace(text);
    REQUIRE(in_place.tree);
    CheckSameFindings(whole.verdict, in_place.verdict);
    CHECK(in_place.verdict.status == validate::Status::kInvalid);
  }
}

TEST_CASE("a long base64-like text of another type is read by the schema as it is", "[xml][bulk]") {
  // A name (a string with a length limit) made of 40 KB of base64 characters: the parser does not
  // check that type itself, so the document is read whole and the schema names the limit.
  std::string text = ExampleText();
  const std::string open = "<csdo:EDocId>";
  const auto at = text.find(open) + open.size();
  text.replace(at, text.find("</csdo:EDocId>") - at, BigBase64().substr(0, 40 * 1024));
  const auto whole = Whole(text);
  const auto in_place = InPlace(text);
  INFO(Describe(in_place.verdict));
  REQUIRE(in_place.tree);
  CHECK_FALSE(KeptInSource(*in_place.tree));
  CheckSameFindings(whole.verdict, in_place.verdict);
  CHECK(in_place.verdict.status == validate::Status::kInvalid);
}

TEST_CASE("base64 is checked in pieces as xs:base64Binary's lexical form", "[codecs][bulk]") {
  const auto scan = [](std::initializer_list<std::string_view> pieces) {
    model::Base64Scan s;
    for (const auto p : pieces) s.Feed(p);
    return s.Finish() ? std::optional<uint64_t>(s.decoded_size()) : std::nullopt;
  };
  CHECK(scan({}) == 0u);
  CHECK(scan({"JVBE", "Ri0x\n  Lg=="}) == 7u);
  CHECK(scan({"JV", "BE Ri 0x LjQ K"}) == 9u);
  CHECK(scan({"JVBERi0xLjR="}) == std::nullopt);  // 'R' leaves bits before '='
  CHECK(scan({"JVBERi0xLjM="}) == 8u);
  CHECK(scan({"JVBERi0xLh=="}) == std::nullopt);
  CHECK(scan({"JVBERi0xLg=", "="}) == 7u);
  CHECK(scan({"JVBE=Ri0"}) == std::nullopt);
  CHECK(scan({"J=BE"}) == std::nullopt);
  CHECK(scan({"JVBE$Ri0"}) == std::nullopt);
  model::Base64Scan bad;
  bad.Feed("JVBE\nRi$x");
  CHECK_FALSE(bad.Finish());
  CHECK(bad.error() == "'$' at character 7 is not a base64 character");
  CHECK(bad.foreign());
  // A byte outside base64 is looked for past a failure of the padding rules.
  model::Base64Scan padded;
  padded.Feed("JV==Ri0x");
  CHECK_FALSE(padded.foreign());
  padded.Feed("&lt;");
  CHECK(padded.foreign());
  CHECK_FALSE(padded.Finish());
  CHECK_THAT(padded.error(), Catch::Contains("follows the padding"));

  const auto shared = std::make_shared<const std::string>("<x>\n  JVBE\r\n  Ri0x\n</x>");
  const auto text = model::Base64Text::InBuffer(shared, 3, shared->size() - 7);
  CHECK(text.str() == "JVBERi0x");
  CHECK(text == model::Base64Text(std::string("JVBERi0x")));
  CHECK_FALSE(text.empty());
}
