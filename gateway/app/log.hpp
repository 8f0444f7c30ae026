#pragma once
// The daemon's log lines: text ("2026-12-05T18:55:37.917+00:00 info message=… intake …") or JSON,
// one object a line: {"time", "level", "msg"} and every "key=value" word of the message as a field
// of its own ("message=" as "message_id"), for a log shipper to index by message, EDocId,
// ConversationID or peer.

#include <string>
#include <string_view>

namespace eaeu::app {

// Sets the format ("text" or "json") of every line from now on.
void SetLogFormat(std::string_view format);
// Sets the level (trace, debug, info, warn, error); an unknown name leaves it as it is.
void SetLogLevel(const std::string& level);
// The JSON line of a message (what the "json" format writes, without its line end).
std::string JsonLogLine(std::string_view time, std::string_view level, std::string_view message);

}  // namespace eaeu::app
