#pragma once
// A record of the register of inspecting organizations (Table 3) in its normal form: what the
// register sync compares. Two records are the same when their normal forms are: the order of
// addresses, contacts, group codes, inspectors and every other list, runs of whitespace, and the
// letter case of the full name (the key, T3-R1) do not count. The EDocHeader is not part of a
// record. A field-by-field difference of two records names what changed for people.

#include <string>
#include <string_view>
#include <vector>

#include "codecs/catalog.hpp"
#include "codecs/model.hpp"
#include "gateway/core/result.hpp"

namespace eaeu::registry {

struct NormalRecord {
  std::string key;         // RegisterKey: authorising country + folded full name
  std::string country;     // the authorising country (↳ 1.8)
  std::string name;        // the full name as written
  std::string json;        // the normal form (JSON, keys and lists in order, no header)
  std::string digest;      // SHA-256 of the normal form with the name folded (hex)
  std::string groups;      // "|04.01|04.02|"
  bool withdrawn = false;  // the record carries an EndDateTime
};

NormalRecord Normalise(const model::RegisterEntry& entry);

// A register entry again from a normal form, with a new header (for a withdrawal, which sends
// the record as it was sent last with its EndDateTime).
Result<model::RegisterEntry> EntryOf(std::string_view normal_json,
                                     const model::DocumentCatalog& catalog);

struct FieldChange {
  std::string path;  // "inspectorDetails[Иванов Иван]/inspectorCompetenceDetails/attestationDate"
  std::string before;  // the value (JSON) before; empty: it was not there
  std::string after;   // and after; empty: it is gone
};

// What differs between two normal forms, field by field, in path order. A list of objects is
// matched item by item where its items have a name (inspectors by full name, addresses by kind,
// contacts by channel); other lists by value.
std::vector<FieldChange> Differences(std::string_view before_json, std::string_view after_json);

}  // namespace eaeu::registry
