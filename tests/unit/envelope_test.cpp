// Reading envelopes as they arrive: the headers, the Body's document taken out whole (still
// valid, still verifiable), signals and faults, and the header control that answers a fault.
#include <catch2/catch.hpp>

#include "gateway/envelope/reader.hpp"
#include "gateway/envelope/signals.hpp"
#include "gateway/xml/parser.hpp"
#include "gateway/xml/schema_catalog.hpp"
#include "support.hpp"

namespace eaeu::test {
namespace {

using namespace envelope;

xml::SecureParser& Parser() {
  static auto catalog = xml::LoadSchemaCatalog(SourceDir() / "schemas/catalog.toml");
  static auto pool = xml::GrammarPool::Load(*catalog);
  static xml::SecureParser parser(*pool, xml::ParserLimits{});
  return parser;
}

Headers SomeHeaders() {
  Headers h;
  h.to = "EAEU://EEC/CP/P.MM.00/P.ACT.001";
  h.reply_to = "EAEU://RU/CP/P.MM.00/P.MM.00.ACT.001";
  h.message_id = "urn:uuid:6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b";
  h.action = "int://CP/P.MM.00/1.0.0/P.MM.00.PRC.001/P.MM.00.TRN.001/P.MM.00.MSG.001";
  h.procedure_id = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
  h.conversation_id = "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d";
  return h;
}

std::string ProblemCode(const ReadResult& r) {
  return r.problem ? std::string(r.problem->code.subcode) : std::string();
}

}  // namespace

TEST_CASE("Envelope: headers and the Body's document read back", "[envelope]") {
  const std::string report = ReadText(ExamplePath(model::DocumentKind::kInspectionReport));
  const auto read = Read(Build(SomeHeaders(), report), Parser());
  REQUIRE_FALSE(read.problem);
  const Received& m = read.message;
  CHECK(m.headers.to == SomeHeaders().to);
  CHECK(m.headers.reply_to == SomeHeaders().reply_to);
  CHECK(m.headers.message_id == SomeHeaders().message_id);
  CHECK(m.headers.action == SomeHeaders().action);
  CHECK(m.headers.conversation_id == SomeHeaders().conversation_id);
  CHECK(m.body_name == "MedicalProductQmsInspectionDetails");
  CHECK_FALSE(m.signal);
  // The document taken out is the document: valid, and canonically the same as the file.
  const auto v = TestValidator().Validate(m.body_xml, validate::InputFormat::kXml, Context());
  CHECK(v.verdict.valid());
  CHECK(m.body_xml == XmllintExcC14n(report));
}

TEST_CASE("Envelope: a document in pieces goes in as the same bytes joined", "[envelope]") {
  const std::string report = ReadText(ExamplePath(model::DocumentKind::kInspectionReport));
  REQUIRE(report.starts_with("<?xml"));
  const std::string signature = "<ds:Signature xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\"/>";
  const size_t end_tag = report.rfind("</");
  const size_t declaration_end = report.find("?>") + 2;
  // Where a signature goes (before the root's end tag); nothing put in at the start (a document
  // not signed: its declaration is in the third piece); a first piece that is the declaration
  // alone, its blank line in the next.
  for (const size_t at : {end_tag, size_t{0}, declaration_end}) {
    for (const std::string& put_in : {signature, std::string()}) {
      const std::string_view whole(report);
      const std::string_view pieces[] = {whole.substr(0, at), put_in, whole.substr(at)};
      std::string joined = report;
      joined.insert(at, put_in);
      CHECK(Build(SomeHeaders(), pieces) == Build(SomeHeaders(), joined));
    }
  }
}

TEST_CASE(
    "Envelope: a document whose namespaces the envelope declares stands alone when taken "
    "out",
    "[envelope]") {
  // The document's prefixes are declared on the Envelope, as another gateway may write them.
  std::string report = ReadText(ExamplePath(model::DocumentKind::kSuspensionNotice));
  const auto root_start = report.find('<', report.find("?>"));
  const auto root_end = report.find('>', root_start);
  std::string root_tag = report.substr(root_start, root_end - root_start);
  std::string declarations;
  for (size_t at = root_tag.find(" xmlns"); at != std::string::npos; at = root_tag.find(" xmlns")) {
    const auto end = root_tag.find('"', root_tag.find('"', at) + 1);
    declarations += root_tag.substr(at, end + 1 - at);
    root_tag.erase(at, end + 1 - at);
  }
  REQUIRE_FALSE(declarations.empty());
  const std::string body = report.substr(root_end + 1);
  const Headers h = SomeHeaders();
  const std::string envelope =
      "<soap:Envelope xmlns:soap=\"http://www.w3.org/2003/05/soap-envelope\" "
      "xmlns:wsa=\"http://www.w3.org/2005/08/addressing\" xmlns:int=\"urn:EEC:Interaction:v1.0\"" +
      declarations + "><soap:Header><wsa:To>" + h.to + "</wsa:To><wsa:MessageID>" + h.message_id +
      "</wsa:MessageID><wsa:Action>" + h.action + "</wsa:Action><int:ProcedureID>" +
      h.procedure_id + "</int:ProcedureID><int:ConversationID>" + h.conversation_id +
      "</int:ConversationID><int:Integration><int:TrackID>T-42</int:TrackID><int:AcceptTime>"
      "2026-11-24T10:00:00Z</int:AcceptTime></int:Integration></soap:Header><soap:Body>" +
      root_tag + ">" + body + "</soap:Body></soap:Envelope>";
  const auto read = Read(envelope, Parser());
  REQUIRE_FALSE(read.problem);
  CHECK(read.message.track_id == "T-42");
  CHECK(read.message.accept_time == "2026-11-24T10:00:00Z");
  const auto v =
      TestValidator().Validate(read.message.body_xml, validate::InputFormat::kXml, Context());
  INFO(read.message.body_xml.substr(0, 400));
  CHECK(v.verdict.valid());
}

TEST_CASE("Envelope: signals are built and read back", "[envelope]") {
  Signal error;
  error.kind = SignalKind::kValidationError;
  error.signal_id = "2b3c4d5e-6f70-4a8b-9cad-beef01234567";
  error.date_time = "2026-11-24T10:00:00Z";
  error.errors.push_back({std::string(kDataError), "XSD: <x> & <y>", "", "EDOC-1", "/doc:X"});
  error.errors.push_back({"IR-05", "rule failed", "details", "", ""});
  Headers h = SomeHeaders();
  h.relates_to = h.message_id;
  h.message_id = "urn:uuid:7f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b";
  h.action = SignalAction(SomeHeaders().action, SignalKind::kValidationError);
  CHECK(h.action == "int://CP/P.MM.00/1.0.0/P.MM.00.PRC.001/P.MM.00.TRN.001/P.MSG.ERR");
  const auto read = Read(Build(h, SignalXml(error)), Parser());
  REQUIRE_FALSE(read.problem);
  REQUIRE(read.message.signal);
  const Signal& s = *read.message.signal;
  CHECK(s.kind == SignalKind::kValidationError);
  CHECK(s.signal_id == error.signal_id);
  REQUIRE(s.errors.size() == 2);
  CHECK(s.errors[0].code == "Common:DataError");
  CHECK(s.errors[0].description == "XSD: <x> & <y>");
  CHECK(s.errors[0].e_doc_id == "EDOC-1");
  CHECK(s.errors[0].reference == "/doc:X");
  CHECK(s.errors[1].details == "details");
  CHECK(read.message.headers.relates_to == SomeHeaders().message_id);
}

TEST_CASE("Envelope: header control answers with the fault of exchange.md §4", "[envelope]") {
  const std::string report = ReadText(ExamplePath(model::DocumentKind::kInspectionReport));
  auto with = [&](auto edit) {
    Headers h = SomeHeaders();
    edit(h);
    return Read(Build(h, report), Parser());
  };
  CHECK(ProblemCode(with([](Headers& h) { h.to.clear(); })) ==
        "wsa:MessageAddressingHeaderRequired");
  CHECK(ProblemCode(with([](Headers& h) { h.message_id = "42"; })) ==
        "wsa:InvalidAddressingHeader");
  CHECK(ProblemCode(with([](Headers& h) { h.action = "urn:other"; })) == "wsa:ActionNotSupported");
  CHECK(ProblemCode(with([](Headers& h) { h.conversation_id.clear(); })) == "int:InvalidHeader");
  const auto bad_id = with([](Headers& h) { h.message_id = "42"; });
  CHECK(bad_id.problem->message_id == "42");  // the fault relates to what could be read
  CHECK(ProblemCode(Read("<not-xml", Parser())) == "int:DataError");
  CHECK(ProblemCode(Read(report, Parser())) == "int:DataError");  // a document, no envelope

  Fault fault;
  fault.code = kInvalidHeader;
  fault.reason_ru = "отсутствуют заголовки";
  fault.reason_en = "headers missing";
  fault.from = "EAEU://RU/SR/gate";
  fault.message_id = "urn:uuid:8f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b";
  fault.relates_to = SomeHeaders().message_id;
  fault.relates_action = SomeHeaders().action;
  const auto read = Read(BuildFault(fault), Parser());
  REQUIRE_FALSE(read.problem);  // a fault is never answered with a fault
  REQUIRE(read.message.fault);
  CHECK(read.message.fault->code == "soap:Sender");
  CHECK(read.message.fault->subcode == "int:InvalidHeader");
  CHECK(read.message.fault->reason == "отсутствуют заголовки");
  CHECK(read.message.from == "EAEU://RU/SR/gate");
  CHECK(read.message.headers.relates_to == SomeHeaders().message_id);
}

}  // namespace eaeu::test
