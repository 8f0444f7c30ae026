#include "codecs/base64.hpp"

#include <array>

namespace eaeu::model {
namespace {

constexpr unsigned char kSpace = 64;
constexpr unsigned char kPad = 65;
constexpr unsigned char kNotBase64 = 66;

constexpr std::array<unsigned char, 256> MakeValues() {
  std::array<unsigned char, 256> v{};
  for (auto& x : v) x = kNotBase64;
  constexpr std::string_view alphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  for (unsigned i = 0; i < alphabet.size(); ++i) {
    v[static_cast<unsigned char>(alphabet[i])] = static_cast<unsigned char>(i);
  }
  for (const char c : {' ', '\t', '\r', '\n'}) v[static_cast<unsigned char>(c)] = kSpace;
  v['='] = kPad;
  return v;
}
constexpr std::array<unsigned char, 256> kValues = MakeValues();

std::string Shown(char c) {
  const auto u = static_cast<unsigned char>(c);
  if (u >= 0x20 && u < 0x7F) return std::string("'") + c + "'";
  static constexpr char kHex[] = "0123456789ABCDEF";
  return std::string("byte 0x") + kHex[u >> 4] + kHex[u & 15];
}

}  // namespace

void Base64Scan::Fail(std::string reason) {
  if (failed_) return;
  failed_ = true;
  error_ = std::move(reason);
}

void Base64Scan::Feed(std::string_view piece) {
  const auto* p = reinterpret_cast<const unsigned char*>(piece.data());
  for (size_t i = 0; i < piece.size(); ++i) {
    const unsigned char v = kValues[p[i]];
    if (v < 64 && padding_ == 0) {  // the common case: a character of the alphabet
      last_ = v;
      ++characters_;
      continue;
    }
    if (v == kSpace) continue;
    foreign_ = foreign_ || v == kNotBase64;
    if (!failed_) Other(v, static_cast<char>(p[i]));
  }
}

void Base64Scan::Other(unsigned char v, char c) {
  ++characters_;
  const uint64_t place = (characters_ - 1) % 4;  // in its group of four
  if (v == kNotBase64) {
    return Fail(Shown(c) + " at character " + std::to_string(characters_) +
                " is not a base64 character");
  }
  if (padding_ > 0 && (v != kPad || place != 3)) {
    return Fail("character " + std::to_string(characters_) +
                " follows the padding '=', which may only end the text");
  }
  if (v == kPad) {
    if (place < 2) {
      return Fail("'=' at character " + std::to_string(characters_) +
                  " is padding in the first half of a group of four");
    }
    ++padding_;
  }
}

bool Base64Scan::Finish() {
  if (failed_) return false;
  if (characters_ % 4 != 0) {
    Fail("its " + std::to_string(characters_) +
         " characters (without whitespace) are not a whole number of groups of four");
    return false;
  }
  // The character before the padding: the third of its group before one '=', the second before
  // two; the bits the padding leaves over are zero.
  if (padding_ == 1 && (last_ & 3) != 0) {
    Fail("the character before the final '=' leaves bits that are not zero");
    return false;
  }
  if (padding_ == 2 && (last_ & 15) != 0) {
    Fail("the character before the final \"==\" leaves bits that are not zero");
    return false;
  }
  decoded_ = characters_ / 4 * 3 - padding_;
  return true;
}

Base64Text::Base64Text(std::string characters) : characters_(std::move(characters)) {}

Base64Text& Base64Text::operator=(std::string characters) {
  characters_ = std::move(characters);
  buffer_.reset();
  offset_ = size_ = 0;
  return *this;
}

Base64Text Base64Text::InBuffer(std::shared_ptr<const std::string> buffer, size_t offset,
                                size_t size) {
  Base64Text t;
  t.buffer_ = std::move(buffer);
  t.offset_ = offset;
  t.size_ = size;
  return t;
}

std::string Base64Text::str() const {
  if (!buffer_) return characters_;
  std::string out;
  out.reserve(size_);
  ForEachPiece([&out](std::string_view piece) { out += piece; });
  return out;
}

bool Base64Text::empty() const {
  bool any = false;
  ForEachPiece([&any](std::string_view) { any = true; });
  return !any;
}

bool Base64Text::operator==(const Base64Text& other) const {
  if (!buffer_ && !other.buffer_) return characters_ == other.characters_;
  return str() == other.str();
}

}  // namespace eaeu::model
