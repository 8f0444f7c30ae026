#include "gateway/xml/exc_c14n.hpp"

#include <xercesc/dom/DOM.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "codecs/xerces_text.hpp"

namespace eaeu::xml {
namespace {

using namespace XERCES_CPP_NAMESPACE;

constexpr std::u16string_view kXmlnsNs = u"http://www.w3.org/2000/xmlns/";
constexpr std::u16string_view kXmlNs = u"http://www.w3.org/XML/1998/namespace";

std::u16string_view View(const XMLCh* text) {
  return text != nullptr ? std::u16string_view(text) : std::u16string_view();
}

// The namespace declarations exclusive c14n renders: on each element, those that its name and
// attributes use and that no output ancestor rendered with the same URI. `View` is a view of the
// DOM's UTF-16 or of the tree's UTF-8.
template <class View>
class NamespaceScope {
 public:
  // A declaration: prefix ("" for the default) -> URI.
  struct Declaration {
    View prefix;
    View uri;
  };

  // Adds `prefix` -> `uri` to `out` if the element needs to render it.
  void Need(View prefix, View uri, std::vector<Declaration>& out) const {
    if (std::any_of(out.begin(), out.end(),
                    [prefix](const Declaration& r) { return r.prefix == prefix; })) {
      return;
    }
    if (prefix.empty() && uri.empty()) {
      // xmlns="" only to undo a default namespace an output ancestor declared.
      if (!InScope(prefix).empty()) out.push_back({prefix, uri});
      return;
    }
    if (!Declared(prefix) || InScope(prefix) != uri) out.push_back({prefix, uri});
  }

  // The element's declarations are in scope for its subtree: Enter, and Leave with the mark.
  size_t Enter(const std::vector<Declaration>& declarations) {
    const size_t mark = rendered_.size();
    rendered_.insert(rendered_.end(), declarations.begin(), declarations.end());
    return mark;
  }
  void Leave(size_t mark) { rendered_.resize(mark); }

 private:
  // The URI the nearest output ancestor declared for `prefix`; "" when none did.
  View InScope(View prefix) const {
    for (auto it = rendered_.rbegin(); it != rendered_.rend(); ++it) {
      if (it->prefix == prefix) return it->uri;
    }
    return {};
  }

  bool Declared(View prefix) const {
    return std::any_of(rendered_.begin(), rendered_.end(),
                       [prefix](const Declaration& r) { return r.prefix == prefix; });
  }

  std::vector<Declaration> rendered_;
};

struct Attribute {
  std::string ns;     // UTF-8, for the ordering
  std::string local;  // UTF-8
  const DOMAttr* node;
};

class Canonicaliser {
 public:
  using Scope = NamespaceScope<std::u16string_view>;

  Canonicaliser(const DOMElement* omit, const std::function<void(std::string_view)>& sink)
      : omit_(omit), sink_(sink) {
    buffer_.reserve(kFlushAt + 4096);
  }

  void Subtree(const DOMElement& element) {
    Element(element);
    Flush();
  }

  void Document(const DOMDocument& document) {
    bool before_root = true;
    for (const DOMNode* n = document.getFirstChild(); n != nullptr; n = n->getNextSibling()) {
      switch (n->getNodeType()) {
        case DOMNode::ELEMENT_NODE:
          Element(*static_cast<const DOMElement*>(n));
          before_root = false;
          break;
        case DOMNode::PROCESSING_INSTRUCTION_NODE:
          if (!before_root) buffer_ += '\n';
          Pi(*static_cast<const DOMProcessingInstruction*>(n));
          if (before_root) buffer_ += '\n';
          break;
        default:  // comments, the document type
          break;
      }
    }
    Flush();
  }

 private:
  static constexpr size_t kFlushAt = 64 * 1024;

  void Flush() {
    if (!buffer_.empty()) sink_(buffer_);
    buffer_.clear();
  }

