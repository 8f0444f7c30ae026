#include "gateway/xml/parser.hpp"

#include <utility>  // before any Boost or Xerces header that needs std::exchange

#include <xercesc/dom/DOM.hpp>
#include <xercesc/framework/LocalFileInputSource.hpp>
#include <xercesc/framework/MemBufInputSource.hpp>
#include <xercesc/framework/XMLGrammarPoolImpl.hpp>
#include <xercesc/internal/XMLScanner.hpp>
#include <xercesc/parsers/XercesDOMParser.hpp>
#include <xercesc/sax/ErrorHandler.hpp>
#include <xercesc/sax/Locator.hpp>
#include <xercesc/sax/SAXParseException.hpp>
#include <xercesc/util/PlatformUtils.hpp>
#include <xercesc/util/SecurityManager.hpp>
#include <xercesc/util/XMLEntityResolver.hpp>
#include <xercesc/util/XMLResourceIdentifier.hpp>
#include <xercesc/util/regx/RangeToken.hpp>
#include <xercesc/util/regx/RegularExpression.hpp>
#include <xercesc/util/regx/Token.hpp>
#include <xercesc/validators/common/Grammar.hpp>
#include <xercesc/validators/datatype/DatatypeValidatorFactory.hpp>
#include <xercesc/validators/datatype/ListDatatypeValidator.hpp>
#include <xercesc/validators/datatype/UnionDatatypeValidator.hpp>
#include <xercesc/validators/schema/ComplexTypeInfo.hpp>
#include <xercesc/validators/schema/SchemaAttDef.hpp>
#include <xercesc/validators/schema/SchemaGrammar.hpp>
#include <xercesc/validators/schema/SchemaSymbols.hpp>

#include <algorithm>
#include <cctype>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <unordered_set>

#include "codecs/xerces_text.hpp"
#include "gateway/xml/bulk_text.hpp"

namespace eaeu::xml {

using namespace xercesc;

void EnsureXercesInitialised() {
  static std::once_flag once;
  std::call_once(once, [] { XMLPlatformUtils::Initialize(); });
}

namespace {

// ===== Making a cached grammar safe to share =====
//
// A grammar in a locked pool is read by every parser at once, but Xerces still completes parts of
// it on first use, without a lock: a complex type's content model and attribute list, the compiled
// regular expression of a pattern facet (when the facet came from a base type), and the lookup map
// of each character class inside that expression. Two threads meeting one of them first both build
// it: one copy leaks, and the other thread may read a map that is allocated but not yet filled (a
// valid EDocId was refused by its pattern this way, one validation in a few hundred, when several
// workers met their first documents together). All of it is built here, once, before the pool is
// shared; the "threads" test holds this.

// These members of DatatypeValidator and RegularExpression are protected; a pointer to member
// formed through a derived class reaches them without changing Xerces.
struct PatternAccess : DatatypeValidator {
  static constexpr auto kFacets = &PatternAccess::getFacetsDefined;
  static constexpr auto kPattern = &PatternAccess::getPattern;
  static constexpr auto kRegex = &PatternAccess::getRegex;
  static constexpr auto kSetRegex = &PatternAccess::setRegex;
};
struct RegexAccess : RegularExpression {
  static constexpr auto kTokens = &RegexAccess::fTokenTree;
  static constexpr auto kFirstChar = &RegexAccess::fFirstChar;
};

// Builds the lookup map of every character class in a compiled expression.
void CompleteCharacterClasses(Token* token) {
  if (token == nullptr) return;
  const auto type = token->getTokenType();
  if (type == Token::T_RANGE || type == Token::T_NRANGE) {
    static_cast<RangeToken*>(token)->createMap();
  }
  for (XMLSize_t i = 0; i < token->size(); ++i) CompleteCharacterClasses(token->getChild(i));
}

class GrammarCompleter {
 public:
  void Complete(DatatypeValidator* dv) {
    if (dv == nullptr || !seen_.insert(dv).second) return;
    if (((dv->*PatternAccess::kFacets)() & DatatypeValidator::FACET_PATTERN) != 0) {
      if ((dv->*PatternAccess::kRegex)() == nullptr) {
        // As the validator itself would build it on first use.
        MemoryManager* mm = dv->getMemoryManager();
        (dv->*PatternAccess::kSetRegex)(new (mm) RegularExpression(
            (dv->*PatternAccess::kPattern)(), SchemaSymbols::fgRegEx_XOption, mm));
      }
      RegularExpression* regex = (dv->*PatternAccess::kRegex)();
      CompleteCharacterClasses(regex->*RegexAccess::kTokens);
      if (RangeToken* first = regex->*RegexAccess::kFirstChar) first->createMap();
    }
    Complete(dv->getBaseValidator());
    if (dv->getType() == DatatypeValidator::Union) {
      if (auto* members = static_cast<UnionDatatypeValidator*>(dv)->getMemberTypeValidators()) {
        for (XMLSize_t i = 0; i < members->size(); ++i) Complete(members->elementAt(i));
      }
    } else if (dv->getType() == DatatypeValidator::List) {
      Complete(static_cast<ListDatatypeValidator*>(dv)->getItemTypeDTV());
    }
  }
  void Complete(RefHashTableOf<DatatypeValidator>* registry) {
    if (registry == nullptr) return;
    RefHashTableOfEnumerator<DatatypeValidator> it(registry, false,
                                                   XMLPlatformUtils::fgMemoryManager);
    while (it.hasMoreElements()) Complete(&it.nextElement());
  }
  void Complete(ComplexTypeInfo& type) {
    (void)type.getContentModel();
    Complete(type.getDatatypeValidator());
    XMLAttDefList& attributes = type.getAttDefList();
    for (XMLSize_t i = 0; i < attributes.getAttDefCount(); ++i) {
      Complete(static_cast<SchemaAttDef&>(attributes.getAttDef(i)).getDatatypeValidator());
    }
  }
  void Complete(SchemaGrammar& grammar) {
    if (auto* types = grammar.getComplexTypeRegistry()) {
      RefHashTableOfEnumerator<ComplexTypeInfo> it(types, false, XMLPlatformUtils::fgMemoryManager);
      while (it.hasMoreElements()) Complete(it.nextElement());
    }
    if (auto* factory = grammar.getDatatypeRegistry()) {
      Complete(factory->getUserDefinedRegistry());
    }
    auto elements = grammar.getElemEnumerator();
    while (elements.hasMoreElements()) {
      const SchemaElementDecl& element = elements.nextElement();
      Complete(element.getDatatypeValidator());
    }
  }

