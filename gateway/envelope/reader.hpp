#pragma once
// Reading a SOAP 1.2 envelope that arrived (exchange.md §1 and §4): the header control of D5, the
// Body's one element taken out as a document of its own, and a signal or fault read at once.

#include <optional>
#include <string>
#include <string_view>

#include "gateway/envelope/envelope.hpp"
#include "gateway/envelope/signals.hpp"

namespace eaeu::xml {
class SecureParser;
}

namespace eaeu::envelope {

// A fault that arrived, as read.
struct ReceivedFault {
  std::string code;     // "soap:Sender"
  std::string subcode;  // "wsa:InvalidAddressingHeader"
  std::string reason;   // the Russian text, or the first one
};

struct Received {
  Headers headers;
  std::string from;         // wsa:From (a fault's sender)
  std::string track_id;     // int:Integration/int:TrackID, written by the platform
  std::string accept_time;  // int:Integration/int:AcceptTime
  std::string body_ns;      // the Body's element
  std::string body_name;
  std::string body_xml;  // that element as a document of its own (its exclusive canonical form)
  std::optional<Signal> signal;
  std::optional<ReceivedFault> fault;
  // The reply R.006 (ProcessingResultDetails): its ProcessingResultV2Code and DescriptionText,
  // read from the parsed Body; empty for any other document.
  std::string result_code;
  std::string result_description;
};

// A header error: the fault to answer with, and why.
struct HeaderProblem {
  FaultCode code;
  std::string reason_en;
  std::string reason_ru;
  std::string message_id;  // as far as it could be read, for the fault's RelatesTo
  std::string action;
};

struct ReadResult {
  Received message;                      // what could be read
  std::optional<HeaderProblem> problem;  // set: answer with this fault
};

// Reads `bytes` with `parser` (well-formedness and limits only). A problem with the envelope or
// its headers comes back as the fault to answer with; a fault that arrived is read, not a
// problem (a fault is never answered with a fault).
ReadResult Read(std::string_view bytes, xml::SecureParser& parser);

}  // namespace eaeu::envelope
