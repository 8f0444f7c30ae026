#include "gateway/xml/serialise.hpp"

#include <xercesc/dom/DOM.hpp>
#include <xercesc/framework/XMLFormatter.hpp>

#include <memory>

namespace eaeu::xml {
namespace {

using namespace XERCES_CPP_NAMESPACE;

// Appends what the serializer writes to a string.
class StringTarget final : public XMLFormatTarget {
 public:
  explicit StringTarget(std::string& out) : out_(out) {}
  void writeChars(const XMLByte* const bytes, const XMLSize_t count, XMLFormatter*) override {
    out_.append(reinterpret_cast<const char*>(bytes), count);
  }
  void flush() override {}

 private:
  std::string& out_;
};

template <class T>
struct Releaser {
  void operator()(T* p) const { p->release(); }
};

}  // namespace

std::string Serialise(const DOMDocument& document) {
  static const XMLCh kLs[] = {'L', 'S', 0};
  static const XMLCh kUtf8[] = {'U', 'T', 'F', '-', '8', 0};
  DOMImplementation* impl = DOMImplementationRegistry::getDOMImplementation(kLs);
  std::unique_ptr<DOMLSSerializer, Releaser<DOMLSSerializer>> serializer(
      static_cast<DOMImplementationLS*>(impl)->createLSSerializer());
  std::unique_ptr<DOMLSOutput, Releaser<DOMLSOutput>> output(
      static_cast<DOMImplementationLS*>(impl)->createLSOutput());
  std::string out;
  StringTarget target(out);
  output->setByteStream(&target);
  output->setEncoding(kUtf8);
  DOMConfiguration* config = serializer->getDomConfig();
  config->setParameter(XMLUni::fgDOMWRTFormatPrettyPrint, false);
  config->setParameter(XMLUni::fgDOMXMLDeclaration, true);
  serializer->write(&document, output.get());
  // A line break after the XML declaration, as people expect; outside the root it is not part of
  // the document's canonical form.
  if (out.compare(0, 5, "<?xml") == 0) {
    if (const auto end = out.find("?>"); end != std::string::npos && out[end + 2] != '\n') {
      out.insert(end + 2, "\n");
    }
  }
  return out;
}

}  // namespace eaeu::xml
