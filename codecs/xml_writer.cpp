#include "codecs/xml_writer.hpp"

#include "codecs/fields.hpp"
#include "gateway/core/utf8.hpp"

namespace eaeu::codec {

using model::FieldOpts;
using model::Ns;

void AppendElement(std::string& out, std::string_view name, std::string_view text) {
  out += '<';
  out += name;
  out += '>';
  AppendEscaped(out, text);
  out += "</";
  out += name;
  out += '>';
}

void AppendEscaped(std::string& out, std::string_view text) {
  AppendXmlEscaped(out, text);
}

namespace {

class XmlWriteVisitor {
 public:
  XmlWriteVisitor(std::string& out, const model::DocumentCatalog& catalog, model::DocumentKind kind)
      : out_(out), catalog_(catalog), kind_(kind) {}

  template <class T>
  void operator()(Ns ns, const char* name, const T& field, FieldOpts opts = {}) {
    if constexpr (model::IsOptional<T>::value) {
      if (field) Element(ns, name, *field, opts);
    } else if constexpr (model::IsVector<T>::value) {
      for (const auto& item : field) Element(ns, name, item, opts);
    } else {
      Element(ns, name, field, opts);
    }
  }

  template <class T>
  void Root(const T& document) {
    const auto& info = catalog_.Info(kind_);
    out_ += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<doc:";
    out_ += info.root;
    out_ += " xmlns:doc=\"";
    AppendEscaped(out_, info.ns);
    out_ += "\"\n    xmlns:ccdo=\"";
    AppendEscaped(out_, catalog_.ccdo_ns);
    out_ += "\"\n    xmlns:csdo=\"";
    AppendEscaped(out_, catalog_.csdo_ns);
    out_ += "\">\n";
    depth_ = 1;
    T::Fields(*this, document);
    out_ += "</doc:";
    out_ += info.root;
    out_ += ">\n";
  }

 private:
  void Open(Ns ns, const char* name) {
    out_.append(static_cast<size_t>(depth_) * 2, ' ');
    out_ += '<';
    out_ += model::DocumentCatalog::Prefix(ns);
    out_ += ':';
    out_ += name;
  }
  void Close(Ns ns, const char* name) {
    out_ += "</";
    out_ += model::DocumentCatalog::Prefix(ns);
    out_ += ':';
    out_ += name;
    out_ += ">\n";
  }
  void Leaf(Ns ns, const char* name, std::string_view text, const FieldOpts& opts) {
    Open(ns, name);
    if (opts.code_list != nullptr) {
      out_ += " codeListId=\"";
      AppendEscaped(out_, opts.code_list);
      out_ += '"';
    }
    out_ += '>';
    AppendEscaped(out_, text);
    Close(ns, name);
  }

  void Element(Ns ns, const char* name, const std::string& v, const FieldOpts& o) {
    Leaf(ns, name, v, o);
  }
  void Element(Ns ns, const char* name, const Date& v, const FieldOpts& o) {
    Leaf(ns, name, v.ToString(), o);
  }
  void Element(Ns ns, const char* name, const DateTime& v, const FieldOpts& o) {
    Leaf(ns, name, v.ToString(), o);
  }
  void Element(Ns ns, const char* name, const YearMonth& v, const FieldOpts& o) {
    Leaf(ns, name, v.ToString(), o);
  }
  void Element(Ns ns, const char* name, const Year& v, const FieldOpts& o) {
    Leaf(ns, name, v.ToString(), o);
  }
  void Element(Ns ns, const char* name, const Decimal1& v, const FieldOpts& o) {
    Leaf(ns, name, v.ToString(), o);
  }
  void Element(Ns ns, const char* name, bool v, const FieldOpts& o) {
    Leaf(ns, name, v ? "1" : "0", o);
  }
  void Element(Ns ns, const char* name, const model::BinaryFile& v, const FieldOpts&) {
    Open(ns, name);
    out_ += " mediaTypeCode=\"";
    AppendEscaped(out_, v.media_type);
    out_ += '"';
    if (v.file_name) {
      out_ += " fileName=\"";
      AppendEscaped(out_, *v.file_name);
      out_ += '"';
    }
    out_ += '>';
    v.base64.ForEachPiece([this](std::string_view piece) { out_ += piece; });  // no escaping
    Close(ns, name);
  }
  template <model::Composite T>
  void Element(Ns ns, const char* name, const T& v, const FieldOpts&) {
    Open(ns, name);
    out_ += ">\n";
    ++depth_;
    T::Fields(*this, v);
    --depth_;
    out_.append(static_cast<size_t>(depth_) * 2, ' ');
    Close(ns, name);
  }

  std::string& out_;
  const model::DocumentCatalog& catalog_;
  model::DocumentKind kind_;
  int depth_ = 0;
};

}  // namespace

std::string WriteXml(const model::Document& document, const model::DocumentCatalog& catalog) {
  std::string out;
  out.reserve(8192);
  XmlWriteVisitor visitor(out, catalog, model::KindOf(document));
  std::visit([&](const auto& doc) { visitor.Root(doc); }, document);
  return out;
}

}  // namespace eaeu::codec
