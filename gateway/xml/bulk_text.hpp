#pragma once
// Large base64 texts kept out of the schema validator. A report file (T1 2.9, IR-17) may be tens
// of MB of base64; Xerces would hold it several times over (its UTF-16 buffer, the datatype's
// whitespace collapse, the decoded octets) only to say that it is base64. Before a parse, the
// document's bytes are scanned for elements whose whole content is a long run of base64
// characters and whitespace; the parser reads a short placeholder in their place (the same line
// breaks, so positions after it stay right), keeps the real text where it stands in the bytes,
// and checks it itself (gateway/xml/parser.cpp). The parser takes a run only when the element's
// schema type is xs:base64Binary with no facet; anything else is parsed again without
// placeholders.

#include <xercesc/util/XercesDefs.hpp>

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

XERCES_CPP_NAMESPACE_BEGIN
class InputSource;
XERCES_CPP_NAMESPACE_END

namespace eaeu::xml {

struct BulkText {
  uint32_t element = 0;  // the element's number in document order (the root is 0)
  size_t offset = 0;     // its whole content: [offset, offset + size) of the bytes
  size_t size = 0;
  std::string placeholder;   // what the parser reads instead: "AAAA" and the text's line breaks
  int64_t end_line = 0;      // the line the text ends on, counted as the parser counts
  int64_t column_shift = 0;  // how many more columns its last line has than the placeholder's
  // Why the text is not xs:base64Binary's lexical form; empty when it is. The scan that finds the
  // text checks it in the same pass.
  std::string base64_error;
};

// The elements of `utf8` (a document in UTF-8) whose whole content, between the `>` of the start
// tag and the `</` of the end tag, is at least `min_bytes` of base64 characters, '=' and
// whitespace, each checked as base64 on the way.
// Comments, CDATA sections and processing instructions are skipped; a document with a DOCTYPE,
// or whose markup does not close, has none.
std::vector<BulkText> FindBulkTexts(std::string_view utf8, size_t min_bytes);

// `bytes` as the parser reads them: each bulk text's placeholder in place of the text. Both must
// outlive the source and the parse.
std::unique_ptr<XERCES_CPP_NAMESPACE::InputSource> MakeSubstitutedSource(
    std::string_view bytes, std::span<const BulkText> texts);

}  // namespace eaeu::xml
