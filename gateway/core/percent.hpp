#pragma once
// Percent-encoding of a part of a URL (RFC 3986): every byte but the unreserved characters (and
// ':') becomes %XX. For query values and path segments the gateway writes.

#include <string>
#include <string_view>

namespace eaeu {

inline std::string PercentEncode(std::string_view in) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(in.size());
  for (const unsigned char c : in) {
    const bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                            (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' ||
                            c == '~' || c == ':';
    if (unreserved) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kDigits[c >> 4];
      out += kDigits[c & 0xF];
    }
  }
  return out;
}

}  // namespace eaeu
