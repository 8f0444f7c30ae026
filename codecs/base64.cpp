#include "codecs/base64.hpp"

#include <array>

namespace eaeu::model {
namespace {

constexpr unsigned kNotBase64 = 64;
constexpr unsigned kPad = 65;

constexpr std::array<unsigned char, 256> MakeValues() {
  std::array<unsigned char, 256> v{};
  for (auto& x : v) x = kNotBase64;
  constexpr std::string_view alphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  for (unsigned i = 0; i < alphabet.size(); ++i) {
    v[static_cast<unsigned char>(alphabet[i])] = static_cast<unsigned char>(i);
  }
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
  if (failed_) return;
  for (const char c : piece) {
    if (Base64Text::IsSpace(c)) continue;
    const unsigned v = kValues[static_cast<unsigned char>(c)];
    ++characters_;
    if (v == kNotBase64) {
      return Fail(Shown(c) + " at character " + std::to_string(characters_) +
                  " is not a base64 character");
    }
    if (padding_ > 0 && (v != kPad || in_group_ != 3)) {
      return Fail("character " + std::to_string(characters_) +
                  " follows the padding '=', which may only end the text");
    }
    if (v == kPad) {
      if (in_group_ < 2) {
        return Fail("'=' at character " + std::to_string(characters_) +
                    " is padding in the first half of a group of four");
      }
      ++padding_;
    }
    group_[in_group_++] = v;
    if (in_group_ == 4) {
      in_group_ = 0;
      decoded_ += 3;
    }
  }
}

bool Base64Scan::Finish() {
  if (failed_) return false;
  if (in_group_ != 0) {
    Fail("its " + std::to_string(characters_) +
         " characters (without whitespace) are not a whole number of groups of four");
    return false;
  }
  if (padding_ == 1 && (group_[2] & 3) != 0) {
    Fail("the character before the final '=' leaves bits that are not zero");
    return false;
  }
  if (padding_ == 2 && (group_[1] & 15) != 0) {
    Fail("the character before the final \"==\" leaves bits that are not zero");
    return false;
  }
  decoded_ -= padding_;
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