  void Element(const DOMElement& element) {
    if (&element == omit_) return;
    const std::u16string_view prefix = View(element.getPrefix());
    std::vector<Scope::Declaration> declarations;
    scope_.Need(prefix, View(element.getNamespaceURI()), declarations);

    std::vector<Attribute> attributes;
    const DOMNamedNodeMap* map = element.getAttributes();
    const XMLSize_t count = map != nullptr ? map->getLength() : 0;
    for (XMLSize_t i = 0; i < count; ++i) {
      const auto* attr = static_cast<const DOMAttr*>(map->item(i));
      const std::u16string_view ns = View(attr->getNamespaceURI());
      if (ns == kXmlnsNs || !attr->getSpecified()) continue;
      const std::u16string_view attr_prefix = View(attr->getPrefix());
      if (!attr_prefix.empty() && ns != kXmlNs) scope_.Need(attr_prefix, ns, declarations);
      const XMLCh* local = attr->getLocalName() != nullptr ? attr->getLocalName() : attr->getName();
      attributes.push_back({xml::ToUtf8(attr->getNamespaceURI()), xml::ToUtf8(local), attr});
    }
    std::sort(declarations.begin(), declarations.end(),
              [](const auto& a, const auto& b) { return a.prefix < b.prefix; });
    std::sort(attributes.begin(), attributes.end(), [](const Attribute& a, const Attribute& b) {
      return a.ns != b.ns ? a.ns < b.ns : a.local < b.local;
    });

    buffer_ += '<';
    xml::AppendUtf8(buffer_, element.getTagName());
    for (const auto& d : declarations) {
      buffer_ += d.prefix.empty() ? " xmlns=\"" : " xmlns:";
      if (!d.prefix.empty()) {
        xml::AppendUtf8(buffer_, d.prefix.data(), d.prefix.size());
        buffer_ += "=\"";
      }
      Escape(d.uri, true);
      buffer_ += '"';
    }
    for (const auto& a : attributes) {
      buffer_ += ' ';
      xml::AppendUtf8(buffer_, a.node->getName());
      buffer_ += "=\"";
      Escape(View(a.node->getValue()), true);
      buffer_ += '"';
    }
    buffer_ += '>';

    const size_t mark = scope_.Enter(declarations);
    for (const DOMNode* n = element.getFirstChild(); n != nullptr; n = n->getNextSibling()) {
      switch (n->getNodeType()) {
        case DOMNode::ELEMENT_NODE:
          Element(*static_cast<const DOMElement*>(n));
          break;
        case DOMNode::TEXT_NODE:
        case DOMNode::CDATA_SECTION_NODE:
          Escape(View(n->getNodeValue()), false);
          break;
        case DOMNode::PROCESSING_INSTRUCTION_NODE:
          Pi(*static_cast<const DOMProcessingInstruction*>(n));
          break;
        default:  // comments
          break;
      }
      if (buffer_.size() >= kFlushAt) Flush();
    }
    scope_.Leave(mark);
    buffer_ += "</";
    xml::AppendUtf8(buffer_, element.getTagName());
    buffer_ += '>';
  }

  void Pi(const DOMProcessingInstruction& pi) {
    buffer_ += "<?";
    xml::AppendUtf8(buffer_, pi.getTarget());
    const std::u16string_view data = View(pi.getData());
    if (!data.empty()) {
      buffer_ += ' ';
      xml::AppendUtf8(buffer_, data.data(), data.size());
    }
    buffer_ += "?>";
  }

  // Text: & < > and CR escaped; attribute values: & < " TAB LF CR.
  void Escape(std::u16string_view text, bool attribute) {
    size_t run = 0;
    for (size_t i = 0; i < text.size(); ++i) {
      const char16_t c = text[i];
      const char* entity = nullptr;
      switch (c) {
        case u'&':
          entity = "&amp;";
          break;
        case u'<':
          entity = "&lt;";
          break;
        case u'>':
          entity = attribute ? nullptr : "&gt;";
          break;
        case u'"':
          entity = attribute ? "&quot;" : nullptr;
          break;
        case u'\t':
          entity = attribute ? "&#x9;" : nullptr;
          break;
        case u'\n':
          entity = attribute ? "&#xA;" : nullptr;
          break;
        case u'\r':
          entity = "&#xD;";
          break;
        default:
          break;
      }
      if (entity == nullptr) continue;
      if (i > run) xml::AppendUtf8(buffer_, text.data() + run, i - run);
      buffer_ += entity;
      run = i + 1;
    }
    if (text.size() > run) xml::AppendUtf8(buffer_, text.data() + run, text.size() - run);
  }

