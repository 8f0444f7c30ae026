#include "gateway/xml/bulk_text.hpp"

#include <utility>  // before any Boost or Xerces header that needs std::exchange

#include <xercesc/sax/InputSource.hpp>
#include <xercesc/util/BinInputStream.hpp>

#include <algorithm>
#include <cstring>

#include "codecs/base64.hpp"

namespace eaeu::xml {
namespace {

using namespace xercesc;

// Line breaks as XML counts them: CR LF, CR and LF are one each.
int64_t LineBreaks(std::string_view s) {
  int64_t n = std::count(s.begin(), s.end(), '\n');
  for (size_t cr = s.find('\r'); cr != std::string_view::npos; cr = s.find('\r', cr + 1)) {
    if (cr + 1 == s.size() || s[cr + 1] != '\n') ++n;
  }
  return n;
}

BulkText Describe(std::string_view text, uint32_t element, size_t offset, int64_t end_line) {
  BulkText b;
  b.element = element;
  b.offset = offset;
  b.size = text.size();
  b.placeholder = "AAAA";
  for (const char c : text) {
    if (c == '\r' || c == '\n') b.placeholder += c;
  }
  b.end_line = end_line;
  const size_t last_break = text.find_last_of("\r\n");
  b.column_shift = last_break == std::string_view::npos
                       ? static_cast<int64_t>(text.size()) - 4
                       : static_cast<int64_t>(text.size() - last_break - 1);
  return b;
}

// Reads the bytes with the placeholders in place of the texts.
class SubstitutedStream final : public BinInputStream {
 public:
  explicit SubstitutedStream(std::vector<std::string_view> pieces) : pieces_(std::move(pieces)) {}

  XMLFilePos curPos() const override { return position_; }

  XMLSize_t readBytes(XMLByte* const to, const XMLSize_t max) override {
    XMLSize_t done = 0;
    while (done < max && piece_ < pieces_.size()) {
      const std::string_view p = pieces_[piece_];
      const size_t n = std::min<size_t>(max - done, p.size() - in_piece_);
      std::memcpy(to + done, p.data() + in_piece_, n);
      done += n;
      in_piece_ += n;
      if (in_piece_ == p.size()) {
        ++piece_;
        in_piece_ = 0;
      }
    }
    position_ += done;
    return done;
  }

  const XMLCh* getContentType() const override { return nullptr; }

 private:
  std::vector<std::string_view> pieces_;
  size_t piece_ = 0;
  size_t in_piece_ = 0;
  XMLFilePos position_ = 0;
};

class SubstitutedSource final : public InputSource {
 public:
  explicit SubstitutedSource(std::vector<std::string_view> pieces)
      : InputSource("document"), pieces_(std::move(pieces)) {}
  BinInputStream* makeStream() const override { return new SubstitutedStream(pieces_); }

 private:
  std::vector<std::string_view> pieces_;
};

}  // namespace

std::vector<BulkText> FindBulkTexts(std::string_view s, size_t min_bytes) {
  std::vector<BulkText> found;
  if (s.size() < min_bytes) return found;
  constexpr auto npos = std::string_view::npos;
  uint32_t elements = 0;
  bool in_start_tag = false;  // the markup just before is a start tag that is not empty
  int64_t line = 1;
  size_t counted = 0;  // lines are counted up to here
  size_t i = 0;
  const auto skip_past = [&](std::string_view close, size_t from) {
    const size_t at = s.find(close, from);
    return at == npos ? npos : at + close.size();
  };
  while (i < s.size()) {
    if (s[i] != '<') {
      const size_t lt = s.find('<', i);
      if (lt == npos) break;
      if (in_start_tag && lt - i >= min_bytes && s.compare(lt, 2, "</") == 0) {
        const std::string_view text = s.substr(i, lt - i);
        model::Base64Scan scan;
        scan.Feed(text);
        if (!scan.foreign()) {
          line += LineBreaks(s.substr(counted, lt - counted));
          counted = lt;
          found.push_back(Describe(text, elements - 1, i, line));
          if (!scan.Finish()) found.back().base64_error = scan.error();
        }
      }
      in_start_tag = false;
      i = lt;
      continue;
    }
    in_start_tag = false;
    const std::string_view rest = s.substr(i);
    if (rest.starts_with("<!--")) {
      i = skip_past("-->", i + 4);
    } else if (rest.starts_with("<![CDATA[")) {
      i = skip_past("]]>", i + 9);
    } else if (rest.starts_with("<?")) {
      i = skip_past("?>", i + 2);
    } else if (rest.starts_with("<!")) {
      return {};  // a DOCTYPE, which the parser refuses
    } else if (rest.starts_with("</")) {
      i = skip_past(">", i + 2);
    } else {
      // A start tag: to its '>', past quoted attribute values.
      size_t j = i + 1;
      char quote = 0;
      for (; j < s.size(); ++j) {
        const char c = s[j];
        if (quote != 0) {
          if (c == quote) quote = 0;
        } else if (c == '"' || c == '\'') {
          quote = c;
        } else if (c == '>') {
          break;
        }
      }
      if (j >= s.size()) return {};
      ++elements;
      in_start_tag = s[j - 1] != '/';
      i = j + 1;
    }
    if (i == npos) return {};
  }
  return found;
}

std::unique_ptr<InputSource> MakeSubstitutedSource(std::string_view bytes,
                                                   std::span<const BulkText> texts) {
  std::vector<std::string_view> pieces;
  pieces.reserve(texts.size() * 2 + 1);
  size_t at = 0;
  for (const BulkText& t : texts) {
    pieces.push_back(bytes.substr(at, t.offset - at));
    pieces.push_back(t.placeholder);
    at = t.offset + t.size;
  }
  pieces.push_back(bytes.substr(at));
  return std::make_unique<SubstitutedSource>(std::move(pieces));
}

}  // namespace eaeu::xml
