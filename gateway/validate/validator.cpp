#include "gateway/validate/validator.hpp"

#include <algorithm>
#include <mutex>

#include "codecs/json_codec.hpp"
#include "codecs/xml_reader.hpp"
#include "codecs/xml_writer.hpp"
#include "gateway/validate/rules.hpp"

namespace eaeu::validate {

std::string_view SeverityName(Severity s) {
  return s == Severity::kError ? "error" : "warning";
}

std::string_view StatusName(Status s) {
  switch (s) {
    case Status::kValid:
      return "valid";
    case Status::kInvalid:
      return "invalid";
    case Status::kUnusable:
      break;
  }
  return "unusable";
}

size_t Verdict::ErrorCount() const {
  return static_cast<size_t>(std::count_if(violations.begin(), violations.end(), [](const auto& v) {
    return v.severity == Severity::kError;
  }));
}

size_t Verdict::WarningCount() const {
  return violations.size() - ErrorCount();
}

bool Verdict::Has(std::string_view rule_id) const {
  return std::any_of(violations.begin(), violations.end(),
                     [&](const auto& v) { return v.rule_id == rule_id; });
}

namespace {

Violation FromXmlIssue(const xml::XmlIssue& issue, bool with_position) {
  Violation v;
  v.rule_id = issue.code == "xsd" ? "XSD" : "XML";
  v.severity = Severity::kError;
  v.path = issue.path;
  if (with_position) v.position = issue.position;
  v.message_en = issue.message;
  v.message_ru =
      issue.code == "xsd" ? "Нарушение XML-схемы: " + issue.message
      : issue.code == "xml.doctype"
          ? "Объявление DOCTYPE не допускается (DTD, сущности и внешние ссылки запрещены)"
      : issue.code == "xml.unknown-root"
          ? "Неизвестный корневой элемент документа: " + issue.message
      : issue.code == "xml.limit" ? "Превышено ограничение: " + issue.message
                                  : "Документ не является корректным XML: " + issue.message;
  v.source = issue.code == "xsd" ? "XML schema" : "XML 1.0";
  return v;
}

Violation FromCodecError(const Error& e, std::string rule_id) {
  Violation v;
  v.rule_id = std::move(rule_id);
  v.path = e.where;
  v.message_en = e.message;
  v.message_ru =
      (v.rule_id == "JSON" ? "Ошибка в JSON-документе: " : "Ошибка структуры документа: ") +
      e.message;
  v.source = v.rule_id == "JSON" ? "documents.md (JSON form)" : "XML schema";
  return v;
}

InputFormat Detect(std::string_view bytes) {
  if (bytes.size() >= 2 &&
      ((bytes[0] == '\xFE' && bytes[1] == '\xFF') || (bytes[0] == '\xFF' && bytes[1] == '\xFE'))) {
    return InputFormat::kXml;  // UTF-16 with a byte-order mark
  }
  if (bytes.substr(0, 3) == "\xEF\xBB\xBF") bytes.remove_prefix(3);
  for (const char c : bytes) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') continue;
    if (c == '<') return InputFormat::kXml;
    if (c == '{') return InputFormat::kJson;
    break;
  }
  return InputFormat::kAuto;  // neither
}

// Which external lists matter to a kind of document.
std::vector<std::string_view> ListsFor(model::DocumentKind kind) {
  switch (kind) {
    case model::DocumentKind::kInspectionReport:
      return {kCountryList, kLegalFormList, kDeviceGroupList, kDeviceKindList};
    case model::DocumentKind::kSuspensionNotice:
      return {kCountryList, kLegalFormList};
    case model::DocumentKind::kRegisterEntry:
      return {kCountryList, kLegalFormList, kDeviceGroupList};
    case model::DocumentKind::kSummaryReport:
      return {kCountryList, kDeviceKindList, kCertificateStatusList};
    case model::DocumentKind::kSummaryRequest:
      return {kCountryList};
    case model::DocumentKind::kProcessingResult:
      break;
  }
  return {};
}

void Finish(Verdict& verdict) {
  if (verdict.status == Status::kUnusable) return;
  verdict.status = verdict.ErrorCount() > 0 ? Status::kInvalid : Status::kValid;
}

Result<std::unique_ptr<xml::Tree>> TreeOf(xml::ParseResult parsed) {
  if (parsed.tree == nullptr) {
    return MakeError("document.unreadable", "",
                     parsed.issues.empty() ? "not well-formed" : parsed.issues.front().message);
  }
  return std::move(parsed.tree);
}

}  // namespace