  const DOMElement* omit_;
  const std::function<void(std::string_view)>& sink_;
  std::string buffer_;
  Scope scope_;
};

// The same rendering over the compact tree, whose strings are UTF-8.
class TreeCanonicaliser {
 public:
  TreeCanonicaliser(const Tree& tree, Tree::Index omit,
                    const std::function<void(std::string_view)>& sink)
      : tree_(tree), omit_(omit), sink_(sink) {
    buffer_.reserve(kFlushAt + 4096);
  }

  void Document() {
    bool before_root = true;
    for (Tree::Index i = tree_.first_top(); i != Tree::kNone; i = tree_.node(i).next_sibling) {
      const Tree::Node& n = tree_.node(i);
      if (n.kind == Tree::Kind::kElement) {
        Element(i);
        before_root = false;
      } else if (n.kind == Tree::Kind::kInstruction) {
        if (!before_root) buffer_ += '\n';
        Pi(n);
        if (before_root) buffer_ += '\n';
      }
    }
    Flush();
  }

  void Subtree(Tree::Index element) {
    Element(element);
    Flush();
  }

 private:
  static constexpr size_t kFlushAt = 64 * 1024;

  using Scope = NamespaceScope<std::string_view>;

  void Flush() {
    if (!buffer_.empty()) sink_(buffer_);
    buffer_.clear();
  }

  void Element(Tree::Index element) {
    if (element == omit_) return;
    std::vector<Scope::Declaration> declarations;
    scope_.Need(tree_.Prefix(element), tree_.NamespaceUri(element), declarations);
    const auto attributes = tree_.Attributes(element);
    std::vector<const Tree::Attribute*> sorted;
    sorted.reserve(attributes.size());
    for (const Tree::Attribute& a : attributes) {
      const std::string_view prefix = tree_.View(a.name).substr(0, a.prefix_size);
      const std::string_view uri = tree_.View(a.uri);
      if (!prefix.empty() && uri != "http://www.w3.org/XML/1998/namespace") {
        scope_.Need(prefix, uri, declarations);
      }
      sorted.push_back(&a);
    }
    std::sort(declarations.begin(), declarations.end(),
              [](const auto& a, const auto& b) { return a.prefix < b.prefix; });
    std::sort(
        sorted.begin(), sorted.end(), [this](const Tree::Attribute* a, const Tree::Attribute* b) {
          const std::string_view ua = tree_.View(a->uri);
          const std::string_view ub = tree_.View(b->uri);
          return ua != ub ? ua < ub : tree_.AttributeLocalName(*a) < tree_.AttributeLocalName(*b);
        });

    const std::string_view name = tree_.QualifiedName(element);
    buffer_ += '<';
    buffer_ += name;
    for (const auto& d : declarations) {
      if (d.prefix.empty()) {
        buffer_ += " xmlns=\"";
      } else {
        buffer_ += " xmlns:";
        buffer_ += d.prefix;
        buffer_ += "=\"";
      }
      Escape(d.uri, true);
      buffer_ += '"';
    }
    for (const Tree::Attribute* a : sorted) {
      buffer_ += ' ';
      buffer_ += tree_.View(a->name);
      buffer_ += "=\"";
      Escape(tree_.View(a->value), true);
      buffer_ += '"';
    }
    buffer_ += '>';

    const size_t mark = scope_.Enter(declarations);
    for (Tree::Index i = tree_.node(element).first_child; i != Tree::kNone;
         i = tree_.node(i).next_sibling) {
      const Tree::Node& n = tree_.node(i);
      switch (n.kind) {
        case Tree::Kind::kElement:
          Element(i);
          break;
        case Tree::Kind::kText: {
          if (n.in_source) {
            SourceText(tree_.Text(n));
            break;
          }
          // A large text (a report file in base64) goes out in pieces, not as one more copy.
          std::string_view text = tree_.View(n.text);
          while (text.size() > kFlushAt) {
            Escape(text.substr(0, kFlushAt), false);
            Flush();
            text.remove_prefix(kFlushAt);
          }
          Escape(text, false);
          break;
        }
        case Tree::Kind::kInstruction:
          Pi(n);
          break;
      }
      if (buffer_.size() >= kFlushAt) Flush();
    }
    scope_.Leave(mark);
    buffer_ += "</";
    buffer_ += name;
    buffer_ += '>';
  }

