#pragma once
// National registers for the register sync's tests and benchmark: a CSV of the codecs' columns
// with `n` organizations of one state, each with its inspectors, made from the example row and
// varied per organization so that each is a record of its own.
#include <string>
#include <vector>

#include "support.hpp"

namespace eaeu::test {

// One organization of a register, as CSV fields (the example's columns).
struct RegisterRow {
  std::vector<std::string> fields;
};

class RegisterCsv {
 public:
  // `country` authorises every organization (its addresses stay where the example puts them).
  RegisterCsv(const std::string& country, size_t organizations, size_t inspectors_each = 1) {
    const std::string text = ReadText(Examples() / "register-import.csv");
    const auto lines = Lines(text);
    header_ = lines.at(0);
    columns_ = Split(header_);
    const auto example = Split(lines.at(1));
    for (size_t i = 0; i < organizations; ++i) {
      for (size_t k = 0; k < inspectors_each; ++k) {
        RegisterRow row{example};
        Set(row, "organization_name", NameOf(i));
        Set(row, "organization_brief_name", "ТОО «Орган " + std::to_string(i + 1) + "»");
        Set(row, "auth_country", country);
        Set(row, "auth_doc_number", "AUTH-" + std::to_string(i + 1));
        Set(row, "inspector_last_name", "Инспектор" + std::to_string(k + 1));
        Set(row, "inspector_emails",
            "i" + std::to_string(i) + "-" + std::to_string(k) + "@org.example.kz");
        rows_.push_back(std::move(row));
      }
    }
  }

  static std::string NameOf(size_t i) {
    return "Товарищество с ограниченной ответственностью «Орган по инспектированию №" +
           std::to_string(i + 1) + "»";
  }

  // The rows of organization i (0-based).
  std::vector<RegisterRow*> Of(size_t i) {
    std::vector<RegisterRow*> out;
    for (auto& row : rows_) {
      if (Get(row, "organization_name") == NameOf(i)) out.push_back(&row);
    }
    return out;
  }
  void Set(RegisterRow& row, const std::string& column, const std::string& value) const {
    row.fields.at(Index(column)) = value;
  }
  std::string Get(const RegisterRow& row, const std::string& column) const {
    return row.fields.at(Index(column));
  }
  // Sets a column on every row of organization i.
  void SetAll(size_t i, const std::string& column, const std::string& value) {
    for (RegisterRow* row : Of(i)) Set(*row, column, value);
  }
  void Remove(size_t i) {
    const std::string name = NameOf(i);
    std::erase_if(rows_, [&](const RegisterRow& r) { return Get(r, "organization_name") == name; });
  }
  std::vector<RegisterRow>& rows() { return rows_; }

  std::string Text() const {
    std::string out = header_ + "\n";
    for (const auto& row : rows_) {
      for (size_t c = 0; c < row.fields.size(); ++c) out += (c ? "," : "") + row.fields[c];
      out += "\n";
    }
    return out;
  }

 private:
  static std::vector<std::string> Lines(const std::string& text) {
    std::vector<std::string> out;
    size_t start = 0;
    while (start < text.size()) {
      size_t end = text.find('\n', start);
      if (end == std::string::npos) end = text.size();
      std::string line = text.substr(start, end - start);
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (!line.empty()) out.push_back(line);
      start = end + 1;
    }
    return out;
  }
  static std::vector<std::string> Split(const std::string& line) {
    std::vector<std::string> out(1);
    for (const char c : line) {
      if (c == ',') {
        out.emplace_back();
      } else {
        out.back() += c;
      }
    }
    return out;
  }
  size_t Index(const std::string& column) const {
    for (size_t i = 0; i < columns_.size(); ++i) {
      if (columns_[i] == column) return i;
    }
    throw std::runtime_error("no column " + column);
  }

  std::string header_;
  std::vector<std::string> columns_;
  std::vector<RegisterRow> rows_;
};

}  // namespace eaeu::test
