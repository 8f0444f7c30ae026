#include "codecs/model.hpp"

#include <array>

#include "codecs/catalog.hpp"

namespace eaeu::model {
namespace {
constexpr std::array<std::string_view, kDocumentKindCount> kKindNames = {
    "inspection-report", "suspension-notice", "register-entry",
    "summary-report",    "summary-request",   "processing-result",
};
}  // namespace

const EDocHeader& HeaderOf(const Document& d) {
  return std::visit([](const auto& doc) -> const EDocHeader& { return doc.header; }, d);
}

EDocHeader& HeaderOf(Document& d) {
  return std::visit([](auto& doc) -> EDocHeader& { return doc.header; }, d);
}

std::string_view KindName(DocumentKind kind) {
  return kKindNames[static_cast<size_t>(kind)];
}

std::optional<DocumentKind> KindFromName(std::string_view name) {
  for (size_t i = 0; i < kKindNames.size(); ++i) {
    if (kKindNames[i] == name) return static_cast<DocumentKind>(i);
  }
  return std::nullopt;
}

const DocumentInfo* DocumentCatalog::FindByRoot(std::string_view ns, std::string_view local) const {
  for (const auto& info : documents) {
    if (info.ns == ns && info.root == local) return &info;
  }
  return nullptr;
}

const DocumentInfo* DocumentCatalog::FindByStructure(std::string_view structure_code) const {
  for (const auto& info : documents) {
    if (info.structure_code == structure_code) return &info;
  }
  return nullptr;
}

const std::string& DocumentCatalog::NamespaceOf(Ns ns, DocumentKind kind) const {
  switch (ns) {
    case Ns::kCcdo:
      return ccdo_ns;
    case Ns::kCsdo:
      return csdo_ns;
    case Ns::kDoc:
      break;
  }
  return Info(kind).ns;
}

std::string_view DocumentCatalog::Prefix(Ns ns) {
  switch (ns) {
    case Ns::kCcdo:
      return "ccdo";
    case Ns::kCsdo:
      return "csdo";
    case Ns::kDoc:
      break;
  }
  return "doc";
}

}  // namespace eaeu::model

namespace eaeu::model {

std::string NormaliseRiskClass(std::string value) {
  if (value == "2\xD0\xB0") return "2a";  // 2 + U+0430
  if (value == "2\xD0\xB1") return "2b";  // 2 + U+0431
  return value;
}

std::string PathStep(Ns ns, std::string_view local_name, int index) {
  std::string step(DocumentCatalog::Prefix(ns));
  step += ':';
  step += local_name;
  if (index >= 0) {
    step += '[';
    step += std::to_string(index + 1);
    step += ']';
  }
  return step;
}

}  // namespace eaeu::model