 private:
  std::unordered_set<DatatypeValidator*> seen_;
};

void CompleteBeforeSharing(XMLGrammarPool& pool) {
  GrammarCompleter completer;
  completer.Complete(DatatypeValidatorFactory::getBuiltInRegistry());
  RefHashTableOfEnumerator<Grammar> grammars = pool.getGrammarEnumerator();
  while (grammars.hasMoreElements()) {
    Grammar& grammar = grammars.nextElement();
    if (grammar.getGrammarType() == Grammar::SchemaGrammarType) {
      completer.Complete(static_cast<SchemaGrammar&>(grammar));
    }
  }
}

// Thrown from the parser's callbacks to stop a parse that must not go on.
struct Refusal {
  std::string code;
  std::string message;
};

// Thrown from the parser's callbacks when a placeholder for a bulk text did not land where the
// scan of the bytes put it, or its element is not of a type the parser checks itself: the parse
// starts again without placeholders.
struct ParseAgain {};

std::u16string Wide(std::string_view s) {
  return ToUtf16(s);
}
const XMLCh* X(const std::u16string& s) {
  return reinterpret_cast<const XMLCh*>(s.c_str());
}

std::string StripFileScheme(std::string uri) {
  if (uri.rfind("file://", 0) == 0) uri.erase(0, 7);
  return uri;
}

bool HasNetworkScheme(std::string_view uri) {
  const auto colon = uri.find(':');
  if (colon == std::string_view::npos || colon < 2) return false;  // a path, or C: on Windows
  const auto scheme = uri.substr(0, colon);
  return scheme != "file";
}

// Resolves schema imports to files inside the schema folder; everything else is refused.
class LocalSchemaResolver final : public XMLEntityResolver {
 public:
  explicit LocalSchemaResolver(std::filesystem::path dir) : dir_(std::move(dir)) {}

  InputSource* resolveEntity(XMLResourceIdentifier* id) override {
    const std::string system = ToUtf8(id->getSystemId());
    if (system.empty() || HasNetworkScheme(system)) return nullptr;
    std::filesystem::path path = StripFileScheme(system);
    if (path.is_relative()) {
      const std::string base = StripFileScheme(ToUtf8(id->getBaseURI()));
      path = std::filesystem::path(base).parent_path() / path;
    }
    std::error_code ec;
    path = std::filesystem::weakly_canonical(path, ec);
    const auto rel = path.lexically_relative(dir_);
    if (ec || rel.empty() || *rel.begin() == "..") return nullptr;
    const std::u16string wide = Wide(path.string());
    return new LocalFileInputSource(X(wide));
  }

