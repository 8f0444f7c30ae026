#pragma once
// Which namespace, root element and codes each document has. Plain data: the gateway fills it
// from schemas/catalog.toml, so no namespace or provisional code is written in the code.

#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "codecs/model.hpp"

namespace eaeu::model {

struct DocumentInfo {
  DocumentKind kind{};
  std::string root;                   // local name of the root element
  std::string ns;                     // the document's namespace
  std::string structure_code;         // EDocCode, e.g. R.HC.MM.00.002
  std::vector<std::string> messages;  // InfEnvelopeCode values it may travel as
};

struct DocumentCatalog {
  std::string ccdo_ns;
  std::string csdo_ns;
  std::string bdt_ns;
  std::string ds_ns;
  std::array<DocumentInfo, kDocumentKindCount> documents;  // indexed by DocumentKind

  const DocumentInfo& Info(DocumentKind kind) const { return documents[static_cast<size_t>(kind)]; }
  const DocumentInfo* FindByRoot(std::string_view ns, std::string_view local) const;
  const DocumentInfo* FindByStructure(std::string_view structure_code) const;
  const std::string& NamespaceOf(Ns ns, DocumentKind kind) const;
  // The conventional prefix of each namespace: doc, ccdo, csdo.
  static std::string_view Prefix(Ns ns);
};

}  // namespace eaeu::model

namespace eaeu::model {

// One step of an element path: "csdo:DocId", or "doc:SiteInspectionDetails[2]" for the
// second item of a repeating element (index counts from 0, the path from 1).
std::string PathStep(Ns ns, std::string_view local_name, int index = -1);

}  // namespace eaeu::model
