#pragma once
// The hardened XML parser: Xerces-C++ parses and validates in one pass against a grammar pool
// that is loaded once. No DOCTYPE (so no entities, no billion laughs, no XXE), no schema fetched
// from the document or the network, bounded size and depth.
//
// Threading: a GrammarPool is immutable after Load and shared by any number of threads; a
// SecureParser is used by one thread at a time.

#include <xercesc/util/XercesDefs.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/core/result.hpp"
#include "gateway/xml/schema_catalog.hpp"

XERCES_CPP_NAMESPACE_BEGIN
class DOMDocument;
class DOMElement;
XERCES_CPP_NAMESPACE_END

namespace eaeu::xml {

// Makes sure the Xerces runtime is initialised (once per process; never terminated).
void EnsureXercesInitialised();

struct ParserLimits {
  uint64_t max_document_bytes = 128ull << 20;  // the transport allows 100 MB a message
  uint32_t max_depth = 64;                     // element nesting
  uint32_t max_issues = 100;                   // schema issues reported per document
};

struct Position {
  int64_t line = 0;
  int64_t column = 0;
};

// A problem the parser found: not well-formed (fatal), or a schema violation.
struct XmlIssue {
  bool fatal = false;
  std::string code;  // "xml.malformed", "xml.doctype", "xml.limit", "xml.unknown-root", "xsd"
  std::string path;  // element path where known, e.g. /doc:Root/doc:X[2]
  Position position;
  std::string message;
};

// A parsed DOM with the source position of each element.
class ParsedDocument {
 public:
  ~ParsedDocument();
  ParsedDocument(const ParsedDocument&) = delete;
  ParsedDocument& operator=(const ParsedDocument&) = delete;

  XERCES_CPP_NAMESPACE::DOMDocument& dom() const { return *dom_; }
  const XERCES_CPP_NAMESPACE::DOMElement& root() const;
  // Line and column of the element at `path` (the codecs' path convention); {0,0} when unknown.
  Position PositionOf(std::string_view path, const model::DocumentCatalog& catalog) const;

 private:
  friend class SecureParser;
  ParsedDocument(XERCES_CPP_NAMESPACE::DOMDocument* dom, std::vector<Position> positions);

  XERCES_CPP_NAMESPACE::DOMDocument* dom_;
  std::vector<Position> positions_;  // by element, in document order
};

class GrammarPool {
 public:
  // Loads every XSD of the catalogue; imports resolve only to files in the catalogue's folder.
  static Result<std::shared_ptr<const GrammarPool>> Load(const SchemaCatalog& catalog);
  ~GrammarPool();
  GrammarPool(const GrammarPool&) = delete;
  GrammarPool& operator=(const GrammarPool&) = delete;

  const SchemaCatalog& catalog() const { return catalog_; }

 private:
  friend class SecureParser;
  struct Impl;
  GrammarPool(SchemaCatalog catalog, std::unique_ptr<Impl> impl);
  SchemaCatalog catalog_;
  std::unique_ptr<Impl> impl_;
};

struct ParseResult {
  std::unique_ptr<ParsedDocument> document;  // null when the input was not well-formed or refused
  std::vector<XmlIssue> issues;              // fatal issue first if any, then schema issues
  bool schema_valid() const { return document != nullptr && issues.empty(); }
};

class SecureParser {
 public:
  SecureParser(std::shared_ptr<const GrammarPool> pool, ParserLimits limits);
  ~SecureParser();
  SecureParser(const SecureParser&) = delete;
  SecureParser& operator=(const SecureParser&) = delete;

  // Parses and validates `bytes` (any encoding Xerces detects; UTF-8 by default).
  // `validate` = false parses for well-formedness only (used by the benchmark's baseline too).
  ParseResult Parse(std::string_view bytes, bool validate = true);
  // Well-formedness and the limits only, whatever the root (a SOAP envelope, a signal).
  ParseResult ParseAnyRoot(std::string_view bytes);

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace eaeu::xml
