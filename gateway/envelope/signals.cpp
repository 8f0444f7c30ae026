#include "gateway/envelope/signals.hpp"

#include "codecs/xml_writer.hpp"
#include "gateway/envelope/envelope.hpp"

namespace eaeu::envelope {
namespace {

using codec::AppendElement;

}  // namespace

std::string_view SignalRoot(SignalKind kind) {
  switch (kind) {
    case SignalKind::kDeliveryReceipt:
      return "DeliveryReceipt";
    case SignalKind::kProcessingReceipt:
      return "ProcessingReceipt";
    case SignalKind::kValidationError:
      break;
  }
  return "ValidationError";
}

std::string_view SignalMessageCode(SignalKind kind) {
  switch (kind) {
    case SignalKind::kDeliveryReceipt:
      return "P.MSG.RCV";
    case SignalKind::kProcessingReceipt:
      return "P.MSG.PRS";
    case SignalKind::kValidationError:
      break;
  }
  return "P.MSG.ERR";
}

std::optional<SignalKind> SignalFromRoot(std::string_view local_name) {
  for (auto kind : {SignalKind::kDeliveryReceipt, SignalKind::kProcessingReceipt,
                    SignalKind::kValidationError}) {
    if (SignalRoot(kind) == local_name) return kind;
  }
  return std::nullopt;
}

std::string SignalXml(const Signal& signal) {
  std::string out = "<sgn:";
  out += SignalRoot(signal.kind);
  out += " xmlns:sgn=\"";
  out += kSignalNs;
  out += "\">";
  AppendElement(out, "sgn:SignalId", signal.signal_id);
  AppendElement(out, "sgn:DateTime", signal.date_time);
  for (const auto& e : signal.errors) {
    out += "<sgn:Error>";
    AppendElement(out, "sgn:Code", e.code);
    AppendElement(out, "sgn:Description", e.description);
    if (!e.details.empty()) AppendElement(out, "sgn:Details", e.details);
    if (!e.e_doc_id.empty()) AppendElement(out, "sgn:EDocId", e.e_doc_id);
    if (!e.reference.empty()) AppendElement(out, "sgn:Reference", e.reference);
    out += "</sgn:Error>";
  }
  out += "</sgn:";
  out += SignalRoot(signal.kind);
  out += '>';
  return out;
}

std::string SignalAction(std::string_view action, SignalKind kind) {
  const auto slash = action.rfind('/');
  std::string out(slash == std::string_view::npos ? std::string_view() : action.substr(0, slash));
  out += '/';
  out += SignalMessageCode(kind);
  return out;
}

std::string BuildFault(const Fault& fault) {
  std::string out;
  AppendEnvelopeStart(out);
  AppendElement(out, "wsa:MessageID", fault.message_id);
  if (!fault.relates_to.empty()) {
    out += "<wsa:RelatesTo";
    if (!fault.relates_action.empty()) {
      out += " int:RelatesAction=\"";
      codec::AppendEscaped(out, fault.relates_action);
      out += '"';
    }
    out += '>';
    codec::AppendEscaped(out, fault.relates_to);
    out += "</wsa:RelatesTo>";
  }
  out += "<wsa:From>";
  AppendElement(out, "wsa:Address", fault.from);
  out += "</wsa:From>";
  AppendElement(out, "wsa:Action", "http://www.w3.org/2005/08/addressing/fault");
  out += "</soap:Header><soap:Body><soap:Fault><soap:Code>";
  AppendElement(out, "soap:Value", fault.code.value);
  out += "<soap:Subcode>";
  AppendElement(out, "soap:Value", fault.code.subcode);
  out += "</soap:Subcode></soap:Code><soap:Reason><soap:Text xml:lang=\"ru\">";
  codec::AppendEscaped(out, fault.reason_ru);
  out += "</soap:Text>";
  if (!fault.reason_en.empty()) {
    out += "<soap:Text xml:lang=\"en\">";
    codec::AppendEscaped(out, fault.reason_en);
    out += "</soap:Text>";
  }
  out += "</soap:Reason></soap:Fault></soap:Body></soap:Envelope>";
  return out;
}

std::string SignalEnvelope(const Headers& answered, const Signal& signal, std::string message_id) {
  return SignalEnvelope(answered, signal.kind, SignalXml(signal), std::move(message_id));
}

std::string SignalEnvelope(const Headers& answered, SignalKind kind, std::string_view signal_xml,
                           std::string message_id) {
  Headers back;
  back.to = answered.reply_to;
  back.reply_to = answered.to;
  back.message_id = std::move(message_id);
  back.relates_to = answered.message_id;
  back.action = SignalAction(answered.action, kind);
  back.procedure_id = answered.procedure_id;
  back.conversation_id = answered.conversation_id;
  return Build(back, signal_xml);
}

std::optional<SignalKind> KindOfSignalXml(std::string_view signal_xml) {
  if (!signal_xml.starts_with("<sgn:")) return std::nullopt;
  signal_xml.remove_prefix(5);
  return SignalFromRoot(signal_xml.substr(0, signal_xml.find(' ')));
}

}  // namespace eaeu::envelope
