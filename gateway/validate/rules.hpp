#pragma once
// The rules engine's internals: each business rule of rules.md is one Rule value, defined once in
// rules/*.cpp with its id, severity, legal source, message in English and Russian, and check.

#include <functional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "codecs/catalog.hpp"
#include "codecs/fields.hpp"
#include "codecs/model.hpp"
#include "gateway/validate/validator.hpp"

namespace eaeu::validate {

// What a check needs: the caller's context, the loaded lists, limits, and where to leave notes.
struct RuleEnv {
  const RuleContext& context;
  const CodeLists& lists;
  const model::DocumentCatalog& catalog;
  uint64_t max_report_file_bytes;
  std::vector<std::string>& notes;

  void Note(std::string note) const;  // adds a note once
};

// One finding of a rule: where, and the values that break it (language-neutral).
struct Finding {
  Finding(std::string p, std::string d, std::optional<Severity> s = std::nullopt)
      : path(std::move(p)), detail(std::move(d)), severity(s) {}
  std::string path;
  std::string detail;
  std::optional<Severity> severity;  // the rule's own when empty
};
using Findings = std::vector<Finding>;

struct Rule {
  std::string_view id;
  Severity severity;
  std::string_view source;
  std::string_view message_en;
  std::string_view message_ru;
  std::optional<model::DocumentKind> kind;  // nullopt: every document
  std::function<void(const model::Document&, const RuleEnv&, Findings&)> check;
};

struct RuleText {
  std::string_view id;
  Severity severity;
  std::string_view source;
  std::string_view message_en;
  std::string_view message_ru;
};

// The index of a document type in model::Document, which is its DocumentKind.
template <class T, class V>
struct VariantIndex;
template <class T, class... Ts>
struct VariantIndex<T, std::variant<Ts...>> {
  static constexpr size_t value = [] {
    size_t i = 0;
    bool found = false;
    ((found = found || std::is_same_v<T, Ts>, i += found ? 0 : 1), ...);
    return i;
  }();
};
template <class Doc>
inline constexpr size_t kKindIndex = VariantIndex<Doc, model::Document>::value;

// A rule for one kind of document.
template <class Doc, class F>
Rule For(const RuleText& text, F check) {
  return Rule{text.id,
              text.severity,
              text.source,
              text.message_en,
              text.message_ru,
              static_cast<model::DocumentKind>(kKindIndex<Doc>),
              [check](const model::Document& d, const RuleEnv& env, Findings& out) {
                check(std::get<kKindIndex<Doc>>(d), env, out);
              }};
}

// A rule for every kind of document.
template <class F>
Rule ForAll(const RuleText& text, F check) {
  return Rule{text.id,         text.severity, text.source, text.message_en,
              text.message_ru, std::nullopt,  check};
}

const std::vector<Rule>& AllRules();

void AddCommonRules(std::vector<Rule>& rules);
void AddInspectionReportRules(std::vector<Rule>& rules);
void AddSuspensionNoticeRules(std::vector<Rule>& rules);
void AddRegisterRules(std::vector<Rule>& rules);
void AddSummaryRules(std::vector<Rule>& rules);

// Where a value of the model is: a chain of steps on the walker's stack, written out as an
// element path (std::string) only when a finding names it.
class ModelPath {
 public:
  explicit ModelPath(std::string_view root) : root_(root) {}
  ModelPath(const ModelPath& parent, model::Ns ns, const char* name, int index)
      : parent_(&parent), ns_(ns), name_(name), index_(index) {}

  std::string str() const {
    if (parent_ == nullptr) return std::string(root_);
    return parent_->str() + "/" + model::PathStep(ns_, name_, index_);
  }
  operator std::string() const { return str(); }  // NOLINT: a finding's path
  friend std::string operator+(const ModelPath& p, std::string_view tail) {
    std::string out = p.str();
    out += tail;
    return out;
  }

 private:
  const ModelPath* parent_ = nullptr;
  std::string_view root_;
  model::Ns ns_{};
  const char* name_ = nullptr;
  int index_ = -1;
};

// Calls f(value, path, opts) for every value of type T in the document, with its element path.
template <class T, class F>
class Walker {
 public:
  Walker(const ModelPath& path, F& f) : path_(path), f_(f) {}

  template <class V>
  void operator()(model::Ns ns, const char* name, const V& field, model::FieldOpts opts = {}) {
    if constexpr (model::IsOptional<V>::value) {
      if (field) Visit(ns, name, *field, opts, -1);
    } else if constexpr (model::IsVector<V>::value) {
      for (size_t i = 0; i < field.size(); ++i)
        Visit(ns, name, field[i], opts, static_cast<int>(i));
    } else {
      Visit(ns, name, field, opts, -1);
    }
  }

 private:
  template <class V>
  void Visit(model::Ns ns, const char* name, const V& value, const model::FieldOpts& opts,
             int index) {
    // Only the types that hold a T, or are one, are walked.
    if constexpr (std::is_same_v<V, T> || model::Composite<V>) {
      const ModelPath path(path_, ns, name, index);
      if constexpr (std::is_same_v<V, T>) f_(value, path, opts);
      if constexpr (model::Composite<V>) {
        Walker child(path, f_);
        V::Fields(child, value);
      }
    }
  }

  const ModelPath& path_;
  F& f_;
};

template <class T, class Doc, class F>
void ForEach(const Doc& document, const model::DocumentCatalog& catalog, F f) {
  constexpr auto kind = static_cast<model::DocumentKind>(kKindIndex<Doc>);
  const std::string root = "/" + model::PathStep(model::Ns::kDoc, catalog.Info(kind).root);
  const ModelPath path(root);
  Walker<T, F> walker(path, f);
  Doc::Fields(walker, document);
}

// Every code whose external list is loaded must be in it (IR-01 in Table 1, GN-01 elsewhere).
template <class Doc>
void CheckClassifiers(const Doc& doc, const RuleEnv& env, Findings& out) {
  ForEach<std::string>(
      doc, env.catalog,
      [&](const std::string& value, const ModelPath& path, const model::FieldOpts& opts) {
        const char* list = opts.List();
        if (list == nullptr || !env.lists.Has(list)) return;
        if (!env.lists.Contains(list, value)) {
          out.push_back({path, "\"" + value + "\" is not in " + CodeLists::Describe(list)});
        }
      });
}

// The root path of a document, e.g. "/doc:MedicalProductQmsInspectionDetails".
std::string Root(const model::DocumentCatalog& catalog, model::DocumentKind kind);

// Helpers shared by the rule files.
bool IsMemberState(std::string_view country);
std::string Join(const std::vector<std::string>& items, std::string_view separator = ", ");

}  // namespace eaeu::validate
