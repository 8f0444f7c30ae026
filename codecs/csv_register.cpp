#include "codecs/csv_register.hpp"

#include <cctype>
#include <cstdint>
#include <map>
#include <optional>
#include <unordered_map>

#include "codecs/json_codec.hpp"
#include "codecs/xerces_text.hpp"
#include "gateway/core/utf8.hpp"

namespace eaeu::codec {
namespace {

const std::vector<std::string_view> kColumns = {
    // organization (Table 3, element 1)
    "organization_name", "organization_brief_name", "legal_form_code", "address_kind",
    "address_country", "address_region", "address_city", "address_settlement", "address_street",
    "address_building", "address_room", "address_post_code", "phones", "emails", "website",
    "head_last_name", "head_first_name", "head_middle_name", "head_phones", "head_emails",
    "group_codes", "auth_country", "auth_doc_kind", "auth_doc_name", "auth_doc_number",
    "auth_doc_date", "auth_doc_valid_until", "authority_id", "authority_name", "register_start",
    "register_end",
    // inspector (Table 3, element 2)
    "inspector_last_name", "inspector_first_name", "inspector_middle_name", "inspector_phones",
    "inspector_emails", "attestation_date", "attestation_valid_until", "subgroup_names",
    "staff_member", "education", "training", "experience"};

std::vector<std::string> Split(std::string_view text, char separator) {
  std::vector<std::string> parts;
  if (text.empty()) return parts;
  size_t start = 0;
  while (true) {
    const size_t pos = text.find(separator, start);
    std::string part = xml::CollapseWhitespace(text.substr(start, pos - start));
    if (!part.empty()) parts.push_back(std::move(part));
    if (pos == std::string_view::npos) break;
    start = pos + 1;
  }
  return parts;
}

// Splits "a|b|c" keeping empty parts, so that positions are stable.
std::vector<std::string> SplitFields(std::string_view text) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    const size_t pos = text.find('|', start);
    parts.push_back(xml::CollapseWhitespace(text.substr(start, pos - start)));
    if (pos == std::string_view::npos) break;
    start = pos + 1;
  }
  return parts;
}

class Row {
 public:
  Row(const std::vector<std::string>& fields, const std::unordered_map<std::string, size_t>& index,
      size_t line, std::optional<Error>& error)
      : fields_(fields), index_(index), line_(line), error_(error) {}

  std::string Get(std::string_view column) const {
    auto it = index_.find(std::string(column));
    if (it == index_.end() || it->second >= fields_.size()) return {};
    return xml::CollapseWhitespace(fields_[it->second]);
  }
  std::optional<std::string> Optional(std::string_view column) const {
    std::string v = Get(column);
    if (v.empty()) return std::nullopt;
    return v;
  }
  std::string Required(std::string_view column) {
    std::string v = Get(column);
    if (v.empty()) Fail(column, "a value is required");
    return v;
  }
  Date RequiredDate(std::string_view column) {
    const std::string v = Required(column);
    if (v.empty()) return {};
    auto d = Date::Parse(v);
    if (!d) Fail(column, "\"" + v + "\" is not " + Date::kForm);
    return d.value_or(Date{});
  }
  std::optional<Date> OptionalDate(std::string_view column) {
    auto v = Optional(column);
    if (!v) return std::nullopt;
    auto d = Date::Parse(*v);
    if (!d) Fail(column, "\"" + *v + "\" is not " + Date::kForm);
    return d;
  }
  // A date-time, or a date meaning its midnight.
  std::optional<DateTime> OptionalDateTime(std::string_view column) {
    auto v = Optional(column);
    if (!v) return std::nullopt;
    if (auto dt = DateTime::Parse(*v)) return dt;
    if (auto d = Date::Parse(*v)) return DateTime{*d, 0, 0, 0};
    Fail(column, "\"" + *v + "\" is not " + Date::kForm + " or " + DateTime::kForm);
    return std::nullopt;
  }
  void Fail(std::string_view column, std::string message) {
    if (!error_) {
      error_ = MakeError("csv.value",
                         "line " + std::to_string(line_) + ", column " + std::string(column),
                         std::move(message));
    }
  }
  bool failed() const { return error_.has_value(); }

 private:
  const std::vector<std::string>& fields_;
  const std::unordered_map<std::string, size_t>& index_;
  size_t line_;
  std::optional<Error>& error_;
};