 private:
  std::filesystem::path dir_;
};

// Collects the errors of a grammar load.
class CollectingErrorHandler final : public ErrorHandler {
 public:
  void warning(const SAXParseException&) override {}
  void error(const SAXParseException& e) override { Add(e); }
  void fatalError(const SAXParseException& e) override { Add(e); }
  void resetErrors() override { errors.clear(); }

  std::vector<std::string> errors;

 private:
  void Add(const SAXParseException& e) {
    errors.push_back(ToUtf8(e.getSystemId()) + ":" + std::to_string(e.getLineNumber()) + ":" +
                     std::to_string(e.getColumnNumber()) + ": " + ToUtf8(e.getMessage()));
  }
};

}  // namespace

// ===== ParsedDocument =====

ParsedDocument::ParsedDocument(DOMDocument* dom) : dom_(dom) {}

ParsedDocument::~ParsedDocument() {
  if (dom_ != nullptr) dom_->release();
}

const DOMElement& ParsedDocument::root() const {
  return *dom_->getDocumentElement();
}

namespace {

// Whether `bytes` are UTF-8: no byte-order mark of another encoding, and an XML declaration, if
// any, that names none or UTF-8. Only then can the signer write into the bytes as they are.
bool IsUtf8Source(std::string_view bytes) {
  if (bytes.substr(0, 3) == "\xEF\xBB\xBF") bytes.remove_prefix(3);
  if (bytes.size() >= 2 &&
      (bytes[0] == '\0' || bytes[1] == '\0' || (bytes[0] == '\xFE' && bytes[1] == '\xFF') ||
       (bytes[0] == '\xFF' && bytes[1] == '\xFE'))) {
    return false;
  }
  if (bytes.substr(0, 5) != "<?xml") return true;
  const std::string_view decl = bytes.substr(0, bytes.find("?>"));
  const size_t at = decl.find("encoding");
  if (at == std::string_view::npos) return true;
  const size_t quote = decl.find_first_of("\"'", at);
  if (quote == std::string_view::npos) return false;
  const size_t end = decl.find(decl[quote], quote + 1);
  if (end == std::string_view::npos) return false;
  std::string name(decl.substr(quote + 1, end - quote - 1));
  for (char& c : name) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return name == "UTF-8" || name == "UTF8";
}

// Where the end tag of the root `name` starts in well-formed `bytes`: after it come only
// whitespace, comments and processing instructions, so it is found from the end. nullopt when
// what is found there is not that end tag (a processing instruction holding "<?", for one).
std::optional<size_t> RootEndTag(std::string_view bytes, std::string_view name) {
  const auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  size_t end = bytes.size();
  for (;;) {
    while (end > 0 && is_space(bytes[end - 1])) --end;
    const std::string_view head = bytes.substr(0, end);
    size_t start = std::string_view::npos;
    if (head.ends_with("-->")) {
      start = head.rfind("<!--");
    } else if (head.ends_with("?>")) {
      start = head.rfind("<?");
    } else {
      break;
    }
    if (start == std::string_view::npos) return std::nullopt;
    end = start;
  }
  if (end == 0 || bytes[end - 1] != '>') return std::nullopt;
  const size_t lt = bytes.rfind('<', end - 1);
  if (lt == std::string_view::npos) return std::nullopt;
  std::string_view tag = bytes.substr(lt, end - lt);  // "</name S? >"
  if (!tag.starts_with("</") || tag.substr(2, name.size()) != name) return std::nullopt;
  tag.remove_prefix(2 + name.size());
  tag.remove_suffix(1);
  for (const char c : tag) {
    if (!is_space(c)) return std::nullopt;
  }
  return lt;
}

}  // namespace

// ===== GrammarPool =====

struct GrammarPool::Impl {
  std::unique_ptr<XMLGrammarPoolImpl> pool;
};

GrammarPool::GrammarPool(SchemaCatalog catalog, std::unique_ptr<Impl> impl)
    : catalog_(std::move(catalog)), impl_(std::move(impl)) {}

GrammarPool::~GrammarPool() = default;

Result<std::shared_ptr<const GrammarPool>> GrammarPool::Load(const SchemaCatalog& catalog) {
  EnsureXercesInitialised();
  auto impl = std::make_unique<Impl>();
  impl->pool = std::make_unique<XMLGrammarPoolImpl>(XMLPlatformUtils::fgMemoryManager);
  {
    LocalSchemaResolver resolver(catalog.directory);
    CollectingErrorHandler errors;
    XercesDOMParser loader(nullptr, XMLPlatformUtils::fgMemoryManager, impl->pool.get());
    loader.setDoNamespaces(true);
    loader.setDoSchema(true);
    loader.setValidationSchemaFullChecking(true);
    loader.setHandleMultipleImports(true);
    loader.setDisableDefaultEntityResolution(true);
    loader.setXMLEntityResolver(&resolver);
    loader.setErrorHandler(&errors);
    loader.useCachedGrammarInParse(true);
    loader.cacheGrammarFromParse(true);
    for (const auto& schema : catalog.schemas) {
      const std::u16string path = Wide(schema.path.string());
      Grammar* grammar = nullptr;
      try {
        grammar = loader.loadGrammar(X(path), Grammar::SchemaGrammarType, true);
      } catch (const XMLException& e) {
        return MakeError("schema.load", schema.path.string(), ToUtf8(e.getMessage()));
      } catch (const DOMException& e) {
        return MakeError("schema.load", schema.path.string(), ToUtf8(e.getMessage()));
      }
      if (!errors.errors.empty()) {
        return MakeError("schema.load", schema.path.string(), errors.errors.front());
      }
      if (grammar == nullptr) {
        return MakeError("schema.load", schema.path.string(), "the schema could not be loaded");
      }
    }
  }
  CompleteBeforeSharing(*impl->pool);
  impl->pool->lockPool();
  return std::shared_ptr<const GrammarPool>(new GrammarPool(catalog, std::move(impl)));
}

// ===== SecureParser =====

// Xerces' DOM parser gives the scanner, the grammar pool and the security settings; its document
// callbacks are taken over here. Each builds the compact tree, and hands on to the DOM builder
// only when the parse keeps a DOM (Keep::dom): without one, no DOM node is made.
class SecureParser::Impl final : public XercesDOMParser, private ErrorHandler {
 public:
  Impl(std::shared_ptr<const GrammarPool> pool, ParserLimits limits)
      : XercesDOMParser(nullptr, XMLPlatformUtils::fgMemoryManager, pool->impl_->pool.get()),
        pool_(std::move(pool)),
        limits_(limits) {
    const auto& docs = pool_->catalog().documents;
    prefixes_ = {{docs.ccdo_ns, "ccdo"}, {docs.csdo_ns, "csdo"}, {docs.ds_ns, "ds"}};
    for (const auto& info : docs.documents) prefixes_.emplace_back(info.ns, "doc");
    security_.setEntityExpansionLimit(100);
    setSecurityManager(&security_);
    setDoNamespaces(true);
    setHandleMultipleImports(true);
    setLoadSchema(false);  // never follow xsi:schemaLocation
    setLoadExternalDTD(false);
    setSkipDTDValidation(true);
    setDisableDefaultEntityResolution(true);
    setCreateEntityReferenceNodes(false);
    setCreateCommentNodes(false);
    // The DOM keeps the document's text exactly as it came (whitespace between elements, values
    // not normalised by their schema types): signatures are made and verified over this DOM, so
    // it must canonicalise to what the bytes do.
    setIncludeIgnorableWhitespace(true);
    getScanner()->setNormalizeData(false);
    setExitOnFirstFatalError(true);
    setValidationConstraintFatal(false);
    useCachedGrammarInParse(true);
    cacheGrammarFromParse(false);
    setErrorHandler(this);
  }

