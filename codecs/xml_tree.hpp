#pragma once
// The compact tree of a parsed XML document: what the validator's one pass over the bytes keeps
// for the model reader, the rules' positions and the signer's canonical form. Every string is
// UTF-8 in one arena; nodes, attributes and positions sit in flat arrays, in document order. It
// holds the infoset the canonical form needs: elements with their namespace, prefix and the
// attributes the bytes had, character data exactly as parsed (whitespace between elements
// included), and processing instructions. Comments and namespace declarations are not kept (the
// canonical form renders the namespaces each element uses).
//
// The parser builds it (gateway/xml/parser.hpp); it is immutable afterwards and may be read from
// any number of threads.

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "codecs/catalog.hpp"

namespace eaeu::xml {

struct Position {
  int64_t line = 0;
  int64_t column = 0;
};

class Tree {
 public:
  using Index = uint32_t;
  static constexpr Index kNone = UINT32_MAX;

  enum class Kind : uint8_t { kElement, kText, kInstruction };

  // A piece of the arena.
  struct Span {
    uint32_t offset = 0;
    uint32_t size = 0;
  };

  struct Node {
    Kind kind = Kind::kElement;
    // text: `text` is a stretch of the source's bytes (a large base64 text the parser did not
    // copy), not of the arena; see Text().
    bool in_source = false;
    uint16_t prefix_size = 0;  // element: the prefix's length in `name` (0: none)
    Index parent = kNone;
    Index first_child = kNone;  // element
    Index last_child = kNone;   // element
    Index next_sibling = kNone;
    Span name;  // element: the qualified name as written; instruction: the target
    Span uri;   // element: the namespace URI ("" for none)
    Span text;  // text: the characters; instruction: the data
    uint32_t attributes_begin = 0;  // element: its attributes in attributes()
    uint32_t attributes_end = 0;
    uint32_t element_index = 0;  // element: its number in document order (the root is 0)
  };

  struct Attribute {
    Span name;  // qualified, as written
    uint16_t prefix_size = 0;
    Span uri;
    Span value;  // after XML 1.0 attribute-value normalisation, not the schema's
  };

  Tree() = default;
  Tree(const Tree&) = delete;
  Tree& operator=(const Tree&) = delete;
  Tree(Tree&&) = default;
  Tree& operator=(Tree&&) = default;

  // ----- reading -----

  Index root() const { return root_; }
  // The document's children: the root, and the processing instructions before and after it.
  Index first_top() const { return first_top_; }
  const Node& node(Index i) const { return nodes_[i]; }
  size_t node_count() const { return nodes_.size(); }
  std::string_view View(Span s) const { return {arena_.data() + s.offset, s.size}; }
  // A text node's characters. Text kept in the source is its bytes as they stand there: line
  // breaks not normalised (CR LF, or CR, where the parser's text has LF), and nothing but base64
  // characters and whitespace.
  std::string_view Text(const Node& text) const {
    return text.in_source ? std::string_view(*source_).substr(text.text.offset, text.text.size)
                          : View(text.text);
  }
  // The bytes the tree was built from, when it keeps texts in them (else null).
  const std::shared_ptr<const std::string>& source() const { return source_; }

  std::string_view QualifiedName(Index element) const { return View(nodes_[element].name); }
  std::string_view LocalName(Index element) const;
  std::string_view Prefix(Index element) const;
  std::string_view NamespaceUri(Index element) const { return View(nodes_[element].uri); }
  bool Is(Index element, std::string_view uri, std::string_view local) const {
    return LocalName(element) == local && NamespaceUri(element) == uri;
  }

  std::span<const Attribute> Attributes(Index element) const;
  std::string_view AttributeLocalName(const Attribute& a) const;
  // The value of the attribute with no namespace and this local name.
  std::optional<std::string_view> AttributeValue(Index element, std::string_view local) const;

  Index FirstChildElement(Index element) const;
  Index NextSiblingElement(Index element) const;

  // Line and column of the element's start tag.
  Position PositionOfElement(Index element) const;
  // Line and column of the element at `path` (the codecs' path convention, as in
  // "/doc:Root/ccdo:X[2]/csdo:Y"); {0,0} when there is none.
  Position PositionOf(std::string_view path, const model::DocumentCatalog& catalog) const;

  // Whether any element of the document is {uri}local.
  bool Contains(std::string_view uri, std::string_view local) const;

  // Where the root element's end tag starts in the bytes the tree was built from, when those
  // bytes are UTF-8 and the parser could place it; what a signature is written in front of.
  std::optional<size_t> root_end_tag() const { return root_end_tag_; }

  // ----- building (the parser) -----

  void Clear();
  // Makes room for the tree of a document of `source_bytes` bytes.
  void Reserve(size_t source_bytes);
  // Stores UTF-16 or UTF-8 text in the arena.
  Span Store(std::u16string_view text);
  Span Store(std::string_view text);
  Index OpenElement(Span name, uint16_t prefix_size, Span uri, Position position);
  void AddAttribute(Span name, uint16_t prefix_size, Span uri, Span value);
  void CloseElement();
  // Character data of the open element (merged with the text just before it).
  void AppendText(std::u16string_view chars);
  void AddInstruction(Span target, Span data);
  // The open element's text as the stretch [offset, offset + size) of `source`, which the tree
  // keeps alive.
  void AddSourceText(std::shared_ptr<const std::string> source, size_t offset, size_t size);
  void SetRootEndTag(size_t offset) { root_end_tag_ = offset; }

 private:
  Index Append(Node node);

  std::string arena_;
  std::vector<Node> nodes_;
  std::vector<Attribute> attributes_;
  std::vector<Position> positions_;  // by element_index
  std::vector<Index> open_;          // the elements being built
  Index root_ = kNone;
  Index first_top_ = kNone;
  Index last_top_ = kNone;
  std::optional<size_t> root_end_tag_;
  std::shared_ptr<const std::string> source_;
};

}  // namespace eaeu::xml
