#include "gateway/envelope/reader.hpp"

#include <xercesc/dom/DOM.hpp>

#include <cctype>

#include "codecs/xerces_text.hpp"
#include "gateway/xml/exc_c14n.hpp"
#include "gateway/xml/parser.hpp"

namespace eaeu::envelope {
namespace {

using namespace XERCES_CPP_NAMESPACE;

bool Is(const DOMElement& e, std::string_view ns, std::string_view local) {
  return xml::EqualsAscii(e.getNamespaceURI(), ns) && xml::EqualsAscii(e.getLocalName(), local);
}

std::vector<const DOMElement*> Children(const DOMElement& parent) {
  std::vector<const DOMElement*> out;
  for (const DOMElement* c = parent.getFirstElementChild(); c != nullptr;
       c = c->getNextElementSibling()) {
    out.push_back(c);
  }
  return out;
}

std::string Text(const DOMElement& e) {
  return xml::CollapseWhitespace(xml::ToUtf8(e.getTextContent()));
}

// The one child `local` of `parent` in `ns`, or null (`twice` is set when there are more).
const DOMElement* One(const DOMElement& parent, std::string_view ns, std::string_view local,
                      bool& twice) {
  const DOMElement* found = nullptr;
  for (const DOMElement* c : Children(parent)) {
    if (!Is(*c, ns, local)) continue;
    if (found != nullptr) twice = true;
    found = c;
  }
  return found;
}

HeaderProblem Problem(FaultCode code, std::string en, std::string ru, const Received& m) {
  return {code, std::move(en), std::move(ru), m.headers.message_id, m.headers.action};
}

bool IsUuidUrn(std::string_view v) {
  constexpr std::string_view kPrefix = "urn:uuid:";
  if (!v.starts_with(kPrefix)) return false;
  v.remove_prefix(kPrefix.size());
  if (v.size() != 36) return false;
  for (size_t i = 0; i < v.size(); ++i) {
    const char c = v[i];
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? c != '-' : !std::isxdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

Signal ReadSignal(const DOMElement& root, SignalKind kind) {
  Signal s;
  s.kind = kind;
  for (const DOMElement* c : Children(root)) {
    if (Is(*c, kSignalNs, "SignalId")) s.signal_id = Text(*c);
    if (Is(*c, kSignalNs, "DateTime")) s.date_time = Text(*c);
    if (!Is(*c, kSignalNs, "Error")) continue;
    SignalError e;
    for (const DOMElement* f : Children(*c)) {
      if (Is(*f, kSignalNs, "Code")) e.code = Text(*f);
      if (Is(*f, kSignalNs, "Description")) e.description = Text(*f);
      if (Is(*f, kSignalNs, "Details")) e.details = Text(*f);
      if (Is(*f, kSignalNs, "EDocId")) e.e_doc_id = Text(*f);
      if (Is(*f, kSignalNs, "Reference")) e.reference = Text(*f);
    }
    s.errors.push_back(std::move(e));
  }
  return s;
}

ReceivedFault ReadFault(const DOMElement& fault) {
  ReceivedFault f;
  bool twice = false;
  if (const auto* code = One(fault, kSoapNs, "Code", twice)) {
    if (const auto* value = One(*code, kSoapNs, "Value", twice)) f.code = Text(*value);
    if (const auto* sub = One(*code, kSoapNs, "Subcode", twice)) {
      if (const auto* value = One(*sub, kSoapNs, "Value", twice)) f.subcode = Text(*value);
    }
  }
  if (const auto* reason = One(fault, kSoapNs, "Reason", twice)) {
    for (const DOMElement* text : Children(*reason)) {
      const std::string lang = xml::ToUtf8(text->getAttributeNS(
          reinterpret_cast<const XMLCh*>(u"http://www.w3.org/XML/1998/namespace"),
          reinterpret_cast<const XMLCh*>(u"lang")));
      if (f.reason.empty() || lang == "ru") f.reason = Text(*text);
    }
  }
  return f;
}

}  // namespace

ReadResult Read(std::string_view bytes, xml::SecureParser& parser) {
  ReadResult out;
  Received& m = out.message;
  auto parsed = parser.ParseAnyRoot(bytes);
  if (!parsed.document) {
    const std::string why = parsed.issues.empty() ? "unreadable" : parsed.issues.front().message;
    out.problem = Problem(kFaultDataError, "the message is not well-formed XML: " + why,
                          "сообщение не является корректным XML-документом: " + why, m);
    return out;
  }
  const DOMElement& envelope = parsed.document->root();
  if (!Is(envelope, kSoapNs, "Envelope")) {
    out.problem = Problem(kFaultDataError, "the message is not a SOAP 1.2 envelope",
                          "сообщение не является конвертом SOAP 1.2", m);
    return out;
  }
  bool twice = false;
  const DOMElement* header = One(envelope, kSoapNs, "Header", twice);
  const DOMElement* body = One(envelope, kSoapNs, "Body", twice);

  // Headers: read what is there first, so that a fault can relate to the message.
  std::vector<std::string> repeated;
  auto read = [&](std::string_view ns, std::string_view local, std::string& into) {
    if (header == nullptr) return;
    bool more = false;
    if (const DOMElement* e = One(*header, ns, local, more)) into = Text(*e);
    if (more) repeated.push_back(std::string(local));
  };
  read(kWsaNs, "To", m.headers.to);
  read(kWsaNs, "MessageID", m.headers.message_id);
  read(kWsaNs, "RelatesTo", m.headers.relates_to);
  read(kWsaNs, "Action", m.headers.action);
  read(kIntNs, "ProcedureID", m.headers.procedure_id);
  read(kIntNs, "ConversationID", m.headers.conversation_id);
  if (header != nullptr) {
    bool more = false;
    if (const DOMElement* reply = One(*header, kWsaNs, "ReplyTo", more)) {
      if (const DOMElement* a = One(*reply, kWsaNs, "Address", more)) m.headers.reply_to = Text(*a);
    }
    if (const DOMElement* from = One(*header, kWsaNs, "From", more)) {
      if (const DOMElement* a = One(*from, kWsaNs, "Address", more)) m.from = Text(*a);
    }
    if (const DOMElement* integration = One(*header, kIntNs, "Integration", more)) {
      if (const DOMElement* t = One(*integration, kIntNs, "TrackID", more)) m.track_id = Text(*t);
      if (const DOMElement* t = One(*integration, kIntNs, "AcceptTime", more)) {
        m.accept_time = Text(*t);
      }
    }
  }
  if (body == nullptr || twice) {
    out.problem = Problem(kFaultDataError, "the envelope needs exactly one soap:Body",
                          "в конверте должен быть ровно один элемент soap:Body", m);
    return out;
  }
  const auto in_body = Children(*body);
  if (in_body.size() == 1 && Is(*in_body[0], kSoapNs, "Fault")) {
    m.body_ns = std::string(kSoapNs);
    m.body_name = "Fault";
    m.fault = ReadFault(*in_body[0]);
    return out;  // a fault is read as it is: never answered with a fault
  }
  if (!repeated.empty()) {
    out.problem = Problem(kInvalidAddressingHeader, "the header " + repeated.front() + " repeats",
                          "заголовок " + repeated.front() + " повторяется", m);
    return out;
  }
  for (auto [value, name] :
       {std::pair{&m.headers.to, "wsa:To"}, std::pair{&m.headers.message_id, "wsa:MessageID"},
        std::pair{&m.headers.action, "wsa:Action"}}) {
    if (value->empty()) {
      out.problem = Problem(kHeaderRequired, std::string("the header ") + name + " is required",
                            std::string("отсутствует обязательный заголовок ") + name, m);
      return out;
    }
  }
  if (!IsUuidUrn(m.headers.message_id)) {
    out.problem =
        Problem(kInvalidAddressingHeader, "wsa:MessageID must be urn:uuid: and an RFC 4122 UUID",
                "wsa:MessageID должен иметь вид urn:uuid:<UUID по RFC 4122>", m);
    return out;
  }
  if (!m.headers.to.starts_with("EAEU://")) {
    out.problem = Problem(kInvalidAddressingHeader, "wsa:To must be a logical address EAEU://...",
                          "wsa:To должен быть логическим адресом EAEU://...", m);
    return out;
  }
  if (!m.headers.action.starts_with("int://CP/")) {
    out.problem = Problem(kActionNotSupported, "wsa:Action must be int://CP/...",
                          "wsa:Action должен иметь вид int://CP/...", m);
    return out;
  }
  if (m.headers.conversation_id.empty() || m.headers.procedure_id.empty()) {
    out.problem = Problem(kInvalidHeader, "int:ProcedureID and int:ConversationID are required",
                          "отсутствуют заголовки int:ProcedureID и int:ConversationID", m);
    return out;
  }
  if (in_body.size() != 1) {
    out.problem = Problem(kFaultDataError, "soap:Body must hold exactly one element",
                          "soap:Body должен содержать ровно один элемент", m);
    return out;
  }
  const DOMElement& document = *in_body[0];
  m.body_ns = xml::ToUtf8(document.getNamespaceURI());
  m.body_name = xml::ToUtf8(document.getLocalName());
  m.body_xml = xml::CanonicaliseElement(document);
  if (m.body_ns == kSignalNs) {
    if (auto kind = SignalFromRoot(m.body_name)) m.signal = ReadSignal(document, *kind);
  }
  if (m.body_name == "ProcessingResultDetails") {
    for (const DOMElement* c : Children(document)) {
      if (xml::EqualsAscii(c->getLocalName(), "ProcessingResultV2Code")) m.result_code = Text(*c);
      if (xml::EqualsAscii(c->getLocalName(), "DescriptionText")) {
        m.result_description = Text(*c);
      }
    }
  }
  return out;
}

}  // namespace eaeu::envelope
