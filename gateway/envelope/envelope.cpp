#include "gateway/envelope/envelope.hpp"

#include "codecs/xml_writer.hpp"

namespace eaeu::envelope {
namespace {

constexpr std::string_view kBodyOpen = "<soap:Body>";
constexpr std::string_view kBodyClose = "</soap:Body></soap:Envelope>";

using codec::AppendElement;

// The document without its XML declaration and the blanks after it.
std::string_view WithoutDeclaration(std::string_view xml) {
  if (xml.starts_with("\xEF\xBB\xBF")) xml.remove_prefix(3);
  if (xml.starts_with("<?xml")) {
    const auto end = xml.find("?>");
    if (end != std::string_view::npos) xml.remove_prefix(end + 2);
  }
  while (!xml.empty() && (xml.front() == '\n' || xml.front() == '\r' || xml.front() == ' ' ||
                          xml.front() == '\t')) {
    xml.remove_prefix(1);
  }
  return xml;
}

}  // namespace

void AppendEnvelopeStart(std::string& out) {
  out += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<soap:Envelope xmlns:soap=\"";
  out += kSoapNs;
  out += "\" xmlns:wsa=\"";
  out += kWsaNs;
  out += "\" xmlns:int=\"";
  out += kIntNs;
  out += "\"><soap:Header>";
}

std::string Build(const Headers& h, std::string_view document_xml) {
  const std::string_view one[] = {document_xml};
  return Build(h, one);
}

std::string Build(const Headers& h, std::span<const std::string_view> document) {
  size_t size = 0;
  for (std::string_view piece : document) size += piece.size();
  std::string out;
  out.reserve(size + 1024);
  AppendEnvelopeStart(out);
  AppendElement(out, "wsa:To", h.to);
  out += "<wsa:ReplyTo>";
  AppendElement(out, "wsa:Address", h.reply_to);
  out += "</wsa:ReplyTo>";
  AppendElement(out, "wsa:MessageID", h.message_id);
  if (!h.relates_to.empty()) AppendElement(out, "wsa:RelatesTo", h.relates_to);
  AppendElement(out, "wsa:Action", h.action);
  AppendElement(out, "int:ProcedureID", h.procedure_id);
  AppendElement(out, "int:ConversationID", h.conversation_id);
  out += "</soap:Header>";
  out += kBodyOpen;
  bool leading = true;  // the declaration and the blanks after it may fill the first pieces
  for (std::string_view piece : document) {
    if (leading) {
      piece = WithoutDeclaration(piece);
      leading = piece.empty();
    }
    out += piece;
  }
  out += kBodyClose;
  return out;
}

std::string_view BodyOf(std::string_view envelope) {
  const auto open = envelope.find(kBodyOpen);
  if (open == std::string_view::npos || !envelope.ends_with(kBodyClose)) return {};
  const auto start = open + kBodyOpen.size();
  return envelope.substr(start, envelope.size() - kBodyClose.size() - start);
}

}  // namespace eaeu::envelope
