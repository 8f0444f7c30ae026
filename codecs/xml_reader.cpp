#include "codecs/xml_reader.hpp"

#include <xercesc/dom/DOMAttr.hpp>
#include <xercesc/dom/DOMElement.hpp>
#include <xercesc/dom/DOMNode.hpp>

#include <optional>
#include <utility>

#include "codecs/fields.hpp"
#include "codecs/xerces_text.hpp"

namespace eaeu::codec {

using model::FieldOpts;
using model::Ns;
using xercesc::DOMElement;
using xercesc::DOMNode;

namespace {

const DOMElement* FirstChildElement(const DOMElement& parent) {
  for (const DOMNode* n = parent.getFirstChild(); n != nullptr; n = n->getNextSibling()) {
    if (n->getNodeType() == DOMNode::ELEMENT_NODE) return static_cast<const DOMElement*>(n);
  }
  return nullptr;
}

const DOMElement* NextSiblingElement(const DOMElement& element) {
  for (const DOMNode* n = element.getNextSibling(); n != nullptr; n = n->getNextSibling()) {
    if (n->getNodeType() == DOMNode::ELEMENT_NODE) return static_cast<const DOMElement*>(n);
  }
  return nullptr;
}

std::string QualifiedName(const DOMElement& e) {
  std::string out = xml::ToUtf8(e.getNamespaceURI());
  out = "{" + out + "}";
  xml::AppendUtf8(out, e.getLocalName() != nullptr ? e.getLocalName() : e.getTagName());
  return out;
}

class XmlReadVisitor {
 public:
  XmlReadVisitor(const DOMElement& parent, std::string path, const model::DocumentCatalog& catalog,
                 model::DocumentKind kind, std::optional<Error>& error)
      : cursor_(FirstChildElement(parent)),
        path_(std::move(path)),
        catalog_(catalog),
        kind_(kind),
        error_(error) {}

  template <class T>
  void operator()(Ns ns, const char* name, T& field, FieldOpts opts = {}) {
    if (error_) return;
    if constexpr (model::IsOptional<T>::value) {
      if (Matches(ns, name)) ReadNext(ns, name, field.emplace(), opts, -1);
    } else if constexpr (model::IsVector<T>::value) {
      int index = 0;
      while (!error_ && Matches(ns, name)) {
        ReadNext(ns, name, field.emplace_back(), opts, index++);
      }
    } else {
      if (!Matches(ns, name)) {
        Fail(path_, "missing element " + model::PathStep(ns, name) +
                        (cursor_ != nullptr ? " (found " + QualifiedName(*cursor_) + ")" : ""));
        return;
      }
      ReadNext(ns, name, field, opts, -1);
    }
  }

  const DOMElement* cursor() const { return cursor_; }
  const std::string& path() const { return path_; }

  void Fail(const std::string& where, std::string message) {
    if (!error_) error_ = MakeError("xml.model", where, std::move(message));
  }

 private:
  bool Matches(Ns ns, const char* name) const {
    return cursor_ != nullptr && xml::EqualsAscii(cursor_->getLocalName(), name) &&
           xml::EqualsAscii(cursor_->getNamespaceURI(), catalog_.NamespaceOf(ns, kind_));
  }

  template <class T>
  void ReadNext(Ns ns, const char* name, T& value, const FieldOpts& opts, int index) {
    const DOMElement& element = *cursor_;
    cursor_ = NextSiblingElement(element);
    Read(element, path_ + "/" + model::PathStep(ns, name, index), value, opts);
  }

  // Text content of a leaf element; an element child is an error.
  std::optional<std::string> RawText(const DOMElement& e, const std::string& where) {
    std::string text;
    for (const DOMNode* n = e.getFirstChild(); n != nullptr; n = n->getNextSibling()) {
      const auto type = n->getNodeType();
      if (type == DOMNode::TEXT_NODE || type == DOMNode::CDATA_SECTION_NODE) {
        xml::AppendUtf8(text, n->getNodeValue());
      } else if (type == DOMNode::ELEMENT_NODE) {
        Fail(where, "unexpected child element " +
                        QualifiedName(*static_cast<const DOMElement*>(n)) + " in a value");
        return std::nullopt;
      }
    }
    return text;
  }

  std::optional<std::string> Text(const DOMElement& e, const std::string& where) {
    auto raw = RawText(e, where);
    if (!raw) return std::nullopt;
    return xml::CollapseWhitespace(*raw);
  }

  std::optional<std::string> Attribute(const DOMElement& e, std::string_view name) {
    const std::u16string wide = xml::ToUtf16(name);
    const auto* attr = e.getAttributeNode(reinterpret_cast<const XMLCh*>(wide.c_str()));
    if (attr == nullptr) return std::nullopt;
    return xml::CollapseWhitespace(xml::ToUtf8(attr->getValue()));
  }

  void CheckCodeList(const DOMElement& e, const std::string& where, const FieldOpts& opts) {
    if (opts.code_list == nullptr) return;
    auto list = Attribute(e, "codeListId");
    if (!list || *list != opts.code_list) {
      Fail(where, std::string("attribute codeListId must be \"") + opts.code_list + "\"");
    }
  }

