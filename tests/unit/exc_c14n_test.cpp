// The gateway's streaming exclusive canonicaliser, of a DOM and of the compact tree, byte for byte
// against two independent ones:
// `xmllint --exc-c14n` (libxml2) and Santuario's XSECC14n20010315, on documents made to exercise
// namespaces, attribute order, escaping, PIs, comments, CDATA and non-ASCII text, and on every
// example document.

#include <xercesc/dom/DOM.hpp>
#include <xercesc/framework/MemBufInputSource.hpp>
#include <xercesc/parsers/XercesDOMParser.hpp>
#include <xsec/canon/XSECC14n20010315.hpp>

#include <catch2/catch.hpp>

#include "gateway/sign/detail/santuario.hpp"
#include "gateway/xml/exc_c14n.hpp"
#include "gateway/xml/parser.hpp"
#include "support.hpp"

namespace {

using namespace eaeu::test;
namespace detail = eaeu::sign::detail;
namespace xml = eaeu::xml;

std::string Ours(const xercesc::DOMDocument& doc) {
  std::string out;
  xml::CanonicaliseDocument(doc, nullptr, [&out](std::string_view s) { out += s; });
  return out;
}

// The same form from the compact tree the gateway's own parser builds.
std::string FromTree(const std::string& xml) {
  xml::SecureParser parser(TestValidator().grammar_pool(), {});
  auto parsed = parser.ParseAnyRoot(xml, xml::Keep{.tree = true, .dom = false});
  REQUIRE(parsed.tree);
  std::string out;
  xml::CanonicaliseDocument(*parsed.tree, xml::Tree::kNone,
                            [&out](std::string_view s) { out += s; });
  return out;
}

std::string Santuarios(xercesc::DOMDocument& doc) {
  XSECC14n20010315 c14n(&doc);
  c14n.setCommentsProcessing(false);
  c14n.setExclusive();
  std::string out;
  unsigned char buffer[4096];
  while (const auto n = c14n.outputBuffer(buffer, sizeof buffer)) {
    out.append(reinterpret_cast<const char*>(buffer), n);
  }
  return out;
}

struct Checkers {
  bool xmllint = true;    // xmllint --exc-c14n keeps comments: not for documents with comments
  bool santuario = true;  // Santuario renders a redundant xmlns="" (see below)
};

// Parses like the gateway's parser does (namespaces, every whitespace node), plus comments.
void CheckAllAgree(const std::string& xml, Checkers checkers = {}) {
  detail::EnsureSantuarioInitialised();
  xercesc::XercesDOMParser parser;
  parser.setDoNamespaces(true);
  parser.setCreateCommentNodes(true);
  parser.setIncludeIgnorableWhitespace(true);
  parser.setCreateEntityReferenceNodes(false);
  xercesc::MemBufInputSource source(reinterpret_cast<const XMLByte*>(xml.data()), xml.size(),
                                    "test", false);
  parser.parse(source);
  REQUIRE(parser.getDocument() != nullptr);
  REQUIRE(parser.getErrorCount() == 0);
  const std::string ours = Ours(*parser.getDocument());
  CHECK(FromTree(xml) == ours);
  if (checkers.xmllint) CHECK(ours == XmllintExcC14n(xml));
  if (checkers.santuario) CHECK(ours == Santuarios(*parser.getDocument()));
}

}  // namespace

TEST_CASE("exclusive c14n: namespaces", "[c14n]") {
  // A default namespace, undone by xmlns="" and declared again. Santuario 2.0 writes xmlns="" on
  // <d> as well, although its output parent <c> has already rendered it; exclusive c14n (and
  // libxml2, so xmlsec1) render it once.
  const std::string undone =
      "<r xmlns=\"urn:a\"><c xmlns=\"\"><d/><e xmlns=\"urn:a\"/></c><f/></r>";
  CheckAllAgree(undone, {.xmllint = true, .santuario = false});
  CHECK(XmllintExcC14n(undone) ==
        "<r xmlns=\"urn:a\"><c xmlns=\"\"><d></d><e xmlns=\"urn:a\"></e></c><f></f></r>");
  // Prefixes declared at the root but used deep down, unused ones, a prefix redeclared with another
  // URI, a superfluous redeclaration, prefixed attributes and xml:lang.
  CheckAllAgree(
      "<p:r xmlns:p=\"urn:p\" xmlns:q=\"urn:q\" xmlns:unused=\"urn:u\">"
      "<p:a q:x=\"1\" y=\"2\" xml:lang=\"ru\"><p:b xmlns:p=\"urn:p\"/>"
      "<p:c xmlns:p=\"urn:other\"><p:d/></p:c></p:a><q:e/><f/></p:r>");
  // Attribute order: no namespace first, then by namespace URI, then by local name.
  CheckAllAgree(
      "<r xmlns:b=\"urn:b\" xmlns:a=\"urn:a\" z=\"1\" b:y=\"2\" a:z=\"3\" a:a=\"4\" m=\"5\"/>");
}

TEST_CASE("exclusive c14n: escaping, PIs, comments, CDATA, non-ASCII", "[c14n]") {
  CheckAllAgree(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<?before data?>\n<!-- a comment -->\n"
      "<r a=\"tab&#9;lf&#10;cr&#13; amp&amp; lt&lt; quot&quot; gt> apos'\">"
      "text &amp; &lt; &gt; &#13; \"quoted\" 'apos'<![CDATA[ <cdata> & ]]>"
      "<!-- inside --><?inside?><e></e><f/>\n  \t</r>\n<!-- after -->\n<?after x?>\n",
      {.xmllint = false, .santuario = true});
  // Without the comments, xmllint too.
  CheckAllAgree(
      "<?before data?>\n<r a=\"&#9;&#10;&#13;&amp;&lt;&quot;>'\">&amp;&lt;&gt;&#13;\"'"
      "<![CDATA[ <cdata> & ]]><?inside?><e></e><f/>\n  \t</r>\n<?after x?>\n");
  CheckAllAgree("<r title=\"Проверка 😀\">Регистрационное удостоверение № РЗН 2020/123 — ✓ 😀</r>");
}

TEST_CASE("exclusive c14n: every example document", "[c14n]") {
  for (const auto& entry : std::filesystem::directory_iterator(Examples())) {
    if (entry.path().extension() != ".xml") continue;
    INFO(entry.path().filename().string());
    CheckAllAgree(ReadText(entry.path()));
  }
}
