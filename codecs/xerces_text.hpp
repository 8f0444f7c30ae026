#pragma once
// UTF-16 (Xerces XMLCh) <-> UTF-8 conversions that do not depend on the process locale.

#include <xercesc/util/XercesDefs.hpp>

#include <string>
#include <string_view>

namespace eaeu::xml {

// Appends the UTF-8 form of a NUL-terminated UTF-16 string; unpaired surrogates become U+FFFD.
void AppendUtf8(std::string& out, const XMLCh* text);
void AppendUtf8(std::string& out, const XMLCh* text, size_t length);
std::string ToUtf8(const XMLCh* text);

// Decodes the UTF-8 code point at text[i] and moves i past it. Strict: an overlong form, a
// surrogate, a code point above U+10FFFF or a truncated sequence gives kInvalidUtf8 and moves i
// by one byte.
inline constexpr char32_t kInvalidUtf8 = 0xFFFFFFFF;
char32_t NextCodePoint(std::string_view text, size_t& i);

// UTF-8 -> UTF-16; invalid sequences become U+FFFD.
std::u16string ToUtf16(std::string_view text);

// True when a NUL-terminated UTF-16 string equals an ASCII string.
bool EqualsAscii(const XMLCh* text, std::string_view ascii);

// Collapses XML whitespace (space, tab, CR, LF): runs become one space, ends are trimmed.
std::string CollapseWhitespace(std::string_view text);

}  // namespace eaeu::xml