  // `shared`, when given, holds `bytes`: the tree may keep bulk texts in it.
  ParseResult Run(std::string_view bytes, bool validate, Keep keep, bool any_root = false,
                  std::shared_ptr<const std::string> shared = nullptr) {
    ParseResult result;
    any_root_ = any_root;
    keep_ = keep;
    source_utf8_ = keep.tree && IsUtf8Source(bytes);
    bulk_.clear();
    next_bulk_ = 0;
    bulk_open_ = false;
    shifts_.clear();
    if (shared && keep.tree && !keep.dom && source_utf8_ && !any_root &&
        bytes.size() <= limits_.max_document_bytes) {
      bulk_ = FindBulkTexts(bytes, std::max<size_t>(limits_.bulk_text_min_bytes, 8));
    }
    // A copy: `shared` keeps the bytes alive through a parse started again without it.
    shared_ = bulk_.empty() ? nullptr : shared;
    tree_ = keep.tree ? std::make_unique<Tree>() : nullptr;
    if (tree_) {
      size_t kept = bytes.size();
      for (const BulkText& b : bulk_) kept -= b.size;
      tree_->Reserve(kept);
    }
    uris_.clear();
    issues_.clear();
    open_frames_ = 0;
    depth_ = 0;
    schema_issues_ = 0;
    if (bytes.size() > limits_.max_document_bytes) {
      result.issues.push_back(XmlIssue{true,
                                       "xml.limit",
                                       "",
                                       {},
                                       "the document is " + std::to_string(bytes.size()) +
                                           " bytes, over the limit of " +
                                           std::to_string(limits_.max_document_bytes)});
      return result;
    }
    setDoSchema(validate);
    setValidationScheme(validate ? Val_Always : Val_Never);
    MemBufInputSource whole(reinterpret_cast<const XMLByte*>(bytes.data()), bytes.size(),
                            "document", false);
    const auto substituted = bulk_.empty() ? nullptr : MakeSubstitutedSource(bytes, bulk_);
    bool fatal = false;
    try {
      if (substituted) {
        parse(*substituted);
      } else {
        parse(whole);
      }
    } catch (const ParseAgain&) {
      tree_.reset();
      resetDocumentPool();
      issues_.clear();
      return Run(bytes, validate, keep, any_root, nullptr);
    } catch (const Refusal& r) {
      issues_.insert(issues_.begin(), XmlIssue{true, r.code, CurrentPath(), position_, r.message});
      fatal = true;
    } catch (const XMLException& e) {
      issues_.insert(issues_.begin(),
                     XmlIssue{true, "xml.malformed", "", {}, ToUtf8(e.getMessage())});
      fatal = true;
    } catch (const DOMException& e) {
      issues_.insert(issues_.begin(),
                     XmlIssue{true, "xml.malformed", "", {}, ToUtf8(e.getMessage())});
      fatal = true;
    } catch (const std::length_error& e) {
      issues_.insert(issues_.begin(), XmlIssue{true, "xml.limit", "", {}, e.what()});
      fatal = true;
    }
    for (const auto& issue : issues_) fatal = fatal || issue.fatal;
    if (!fatal && next_bulk_ != bulk_.size()) {
      // The scan saw a text the parser did not meet as an element's content.
      tree_.reset();
      resetDocumentPool();
      issues_.clear();
      return Run(bytes, validate, keep, any_root, nullptr);
    }
    if (fatal) {
      // Schema messages about a document that could not be read only repeat the reason.
      std::erase_if(issues_, [](const XmlIssue& i) { return !i.fatal; });
    }
    const bool has_root =
        keep.tree ? tree_ != nullptr && tree_->root() != Tree::kNone
                  : getDocument() != nullptr && getDocument()->getDocumentElement() != nullptr;
    if (!fatal && !has_root) {
      issues_.push_back(XmlIssue{true, "xml.malformed", "", {}, "the document has no root"});
      fatal = true;
    }
    if (!fatal) {
      if (keep.dom) result.document.reset(new ParsedDocument(adoptDocument()));
      if (tree_ && source_utf8_) {
        if (auto at = RootEndTag(bytes, tree_->QualifiedName(tree_->root()))) {
          tree_->SetRootEndTag(*at);
        }
      }
      result.tree = std::move(tree_);
    }
    tree_.reset();
    shared_.reset();
    resetDocumentPool();
    // A fatal issue goes first, so that callers can report the reason the parse stopped.
    std::stable_partition(issues_.begin(), issues_.end(),
                          [](const XmlIssue& i) { return i.fatal; });
    result.issues = std::move(issues_);
    issues_ = {};
    return result;
  }

