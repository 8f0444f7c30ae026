#pragma once
// Signals and faults of exchange.md §4 (D5 §64–95): the DeliveryReceipt, ProcessingReceipt and
// ValidationError a receiver sends back, and the SOAP 1.2 Fault about a bad header.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/envelope/envelope.hpp"

namespace eaeu::envelope {

inline constexpr std::string_view kSignalNs = "urn:EEC:signal:v1.0";

enum class SignalKind { kDeliveryReceipt, kProcessingReceipt, kValidationError };

// The root element's local name, and the message code that replaces the transaction's in Action
// ("P.MSG.RCV", "P.MSG.PRS", "P.MSG.ERR").
std::string_view SignalRoot(SignalKind kind);
std::string_view SignalMessageCode(SignalKind kind);
std::optional<SignalKind> SignalFromRoot(std::string_view local_name);

// Error codes of a ValidationError that are not rule ids.
inline constexpr std::string_view kUnexpectedMessage = "Common:UnexpectedMessage";
inline constexpr std::string_view kDataError = "Common:DataError";
inline constexpr std::string_view kFatalError = "Common:FatalError";

struct SignalError {
  std::string code;  // a rule id, or one of the Common: codes
  std::string description;
  std::string details;
  std::string e_doc_id;
  std::string reference;  // where in the document (an element path)
};

struct Signal {
  SignalKind kind = SignalKind::kDeliveryReceipt;
  std::string signal_id;            // a UUID
  std::string date_time;            // xs:dateTime, UTC
  std::vector<SignalError> errors;  // ValidationError only: one or more
};

// The signal as an XML document (for an envelope's Body).
std::string SignalXml(const Signal& signal);

// The Action of a signal answering a message of `action`: its message code replaced.
std::string SignalAction(std::string_view action, SignalKind kind);

// The whole envelope of `signal` answering the message whose headers are `answered`: to its
// ReplyTo, from its To, relating to its MessageID, in its procedure and conversation.
// `message_id` is the signal's own wsa:MessageID ("urn:uuid:…").
std::string SignalEnvelope(const Headers& answered, const Signal& signal, std::string message_id);
// The same for a signal already written out (SignalXml), of `kind`.
std::string SignalEnvelope(const Headers& answered, SignalKind kind, std::string_view signal_xml,
                           std::string message_id);
// The kind of a signal written out by SignalXml.
std::optional<SignalKind> KindOfSignalXml(std::string_view signal_xml);

// Fault codes of §4: the Sender's and the Receiver's.
struct FaultCode {
  std::string_view value;    // "soap:Sender" or "soap:Receiver"
  std::string_view subcode;  // "wsa:InvalidAddressingHeader", "int:InternalError", ...
};
inline constexpr FaultCode kInvalidAddressingHeader{"soap:Sender", "wsa:InvalidAddressingHeader"};
inline constexpr FaultCode kHeaderRequired{"soap:Sender", "wsa:MessageAddressingHeaderRequired"};
inline constexpr FaultCode kDestinationUnreachable{"soap:Sender", "wsa:DestinationUnreachable"};
inline constexpr FaultCode kActionNotSupported{"soap:Sender", "wsa:ActionNotSupported"};
inline constexpr FaultCode kInvalidHeader{"soap:Sender", "int:InvalidHeader"};
inline constexpr FaultCode kFaultDataError{"soap:Sender", "int:DataError"};
inline constexpr FaultCode kEndpointUnavailable{"soap:Receiver", "wsa:EndpointUnavailable"};
inline constexpr FaultCode kInternalError{"soap:Receiver", "int:InternalError"};

struct Fault {
  FaultCode code;
  std::string reason_ru;  // soap:Reason/soap:Text xml:lang="ru", always
  std::string reason_en;
  std::string from;            // wsa:From: who sends the fault
  std::string message_id;      // the fault's own wsa:MessageID
  std::string relates_to;      // the MessageID of the message at fault, when it could be read
  std::string relates_action;  // int:RelatesAction: that message's Action
};

// A whole SOAP 1.2 envelope holding the fault.
std::string BuildFault(const Fault& fault);

}  // namespace eaeu::envelope