std::vector<model::Communication> Contacts(const Row& row, std::string_view phones,
                                           std::string_view emails, std::string_view website = {}) {
  std::vector<model::Communication> out;
  auto add = [&](std::string_view column, const char* code) {
    if (column.empty()) return;
    auto ids = Split(row.Get(column), ';');
    if (ids.empty()) return;
    out.push_back(model::Communication{code, std::nullopt, std::move(ids)});
  };
  add(phones, "TE");
  add(emails, "EM");
  add(website, "AO");
  return out;
}

model::FullName Name(const Row& row, std::string_view prefix) {
  const std::string p(prefix);
  return model::FullName{row.Optional(p + "_first_name"), row.Optional(p + "_middle_name"),
                         row.Optional(p + "_last_name")};
}

model::t3::Organization Organization(Row& row) {
  model::t3::Organization org;
  org.name = row.Required("organization_name");
  org.brief_name = row.Optional("organization_brief_name");
  org.type_code = row.Required("legal_form_code");
  model::Address address;
  address.address_kind_code = row.Optional("address_kind").value_or("1");
  address.unified_country_code = row.Required("address_country");
  address.region_name = row.Optional("address_region");
  address.city_name = row.Optional("address_city");
  address.settlement_name = row.Optional("address_settlement");
  address.street_name = row.Optional("address_street");
  address.building_number_id = row.Optional("address_building");
  address.room_number_id = row.Optional("address_room");
  address.post_code = row.Optional("address_post_code");
  org.addresses.push_back(std::move(address));
  org.contacts = Contacts(row, "phones", "emails", "website");
  if (org.contacts.empty()) {
    row.Fail("phones", "the organization needs a phone, an e-mail or a website (T3 1.5)");
  }
  org.head.full_name = Name(row, "head");
  org.head.contacts = Contacts(row, "head_phones", "head_emails");
  if (org.head.contacts.empty()) {
    row.Fail("head_phones", "the head of the organization needs a phone or an e-mail (T3 1.6)");
  }
  org.group_codes = Split(row.Get("group_codes"), ';');
  if (org.group_codes.empty()) row.Fail("group_codes", "at least one group code is required");
  auto& auth = org.authorization;
  auth.country_code = row.Required("auth_country");
  auth.doc_kind_name = row.Required("auth_doc_kind");
  auth.doc_name = row.Required("auth_doc_name");
  auth.doc_id = row.Required("auth_doc_number");
  auth.doc_creation_date = row.RequiredDate("auth_doc_date");
  auth.validity_date = row.OptionalDate("auth_doc_valid_until");
  auth.authority.unified_country_code = auth.country_code;
  auth.authority.authority_id = row.Optional("authority_id");
  auth.authority.authority_name = row.Optional("authority_name");
  auto start = row.OptionalDateTime("register_start");
  auto end = row.OptionalDateTime("register_end");
  if (start) {
    org.record_status = model::t3::RecordStatus{model::t3::ValidityPeriod{*start, end}};
  } else if (end) {
    row.Fail("register_end", "a withdrawal needs register_start as well");
  }
  return org;
}