struct Validator::Impl {
  ValidatorSettings settings;
  std::shared_ptr<const xml::GrammarPool> pool;
  CodeLists lists;
  mutable std::mutex mutex;
  mutable std::vector<std::unique_ptr<xml::SecureParser>> idle;

  // A parser for this call; returned to the pool afterwards.
  struct Lease {
    const Impl& owner;
    std::unique_ptr<xml::SecureParser> parser;
    ~Lease() {
      std::lock_guard lock(owner.mutex);
      owner.idle.push_back(std::move(parser));
    }
  };
  Lease Acquire() const {
    {
      std::lock_guard lock(mutex);
      if (!idle.empty()) {
        auto parser = std::move(idle.back());
        idle.pop_back();
        return Lease{*this, std::move(parser)};
      }
    }
    return Lease{*this, std::make_unique<xml::SecureParser>(pool, settings.limits)};
  }

  const model::DocumentCatalog& catalog() const { return pool->catalog().documents; }

  void RunRules(const model::Document& document, const RuleContext& context, const xml::Tree* tree,
                Verdict& verdict) const {
    const auto kind = model::KindOf(document);
    RuleEnv env{context, lists, catalog(), settings.max_report_file_bytes, verdict.notes};
    for (const Rule& rule : AllRules()) {
      if (rule.kind && *rule.kind != kind) continue;
      Findings findings;
      rule.check(document, env, findings);
      for (auto& f : findings) {
        Violation v;
        v.rule_id = std::string(rule.id);
        v.severity = f.severity.value_or(rule.severity);
        if (tree != nullptr) v.position = tree->PositionOf(f.path, catalog());
        v.path = std::move(f.path);
        v.message_en = std::string(rule.message_en) + ": " + f.detail;
        v.message_ru = std::string(rule.message_ru) + ": " + f.detail;
        v.source = std::string(rule.source);
        verdict.violations.push_back(std::move(v));
      }
    }
    for (auto list : ListsFor(kind)) {
      if (!lists.Has(list)) {
        env.Note("code list " + CodeLists::Describe(list) +
                 " not loaded: its codes were checked by form only (" + CodeLists::WhatIsOff(list) +
                 ")");
      }
    }
  }

  // Parses and validates XML; reads the model from the tree. `from_json` hides positions in the
  // generated text, which the caller never saw. `shared`, when given, holds `bytes`, and the
  // tree and the model may keep a report file in it.
  Validation FromXml(std::string_view bytes, const RuleContext& context, bool from_json,
                     std::optional<model::Document> model_from_json, xml::Keep keep,
                     std::shared_ptr<const std::string> shared = nullptr) const {
    Validation out;
    out.from_json = from_json;
    keep.tree = true;
    auto lease = Acquire();
    xml::ParseResult parsed = shared ? lease.parser->Parse(std::move(shared), true, keep)
                                     : lease.parser->Parse(bytes, true, keep);
    for (const auto& issue : parsed.issues) {
      out.verdict.violations.push_back(FromXmlIssue(issue, !from_json));
    }
    if (parsed.tree == nullptr) {
      out.verdict.status = Status::kUnusable;
      return out;
    }
    const xml::Tree& tree = *parsed.tree;
    out.verdict.status = Status::kInvalid;  // settled by Finish
    const auto* info =
        catalog().FindByRoot(tree.NamespaceUri(tree.root()), tree.LocalName(tree.root()));
    if (info != nullptr) out.verdict.kind = info->kind;
    if (model_from_json) {
      out.document = std::move(model_from_json);
    } else {
      auto read = codec::ReadXml(tree, catalog());
      if (read) {
        out.document = std::move(read.value());
      } else if (parsed.issues.empty()) {
        out.verdict.violations.push_back(FromCodecError(read.error(), "XSD"));
      }
    }
    if (out.document) {
      out.verdict.e_doc_id = model::HeaderOf(*out.document).e_doc_id;
      RunRules(*out.document, context, from_json ? nullptr : &tree, out.verdict);
    } else {
      out.verdict.notes.push_back(
          "business rules not checked: the document does not follow the schema closely enough to "
          "be read");
    }
    out.tree = std::move(parsed.tree);
    out.dom = std::move(parsed.document);
    Finish(out.verdict);
    return out;
  }
};

