#include "codecs/json_codec.hpp"

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>
#include <set>

#include "codecs/fields.hpp"
#include "codecs/xerces_text.hpp"
#include "gateway/core/utf8.hpp"

namespace eaeu::codec {

using Json = nlohmann::ordered_json;
using model::FieldOpts;
using model::Ns;

bool IsXmlText(std::string_view text) {
  // The XML 1.0 Char production: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-]
  // (surrogates and invalid UTF-8 are refused by the decoder).
  size_t i = 0;
  while (i < text.size()) {
    const char32_t cp = xml::NextCodePoint(text, i);
    const bool allowed = cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF) ||
                         (cp >= 0xE000 && cp <= 0xFFFD) || (cp >= 0x10000 && cp <= 0x10FFFF);
    if (!allowed) return false;
  }
  return true;
}

namespace {

// Deepest nesting of arrays and objects, counted without building anything.
size_t NestingDepth(std::string_view text) {
  size_t depth = 0, deepest = 0;
  bool in_string = false, escaped = false;
  for (const char c : text) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      deepest = std::max(deepest, ++depth);
    } else if ((c == '}' || c == ']') && depth > 0) {
      --depth;
    }
  }
  return deepest;
}

std::string Child(const std::string& path, const std::string& key) {
  return path.empty() ? key : path + "." + key;
}

class JsonReadVisitor {
 public:
  JsonReadVisitor(const Json& object, std::string path, std::optional<Error>& error)
      : object_(object), path_(std::move(path)), error_(error) {}

  template <class T>
  void operator()(Ns, const char* name, T& field, FieldOpts opts = {}) {
    if (error_) return;
    const std::string key = model::CamelKey(name);
    used_.insert(key);
    auto it = object_.find(key);
    const std::string where = Child(path_, key);
    if constexpr (model::IsOptional<T>::value) {
      if (it == object_.end()) return;
      Read(*it, where, field.emplace(), opts);
    } else if constexpr (model::IsVector<T>::value) {
      if (it == object_.end()) return;
      if (!it->is_array()) {
        Fail(where, "expected an array");
        return;
      }
      for (size_t i = 0; i < it->size() && !error_; ++i) {
        Read((*it)[i], where + "[" + std::to_string(i) + "]", field.emplace_back(), opts);
      }
    } else {
      if (it == object_.end()) {
        Fail(where, "missing required key \"" + key + "\"");
        return;
      }
      Read(*it, where, field, opts);
    }
  }

  void CheckUnknownKeys() {
    if (error_) return;
    for (auto it = object_.begin(); it != object_.end(); ++it) {
      if (!used_.contains(it.key())) {
        Fail(Child(path_, it.key()), "unknown key \"" + it.key() + "\"", "json.unknown-key");
        return;
      }
    }
  }

 private:
  void Fail(const std::string& where, std::string message, const char* code = "json.model") {
    if (!error_) error_ = MakeError(code, where, std::move(message));
  }

  std::optional<std::string> String(const Json& j, const std::string& where) {
    if (!j.is_string()) {
      Fail(where, std::string("expected a string, found ") + j.type_name());
      return std::nullopt;
    }
    const auto& s = j.get_ref<const std::string&>();
    if (!IsXmlText(s)) {
      Fail(where, "contains a control character that XML does not allow");
      return std::nullopt;
    }
    return xml::CollapseWhitespace(s);
  }

  void Read(const Json& j, const std::string& where, std::string& value, const FieldOpts& opts) {
    auto s = String(j, where);
    if (!s) return;
    value = opts.risk_class ? model::NormaliseRiskClass(std::move(*s)) : std::move(*s);
  }

