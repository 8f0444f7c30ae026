#include "gateway/core/utf8.hpp"

#include <algorithm>

namespace eaeu {
namespace {

bool IsXmlSpace(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

}  // namespace

void AppendCodePoint(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

void AppendUtf8(std::string& out, const char16_t* text, size_t length) {
  // In blocks, each written through a pointer into room made for its longest form (three bytes
  // a unit), so that a long text neither reallocates per character nor needs three times its
  // size at once.
  constexpr size_t kBlock = 4096;
  size_t i = 0;
  while (i < length) {
    const size_t end = std::min(length, i + kBlock);
    const size_t start = out.size();
    out.resize(start + (end - i) * 3 + 1);  // + 1: a pair may straddle the block's end
    char* p = out.data() + start;
    while (i < end) {
      const char32_t unit = text[i++];
      if (unit < 0x80) {
        *p++ = static_cast<char>(unit);
        continue;
      }
      char32_t cp = unit;
      if (unit >= 0xD800 && unit <= 0xDBFF && i < length && text[i] >= 0xDC00 &&
          text[i] <= 0xDFFF) {
        cp = 0x10000 + ((unit - 0xD800) << 10) + (text[i++] - 0xDC00);
      } else if (unit >= 0xD800 && unit <= 0xDFFF) {
        cp = 0xFFFD;
      }
      if (cp < 0x800) {
        *p++ = static_cast<char>(0xC0 | (cp >> 6));
      } else if (cp < 0x10000) {
        *p++ = static_cast<char>(0xE0 | (cp >> 12));
        *p++ = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      } else {
        *p++ = static_cast<char>(0xF0 | (cp >> 18));
        *p++ = static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        *p++ = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      }
      *p++ = static_cast<char>(0x80 | (cp & 0x3F));
    }
    out.resize(static_cast<size_t>(p - out.data()));
  }
}

char32_t NextCodePoint(std::string_view text, size_t& i) {
  const auto lead = static_cast<unsigned char>(text[i]);
  char32_t cp = 0;
  size_t length = 0;
  if (lead < 0x80) {
    ++i;
    return lead;
  } else if (lead >= 0xC2 && lead <= 0xDF) {
    cp = lead & 0x1Fu;
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    cp = lead & 0x0Fu;
    length = 3;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    cp = lead & 0x07u;
    length = 4;
  } else {
    ++i;
    return kInvalidUtf8;
  }
  if (i + length > text.size()) {
    ++i;
    return kInvalidUtf8;
  }
  for (size_t k = 1; k < length; ++k) {
    const auto next = static_cast<unsigned char>(text[i + k]);
    if ((next & 0xC0u) != 0x80u) {
      ++i;
      return kInvalidUtf8;
    }
    cp = (cp << 6) | (next & 0x3Fu);
  }
  const bool overlong = (length == 3 && cp < 0x800) || (length == 4 && cp < 0x10000);
  if (overlong || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) {
    ++i;
    return kInvalidUtf8;
  }
  i += length;
  return cp;
}

std::string ValidUtf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    const char32_t cp = NextCodePoint(text, i);
    AppendCodePoint(out, cp == kInvalidUtf8 ? 0xFFFD : cp);
  }
  return out;
}

std::u16string ToUtf16(std::string_view text) {
  std::u16string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    char32_t cp = NextCodePoint(text, i);
    if (cp == kInvalidUtf8) cp = 0xFFFD;
    if (cp >= 0x10000) {
      cp -= 0x10000;
      out += static_cast<char16_t>(0xD800 + (cp >> 10));
      out += static_cast<char16_t>(0xDC00 + (cp & 0x3FF));
    } else {
      out += static_cast<char16_t>(cp);
    }
  }
  return out;
}

std::string CollapseWhitespace(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool pending_space = false;
  for (const char c : text) {
    if (IsXmlSpace(c)) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out += ' ';
    pending_space = false;
    out += c;
  }
  return out;
}

char32_t LowerCase(char32_t cp) {
  if (cp < 0x80) return (cp >= 'A' && cp <= 'Z') ? cp + 32 : cp;
  if ((cp >= 0xC0 && cp <= 0xDE && cp != 0xD7)) return cp + 0x20;  // Latin-1
  if (cp >= 0x100 && cp <= 0x137) return cp | 1;                   // Latin Extended-A, pairs
  if (cp >= 0x139 && cp <= 0x148) return (cp & 1) ? cp + 1 : cp;
  if (cp >= 0x14A && cp <= 0x177) return cp | 1;
  if (cp == 0x178) return 0xFF;
  if (cp >= 0x179 && cp <= 0x17E) return (cp & 1) ? cp + 1 : cp;
  if (cp >= 0x391 && cp <= 0x3AB && cp != 0x3A2) return cp + 0x20;  // Greek
  if (cp >= 0x400 && cp <= 0x40F) return cp + 0x50;                 // Cyrillic Ѐ..Џ
  if (cp >= 0x410 && cp <= 0x42F) return cp + 0x20;                 // А..Я
  if ((cp >= 0x460 && cp <= 0x481) || (cp >= 0x48A && cp <= 0x4BF) ||
      (cp >= 0x4D0 && cp <= 0x52F)) {
    return cp | 1;  // pairs: Ѣ, Ғ, Қ, Ң, Ү, Ұ, Һ, Ә, Ө, ...
  }
  if (cp == 0x4C0) return 0x4CF;                                  // Ӏ
  if (cp >= 0x4C1 && cp <= 0x4CE) return (cp & 1) ? cp + 1 : cp;  // Ӂ..Ӎ
  if (cp >= 0x531 && cp <= 0x556) return cp + 0x30;               // Armenian
  return cp;
}

std::string FoldName(std::string_view text) {
  const std::string collapsed = CollapseWhitespace(text);
  std::string out;
  out.reserve(collapsed.size());
  size_t i = 0;
  while (i < collapsed.size()) {
    const size_t start = i;
    const char32_t cp = NextCodePoint(collapsed, i);
    if (cp == kInvalidUtf8) {
      out.append(collapsed, start, i - start);
    } else {
      AppendCodePoint(out, LowerCase(cp));
    }
  }
  return out;
}

void AppendXmlEscaped(std::string& out, std::string_view text) {
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\r':
        out += "&#13;";
        break;
      default:
        if (static_cast<unsigned char>(c) >= 0x20 || c == '\t' || c == '\n') out += c;
    }
  }
}

}  // namespace eaeu
