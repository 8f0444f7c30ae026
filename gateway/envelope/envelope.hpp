#pragma once
// The SOAP 1.2 envelope of exchange.md §1 (D5 §18–44): WS-Addressing and int: headers around one
// application document. The document inside is signed on its own (its enveloped signature covers
// the document, not the envelope), so the receiver takes the Body's element out as a document of
// its own to verify it.

#include <span>
#include <string>
#include <string_view>

namespace eaeu::envelope {

inline constexpr std::string_view kSoapNs = "http://www.w3.org/2003/05/soap-envelope";
inline constexpr std::string_view kWsaNs = "http://www.w3.org/2005/08/addressing";
inline constexpr std::string_view kIntNs = "urn:EEC:Interaction:v1.0";

struct Headers {
  std::string to;               // wsa:To, the receiver's logical address
  std::string reply_to;         // wsa:ReplyTo/wsa:Address, the sender's logical address
  std::string message_id;       // wsa:MessageID, "urn:uuid:…", new for every message
  std::string relates_to;       // wsa:RelatesTo; empty on a transaction's first message
  std::string action;           // wsa:Action
  std::string procedure_id;     // int:ProcedureID
  std::string conversation_id;  // int:ConversationID
};

// The XML declaration, the soap:Envelope with the soap, wsa and int namespaces, and soap:Header
// opened: where every envelope this gateway writes starts.
void AppendEnvelopeStart(std::string& out);

// The envelope around `document_xml` (an XML document; its declaration, if any, is dropped).
std::string Build(const Headers& headers, std::string_view document_xml);
// The same for a document in pieces (a signed one: before the signature, it, after it), written
// into the envelope one after the other.
std::string Build(const Headers& headers, std::span<const std::string_view> document);

// The document inside an envelope this module built; empty when `envelope` is not one.
std::string_view BodyOf(std::string_view envelope);

}  // namespace eaeu::envelope