  template <class T>
  void ReadParsed(const Json& j, const std::string& where, T& value) {
    auto s = String(j, where);
    if (!s) return;
    auto parsed = T::Parse(*s);
    if (!parsed) {
      Fail(where, "\"" + *s + "\" is not " + T::kForm);
      return;
    }
    value = *parsed;
  }
  // Dates, times, years and decimals: their own Parse, with their form in the error.
  template <class T>
  requires requires { T::kForm; }
  void Read(const Json& j, const std::string& w, T& v, const FieldOpts&) { ReadParsed(j, w, v); }
  void Read(const Json& j, const std::string& where, Decimal1& value, const FieldOpts&) {
    if (!j.is_number()) {
      Fail(where, std::string("expected a number, found ") + j.type_name());
      return;
    }
    const double d = j.get<double>();
    const double tenths = std::round(d * 10.0);
    if (d < 0 || !std::isfinite(d) || std::fabs(tenths - d * 10.0) > 1e-6 || tenths > 1e12) {
      Fail(where, "expected a non-negative number with at most one decimal");
      return;
    }
    value.tenths = static_cast<int64_t>(tenths);
  }
  void Read(const Json& j, const std::string& where, bool& value, const FieldOpts&) {
    if (!j.is_boolean()) {
      Fail(where, std::string("expected a boolean, found ") + j.type_name());
      return;
    }
    value = j.get<bool>();
  }
  void Read(const Json& j, const std::string& where, model::BinaryFile& value, const FieldOpts&) {
    if (!j.is_object()) {
      Fail(where, std::string("expected an object, found ") + j.type_name());
      return;
    }
    for (auto it = j.begin(); it != j.end(); ++it) {
      if (it.key() != "mediaType" && it.key() != "fileName" && it.key() != "base64") {
        Fail(Child(where, it.key()), "unknown key \"" + it.key() + "\"", "json.unknown-key");
        return;
      }
    }
    auto media = j.find("mediaType");
    auto data = j.find("base64");
    if (media == j.end()) return Fail(Child(where, "mediaType"), "missing required key");
    if (data == j.end()) return Fail(Child(where, "base64"), "missing required key");
    auto m = String(*media, Child(where, "mediaType"));
    if (!m) return;
    value.media_type = std::move(*m);
    if (auto name = j.find("fileName"); name != j.end()) {
      auto n = String(*name, Child(where, "fileName"));
      if (!n) return;
      value.file_name = std::move(*n);
    }
    if (!data->is_string()) return Fail(Child(where, "base64"), "expected a string");
    std::string characters;
    for (const char c : data->get_ref<const std::string&>()) {
      if (!model::Base64Text::IsSpace(c)) characters += c;
    }
    value.base64 = std::move(characters);
  }
  template <model::Composite T>
  void Read(const Json& j, const std::string& where, T& value, const FieldOpts&) {
    if (!j.is_object()) {
      Fail(where, std::string("expected an object, found ") + j.type_name());
      return;
    }
    JsonReadVisitor child(j, where, error_);
    T::Fields(child, value);
    child.CheckUnknownKeys();
  }

  const Json& object_;
  std::string path_;
  std::optional<Error>& error_;
  std::set<std::string> used_;
};

class JsonWriteVisitor {
 public:
  explicit JsonWriteVisitor(Json& object) : object_(object) {}

  template <class T>
  void operator()(Ns, const char* name, const T& field, FieldOpts = {}) {
    const std::string key = model::CamelKey(name);
    if constexpr (model::IsOptional<T>::value) {
      if (field) object_[key] = Value(*field);
    } else if constexpr (model::IsVector<T>::value) {
      if (field.empty()) return;
      Json array = Json::array();
      for (const auto& item : field) array.push_back(Value(item));
      object_[key] = std::move(array);
    } else {
      object_[key] = Value(field);
    }
  }