  void Pi(const Tree::Node& pi) {
    buffer_ += "<?";
    buffer_ += tree_.View(pi.name);
    if (pi.text.size != 0) {
      buffer_ += ' ';
      buffer_ += tree_.View(pi.text);
    }
    buffer_ += "?>";
  }

  // A text the parser left in the source: base64 characters and whitespace, which need no
  // escaping, handed on as they stand except for the line breaks the parser normalises (CR LF
  // and CR are LF in the text the canonical form renders).
  void SourceText(std::string_view text) {
    Flush();
    for (size_t cr = text.find('\r'); cr != std::string_view::npos; cr = text.find('\r')) {
      if (cr > 0) sink_(text.substr(0, cr));
      const bool pair = cr + 1 < text.size() && text[cr + 1] == '\n';
      if (!pair) sink_("\n");
      text.remove_prefix(cr + 1);  // a pair's LF starts the next piece
    }
    if (!text.empty()) sink_(text);
  }

  // As the DOM's Escape, on UTF-8 (every special character is ASCII).
  void Escape(std::string_view text, bool attribute) {
    size_t run = 0;
    for (size_t i = 0; i < text.size(); ++i) {
      const char* entity = nullptr;
      switch (text[i]) {
        case '&':
          entity = "&amp;";
          break;
        case '<':
          entity = "&lt;";
          break;
        case '>':
          entity = attribute ? nullptr : "&gt;";
          break;
        case '"':
          entity = attribute ? "&quot;" : nullptr;
          break;
        case '\t':
          entity = attribute ? "&#x9;" : nullptr;
          break;
        case '\n':
          entity = attribute ? "&#xA;" : nullptr;
          break;
        case '\r':
          entity = "&#xD;";
          break;
        default:
          break;
      }
      if (entity == nullptr) continue;
      buffer_.append(text.data() + run, i - run);
      buffer_ += entity;
      run = i + 1;
    }
    buffer_.append(text.data() + run, text.size() - run);
  }

  const Tree& tree_;
  Tree::Index omit_;
  const std::function<void(std::string_view)>& sink_;
  std::string buffer_;
  Scope scope_;
};

}  // namespace

void CanonicaliseDocument(const Tree& tree, Tree::Index omit,
                          const std::function<void(std::string_view)>& sink) {
  TreeCanonicaliser(tree, omit, sink).Document();
}

void CanonicaliseDocument(const DOMDocument& document, const DOMElement* omit,
                          const std::function<void(std::string_view)>& sink) {
  Canonicaliser(omit, sink).Document(document);
}

std::string CanonicaliseElement(const Tree& tree, Tree::Index element) {
  std::string out;
  const std::function<void(std::string_view)> sink = [&out](std::string_view piece) {
    out += piece;
  };
  TreeCanonicaliser(tree, Tree::kNone, sink).Subtree(element);
  return out;
}

std::string CanonicaliseElement(const DOMElement& element) {
  std::string out;
  Canonicaliser(nullptr, [&out](std::string_view piece) { out += piece; }).Subtree(element);
  return out;
}

}  // namespace eaeu::xml