std::optional<model::t3::Inspector> Inspector(Row& row) {
  if (row.Get("inspector_last_name").empty() && row.Get("inspector_first_name").empty()) {
    return std::nullopt;
  }
  model::t3::Inspector in;
  in.full_name = Name(row, "inspector");
  in.contacts = Contacts(row, "inspector_phones", "inspector_emails");
  if (in.contacts.empty()) {
    row.Fail("inspector_phones", "the inspector needs a phone or an e-mail (T3 2.2)");
  }
  in.competence.attestation_date = row.RequiredDate("attestation_date");
  in.competence.attestation_validity_date = row.RequiredDate("attestation_valid_until");
  in.competence.subgroup_names = Split(row.Get("subgroup_names"), ';');
  const std::string staff = row.Get("staff_member");
  if (staff == "1" || staff.empty()) {
    in.staff_member = true;
  } else if (staff == "0") {
    in.staff_member = false;
  } else {
    row.Fail("staff_member", "\"" + staff + "\" is not 1 or 0");
  }
  for (const auto& item : Split(row.Get("education"), ';')) {
    auto f = SplitFields(item);
    auto year = f.size() == 3 ? Year::Parse(f[1]) : std::nullopt;
    if (!year) {
      row.Fail("education", "\"" + item + "\" is not institution|year|speciality");
      break;
    }
    in.education.push_back(model::t3::Education{f[0], *year, f[2]});
  }
  if (in.education.empty()) {
    row.Fail("education", "the inspector needs at least one higher education entry (T3 2.5)");
  }
  for (const auto& item : Split(row.Get("training"), ';')) {
    auto f = SplitFields(item);
    auto date = f.size() == 4 ? Date::Parse(f[3]) : std::nullopt;
    if (!date) {
      row.Fail("training", "\"" + item + "\" is not course|institution|certificate|date");
      break;
    }
    in.training.push_back(model::t3::Training{f[0], f[1], f[2], *date});
  }
  for (const auto& item : Split(row.Get("experience"), ';')) {
    auto f = SplitFields(item);
    auto years = f.size() >= 5 && f.size() <= 6 ? Decimal1::Parse(f[2]) : std::nullopt;
    if (!years) {
      row.Fail("experience",
               "\"" + item + "\" is not employer|position|years|country|city[|legal form]");
      break;
    }
    model::t3::Experience ex;
    ex.employer_name = f[0];
    ex.position_name = f[1];
    ex.service_years = *years;
    ex.employer_address.address_kind_code = "1";
    ex.employer_address.unified_country_code = f[3];
    ex.employer_address.city_name = f[4];
    if (f.size() == 6 && !f[5].empty()) ex.employer_type_code = f[5];
    in.experience.push_back(std::move(ex));
  }
  return in;
}

}  // namespace

const std::vector<std::string_view>& RegisterCsvColumns() {
  return kColumns;
}

Result<std::vector<std::vector<std::string>>> ParseCsv(std::string_view text, char separator) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);  // UTF-8 BOM
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string field;
  bool quoted = false, field_started = false;
  size_t line = 1;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          field += '"';
          ++i;
        } else {
          quoted = false;
        }
      } else {
        if (c == '\n') ++line;
        field += c;
      }
      continue;
    }
    if (c == '"') {
      if (field_started && !field.empty()) {
        return MakeError("csv.malformed", "line " + std::to_string(line),
                         "a quote inside an unquoted field");
      }
      quoted = true;
      field_started = true;
    } else if (c == separator) {
      row.push_back(std::move(field));
      field.clear();
      field_started = false;
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      row.push_back(std::move(field));
      field.clear();
      field_started = false;
      if (!(row.size() == 1 && row[0].empty())) rows.push_back(std::move(row));
      row.clear();
      ++line;
    } else {
      field += c;
      field_started = true;
    }
  }
  if (quoted) {
    return MakeError("csv.malformed", "line " + std::to_string(line), "unterminated quoted field");
  }
  if (field_started || !row.empty()) {
    row.push_back(std::move(field));
    rows.push_back(std::move(row));
  }
  return rows;
}

