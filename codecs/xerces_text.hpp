#pragma once
// Xerces' UTF-16 strings (XMLCh) as UTF-8 and back, without the process locale. The conversions
// themselves are core's (gateway/core/utf8.hpp); this adds the NUL-terminated XMLCh forms.

#include <xercesc/util/XercesDefs.hpp>

#include <string>
#include <string_view>
#include <type_traits>

#include "gateway/core/utf8.hpp"

namespace eaeu::xml {

static_assert(std::is_same_v<XMLCh, char16_t>, "Xerces is built with XMLCh = char16_t");

using eaeu::AppendUtf8;
using eaeu::CollapseWhitespace;
using eaeu::kInvalidUtf8;
using eaeu::NextCodePoint;
using eaeu::ToUtf16;

// Appends the UTF-8 form of a NUL-terminated UTF-16 string; unpaired surrogates become U+FFFD.
void AppendUtf8(std::string& out, const XMLCh* text);
std::string ToUtf8(const XMLCh* text);

// True when a NUL-terminated UTF-16 string equals an ASCII string.
bool EqualsAscii(const XMLCh* text, std::string_view ascii);

}  // namespace eaeu::xml