Validator::Validator(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Validator::~Validator() = default;

Result<std::unique_ptr<Validator>> Validator::Create(const ValidatorSettings& settings) {
  auto catalog = xml::LoadSchemaCatalog(settings.schema_catalog);
  if (!catalog) return catalog.error();
  auto pool = xml::GrammarPool::Load(*catalog);
  if (!pool) return pool.error();
  auto lists = CodeLists::LoadDirectories(settings.code_lists);
  if (!lists) return lists.error();
  auto impl = std::make_unique<Impl>();
  impl->settings = settings;
  impl->pool = std::move(pool.value());
  impl->lists = std::move(lists.value());
  return std::unique_ptr<Validator>(new Validator(std::move(impl)));
}

Result<std::unique_ptr<xml::Tree>> Validator::ReadTree(std::string_view xml) const {
  auto lease = impl_->Acquire();
  return TreeOf(lease.parser->Parse(xml, /*validate=*/false));
}

Result<std::unique_ptr<xml::Tree>> Validator::ReadTree(
    std::shared_ptr<const std::string> xml) const {
  auto lease = impl_->Acquire();
  return TreeOf(lease.parser->Parse(std::move(xml), /*validate=*/false));
}

Result<model::Document> Validator::Read(std::string_view xml) const {
  auto tree = ReadTree(xml);
  if (!tree) return tree.error();
  return codec::ReadXml(**tree, impl_->catalog());
}

Result<model::Document> Validator::Read(std::shared_ptr<const std::string> xml) const {
  auto tree = ReadTree(std::move(xml));
  if (!tree) return tree.error();
  return codec::ReadXml(**tree, impl_->catalog());
}

Validation Validator::Validate(std::string_view bytes, InputFormat format,
                               const RuleContext& context, xml::Keep keep) const {
  return Validate(bytes, nullptr, format, context, keep);
}

Validation Validator::Validate(std::shared_ptr<const std::string> bytes, InputFormat format,
                               const RuleContext& context, xml::Keep keep) const {
  if (!bytes) bytes = std::make_shared<const std::string>();
  const std::string_view view(*bytes);
  return Validate(view, std::move(bytes), format, context, keep);
}

Validation Validator::Validate(std::string_view bytes, std::shared_ptr<const std::string> shared,
                               InputFormat format, const RuleContext& context,
                               xml::Keep keep) const {
  if (bytes.size() > impl_->settings.limits.max_document_bytes) {
    Validation out;
    out.verdict.violations.push_back(
        FromXmlIssue(xml::XmlIssue{true,
                                   "xml.limit",
                                   "",
                                   {},
                                   "the document is " + std::to_string(bytes.size()) +
                                       " bytes, over the limit of " +
                                       std::to_string(impl_->settings.limits.max_document_bytes)},
                     false));
    return out;
  }
  if (format == InputFormat::kAuto) format = Detect(bytes);
  if (format == InputFormat::kAuto) {
    Validation out;
    Violation v;
    v.rule_id = "INPUT";
    v.message_en = "the input is neither an XML nor a JSON document";
    v.message_ru = "Входные данные не являются ни XML-, ни JSON-документом";
    out.verdict.violations.push_back(std::move(v));
    return out;
  }
  if (format == InputFormat::kXml) {
    return impl_->FromXml(bytes, context, false, std::nullopt, keep, std::move(shared));
  }

  auto document = codec::ReadJson(bytes, impl_->catalog());
  if (!document) {
    Validation out;
    out.from_json = true;
    out.verdict.violations.push_back(FromCodecError(document.error(), "JSON"));
    // A JSON document with a wrong or missing value is invalid; one that cannot be read is not a
    // document at all.
    const auto& code = document.error().code;
    out.verdict.status =
        code == "json.model" || code == "json.unknown-key" ? Status::kInvalid : Status::kUnusable;
    return out;
  }
  return ValidateModel(std::move(document.value()), context, keep);
}

Validation Validator::ValidateModel(model::Document document, const RuleContext& context,
                                    xml::Keep keep) const {
  std::string xml = codec::WriteXml(document, impl_->catalog());
  Validation out = impl_->FromXml(xml, context, true, std::move(document), keep);
  out.xml = std::move(xml);
  return out;
}

std::shared_ptr<const xml::GrammarPool> Validator::grammar_pool() const {
  return impl_->pool;
}

const model::DocumentCatalog& Validator::catalog() const {
  return impl_->catalog();
}
const CodeLists& Validator::code_lists() const {
  return impl_->lists;
}

}  // namespace eaeu::validate
