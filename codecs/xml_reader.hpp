#pragma once
// XML tree -> model. The tree is the one the validator built as it parsed (parse once); the
// reader walks it in schema order and reports, naming the element path, anything that does not fit
// the model. No I/O.

#include "codecs/catalog.hpp"
#include "codecs/model.hpp"
#include "codecs/xml_tree.hpp"
#include "gateway/core/result.hpp"

namespace eaeu::codec {

// Reads the document of `tree`. A trailing ds:Signature is skipped: it is the signature module's
// business, not part of the model.
Result<model::Document> ReadXml(const xml::Tree& tree, const model::DocumentCatalog& catalog);
// The same for the document whose root is `element` of `tree` (an entry of a list of them).
Result<model::Document> ReadXml(const xml::Tree& tree, xml::Tree::Index element,
                                const model::DocumentCatalog& catalog);

// The path of the root element, e.g. "/doc:MedicalProductQmsInspectionDetails".
std::string RootPath(const model::DocumentCatalog& catalog, model::DocumentKind kind);

}  // namespace eaeu::codec
