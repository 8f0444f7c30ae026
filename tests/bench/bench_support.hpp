#pragma once
// What the benchmark programs share: the timing loop, the inputs and the memory figure.

#include <stdlib.h>
#include <sys/resource.h>
#include <xercesc/framework/MemBufInputSource.hpp>
#include <xercesc/framework/XMLGrammarPoolImpl.hpp>
#include <xercesc/sax2/DefaultHandler.hpp>
#include <xercesc/sax2/SAX2XMLReader.hpp>
#include <xercesc/sax2/XMLReaderFactory.hpp>
#include <xercesc/util/XMLUni.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "codecs/xerces_text.hpp"
#include "codecs/xml_writer.hpp"
#include "gateway/validate/validator.hpp"
#include "gateway/xml/schema_catalog.hpp"
#include "tests/large_report.hpp"

namespace eaeu::bench {

namespace fs = std::filesystem;

using Clock = std::chrono::steady_clock;

inline std::string ReadText(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct Figure {
  double docs_per_second;
  double mb_per_second;
  double micros_per_doc;
};

// Runs `work` repeatedly for at least `seconds` (after a warm-up) and returns the rate.
inline Figure Measure(size_t bytes, double seconds, const std::function<bool()>& work) {
  for (int i = 0; i < 3; ++i) {
    if (!work()) {
      std::fprintf(stderr, "benchmark input was not accepted\n");
      std::exit(2);
    }
  }
  size_t runs = 0;
  const auto start = Clock::now();
  double elapsed = 0;
  do {
    for (int i = 0; i < 4; ++i) (void)work();
    runs += 4;
    elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  } while (elapsed < seconds);
  const double rate = static_cast<double>(runs) / elapsed;
  return {rate, rate * static_cast<double>(bytes) / 1e6, 1e6 / rate};
}

// The example report grown to at least `target` bytes: more inspected sites, each with its
// groups, devices and nonconformities (a large manufacturer's report).
inline std::string GrowReport(const eaeu::validate::Validator& validator,
                              const std::string& example,
                              const eaeu::validate::RuleContext& context, size_t target) {
  auto v = validator.Validate(example, eaeu::validate::InputFormat::kXml, context);
  auto report = std::get<eaeu::model::InspectionReport>(*v.document);
  auto& objects = report.report->manufacturer.objects;
  const auto pattern = objects;
  std::string xml;
  for (size_t round = 0; (xml = eaeu::codec::WriteXml(report, validator.catalog())).size() < target;
       ++round) {
    for (auto object : pattern) {
      object.address.building_number_id = std::to_string(100 + round);
      objects.push_back(std::move(object));
    }
  }
  return xml;
}

// The validator of the shipped schemas and code lists (and the tests' code lists); the program
// ends when it cannot be made.
inline std::unique_ptr<eaeu::validate::Validator> LoadValidator(const fs::path& source) {
  eaeu::validate::ValidatorSettings settings;
  settings.schema_catalog = source / "schemas/catalog.toml";
  settings.code_lists.push_back(source / "config/codelists");
  settings.code_lists.push_back(source / "tests/data/codelists");
  auto created = eaeu::validate::Validator::Create(settings);
  if (!created) {
    std::fprintf(stderr, "%s\n", created.error().ToString().c_str());
    std::exit(2);
  }
  return std::move(created.value());
}

// Xerces SAX2 with a grammar pool of its own: parse and validate without building a tree, the
// least that reading and checking the bytes costs.
class SaxValidator : public xercesc::DefaultHandler {
 public:
  explicit SaxValidator(const eaeu::xml::SchemaCatalog& catalog)
      : pool_(std::make_unique<xercesc::XMLGrammarPoolImpl>()),
        reader_(xercesc::XMLReaderFactory::createXMLReader(
            xercesc::XMLPlatformUtils::fgMemoryManager, pool_.get())) {
    using xercesc::XMLUni;
    reader_->setFeature(XMLUni::fgSAX2CoreNameSpaces, true);
    reader_->setFeature(XMLUni::fgXercesSchema, true);
    reader_->setFeature(XMLUni::fgSAX2CoreValidation, true);
    reader_->setFeature(XMLUni::fgXercesHandleMultipleImports, true);
    reader_->setFeature(XMLUni::fgXercesCacheGrammarFromParse, false);
    reader_->setFeature(XMLUni::fgXercesUseCachedGrammarInParse, true);
    reader_->setFeature(XMLUni::fgXercesLoadSchema, false);
    reader_->setContentHandler(this);
    reader_->setErrorHandler(this);
    for (const auto& schema : catalog.schemas) {
      const std::u16string name = eaeu::xml::ToUtf16(schema.path.string());
      reader_->loadGrammar(name.c_str(), xercesc::Grammar::SchemaGrammarType, true);
    }
  }

  bool Validate(const std::string& xml) {
    errors_ = 0;
    xercesc::MemBufInputSource source(reinterpret_cast<const XMLByte*>(xml.data()), xml.size(),
                                      "document", false);
    reader_->parse(source);
    return errors_ == 0;
  }

  void error(const xercesc::SAXParseException&) override { ++errors_; }
  void fatalError(const xercesc::SAXParseException&) override { ++errors_; }

 private:
  std::unique_ptr<xercesc::XMLGrammarPoolImpl> pool_;
  std::unique_ptr<xercesc::SAX2XMLReader> reader_;
  int errors_ = 0;
};

// The documents of the per-document tables: the example inspection report, the same grown to
// 1 MB with more sites, and the same with a report file that makes it 1 MB (T1 2.9, IR-17). Each
// also shared, as the gateway validates what it keeps (Validator::Validate with shared bytes).
struct Input {
  const char* name;
  std::string xml;
  std::shared_ptr<const std::string> shared;
};
inline std::vector<Input> ReportInputs(const fs::path& source,
                                       const eaeu::validate::Validator& validator,
                                       const eaeu::validate::RuleContext& context) {
  std::string example = ReadText(source / "schemas/examples/inspection-report.xml");
  std::string large = GrowReport(validator, example, context, 1u << 20);
  // 1 MB of message: base64 in lines of 76 characters and 7 of line break and indent.
  std::string with_file = eaeu::test::WithReportFile(
      example, "\n      " + eaeu::test::Base64Lines((1u << 20) / 83 * 76 / 4 * 3) + "\n    ");
  std::vector<Input> out;
  for (auto& [name, xml] : {std::pair<const char*, std::string*>{"example report", &example},
                            {"1 MB report (sites)", &large},
                            {"1 MB report (report file)", &with_file}}) {
    auto shared = std::make_shared<const std::string>(*xml);
    out.push_back({name, std::move(*xml), std::move(shared)});
  }
  return out;
}

// A new folder under the temporary directory (the caller removes it); the program ends when it
// cannot be made.
inline fs::path MakeTempDir() {
  std::string pattern = (fs::temp_directory_path() / "eaeu-bench-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) {
    std::fprintf(stderr, "cannot make a temporary folder\n");
    std::exit(2);
  }
  return pattern;
}

inline long PeakRssKb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

}  // namespace eaeu::bench
