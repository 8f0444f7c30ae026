#pragma once
// UTF-8 and UTF-16 text without the process locale: strict decoding of UTF-8, conversion both
// ways, and XML whitespace collapsing.

#include <cstddef>
#include <string>
#include <string_view>

namespace eaeu {

// Decodes the UTF-8 code point at text[i] and moves i past it. Strict: an overlong form, a
// surrogate, a code point above U+10FFFF or a truncated sequence gives kInvalidUtf8 and moves i
// by one byte.
inline constexpr char32_t kInvalidUtf8 = 0xFFFFFFFF;
char32_t NextCodePoint(std::string_view text, size_t& i);

// Appends the UTF-8 form of one code point (at most U+10FFFF).
void AppendCodePoint(std::string& out, char32_t cp);

// UTF-8 -> UTF-16; invalid sequences become U+FFFD.
std::u16string ToUtf16(std::string_view text);

// Appends the UTF-8 form of `length` UTF-16 units; unpaired surrogates become U+FFFD.
void AppendUtf8(std::string& out, const char16_t* text, size_t length);

// `text` with every byte that is not part of well-formed UTF-8 replaced by U+FFFD: for text that
// came from outside (a parser's message quoting the input) on its way into JSON or a log.
std::string ValidUtf8(std::string_view text);

// Appends `text` escaped for XML element content or a double-quoted attribute value: & < > " as
// entities, CR as &#13; (so a parser keeps it), and the C0 controls that are not XML 1.0
// characters (all but tab, LF and CR) left out.
void AppendXmlEscaped(std::string& out, std::string_view text);

// Collapses XML whitespace (space, tab, CR, LF): runs become one space, ends are trimmed.
std::string CollapseWhitespace(std::string_view text);

// The simple lower-case form of a code point for the scripts of the member states' names: Latin
// (with Latin-1 and Latin Extended-A), Greek, Cyrillic with its supplement (Kazakh, Kyrgyz,
// Belarusian letters) and Armenian. Any other code point is its own lower case.
char32_t LowerCase(char32_t cp);

// `text` whitespace-collapsed and lower-cased code point by code point (invalid bytes kept as
// they are): the form in which two names that differ only in spacing or letter case are equal.
std::string FoldName(std::string_view text);

}  // namespace eaeu
