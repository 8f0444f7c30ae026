// The daemon's JSON log line: the message whole, and each key=value word of it a field.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "gateway/app/log.hpp"

namespace eaeu::app {

TEST_CASE("Log: a JSON line keeps the message and makes each key=value word a field", "[log]") {
  const auto line = nlohmann::json::parse(JsonLogLine(
      "2026-12-05T18:55:37.917Z", "info",
      "message=6946f989-071d intake channel=rest sender=ru-job RU kind=inspection-report "
      "e_doc_id=3f2b8c1e outcome=accepted"));
  CHECK(line["time"] == "2026-12-05T18:55:37.917Z");
  CHECK(line["level"] == "info");
  CHECK(line["msg"] ==
        "message=6946f989-071d intake channel=rest sender=ru-job RU kind=inspection-report "
        "e_doc_id=3f2b8c1e outcome=accepted");
  CHECK(line["message_id"] == "6946f989-071d");
  CHECK(line["e_doc_id"] == "3f2b8c1e");
  CHECK(line["channel"] == "rest");
  CHECK(line["outcome"] == "accepted");
  CHECK_FALSE(line.contains("RU"));

  // A value that ends a clause loses its ':' or ','; words that are not key=value are not fields;
  // the line's own fields are not overwritten; quotes and control characters stay valid JSON.
  const auto other = nlohmann::json::parse(JsonLogLine(
      "t", "warn",
      "message=a1: an answer came, level=x msg=y time=z =v Key=v peer=EAEU://EEC/CP, \"q\"\t"));
  CHECK(other["message_id"] == "a1");
  CHECK(other["peer"] == "EAEU://EEC/CP");
  CHECK(other["level"] == "warn");
  CHECK(other["time"] == "t");
  CHECK_FALSE(other.contains("Key"));
  CHECK(other.size() == 5);  // time, level, msg, message_id, peer
}

}  // namespace eaeu::app