 private:
  struct Frame {
    std::string step;  // "ccdo:X[2]"
    std::vector<std::pair<std::string, int>> child_counts;
  };

  // The path of the element being read, e.g. /doc:Root/ccdo:X[2]/csdo:Y.
  std::string CurrentPath() const {
    std::string path;
    for (size_t i = 0; i < open_frames_; ++i) {
      path += '/';
      path += frames_[i].step;
    }
    return path;
  }

  std::string_view PrefixFor(const std::string& ns, const XMLCh* instance_prefix,
                             std::string& storage) const {
    for (const auto& [uri, prefix] : prefixes_) {
      if (uri == ns) return prefix;
    }
    storage = ToUtf8(instance_prefix);
    return storage;
  }

  void UpdatePosition() {
    if (const Locator* locator = getScanner()->getLocator()) {
      position_ = InBytes(static_cast<int64_t>(locator->getLineNumber()),
                          static_cast<int64_t>(locator->getColumnNumber()));
    }
  }

  // A position the scanner gives (in the bytes it read) as a position in the document's bytes:
  // on the line a bulk text ended, what follows it is further right by what the placeholder
  // left out.
  Position InBytes(int64_t line, int64_t column) const {
    for (const auto& [at, shift] : shifts_) {
      if (at == line) column += shift;
    }
    return Position{line, column};
  }

