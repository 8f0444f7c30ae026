#include "gateway/app/log.hpp"

#include <spdlog/pattern_formatter.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <nlohmann/json.hpp>

namespace eaeu::app {

namespace {

bool IsKeyChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

// One JSON object a line; the time in UTC with milliseconds.
class JsonFormatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    const auto since = msg.time.time_since_epoch();
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(since).count() % 1000;
    const std::time_t seconds = std::chrono::system_clock::to_time_t(msg.time);
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    char time[40];
    const size_t n = std::strftime(time, sizeof time, "%Y-%m-%dT%H:%M:%S", &utc);
    std::snprintf(time + n, sizeof time - n, ".%03dZ", static_cast<int>(ms));
    const auto level = spdlog::level::to_string_view(msg.level);
    const std::string line = JsonLogLine(time, std::string_view(level.data(), level.size()),
                                         std::string_view(msg.payload.data(), msg.payload.size())) +
                             "\n";
    dest.append(line.data(), line.data() + line.size());
  }
  std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<JsonFormatter>();
  }
};

}  // namespace

std::string JsonLogLine(std::string_view time, std::string_view level, std::string_view message) {
  nlohmann::ordered_json line;
  line["time"] = time;
  line["level"] = level;
  line["msg"] = message;
  // Each word "key=value" (a key of a-z, 0-9 and '_') is a field; a value ends at a space, and a
  // ':' or ',' that ends it belongs to the sentence.
  size_t at = 0;
  while (at < message.size()) {
    const size_t end = std::min(message.find(' ', at), message.size());
    const std::string_view word = message.substr(at, end - at);
    at = end + 1;
    const size_t eq = word.find('=');
    if (eq == 0 || eq == std::string_view::npos || eq + 1 == word.size()) continue;
    const std::string_view key = word.substr(0, eq);
    if (!std::all_of(key.begin(), key.end(), IsKeyChar)) continue;
    std::string_view value = word.substr(eq + 1);
    while (!value.empty() && (value.back() == ':' || value.back() == ',')) value.remove_suffix(1);
    if (value.empty()) continue;
    const std::string name = key == "message" ? "message_id" : std::string(key);
    if (name == "time" || name == "level" || name == "msg" || line.contains(name)) continue;
    line[name] = value;
  }
  return line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void SetLogFormat(std::string_view format) {
  if (format == "json") {
    spdlog::set_formatter(std::make_unique<JsonFormatter>());
  } else {
    spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e%z %^%l%$ %v");
  }
}

void SetLogLevel(const std::string& level) {
  const auto l = spdlog::level::from_str(level);
  if (l == spdlog::level::off && level != "off") return;
  spdlog::set_level(l);
}

}  // namespace eaeu::app
