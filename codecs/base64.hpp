#pragma once
// Base64 text as XML carries it (xs:base64Binary, T1 2.9 and IR-17): checked and counted piece by
// piece, and held either as its characters or as the stretch of a document's bytes it stood in,
// so that a report file of tens of MB is neither copied nor handed to the schema validator whole.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace eaeu::model {

// Reads base64 text in pieces: whether it is the lexical form of xs:base64Binary (XML Schema 1.0
// part 2, 3.2.16; whitespace between the characters is allowed, the type collapses it) and how
// many bytes it decodes to. The padding rules are the type's: '=' only at the end of the last
// group of four, and the bits the padding leaves over are zero.
class Base64Scan {
 public:
  void Feed(std::string_view piece);
  // After the last piece: false, and `error()` says why, when the text is not base64.
  bool Finish();

  uint64_t decoded_size() const { return decoded_; }
  // What is wrong, e.g. "character '$' at character 9 is not a base64 character".
  const std::string& error() const { return error_; }
  // Whether a byte that is neither a base64 character, '=' nor XML whitespace came in any piece
  // (looked for to the end, past a failure of the padding rules).
  bool foreign() const { return foreign_; }

 private:
  void Fail(std::string reason);
  void Other(unsigned char value, char c);  // padding, or a character that is not base64

  uint64_t characters_ = 0;  // base64 characters so far, padding included
  uint64_t decoded_ = 0;
  unsigned char last_ = 0;  // the value of the last character that is not padding
  unsigned padding_ = 0;
  bool failed_ = false;
  bool foreign_ = false;
  std::string error_;
};

// The characters of base64 text, whitespace removed.
class Base64Text {
 public:
  Base64Text() = default;
  Base64Text(std::string characters);  // NOLINT: assigned from a string, as a string member was
  Base64Text& operator=(std::string characters);

  // The text where it stands in `buffer` (whitespace included, which is skipped on reading),
  // kept alive with it: a large report file read from a document's bytes is not copied.
  static Base64Text InBuffer(std::shared_ptr<const std::string> buffer, size_t offset, size_t size);

  // Calls `f(std::string_view)` with the characters in order, in pieces.
  template <class F>
  void ForEachPiece(F&& f) const {
    if (!buffer_) {
      if (!characters_.empty()) f(std::string_view(characters_));
      return;
    }
    const std::string_view text = std::string_view(*buffer_).substr(offset_, size_);
    size_t i = 0;
    while (i < text.size()) {
      while (i < text.size() && IsSpace(text[i])) ++i;
      const size_t begin = i;
      while (i < text.size() && !IsSpace(text[i])) ++i;
      if (i > begin) f(text.substr(begin, i - begin));
    }
  }

  std::string str() const;
  bool empty() const;
  // Whether the text lies in a shared buffer rather than in a string of its own.
  bool in_buffer() const { return buffer_ != nullptr; }
  bool operator==(const Base64Text& other) const;

  static bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

 private:
  std::string characters_;
  std::shared_ptr<const std::string> buffer_;
  size_t offset_ = 0;
  size_t size_ = 0;
};

}  // namespace eaeu::model
