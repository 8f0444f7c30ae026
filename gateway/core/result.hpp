#pragma once
// Result<T>: a value or an error, for failures that are predictable (bad input, a refused peer).
// Used at every module boundary instead of exceptions.

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace eaeu {

// What went wrong, where and why. `where` names the element, the JSON key or the column.
struct Error {
  std::string code;     // stable machine-readable code, e.g. "xml.malformed", "json.unknown-key"
  std::string where;    // element path, JSON key path or CSV line; empty when not applicable
  std::string message;  // human-readable reason, in English

  std::string ToString() const { return where.empty() ? message : where + ": " + message; }
};

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : data_(std::in_place_index<0>, std::move(value)) {}      // NOLINT: implicit
  Result(Error error) : data_(std::in_place_index<1>, std::move(error)) {}  // NOLINT: implicit

  bool ok() const { return data_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & {
    assert(ok());
    return std::get<0>(data_);
  }
  const T& value() const& {
    assert(ok());
    return std::get<0>(data_);
  }
  T&& value() && {
    assert(ok());
    return std::get<0>(std::move(data_));
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  const Error& error() const {
    assert(!ok());
    return std::get<1>(data_);
  }

 private:
  std::variant<T, Error> data_;
};

// Result<void> equivalent.
struct Ok {};
using Status = Result<Ok>;

inline Error MakeError(std::string code, std::string where, std::string message) {
  return Error{std::move(code), std::move(where), std::move(message)};
}

}  // namespace eaeu