  void Read(const DOMElement& e, const std::string& where, std::string& value,
            const FieldOpts& opts) {
    auto text = Text(e, where);
    if (!text) return;
    CheckCodeList(e, where, opts);
    value = opts.risk_class ? model::NormaliseRiskClass(std::move(*text)) : std::move(*text);
  }

  template <class T>
  void ReadParsed(const DOMElement& e, const std::string& where, T& value) {
    auto text = Text(e, where);
    if (!text) return;
    auto parsed = T::Parse(*text);
    if (!parsed) {
      Fail(where, "\"" + *text + "\" is not " + T::kForm);
      return;
    }
    value = *parsed;
  }
  // Dates, times, years and decimals: their own Parse, with their form in the error.
  template <class T>
  requires requires { T::kForm; }
  void Read(const DOMElement& e, const std::string& w, T& v, const FieldOpts&) {
    ReadParsed(e, w, v);
  }
  void Read(const DOMElement& e, const std::string& where, bool& value, const FieldOpts&) {
    auto text = Text(e, where);
    if (!text) return;
    if (*text == "1") {
      value = true;
    } else if (*text == "0") {
      value = false;
    } else {
      Fail(where, "\"" + *text + "\" is not an indicator (1 or 0)");
    }
  }
  void Read(const DOMElement& e, const std::string& where, model::BinaryFile& value,
            const FieldOpts&) {
    auto raw = RawText(e, where);
    if (!raw) return;
    value.base64.clear();
    value.base64.reserve(raw->size());
    for (const char c : *raw) {
      if (c != ' ' && c != '\t' && c != '\r' && c != '\n') value.base64 += c;
    }
    auto media = Attribute(e, "mediaTypeCode");
    if (!media) {
      Fail(where, "attribute mediaTypeCode is required");
      return;
    }
    value.media_type = std::move(*media);
    value.file_name = Attribute(e, "fileName");
  }
  template <model::Composite T>
  void Read(const DOMElement& e, const std::string& where, T& value, const FieldOpts&) {
    XmlReadVisitor child(e, where, catalog_, kind_, error_);
    T::Fields(child, value);
    if (!error_ && child.cursor() != nullptr) {
      Fail(where, "unexpected element " + QualifiedName(*child.cursor()));
    }
  }

  const DOMElement* cursor_;
  std::string path_;
  const model::DocumentCatalog& catalog_;
  model::DocumentKind kind_;
  std::optional<Error>& error_;
};

template <size_t I>
Result<model::Document> ReadAs(const DOMElement& root, const model::DocumentCatalog& catalog) {
  using T = std::variant_alternative_t<I, model::Document>;
  constexpr auto kind = static_cast<model::DocumentKind>(I);
  std::optional<Error> error;
  model::Document document{std::in_place_index<I>};
  const std::string root_path = RootPath(catalog, kind);
  XmlReadVisitor visitor(root, root_path, catalog, kind, error);
  T::Fields(visitor, std::get<I>(document));
  if (error) return *std::move(error);
  const DOMElement* rest = visitor.cursor();
  if (rest != nullptr && xml::EqualsAscii(rest->getLocalName(), "Signature") &&
      xml::EqualsAscii(rest->getNamespaceURI(), catalog.ds_ns)) {
    rest = NextSiblingElement(*rest);
  }
  if (rest != nullptr) {
    return MakeError("xml.model", root_path, "unexpected element " + QualifiedName(*rest));
  }
  return document;
}

}  // namespace

std::string RootPath(const model::DocumentCatalog& catalog, model::DocumentKind kind) {
  return "/" + model::PathStep(Ns::kDoc, catalog.Info(kind).root);
}

Result<model::Document> ReadXml(const DOMElement& root, const model::DocumentCatalog& catalog) {
  const std::string ns = xml::ToUtf8(root.getNamespaceURI());
  const std::string local = xml::ToUtf8(root.getLocalName());
  const model::DocumentInfo* info = catalog.FindByRoot(ns, local);
  if (info == nullptr) {
    return MakeError("xml.unknown-document", "/" + local,
                     "unknown document root {" + ns + "}" + local);
  }
  switch (info->kind) {
    case model::DocumentKind::kInspectionReport:
      return ReadAs<0>(root, catalog);
    case model::DocumentKind::kSuspensionNotice:
      return ReadAs<1>(root, catalog);
    case model::DocumentKind::kRegisterEntry:
      return ReadAs<2>(root, catalog);
    case model::DocumentKind::kSummaryReport:
      return ReadAs<3>(root, catalog);
    case model::DocumentKind::kSummaryRequest:
      return ReadAs<4>(root, catalog);
    case model::DocumentKind::kProcessingResult:
      return ReadAs<5>(root, catalog);
  }
  return MakeError("xml.unknown-document", "/" + local, "unknown document kind");
}

}  // namespace eaeu::codec
