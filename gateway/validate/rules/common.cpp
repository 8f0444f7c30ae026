// GN-*: rules for every document (spec/rules.md, "Every document").

#include "gateway/core/ids.hpp"
#include "gateway/validate/rules.hpp"

namespace eaeu::validate {
namespace {

// local@domain.tld in its loosest form: one '@' with something before it, and a dot in the
// domain with something on both sides.
bool IsEmail(std::string_view id) {
  const size_t at = id.find('@');
  if (at == 0 || at == std::string_view::npos || id.find('@', at + 1) != std::string_view::npos) {
    return false;
  }
  const std::string_view domain = id.substr(at + 1);
  const size_t dot = domain.rfind('.');
  return dot != std::string_view::npos && dot > 0 && dot + 1 < domain.size();
}

// GN-01 for one document: the basis-group profiles and, outside Table 1 (where IR-01 and IR-18
// carry them), the address profile and the external code lists.
template <class Doc>
void CheckProfiles(const Doc& doc, const RuleEnv& env, Findings& out) {
  constexpr bool kTable1 = std::is_same_v<Doc, model::InspectionReport>;
  ForEach<model::Communication>(
      doc, env.catalog, [&](const model::Communication& c, const ModelPath& path, auto&&) {
        if (!c.channel_code) {
          // The basis type has the code 0..1; Tables 2-4 require it (reading G-R2).
          if (!kTable1) out.push_back({path, "CommunicationChannelCode is required"});
        } else if (*c.channel_code != "TE" && *c.channel_code != "EM" && *c.channel_code != "FX" &&
                   *c.channel_code != "AO") {
          out.push_back({path + "/csdo:CommunicationChannelCode",
                         "channel code \"" + *c.channel_code + "\" is not one of TE, EM, FX, AO"});
        }
        if (c.channel_code == "EM") {
          for (size_t i = 0; i < c.channel_ids.size(); ++i) {
            if (!IsEmail(c.channel_ids[i])) {
              out.push_back({path + "/" +
                                 model::PathStep(model::Ns::kCsdo, "CommunicationChannelId",
                                                 static_cast<int>(i)),
                             "\"" + c.channel_ids[i] + "\" is not an e-mail address"});
            }
          }
        }
      });
  ForEach<model::FullName>(doc, env.catalog,
                           [&](const model::FullName& n, const ModelPath& path, auto&&) {
                             if (!n.first_name) out.push_back({path, "FirstName is required"});
                             if (!n.last_name) out.push_back({path, "LastName is required"});
                           });
  ForEach<model::Authority>(doc, env.catalog,
                            [&](const model::Authority& a, const ModelPath& path, auto&&) {
                              if (!a.unified_country_code)
                                out.push_back({path, "UnifiedCountryCode is required"});
                              if (!a.authority_id && !a.authority_name) {
                                out.push_back({path, "AuthorityId or AuthorityName is required"});
                              }
                            });
  if constexpr (!kTable1) {
    ForEach<model::Address>(
        doc, env.catalog, [&](const model::Address& a, const ModelPath& path, auto&&) {
          if (!a.address_kind_code) out.push_back({path, "AddressKindCode is required"});
          if (!a.unified_country_code) out.push_back({path, "UnifiedCountryCode is required"});
          if (a.city_name.has_value() == a.settlement_name.has_value()) {
            out.push_back({path, "exactly one of CityName and SettlementName is required"});
          }
        });
    CheckClassifiers(doc, env, out);
  }
}

void CheckHeader(const model::Document& document, const RuleEnv& env, Findings& out) {
  const auto kind = model::KindOf(document);
  const auto& header = model::HeaderOf(document);
  const auto& info = env.catalog.Info(kind);
  const std::string base = Root(env.catalog, kind) + "/ccdo:EDocHeader";
  bool message_ok = false;
  for (const auto& m : info.messages) message_ok = message_ok || m == header.inf_envelope_code;
  if (!message_ok) {
    out.push_back({base + "/csdo:InfEnvelopeCode", "\"" + header.inf_envelope_code +
                                                       "\" is not a message code of " + info.root +
                                                       " (" + Join(info.messages) + ")"});
  }
  if (header.e_doc_code != info.structure_code) {
    out.push_back({base + "/csdo:EDocCode", "\"" + header.e_doc_code + "\" does not match " +
                                                info.root + " (" + info.structure_code + ")"});
  }
  if (!IsRfc4122Uuid(header.e_doc_id)) {
    out.push_back(
        {base + "/csdo:EDocId", "\"" + header.e_doc_id + "\" is not a lower-case RFC 4122 UUID"});
  }
  if (header.e_doc_ref_id && !IsRfc4122Uuid(*header.e_doc_ref_id)) {
    out.push_back({base + "/csdo:EDocRefId",
                   "\"" + *header.e_doc_ref_id + "\" is not a lower-case RFC 4122 UUID"});
  }
}

}  // namespace

void AddCommonRules(std::vector<Rule>& rules) {
  rules.push_back(ForAll(
      {"GN-01", Severity::kError, "documents.md; documents-t234.md (profiles)",
       "A basis group does not follow its profile: an address needs its kind, its country and "
       "exactly one of city or settlement; an authority an id or a name; a contact a channel code "
       "of the list; a person a first and a last name; a code must be in its loaded code list",
       "Реквизит не соответствует профилю: у адреса должны быть вид, страна и ровно одно из "
       "«город» / «населенный пункт»; у органа — идентификатор или наименование; у контакта — код "
       "вида связи из перечня; у лица — имя и фамилия; код должен быть в загруженном "
       "классификаторе"},
      [](const model::Document& d, const RuleEnv& env, Findings& out) {
        std::visit([&](const auto& doc) { CheckProfiles(doc, env, out); }, d);
      }));
  rules.push_back(ForAll(
      {"GN-02", Severity::kError, "documents.md (EDocHeader)",
       "The header does not match the document: the message code and structure code must be "
       "those of the root, and EDocId a lower-case RFC 4122 UUID",
       "Заголовок не соответствует документу: код сообщения и код структуры должны "
       "соответствовать корневому элементу, а EDocId — быть UUID по RFC 4122 в нижнем регистре"},
      CheckHeader));
}

}  // namespace eaeu::validate
