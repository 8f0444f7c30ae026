#pragma once
// Type traits for walking the model's Fields lists: the codecs and the rules engine use them.

#include <optional>
#include <string>
#include <type_traits>
#include <vector>

namespace eaeu::model {

template <class T>
struct IsOptional : std::false_type {};
template <class T>
struct IsOptional<std::optional<T>> : std::true_type {};

template <class T>
struct IsVector : std::false_type {};
template <class T>
struct IsVector<std::vector<T>> : std::true_type {};

struct ProbeVisitor {
  template <class... A>
  void operator()(A&&...) {}
};

// A struct of the model: it has a static Fields(visitor, self).
template <class T>
concept Composite = requires(ProbeVisitor& v, T& t) {
  T::Fields(v, t);
};

// "EDocHeader" -> "eDocHeader": the JSON key of an XML local name.
inline std::string CamelKey(const char* name) {
  std::string key(name);
  if (!key.empty() && key[0] >= 'A' && key[0] <= 'Z') key[0] = static_cast<char>(key[0] + 32);
  return key;
}

}  // namespace eaeu::model
