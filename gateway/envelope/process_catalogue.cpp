#include "gateway/envelope/process_catalogue.hpp"

#include <algorithm>
#include <charconv>

#include "gateway/checked_toml/reader.hpp"

namespace eaeu::envelope {
namespace {

using checked_toml::Section;

std::optional<std::chrono::milliseconds> ReadTimer(Section& t, std::string_view key) {
  auto text = t.String(key);
  if (!text) return std::nullopt;
  auto value = ParseIsoDuration(*text);
  if (!value)
    t.Problem(key, "must be an ISO 8601 duration such as \"PT20M\", not \"" + *text + "\"");
  return value;
}

template <class Enum>
std::optional<Enum> ReadChoice(Section& t, std::string_view key,
                               std::initializer_list<std::pair<std::string_view, Enum>> choices,
                               bool required = true) {
  auto text = t.String(key, required);
  if (!text) return std::nullopt;
  std::string names;
  for (const auto& [name, value] : choices) {
    if (name == *text) return value;
    names += (names.empty() ? "\"" : ", \"") + std::string(name) + "\"";
  }
  t.Problem(key, "must be one of " + names + ", not \"" + *text + "\"");
  return std::nullopt;
}

}  // namespace

std::optional<std::chrono::milliseconds> ParseIsoDuration(std::string_view text) {
  if (!text.starts_with('P') || text.size() < 3) return std::nullopt;
  text.remove_prefix(1);
  bool in_time = false;
  bool any = false;
  int64_t total_seconds = 0;
  while (!text.empty()) {
    if (text.front() == 'T') {
      if (in_time) return std::nullopt;
      in_time = true;
      text.remove_prefix(1);
      continue;
    }
    int64_t value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end == text.data() || end == text.data() + text.size()) {
      return std::nullopt;
    }
    const char unit = *end;
    int64_t factor = 0;
    if (!in_time && unit == 'D') factor = 86'400;
    if (in_time && unit == 'H') factor = 3'600;
    if (in_time && unit == 'M') factor = 60;
    if (in_time && unit == 'S') factor = 1;
    if (factor == 0 || value > (int64_t{1} << 32)) return std::nullopt;
    total_seconds += value * factor;
    any = true;
    text.remove_prefix(static_cast<size_t>(end - text.data()) + 1);
  }
  if (!any) return std::nullopt;
  return std::chrono::milliseconds(total_seconds * 1000);
}

const Transaction* ProcessCatalogue::ForKind(std::string_view kind) const {
  for (const auto& t : transactions) {
    if (t.started_here && t.kind == kind) return &t;
  }
  return nullptr;
}

std::string ProcessCatalogue::Action(const Transaction& transaction,
                                     std::string_view message) const {
  return "int://CP/" + process + "/" + version + "/" + procedure + "/" + transaction.code + "/" +
         std::string(message);
}

std::string ProcessCatalogue::AddressOf(std::string_view state,
                                        std::string_view participant) const {
  return "EAEU://" + std::string(state) + "/CP/" + process + "/" + std::string(participant);
}

std::vector<std::string> ProcessCatalogue::Destinations(const Transaction& transaction,
                                                        std::string_view sender_state) const {
  if (transaction.respondent == Respondent::kCommission) return {commission_address};
  std::vector<std::string> out;
  for (const auto& state : member_states) {
    if (state != sender_state) out.push_back(AddressOf(state, authority_participant));
  }
  return out;
}

std::optional<IncomingMessage> ProcessCatalogue::Incoming(std::string_view action) const {
  const std::string prefix = "int://CP/" + process + "/" + version + "/" + procedure + "/";
  if (!action.starts_with(prefix)) return std::nullopt;
  const std::string_view rest = action.substr(prefix.size());
  const auto slash = rest.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  const std::string_view code = rest.substr(0, slash);
  const std::string_view message = rest.substr(slash + 1);
  for (const auto& tr : transactions) {
    if (tr.code != code) continue;
    const bool sent_to_authorities =
        !tr.started_here || tr.respondent == Respondent::kOtherAuthorities;
    if (message == tr.message && sent_to_authorities) {
      return IncomingMessage{&tr, std::string(message), false};
    }
    if (tr.started_here && !tr.reply_message.empty() && message == tr.reply_message) {
      return IncomingMessage{&tr, std::string(message), true};
    }
  }
  return std::nullopt;
}

Result<ProcessCatalogue> LoadProcessCatalogue(const std::filesystem::path& file) {
  auto parsed = checked_toml::ParseTomlFile(file, "process.syntax");
  if (!parsed) return parsed.error();
  checked_toml::Problems problems(file);
  Section top(&*parsed, "", &problems);
  ProcessCatalogue out;

  Section process = top.Table("process");
  out.process = process.String("code", true).value_or("");
  out.version = process.String("version", true).value_or("");
  out.procedure = process.String("procedure", true).value_or("");
  out.commission_address = process.String("commission", true).value_or("");
  out.authority_participant = process.String("authority_participant", true).value_or("");
  out.member_states = process.Strings("member_states");
  if (out.member_states.empty()) process.Problem("member_states", "must list the member states");
  process.RejectUnknown();

  for (Section& t : top.Tables("transaction")) {
    Transaction tr;
    tr.code = t.String("code", true).value_or("");
    const auto initiator =
        ReadChoice<bool>(t, "initiator", {{"authority", true}, {"commission", false}});
    tr.kind = t.String("kind", true).value_or("");
    tr.message = t.String("message", true).value_or("");
    tr.reply_message = t.String("reply_message").value_or("");
    tr.pattern = ReadChoice<Pattern>(t, "pattern",
                                     {{"request-response", Pattern::kRequestResponse},
                                      {"notification", Pattern::kNotification}})
                     .value_or(Pattern::kNotification);
    tr.respondent = ReadChoice<Respondent>(t, "respondent",
                                           {{"commission", Respondent::kCommission},
                                            {"other-authorities", Respondent::kOtherAuthorities}})
                        .value_or(Respondent::kCommission);
    tr.guaranteed_delivery = t.Bool("guaranteed_delivery").value_or(false);
    tr.signed_document = t.Bool("signed").value_or(true);
    tr.signature_required = t.Bool("signature_required").value_or(false);
    tr.receive_timer = ReadTimer(t, "receive_timer");
    tr.processing_timer = ReadTimer(t, "processing_timer");
    tr.response_timer = ReadTimer(t, "response_timer");
    if (auto r = t.Integer("retries", 0, 100)) tr.retries = static_cast<uint32_t>(*r);
    if (tr.pattern == Pattern::kRequestResponse && tr.reply_message.empty()) {
      t.Problem("reply_message", "a request/response transaction needs its reply's message code");
    }
    tr.started_here = initiator.value_or(true);
    t.RejectUnknown();
    if (tr.started_here && out.ForKind(tr.kind) != nullptr) {
      t.Problem("kind",
                "another transaction started by an authority already carries \"" + tr.kind + "\"");
    }
    out.transactions.push_back(std::move(tr));
  }
  if (out.transactions.empty()) top.Problem("transaction", "no transaction is defined");
  top.RejectUnknown();
  if (!problems.empty()) return problems.ToError("process.invalid");
  return out;
}

}  // namespace eaeu::envelope
