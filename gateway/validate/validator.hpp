#pragma once
// The validator: a document in (XML or JSON bytes, or a model), a verdict out. XSD first, in the
// same pass as the parse; then every business rule of rules.md on the typed model.
//
// Threading: Validate may be called from any number of threads at once.

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "codecs/catalog.hpp"
#include "codecs/model.hpp"
#include "gateway/core/result.hpp"
#include "gateway/validate/code_lists.hpp"
#include "gateway/xml/parser.hpp"

namespace eaeu::calendar {
class Calendars;
}

namespace eaeu::validate {

enum class Severity { kError, kWarning };
std::string_view SeverityName(Severity s);

struct Violation {
  std::string rule_id;  // "IR-05", "XSD", "XML", "JSON"
  Severity severity = Severity::kError;
  std::string path;  // element path (or JSON key path for JSON input errors)
  xml::Position position;
  std::string message_en;
  std::string message_ru;
  std::string source;  // legal source of the rule, e.g. "T1 *.2.1–*.2.2"
};

enum class Status {
  kValid,     // no errors (warnings allowed)
  kInvalid,   // schema or rule errors
  kUnusable,  // not a document at all: malformed, refused, unknown kind, over a limit
};
std::string_view StatusName(Status s);

struct Verdict {
  Status status = Status::kUnusable;
  std::optional<model::DocumentKind> kind;
  std::string e_doc_id;  // when the header could be read
  std::vector<Violation> violations;
  std::vector<std::string> notes;  // what was not checked and why

  bool valid() const { return status == Status::kValid; }
  size_t ErrorCount() const;
  size_t WarningCount() const;
  bool Has(std::string_view rule_id) const;
};

// What the rules need besides the document.
struct RuleContext {
  Date today;                                 // IR-08, IO-02, IO-04 (from an injected clock)
  std::optional<std::string> sender_country;  // SN-02: the authenticated sender's member state
  // IR-13: the member states' calendars (the reporting state's counts); none: weekends only.
  std::shared_ptr<const calendar::Calendars> calendars;
  // SN-04: where a registration certificate stands in a member state by the notices the gateway
  // keeps: "02" suspended, "06" resumed, nullopt no notice of it. Empty: no history (SN-04 is not
  // checked, and the verdict's notes say so).
  std::function<Result<std::optional<std::string>>(std::string_view country,
                                                   std::string_view certificate)>
      certificate_status;
  // Whether that history goes back to the state's first notice; when it does not, a resumption
  // without a suspension in it is a warning (the suspension may predate the gateway).
  bool certificate_history_complete = true;
};

struct ValidatorSettings {
  std::filesystem::path schema_catalog;           // schemas/catalog.toml
  std::vector<std::filesystem::path> code_lists;  // folders of code lists (may be absent)
  xml::ParserLimits limits;
  uint64_t max_report_file_bytes = 20ull << 20;  // IR-17
};

enum class InputFormat { kAuto, kXml, kJson };

struct Validation {
  Verdict verdict;
  std::optional<model::Document> document;  // when it could be read
  std::unique_ptr<xml::Tree> tree;  // the validated document's tree (for the signer), XML or JSON
  std::unique_ptr<xml::ParsedDocument> dom;  // its DOM, when asked for (signature verification)
  bool from_json = false;
  std::string xml;  // the XML the document was turned into, when it did not come as XML

  // The XML text the tree was built from: `xml` when the validator wrote it, else the input.
  std::string_view Source(std::string_view input) const {
    return from_json ? std::string_view(xml) : input;
  }
};

class Validator {
 public:
  static Result<std::unique_ptr<Validator>> Create(const ValidatorSettings& settings);
  ~Validator();

  // Decodes, parses and validates. JSON is turned into XML once and that XML is validated. The
  // tree is always kept; the DOM when `keep` asks for it.
  Validation Validate(std::string_view bytes, InputFormat format, const RuleContext& context,
                      xml::Keep keep = {}) const;
  // The same for bytes the validation may keep: a report file in XML is neither copied nor handed
  // to the schema validator whole (SecureParser::Parse); the tree and the model keep the bytes
  // alive. The way for large documents.
  Validation Validate(std::shared_ptr<const std::string> bytes, InputFormat format,
                      const RuleContext& context, xml::Keep keep = {}) const;
  // Reads a document the gateway validated before (its journal's XML) without checking it again:
  // parsed for well-formedness only, read into the model, no rules.
  Result<model::Document> Read(std::string_view xml) const;
  // The same parse, keeping the tree: a document accepted before a restart, signed after it.
  Result<std::unique_ptr<xml::Tree>> ReadTree(std::string_view xml) const;
  // Both for bytes the tree and the model may keep: a report file stays where it is in them, and
  // never reaches Xerces (SecureParser::Parse). The way for a journal's document.
  Result<model::Document> Read(std::shared_ptr<const std::string> xml) const;
  Result<std::unique_ptr<xml::Tree>> ReadTree(std::shared_ptr<const std::string> xml) const;
  // Validates a document built elsewhere (CSV import, a codec): serialised once and validated.
  Validation ValidateModel(model::Document document, const RuleContext& context,
                           xml::Keep keep = {}) const;

  const model::DocumentCatalog& catalog() const;
  const CodeLists& code_lists() const;
  // The schemas, for parsers of other things (envelopes) that share them.
  std::shared_ptr<const xml::GrammarPool> grammar_pool() const;

 private:
  struct Impl;
  explicit Validator(std::unique_ptr<Impl> impl);
  Validation Validate(std::string_view bytes, std::shared_ptr<const std::string> shared,
                      InputFormat format, const RuleContext& context, xml::Keep keep) const;
  std::unique_ptr<Impl> impl_;
};

}  // namespace eaeu::validate
