#include "codecs/xml_tree.hpp"

#include <cstdlib>
#include <stdexcept>

#include "gateway/core/utf8.hpp"

namespace eaeu::xml {

std::string_view Tree::LocalName(Index element) const {
  const Node& n = nodes_[element];
  std::string_view name = View(n.name);
  return n.prefix_size == 0 ? name : name.substr(n.prefix_size + 1u);
}

std::string_view Tree::Prefix(Index element) const {
  const Node& n = nodes_[element];
  return View(n.name).substr(0, n.prefix_size);
}

std::span<const Tree::Attribute> Tree::Attributes(Index element) const {
  const Node& n = nodes_[element];
  return std::span<const Attribute>(attributes_.data() + n.attributes_begin,
                                    n.attributes_end - n.attributes_begin);
}

std::string_view Tree::AttributeLocalName(const Attribute& a) const {
  std::string_view name = View(a.name);
  return a.prefix_size == 0 ? name : name.substr(a.prefix_size + 1u);
}

std::optional<std::string_view> Tree::AttributeValue(Index element, std::string_view local) const {
  for (const Attribute& a : Attributes(element)) {
    if (a.uri.size == 0 && a.prefix_size == 0 && View(a.name) == local) return View(a.value);
  }
  return std::nullopt;
}

Tree::Index Tree::FirstChildElement(Index element) const {
  Index i = nodes_[element].first_child;
  while (i != kNone && nodes_[i].kind != Kind::kElement) i = nodes_[i].next_sibling;
  return i;
}

Tree::Index Tree::NextSiblingElement(Index element) const {
  Index i = nodes_[element].next_sibling;
  while (i != kNone && nodes_[i].kind != Kind::kElement) i = nodes_[i].next_sibling;
  return i;
}

Position Tree::PositionOfElement(Index element) const {
  const uint32_t n = nodes_[element].element_index;
  return n < positions_.size() ? positions_[n] : Position{};
}

Position Tree::PositionOf(std::string_view path, const model::DocumentCatalog& catalog) const {
  if (root_ == kNone) return {};
  Index element = root_;
  const std::string_view root_ns = NamespaceUri(root_);
  size_t pos = path.find('/', 1);  // skip the root step
  while (pos != std::string_view::npos && element != kNone) {
    const size_t next = path.find('/', pos + 1);
    std::string_view step =
        path.substr(pos + 1, next == std::string_view::npos ? next : next - pos - 1);
    pos = next;
    int nth = 1;
    if (const auto br = step.find('['); br != std::string_view::npos) {
      nth = std::atoi(std::string(step.substr(br + 1)).c_str());
      step = step.substr(0, br);
    }
    const auto colon = step.find(':');
    if (colon == std::string_view::npos) return {};
    const auto prefix = step.substr(0, colon);
    const auto local = step.substr(colon + 1);
    const std::string_view ns = prefix == "ccdo"   ? std::string_view(catalog.ccdo_ns)
                                : prefix == "csdo" ? std::string_view(catalog.csdo_ns)
                                : prefix == "ds"   ? std::string_view(catalog.ds_ns)
                                                   : root_ns;
    Index child = FirstChildElement(element);
    while (child != kNone && !(Is(child, ns, local) && --nth == 0)) {
      child = NextSiblingElement(child);
    }
    element = child;
  }
  return element == kNone ? Position{} : PositionOfElement(element);
}

bool Tree::Contains(std::string_view uri, std::string_view local) const {
  for (Index i = 0; i < nodes_.size(); ++i) {
    if (nodes_[i].kind == Kind::kElement && Is(i, uri, local)) return true;
  }
  return false;
}

void Tree::Clear() {
  arena_.clear();
  nodes_.clear();
  attributes_.clear();
  positions_.clear();
  open_.clear();
  root_ = first_top_ = last_top_ = kNone;
  root_end_tag_.reset();
  source_.reset();
}

void Tree::Reserve(size_t source_bytes) {
  // The text is at most the bytes (fewer for UTF-16); a start tag takes some 40 bytes.
  arena_.reserve(source_bytes);
  nodes_.reserve(source_bytes / 24);
  positions_.reserve(source_bytes / 48);
  attributes_.reserve(source_bytes / 256);
}

Tree::Span Tree::Store(std::u16string_view text) {
  const size_t begin = arena_.size();
  AppendUtf8(arena_, text.data(), text.size());
  return Span{static_cast<uint32_t>(begin), static_cast<uint32_t>(arena_.size() - begin)};
}

Tree::Span Tree::Store(std::string_view text) {
  const size_t begin = arena_.size();
  arena_.append(text);
  return Span{static_cast<uint32_t>(begin), static_cast<uint32_t>(text.size())};
}

Tree::Index Tree::Append(Node node) {
  if (nodes_.size() >= kNone - 1 || arena_.size() > UINT32_MAX) {
    throw std::length_error("the document is too large for the tree");
  }
  const auto index = static_cast<Index>(nodes_.size());
  if (open_.empty()) {
    if (last_top_ != kNone) nodes_[last_top_].next_sibling = index;
    if (first_top_ == kNone) first_top_ = index;
    last_top_ = index;
  } else {
    Node& parent = nodes_[open_.back()];
    node.parent = open_.back();
    if (parent.last_child != kNone) nodes_[parent.last_child].next_sibling = index;
    if (parent.first_child == kNone) parent.first_child = index;
    parent.last_child = index;
  }
  nodes_.push_back(node);
  return index;
}

Tree::Index Tree::OpenElement(Span name, uint16_t prefix_size, Span uri, Position position) {
  Node n;
  n.kind = Kind::kElement;
  n.name = name;
  n.prefix_size = prefix_size;
  n.uri = uri;
  n.attributes_begin = n.attributes_end = static_cast<uint32_t>(attributes_.size());
  n.element_index = static_cast<uint32_t>(positions_.size());
  positions_.push_back(position);
  const Index index = Append(n);
  if (open_.empty() && root_ == kNone) root_ = index;
  open_.push_back(index);
  return index;
}

void Tree::AddAttribute(Span name, uint16_t prefix_size, Span uri, Span value) {
  attributes_.push_back(Attribute{name, prefix_size, uri, value});
  nodes_[open_.back()].attributes_end = static_cast<uint32_t>(attributes_.size());
}

void Tree::CloseElement() {
  if (!open_.empty()) open_.pop_back();
}

void Tree::AppendText(std::u16string_view chars) {
  if (open_.empty() || chars.empty()) return;  // character data outside the root is not kept
  const Node& parent = nodes_[open_.back()];
  if (parent.last_child != kNone) {
    Node& last = nodes_[parent.last_child];
    // The arena's end is the last text's end while nothing else was stored after it.
    if (last.kind == Kind::kText && !last.in_source &&
        last.text.offset + last.text.size == arena_.size()) {
      last.text.size += Store(chars).size;
      return;
    }
  }
  Node n;
  n.kind = Kind::kText;
  n.text = Store(chars);
  Append(n);
}

void Tree::AddInstruction(Span target, Span data) {
  Node n;
  n.kind = Kind::kInstruction;
  n.name = target;
  n.text = data;
  Append(n);
}

void Tree::AddSourceText(std::shared_ptr<const std::string> source, size_t offset, size_t size) {
  if (open_.empty() || size == 0) return;
  if (!source || offset > source->size() || size > source->size() - offset ||
      offset + size > UINT32_MAX) {
    throw std::length_error("a text outside the bytes the tree was built from");
  }
  source_ = std::move(source);
  Node n;
  n.kind = Kind::kText;
  n.in_source = true;
  n.text = Span{static_cast<uint32_t>(offset), static_cast<uint32_t>(size)};
  Append(n);
}

}  // namespace eaeu::xml
