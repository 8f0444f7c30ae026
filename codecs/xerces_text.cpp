#include "codecs/xerces_text.hpp"

namespace eaeu::xml {

void AppendUtf8(std::string& out, const XMLCh* text) {
  if (text == nullptr) return;
  size_t length = 0;
  while (text[length] != 0) ++length;
  AppendUtf8(out, text, length);
}

std::string ToUtf8(const XMLCh* text) {
  std::string out;
  AppendUtf8(out, text);
  return out;
}

bool EqualsAscii(const XMLCh* text, std::string_view ascii) {
  if (text == nullptr) return ascii.empty();
  size_t i = 0;
  for (; i < ascii.size(); ++i) {
    if (text[i] != static_cast<XMLCh>(static_cast<unsigned char>(ascii[i]))) return false;
  }
  return text[i] == 0;
}

}  // namespace eaeu::xml
