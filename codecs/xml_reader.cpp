#include "codecs/xml_reader.hpp"

#include <optional>
#include <utility>

#include "codecs/fields.hpp"
#include "gateway/core/utf8.hpp"

namespace eaeu::codec {

using model::FieldOpts;
using model::Ns;
using xml::Tree;
using Element = xml::Tree::Index;
constexpr Element kNone = xml::Tree::kNone;

namespace {

std::string ExpandedName(const Tree& tree, Element e) {
  std::string out = "{";
  out += tree.NamespaceUri(e);
  out += '}';
  out += tree.LocalName(e);
  return out;
}

// Where an element is: its path is written out only when an error names it.
struct Where {
  const Where* parent = nullptr;
  std::string_view root;  // the root's path, for the root
  Ns ns{};
  const char* name = nullptr;
  int index = -1;

  std::string Path() const {
    if (parent == nullptr) return std::string(root);
    return parent->Path() + "/" + model::PathStep(ns, name, index);
  }
};

class XmlReadVisitor {
 public:
  XmlReadVisitor(const Tree& tree, Element parent, const Where& where,
                 const model::DocumentCatalog& catalog, model::DocumentKind kind,
                 std::optional<Error>& error)
      : tree_(tree),
        cursor_(tree.FirstChildElement(parent)),
        where_(where),
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
        Fail(where_, "missing element " + model::PathStep(ns, name) +
                         (cursor_ != kNone ? " (found " + ExpandedName(tree_, cursor_) + ")" : ""));
        return;
      }
      ReadNext(ns, name, field, opts, -1);
    }
  }

  Element cursor() const { return cursor_; }

  void Fail(const Where& where, std::string message) {
    if (!error_) error_ = MakeError("xml.model", where.Path(), std::move(message));
  }

 private:
  bool Matches(Ns ns, const char* name) const {
    return cursor_ != kNone && tree_.Is(cursor_, catalog_.NamespaceOf(ns, kind_), name);
  }

  template <class T>
  void ReadNext(Ns ns, const char* name, T& value, const FieldOpts& opts, int index) {
    const Element element = cursor_;
    cursor_ = tree_.NextSiblingElement(element);
    const Where here{&where_, {}, ns, name, index};
    Read(element, here, value, opts);
  }

  // Text content of a leaf element; an element child is an error.
  std::optional<std::string> RawText(Element e, const Where& where) {
    std::string text;
    for (Element n = tree_.node(e).first_child; n != kNone; n = tree_.node(n).next_sibling) {
      const Tree::Node& node = tree_.node(n);
      if (node.kind == Tree::Kind::kText) {
        text += tree_.Text(node);
      } else if (node.kind == Tree::Kind::kElement) {
        Fail(where, "unexpected child element " + ExpandedName(tree_, n) + " in a value");
        return std::nullopt;
      }
    }
    return text;
  }

  std::optional<std::string> Text(Element e, const Where& where) {
    // The common case, one text node: collapsed straight from the tree.
    const Tree::Node& node = tree_.node(e);
    if (node.first_child == kNone) return std::string();
    if (node.first_child == node.last_child &&
        tree_.node(node.first_child).kind == Tree::Kind::kText) {
      return CollapseWhitespace(tree_.Text(tree_.node(node.first_child)));
    }
    auto raw = RawText(e, where);
    if (!raw) return std::nullopt;
    return CollapseWhitespace(*raw);
  }

  std::optional<std::string> Attribute(Element e, std::string_view name) {
    auto value = tree_.AttributeValue(e, name);
    if (!value) return std::nullopt;
    return CollapseWhitespace(*value);
  }

  void CheckCodeList(Element e, const Where& where, const FieldOpts& opts) {
    if (opts.code_list == nullptr) return;
    auto list = Attribute(e, "codeListId");
    if (!list || *list != opts.code_list) {
      Fail(where, std::string("attribute codeListId must be \"") + opts.code_list + "\"");
    }
  }

  void Read(Element e, const Where& where, std::string& value, const FieldOpts& opts) {
    auto text = Text(e, where);
    if (!text) return;
    CheckCodeList(e, where, opts);
    value = opts.risk_class ? model::NormaliseRiskClass(std::move(*text)) : std::move(*text);
  }

  template <class T>
  void ReadParsed(Element e, const Where& where, T& value) {
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
  void Read(Element e, const Where& w, T& v, const FieldOpts&) { ReadParsed(e, w, v); }
  void Read(Element e, const Where& where, bool& value, const FieldOpts&) {
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
  void Read(Element e, const Where& where, model::BinaryFile& value, const FieldOpts&) {
    // Straight from the tree's text, without its whitespace: a report file may be tens of MB. A
    // text the parser left in the source is not copied at all.
    size_t size = 0;
    for (Element n = tree_.node(e).first_child; n != kNone; n = tree_.node(n).next_sibling) {
      const Tree::Node& node = tree_.node(n);
      if (node.kind == Tree::Kind::kElement) {
        Fail(where, "unexpected child element " + ExpandedName(tree_, n) + " in a value");
        return;
      }
      if (node.kind == Tree::Kind::kText) size += node.text.size;
    }
    const Element only = tree_.node(e).first_child;
    if (only != kNone && tree_.node(only).in_source && tree_.node(only).next_sibling == kNone) {
      value.base64 = model::Base64Text::InBuffer(tree_.source(), tree_.node(only).text.offset,
                                                 tree_.node(only).text.size);
    } else {
      std::string characters;
      characters.reserve(size);
      for (Element n = tree_.node(e).first_child; n != kNone; n = tree_.node(n).next_sibling) {
        if (tree_.node(n).kind != Tree::Kind::kText) continue;
        for (const char c : tree_.Text(tree_.node(n))) {
          if (!model::Base64Text::IsSpace(c)) characters += c;
        }
      }
      value.base64 = std::move(characters);
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
  void Read(Element e, const Where& where, T& value, const FieldOpts&) {
    XmlReadVisitor child(tree_, e, where, catalog_, kind_, error_);
    T::Fields(child, value);
    if (!error_ && child.cursor() != kNone) {
      Fail(where, "unexpected element " + ExpandedName(tree_, child.cursor()));
    }
  }

  const Tree& tree_;
  Element cursor_;
  const Where& where_;
  const model::DocumentCatalog& catalog_;
  model::DocumentKind kind_;
  std::optional<Error>& error_;
};

template <size_t I>
Result<model::Document> ReadAs(const Tree& tree, Element root,
                               const model::DocumentCatalog& catalog) {
  using T = std::variant_alternative_t<I, model::Document>;
  constexpr auto kind = static_cast<model::DocumentKind>(I);
  std::optional<Error> error;
  model::Document document{std::in_place_index<I>};
  const std::string root_path = RootPath(catalog, kind);
  const Where where{nullptr, root_path};
  XmlReadVisitor visitor(tree, root, where, catalog, kind, error);
  T::Fields(visitor, std::get<I>(document));
  if (error) return *std::move(error);
  Element rest = visitor.cursor();
  if (rest != kNone && tree.Is(rest, catalog.ds_ns, "Signature")) {
    rest = tree.NextSiblingElement(rest);
  }
  if (rest != kNone) {
    return MakeError("xml.model", root_path, "unexpected element " + ExpandedName(tree, rest));
  }
  return document;
}

}  // namespace

std::string RootPath(const model::DocumentCatalog& catalog, model::DocumentKind kind) {
  return "/" + model::PathStep(Ns::kDoc, catalog.Info(kind).root);
}

Result<model::Document> ReadXml(const Tree& tree, const model::DocumentCatalog& catalog) {
  if (tree.root() == kNone)
    return MakeError("xml.unknown-document", "", "the document has no root");
  return ReadXml(tree, tree.root(), catalog);
}

Result<model::Document> ReadXml(const Tree& tree, Element root,
                                const model::DocumentCatalog& catalog) {
  const std::string_view ns = tree.NamespaceUri(root);
  const std::string local(tree.LocalName(root));
  const model::DocumentInfo* info = catalog.FindByRoot(ns, local);
  if (info == nullptr) {
    return MakeError("xml.unknown-document", "/" + local,
                     "unknown document root " + ExpandedName(tree, root));
  }
  switch (info->kind) {
    case model::DocumentKind::kInspectionReport:
      return ReadAs<0>(tree, root, catalog);
    case model::DocumentKind::kSuspensionNotice:
      return ReadAs<1>(tree, root, catalog);
    case model::DocumentKind::kRegisterEntry:
      return ReadAs<2>(tree, root, catalog);
    case model::DocumentKind::kSummaryReport:
      return ReadAs<3>(tree, root, catalog);
    case model::DocumentKind::kSummaryRequest:
      return ReadAs<4>(tree, root, catalog);
    case model::DocumentKind::kProcessingResult:
      return ReadAs<5>(tree, root, catalog);
  }
  return MakeError("xml.unknown-document", "/" + local, "unknown document kind");
}

}  // namespace eaeu::codec