Result<RegisterInput> ReadRegisterCsvRecords(std::string_view text,
                                             const model::DocumentCatalog& catalog,
                                             const CsvImportOptions& options) {
  if (!IsXmlText(text)) {
    return MakeError("csv.malformed", "", "the file holds control characters: not a text CSV");
  }
  auto parsed = ParseCsv(text, options.separator);
  if (!parsed) return parsed.error();
  auto& rows = parsed.value();
  if (rows.empty()) return MakeError("csv.malformed", "line 1", "no header row");
  std::unordered_map<std::string, size_t> index;
  for (size_t i = 0; i < rows[0].size(); ++i) {
    const std::string name = xml::CollapseWhitespace(rows[0][i]);
    bool known = false;
    for (auto column : kColumns) known = known || column == name;
    if (!known) {
      return MakeError("csv.unknown-column", "line 1, column " + std::to_string(i + 1),
                       "unknown column \"" + name + "\"");
    }
    if (!index.emplace(name, i).second) {
      return MakeError("csv.unknown-column", "line 1", "column \"" + name + "\" appears twice");
    }
  }
  for (auto required :
       {"organization_name", "legal_form_code", "address_country", "group_codes", "auth_country",
        "auth_doc_kind", "auth_doc_name", "auth_doc_number", "auth_doc_date"}) {
    if (!index.contains(required)) {
      return MakeError("csv.missing-column", "line 1",
                       std::string("required column \"") + required + "\" is missing");
    }
  }
  if (rows.size() < 2) return MakeError("csv.malformed", "line 2", "no data rows");

  const auto& info = catalog.Info(model::DocumentKind::kRegisterEntry);
  RegisterInput input;
  struct Seen {
    size_t record = 0;                         // index in input.records, or
    size_t problem = SIZE_MAX;                 // in input.problems once it is refused
    std::map<std::string, size_t> inspectors;  // folded full name -> line
  };
  std::map<std::string, Seen> by_key;
  const auto refuse = [&](const std::string& key, Seen* seen, Error error) {
    if (seen != nullptr && seen->problem == SIZE_MAX) {
      input.records[seen->record].entry.reset();
      seen->problem = input.problems.size();
    }
    input.problems.push_back(RegisterProblem{key, std::move(error)});
  };
  for (size_t r = 1; r < rows.size(); ++r) {
    const size_t line = r + 1;
    const std::string where = "line " + std::to_string(line);
    if (rows[r].size() != rows[0].size()) {
      refuse({}, nullptr,
             MakeError("csv.malformed", where,
                       "has " + std::to_string(rows[r].size()) + " fields, the header has " +
                           std::to_string(rows[0].size())));
      continue;
    }
    std::optional<Error> error;
    Row row(rows[r], index, line, error);
    model::t3::Organization org = Organization(row);
    auto inspector = Inspector(row);
    const std::string key = org.name.empty() || org.authorization.country_code.empty()
                                ? std::string()
                                : RegisterKey(org.authorization.country_code, org.name);
    Seen* seen = nullptr;
    if (!key.empty()) {
      auto [it, inserted] = by_key.try_emplace(key);
      seen = &it->second;
      if (inserted) {
        seen->record = input.records.size();
        RegisterRecord record;
        record.key = key;
        record.where = where;
        record.first_line = line;
        model::RegisterEntry entry;
        entry.header.inf_envelope_code = info.messages.empty() ? "" : info.messages.front();
        entry.header.e_doc_code = info.structure_code;
        entry.header.e_doc_id = options.new_document_id ? options.new_document_id() : "";
        entry.header.e_doc_date_time = options.now;
        entry.organization = org;
        record.entry = std::move(entry);
        input.records.push_back(std::move(record));
      }
    }
    if (error) {
      refuse(key, seen, *error);
      continue;
    }
    RegisterRecord& record = input.records[seen->record];
    if (seen->problem != SIZE_MAX) continue;  // refused on an earlier line
    if (!(record.entry->organization == org)) {
      refuse(key, seen,
             MakeError("csv.inconsistent", where,
                       "the organization \"" + org.name + "\" is on " + record.where +
                           " too, with other organization columns (a duplicate record)"));
      continue;
    }
    if (record.first_line != line)
      record.where = "lines " + std::to_string(record.first_line) + "…" + std::to_string(line);
    if (inspector) {
      const model::FullName& n = inspector->full_name;
      const std::string name = FoldName(n.last_name.value_or("") + " " + n.first_name.value_or("") +
                                        " " + n.middle_name.value_or(""));
      auto [at, fresh] = seen->inspectors.emplace(name, line);
      if (!fresh) {
        refuse(key, seen,
               MakeError("csv.duplicate", where,
                         "the inspector \"" + CollapseWhitespace(name) + "\" of \"" + org.name +
                             "\" is on line " + std::to_string(at->second) + " too"));
        continue;
      }
      record.entry->inspectors.push_back(std::move(*inspector));
    }
  }
  return input;
}

Result<std::vector<model::RegisterEntry>> ReadRegisterCsv(std::string_view text,
                                                          const model::DocumentCatalog& catalog,
                                                          const CsvImportOptions& options) {
  auto input = ReadRegisterCsvRecords(text, catalog, options);
  if (!input) return input.error();
  if (!input->problems.empty()) return input->problems.front().error;
  std::vector<model::RegisterEntry> entries;
  entries.reserve(input->records.size());
  for (auto& record : input->records) entries.push_back(std::move(*record.entry));
  return entries;
}

std::string RegisterKey(std::string_view country, std::string_view name) {
  std::string key = FoldName(country);
  for (char& c : key) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  key += '|';
  key += FoldName(name);
  return key;
}

}  // namespace eaeu::codec