  // The element just opened in the tree is the next bulk text's: it is read as a placeholder
  // when its type is one the parser checks itself (xs:base64Binary without facets, no xsi
  // attribute that could change it).
  void OpenBulk(const XMLElementDecl& decl, const RefVectorOf<XMLAttr>& attrs, XMLSize_t attr_count,
                bool is_empty, bool validate) {
    if (is_empty) throw ParseAgain{};
    if (validate) {
      if (decl.getObjectType() != XMLElementDecl::Schema) throw ParseAgain{};
      const auto& schema_decl = static_cast<const SchemaElementDecl&>(decl);
      const ComplexTypeInfo* type = schema_decl.getComplexTypeInfo();
      DatatypeValidator* dv =
          type != nullptr ? type->getDatatypeValidator() : schema_decl.getDatatypeValidator();
      constexpr int kConstraining =
          DatatypeValidator::FACET_LENGTH | DatatypeValidator::FACET_MINLENGTH |
          DatatypeValidator::FACET_MAXLENGTH | DatatypeValidator::FACET_PATTERN |
          DatatypeValidator::FACET_ENUMERATION;
      if (dv == nullptr || dv->getType() != DatatypeValidator::Base64Binary ||
          ((dv->*PatternAccess::kFacets)() & kConstraining) != 0) {
        throw ParseAgain{};
      }
    }
    for (XMLSize_t i = 0; i < attr_count; ++i) {
      const XMLCh* uri = getScanner()->getURIText(attrs.elementAt(i)->getURIId());
      if (XMLString::equals(uri, SchemaSymbols::fgURI_XSI)) throw ParseAgain{};
    }
    bulk_open_ = true;
    bulk_read_ = 0;
    bulk_path_ = CurrentPath();
  }

  // The placeholder's characters, as they come.
  void ReadBulk(const XMLCh* chars, XMLSize_t length) {
    const std::string& expected = bulk_[next_bulk_].placeholder;
    for (XMLSize_t i = 0; i < length; ++i) {
      // Xerces hands CR LF and CR on as LF.
      size_t at = bulk_read_;
      if (at < expected.size() && expected[at] == '\r') {
        bulk_read_ += at + 1 < expected.size() && expected[at + 1] == '\n' ? 2 : 1;
        if (chars[i] != u'\n') throw ParseAgain{};
        continue;
      }
      if (at >= expected.size() || chars[i] != static_cast<XMLCh>(expected[at])) {
        throw ParseAgain{};
      }
      ++bulk_read_;
    }
  }

  // The bulk element's end: its text goes into the tree from the bytes, checked as base64.
  void CloseBulk(bool validate) {
    const BulkText& b = bulk_[next_bulk_];
    if (bulk_read_ != b.placeholder.size()) throw ParseAgain{};
    bulk_open_ = false;
    ++next_bulk_;
    shifts_.emplace_back(b.end_line, b.column_shift);
    tree_->AddSourceText(shared_, b.offset, b.size);
    // The scan that found the text checked it (bulk_text.hpp).
    if (validate && !b.base64_error.empty() && schema_issues_++ < limits_.max_issues) {
      UpdatePosition();  // where the schema validator names a value that is not of its type
      issues_.push_back(
          XmlIssue{false, "xsd", bulk_path_, position_,
                   "the content of the element is not xs:base64Binary: " + b.base64_error});
    }
  }

