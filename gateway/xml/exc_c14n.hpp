#pragma once
// Exclusive XML Canonicalization 1.0 (without comments, no
// InclusiveNamespaces) of a whole document, as the reference of an enveloped signature sees it:
// the document minus its ds:Signature element. It streams the canonical bytes instead of building
// Santuario's node set, which is what made signing cost a millisecond for a 13 KB document. The
// tests prove it byte-identical with `xmllint --exc-c14n` and with Santuario.

#include <xercesc/util/XercesDefs.hpp>

#include <functional>
#include <string>
#include <string_view>

#include "codecs/xml_tree.hpp"

XERCES_CPP_NAMESPACE_BEGIN
class DOMDocument;
class DOMElement;
XERCES_CPP_NAMESPACE_END

namespace eaeu::xml {

// Calls `sink` with consecutive pieces of the canonical form of `document`, leaving out `omit`
// (with its subtree) when it is not null. Attributes that were not in the document's bytes
// (defaulted by a schema) are left out, as the bytes had them not.
void CanonicaliseDocument(const XERCES_CPP_NAMESPACE::DOMDocument& document,
                          const XERCES_CPP_NAMESPACE::DOMElement* omit,
                          const std::function<void(std::string_view)>& sink);

// The same canonical form of the document a compact tree holds, leaving out the element `omit`
// (Tree::kNone: nothing). Text is UTF-8 already, so the bytes go out as they are, escaped.
void CanonicaliseDocument(const Tree& tree, Tree::Index omit,
                          const std::function<void(std::string_view)>& sink);

// The canonical form of one element and its subtree, as if it were a document of its own: the
// namespaces it uses that its ancestors declared are declared on it. This takes a document out
// of an envelope with its signature still verifiable (the signature covers exactly this form).
std::string CanonicaliseElement(const XERCES_CPP_NAMESPACE::DOMElement& element);
// The same of an element of a compact tree (a signature's ds:SignedInfo, as its signature value
// covers it).
std::string CanonicaliseElement(const Tree& tree, Tree::Index element);

}  // namespace eaeu::xml