  static Json Value(const std::string& v) { return v; }
  static Json Value(bool v) { return v; }
  static Json Value(const Date& v) { return v.ToString(); }
  static Json Value(const DateTime& v) { return v.ToString(); }
  static Json Value(const YearMonth& v) { return v.ToString(); }
  static Json Value(const Year& v) { return v.ToString(); }
  static Json Value(const Decimal1& v) {
    if (v.tenths % 10 == 0) return v.tenths / 10;
    return v.ToDouble();
  }
  static Json Value(const model::BinaryFile& v) {
    Json j = Json::object();
    j["mediaType"] = v.media_type;
    if (v.file_name) j["fileName"] = *v.file_name;
    j["base64"] = v.base64.str();
    return j;
  }
  template <model::Composite T>
  static Json Value(const T& v) {
    Json j = Json::object();
    JsonWriteVisitor child(j);
    T::Fields(child, v);
    return j;
  }

 private:
  Json& object_;
};

template <size_t I>
Result<model::Document> ReadAs(const Json& json) {
  using T = std::variant_alternative_t<I, model::Document>;
  std::optional<Error> error;
  model::Document document{std::in_place_index<I>};
  JsonReadVisitor visitor(json, "", error);
  T::Fields(visitor, std::get<I>(document));
  visitor.CheckUnknownKeys();
  if (error) return *std::move(error);
  return document;
}

}  // namespace

Result<model::Document> ReadJson(std::string_view text, const model::DocumentCatalog& catalog,
                                 std::optional<model::DocumentKind> kind,
                                 const JsonLimits& limits) {
  if (NestingDepth(text) > limits.max_depth) {
    return MakeError("json.limit", "",
                     "nesting deeper than " + std::to_string(limits.max_depth) + " levels");
  }
  Json json;
  try {
    json = Json::parse(text);
  } catch (const Json::parse_error& e) {
    // The message quotes the bytes the parser stopped at, which may not be UTF-8.
    return MakeError("json.malformed", "byte " + std::to_string(e.byte),
                     ValidUtf8(std::string("malformed JSON: ") + e.what()));
  } catch (const Json::exception& e) {
    // A number that does not fit a double (thousands of digits), and the like; the message
    // quotes the number whole, so it is cut.
    std::string what = e.what();
    if (what.size() > 160) what = what.substr(0, 160) + "…";
    return MakeError("json.malformed", "", ValidUtf8("malformed JSON: " + what));
  }
  if (!json.is_object()) return MakeError("json.model", "", "a document must be a JSON object");
  if (!kind) {
    const auto header = json.find("eDocHeader");
    if (header == json.end() || !header->is_object()) {
      return MakeError("json.model", "eDocHeader", "missing required key \"eDocHeader\"");
    }
    const auto code = header->find("eDocCode");
    if (code == header->end() || !code->is_string()) {
      return MakeError("json.model", "eDocHeader.eDocCode",
                       "missing eDocCode: the document kind cannot be told");
    }
    const auto* info = catalog.FindByStructure(code->get<std::string>());
    if (info == nullptr) {
      return MakeError("json.unknown-document", "eDocHeader.eDocCode",
                       "unknown structure code \"" + code->get<std::string>() + "\"");
    }
    kind = info->kind;
  }
  switch (*kind) {
    case model::DocumentKind::kInspectionReport:
      return ReadAs<0>(json);
    case model::DocumentKind::kSuspensionNotice:
      return ReadAs<1>(json);
    case model::DocumentKind::kRegisterEntry:
      return ReadAs<2>(json);
    case model::DocumentKind::kSummaryReport:
      return ReadAs<3>(json);
    case model::DocumentKind::kSummaryRequest:
      return ReadAs<4>(json);
    case model::DocumentKind::kProcessingResult:
      return ReadAs<5>(json);
  }
  return MakeError("json.unknown-document", "", "unknown document kind");
}

std::string WriteJson(const model::Document& document, int indent) {
  Json json = std::visit([](const auto& doc) { return JsonWriteVisitor::Value(doc); }, document);
  return json.dump(indent) + (indent >= 0 ? "\n" : "");
}

}  // namespace eaeu::codec
