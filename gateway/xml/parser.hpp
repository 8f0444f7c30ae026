#pragma once
// The hardened XML parser: Xerces-C++ parses and validates in one pass against a grammar pool
// that is loaded once, and the same pass builds the document's compact tree (codecs/xml_tree.hpp)
// and, where a caller asks for one, a DOM. No DOCTYPE (so no entities, no billion laughs, no XXE),
// no schema fetched from the document or the network, bounded size and depth.
//
// Threading: a GrammarPool is immutable after Load and shared by any number of threads; a
// SecureParser is used by one thread at a time.

#include <xercesc/util/XercesDefs.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "codecs/xml_tree.hpp"
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
  // A base64 text at least this long that is an element's whole content is checked by the
  // parser where it stands, not handed to the schema validator (Parse with shared bytes).
  size_t bulk_text_min_bytes = 16 * 1024;
};

// A problem the parser found: not well-formed (fatal), or a schema violation.
struct XmlIssue {
  bool fatal = false;
  std::string code;  // "xml.malformed", "xml.doctype", "xml.limit", "xml.unknown-root", "xsd"
  std::string path;  // element path where known, e.g. /doc:Root/doc:X[2]
  Position position;
  std::string message;
};

// A parsed Xerces DOM: what Santuario's signature verification and the envelope reader work on.
class ParsedDocument {
 public:
  ~ParsedDocument();
  ParsedDocument(const ParsedDocument&) = delete;
  ParsedDocument& operator=(const ParsedDocument&) = delete;

  XERCES_CPP_NAMESPACE::DOMDocument& dom() const { return *dom_; }
  const XERCES_CPP_NAMESPACE::DOMElement& root() const;

 private:
  friend class SecureParser;
  explicit ParsedDocument(XERCES_CPP_NAMESPACE::DOMDocument* dom);

  XERCES_CPP_NAMESPACE::DOMDocument* dom_;
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

// What a parse keeps: the compact tree (the validator's, the model's and the signer's), a Xerces
// DOM (signature verification, envelopes), or both.
struct Keep {
  bool tree = true;
  bool dom = false;
};

struct ParseResult {
  std::unique_ptr<Tree> tree;                // when kept; null when the input was refused
  std::unique_ptr<ParsedDocument> document;  // the DOM, when kept; null when refused
  std::vector<XmlIssue> issues;              // fatal issue first if any, then schema issues
  bool readable() const { return tree != nullptr || document != nullptr; }
  bool schema_valid() const { return readable() && issues.empty(); }
};

class SecureParser {
 public:
  SecureParser(std::shared_ptr<const GrammarPool> pool, ParserLimits limits);
  ~SecureParser();
  SecureParser(const SecureParser&) = delete;
  SecureParser& operator=(const SecureParser&) = delete;

  // Parses and validates `bytes` (any encoding Xerces detects; UTF-8 by default), in one pass
  // that builds what `keep` asks for. `validate` = false parses for well-formedness only (a
  // document validated before, and the benchmark's baseline).
  ParseResult Parse(std::string_view bytes, bool validate = true, Keep keep = {});
  // The same, for bytes the tree may keep: a long base64 text that is an element's whole content
  // (a report file) is not handed to Xerces nor copied into the tree. The tree keeps it where it
  // stands in `bytes` (Tree::source), and this parser checks it as xs:base64Binary itself
  // (gateway/xml/bulk_text.hpp). A parse that keeps a DOM reads every text as Parse does.
  ParseResult Parse(std::shared_ptr<const std::string> bytes, bool validate = true, Keep keep = {});
  // Well-formedness and the limits only, whatever the root (a SOAP envelope, a signal, a list).
  ParseResult ParseAnyRoot(std::string_view bytes, Keep keep = Keep{.tree = false, .dom = true});

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace eaeu::xml