  void startElement(const XMLElementDecl& decl, const unsigned int url_id,
                    const XMLCh* const prefix, const RefVectorOf<XMLAttr>& attrs,
                    const XMLSize_t attr_count, const bool is_empty, const bool is_root) override {
    UpdatePosition();
    ns_.clear();
    AppendUtf8(ns_, getScanner()->getURIText(url_id));
    local_.clear();
    AppendUtf8(local_, decl.getBaseName());
    if (is_root && !any_root_ && pool_->catalog().documents.FindByRoot(ns_, local_) == nullptr) {
      throw Refusal{"xml.unknown-root", "unknown document root {" + ns_ + "}" + local_ +
                                            ": not one of the documents in the schema catalogue"};
    }
    if (++depth_ > limits_.max_depth) {
      throw Refusal{"xml.limit",
                    "elements nested deeper than " + std::to_string(limits_.max_depth) + " levels"};
    }
    // The element's step in the path issues name: its conventional prefix, and its number among
    // its like siblings. Frames are reused from parse to parse.
    std::string storage;
    const std::string_view step_prefix = PrefixFor(ns_, prefix, storage);
    if (open_frames_ == frames_.size()) frames_.emplace_back();
    Frame& frame = frames_[open_frames_];
    frame.step.assign(step_prefix);
    if (!frame.step.empty()) frame.step += ':';
    frame.step += local_;
    frame.child_counts.clear();
    int count = 1;
    if (open_frames_ > 0) {
      auto& counts = frames_[open_frames_ - 1].child_counts;
      auto it = std::find_if(counts.begin(), counts.end(),
                             [&](const auto& c) { return c.first == frame.step; });
      if (it == counts.end()) {
        counts.emplace_back(frame.step, 1);
      } else {
        count = ++it->second;
      }
    }
    if (count > 1) {
      frame.step += '[';
      frame.step += std::to_string(count);
      frame.step += ']';
    }
    ++open_frames_;
    if (bulk_open_) throw ParseAgain{};  // a bulk text's element has no children
    if (tree_) {
      const Tree::Index opened = AddToTree(url_id, prefix, attrs, attr_count);
      if (next_bulk_ < bulk_.size() &&
          tree_->node(opened).element_index == bulk_[next_bulk_].element) {
        OpenBulk(decl, attrs, attr_count, is_empty, getValidationScheme() != Val_Never);
      }
    }
    if (keep_.dom) {
      XercesDOMParser::startElement(decl, url_id, prefix, attrs, attr_count, is_empty, is_root);
    }
    if (is_empty) {
      if (tree_) tree_->CloseElement();
      --open_frames_;
      --depth_;
    }
  }

  void endElement(const XMLElementDecl& decl, const unsigned int url_id, const bool is_root,
                  const XMLCh* const prefix) override {
    if (keep_.dom) XercesDOMParser::endElement(decl, url_id, is_root, prefix);
    if (tree_) {
      if (bulk_open_) CloseBulk(getValidationScheme() != Val_Never);
      tree_->CloseElement();
    }
    if (open_frames_ > 0) --open_frames_;
    --depth_;
  }

  void docCharacters(const XMLCh* const chars, const XMLSize_t length, const bool cdata) override {
    if (bulk_open_) return ReadBulk(chars, length);
    if (tree_) tree_->AppendText(std::u16string_view(chars, length));
    if (keep_.dom) XercesDOMParser::docCharacters(chars, length, cdata);
  }

  void ignorableWhitespace(const XMLCh* const chars, const XMLSize_t length,
                           const bool cdata) override {
    if (bulk_open_) return ReadBulk(chars, length);
    if (tree_) tree_->AppendText(std::u16string_view(chars, length));
    if (keep_.dom) XercesDOMParser::ignorableWhitespace(chars, length, cdata);
  }

  void docPI(const XMLCh* const target, const XMLCh* const data) override {
    if (tree_) {
      const Tree::Span t = tree_->Store(std::u16string_view(target));
      tree_->AddInstruction(t, tree_->Store(std::u16string_view(data != nullptr ? data : u"")));
    }
    if (keep_.dom) XercesDOMParser::docPI(target, data);
  }

  void docComment(const XMLCh* const comment) override {
    if (keep_.dom) XercesDOMParser::docComment(comment);
  }

  Tree::Span UriSpan(unsigned int id) {
    for (const auto& [known, span] : uris_) {
      if (known == id) return span;
    }
    const XMLCh* uri = getScanner()->getURIText(id);
    const Tree::Span span = tree_->Store(std::u16string_view(uri != nullptr ? uri : u""));
    uris_.emplace_back(id, span);
    return span;
  }

