// Validation throughput on one core: the example inspection report and a 1 MB one, through the
// whole validator (parse + XSD + model + every rule), next to Xerces parse-and-validate alone and
// to a well-formedness parse. Prints a table; run by tests/bench/run.sh on a Release build.

#include <libxml/parser.h>
#include <libxml/xmlschemas.h>
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>

#include "codecs/json_codec.hpp"
#include "codecs/xerces_text.hpp"
#include "codecs/xml_writer.hpp"
#include "gateway/validate/validator.hpp"
#include "gateway/xml/parser.hpp"
#include "gateway/xml/schema_catalog.hpp"
#include "tests/bench/bench_support.hpp"

namespace {

using namespace eaeu::bench;
namespace fs = std::filesystem;

// libxml2's schema validation (what `xmllint --schema` does), with the schema parsed once: the
// usual C stack for this job, as a baseline.
class Libxml2Validator {
 public:
  explicit Libxml2Validator(const fs::path& xsd) {
    xmlSchemaParserCtxtPtr parser = xmlSchemaNewParserCtxt(xsd.c_str());
    schema_ = xmlSchemaParse(parser);
    xmlSchemaFreeParserCtxt(parser);
    context_ = xmlSchemaNewValidCtxt(schema_);
  }
  ~Libxml2Validator() {
    xmlSchemaFreeValidCtxt(context_);
    xmlSchemaFree(schema_);
  }
  Libxml2Validator(const Libxml2Validator&) = delete;
  Libxml2Validator& operator=(const Libxml2Validator&) = delete;

  bool Validate(const std::string& xml) {
    xmlDocPtr doc = xmlReadMemory(xml.data(), static_cast<int>(xml.size()), "document.xml", nullptr,
                                  XML_PARSE_NONET | XML_PARSE_HUGE);
    if (doc == nullptr) return false;
    const bool ok = xmlSchemaValidateDoc(context_, doc) == 0;
    xmlFreeDoc(doc);
    return ok;
  }

 private:
  xmlSchemaPtr schema_ = nullptr;
  xmlSchemaValidCtxtPtr context_ = nullptr;
};

}  // namespace

int main(int argc, char** argv) {
  const fs::path source = argc > 1 ? fs::path(argv[1]) : fs::path(EAEU_SOURCE_DIR);
  const double seconds = argc > 2 ? std::stod(argv[2]) : 3.0;

  const auto loaded = LoadValidator(source);
  const auto& validator = *loaded;
  eaeu::validate::RuleContext context;
  context.today = *eaeu::Date::Parse("2026-11-24");

  auto catalog = eaeu::xml::LoadSchemaCatalog(source / "schemas/catalog.toml");
  auto pool = eaeu::xml::GrammarPool::Load(*catalog);
  eaeu::xml::SecureParser parser(pool.value(), {});
  SaxValidator sax(*catalog);

  Libxml2Validator libxml2(source / "schemas" /
                           "EEC_R_HC_MM_00_MedicalProductQmsInspectionDetails_v1.0.0.xsd");

  const std::string example = ReadText(source / "schemas/examples/inspection-report.xml");
  const std::string large = GrowReport(validator, example, context, 1u << 20);
  const auto large_doc =
      validator.Validate(large, eaeu::validate::InputFormat::kXml, context).document;
  const std::string large_json = eaeu::codec::WriteJson(*large_doc, -1);
  const auto example_doc =
      validator.Validate(example, eaeu::validate::InputFormat::kXml, context).document;
  const std::string example_json = eaeu::codec::WriteJson(*example_doc, -1);

  struct Input {
    const char* name;
    const std::string* xml;
    const std::string* json;
  };
  const Input inputs[] = {{"example report", &example, &example_json},
                          {"1 MB report", &large, &large_json}};

  std::printf("Validation throughput, one thread, %.1f s per row\n\n", seconds);
  std::printf("| document | bytes | stage | docs/s | MB/s | us/doc |\n");
  std::printf("|---|---:|---|---:|---:|---:|\n");
  for (const auto& input : inputs) {
    const std::string& xml = *input.xml;
    // EAEU_BENCH_ONLY=text runs only the rows whose stage holds it (for a profiler).
    const char* only = std::getenv("EAEU_BENCH_ONLY");
    auto row = [&](const char* stage, size_t bytes, auto&& run) {
      if (only != nullptr && std::strstr(stage, only) == nullptr) return;
      const Figure f = Measure(bytes, seconds, run);
      std::printf("| %s | %zu | %s | %.0f | %.1f | %.0f |\n", input.name, bytes, stage,
                  f.docs_per_second, f.mb_per_second, f.micros_per_doc);
    };
    row("libxml2 parse + XSD (xmllint's validation)", xml.size(),
        [&] { return libxml2.Validate(xml); });
    row("Xerces SAX2 parse + XSD (no DOM)", xml.size(), [&] { return sax.Validate(xml); });
    const eaeu::xml::Keep dom{.tree = false, .dom = true};
    row("Xerces parse only, DOM (no grammar)", xml.size(),
        [&] { return parser.Parse(xml, false, dom).document != nullptr; });
    row("Xerces parse + XSD, DOM (grammar pool)", xml.size(),
        [&] { return parser.Parse(xml, true, dom).schema_valid(); });
    row("Xerces parse + XSD, compact tree (the validator's parse)", xml.size(),
        [&] { return parser.Parse(xml, true).schema_valid(); });
    row("validator: XML (XSD + model + rules)", xml.size(), [&] {
      return validator.Validate(xml, eaeu::validate::InputFormat::kXml, context).verdict.valid();
    });
    const std::string& json = *input.json;
    row("validator: JSON (decode + XSD + rules)", json.size(), [&] {
      return validator.Validate(json, eaeu::validate::InputFormat::kJson, context).verdict.valid();
    });
  }
  std::printf("\npeak resident memory: %ld KiB\n", PeakRssKb());
  return 0;
}