  Tree::Index AddToTree(unsigned int url_id, const XMLCh* prefix, const RefVectorOf<XMLAttr>& attrs,
                        XMLSize_t attr_count) {
    const Tree::Span uri = UriSpan(url_id);
    const std::u16string_view element_prefix(prefix != nullptr ? prefix : u"");
    Tree::Span name = tree_->Store(element_prefix);
    const auto prefix_size = static_cast<uint16_t>(name.size);
    if (!element_prefix.empty()) name.size += tree_->Store(std::string_view(":")).size;
    name.size += tree_->Store(std::string_view(local_)).size;  // startElement made it UTF-8
    const Tree::Index opened = tree_->OpenElement(name, prefix_size, uri, position_);
    const unsigned int xmlns = getScanner()->getXMLNSNamespaceId();
    for (XMLSize_t i = 0; i < attr_count; ++i) {
      const XMLAttr& a = *attrs.elementAt(i);
      // Namespace declarations are not attributes of the infoset; defaulted values were not in
      // the bytes.
      const std::u16string_view attr_prefix(a.getPrefix() != nullptr ? a.getPrefix() : u"");
      if (a.getURIId() == xmlns || attr_prefix == u"xmlns" ||
          (attr_prefix.empty() && std::u16string_view(a.getName()) == u"xmlns") ||
          !a.getSpecified()) {
        continue;
      }
      Tree::Span qname = tree_->Store(attr_prefix);
      const auto attr_prefix_size = static_cast<uint16_t>(qname.size);
      if (!attr_prefix.empty()) qname.size += tree_->Store(std::string_view(":")).size;
      qname.size += tree_->Store(std::u16string_view(a.getName())).size;
      const Tree::Span attr_uri = attr_prefix.empty() ? Tree::Span{} : UriSpan(a.getURIId());
      tree_->AddAttribute(qname, attr_prefix_size, attr_uri,
                          tree_->Store(std::u16string_view(a.getValue())));
    }
    return opened;
  }

  void doctypeDecl(const DTDElementDecl&, const XMLCh* const, const XMLCh* const, const bool,
                   const bool) override {
    UpdatePosition();
    throw Refusal{"xml.doctype",
                  "a DOCTYPE declaration is not allowed (no DTDs, no entities, no external "
                  "references)"};
  }

  // ErrorHandler
  void warning(const SAXParseException&) override {}
  void error(const SAXParseException& e) override {
    if (schema_issues_++ >= limits_.max_issues) return;
    issues_.push_back(XmlIssue{
        false, "xsd", CurrentPath(),
        InBytes(static_cast<int64_t>(e.getLineNumber()), static_cast<int64_t>(e.getColumnNumber())),
        ToUtf8(e.getMessage())});
  }
  void fatalError(const SAXParseException& e) override {
    issues_.push_back(XmlIssue{
        true, "xml.malformed", CurrentPath(),
        InBytes(static_cast<int64_t>(e.getLineNumber()), static_cast<int64_t>(e.getColumnNumber())),
        ToUtf8(e.getMessage())});
  }
  void resetErrors() override {}

  std::shared_ptr<const GrammarPool> pool_;
  ParserLimits limits_;
  SecurityManager security_;
  std::vector<std::pair<std::string, std::string>> prefixes_;
  std::vector<XmlIssue> issues_;
  Keep keep_;
  bool source_utf8_ = false;
  std::unique_ptr<Tree> tree_;
  std::vector<std::pair<unsigned int, Tree::Span>> uris_;
  std::vector<Frame> frames_;  // frames_[0, open_frames_) are the open elements
  size_t open_frames_ = 0;
  std::string ns_;     // the element being started: its namespace URI
  std::string local_;  // and its local name
  Position position_;
  uint32_t depth_ = 0;
  bool any_root_ = false;  // this parse takes any root (an envelope), not only the catalogue's
  uint32_t schema_issues_ = 0;
  // Bulk texts (gateway/xml/bulk_text.hpp): those the scan found, the next one to meet, whether
  // its element is open and how much of its placeholder came; the line and column shifts of
  // those passed; the bytes that hold them.
  std::vector<BulkText> bulk_;
  size_t next_bulk_ = 0;
  bool bulk_open_ = false;
  size_t bulk_read_ = 0;
  std::string bulk_path_;
  std::vector<std::pair<int64_t, int64_t>> shifts_;
  std::shared_ptr<const std::string> shared_;
};

SecureParser::SecureParser(std::shared_ptr<const GrammarPool> pool, ParserLimits limits)
    : impl_(std::make_unique<Impl>(std::move(pool), limits)) {}

SecureParser::~SecureParser() = default;

ParseResult SecureParser::Parse(std::string_view bytes, bool validate, Keep keep) {
  return impl_->Run(bytes, validate, keep);
}

ParseResult SecureParser::Parse(std::shared_ptr<const std::string> bytes, bool validate,
                                Keep keep) {
  if (!bytes) return impl_->Run({}, validate, keep);
  const std::string_view view(*bytes);
  return impl_->Run(view, validate, keep, false, std::move(bytes));
}

ParseResult SecureParser::ParseAnyRoot(std::string_view bytes, Keep keep) {
  return impl_->Run(bytes, false, keep, true);
}

}  // namespace eaeu::xml
