#pragma once
// What the REST API's handlers share (rest.cpp, registry_api.cpp): JSON answers, the request
// target and its query, pages of lists. Internal to api/.

#include <cstdint>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "gateway/transport/http_server.hpp"

namespace eaeu::api::detail {

using Json = nlohmann::ordered_json;

inline constexpr uint32_t kMaxPage = 1000;

transport::HttpResponse JsonResponse(unsigned status, const Json& body);
std::string_view ReasonOf(unsigned status);
std::string SlugOf(unsigned status);
std::string PercentDecode(std::string_view in);

struct Target {
  std::string path;
  std::map<std::string, std::string, std::less<>> query;
};
Target ParseTarget(std::string_view target);

// The media type without its parameters, in lower case.
std::string MediaType(std::string_view content_type);

// A page of a list: its items and the link to the next page when it is full (`base` and the
// query, with "after" the last id of this one).
Json PageJson(Json items, bool full, const Target& target, const std::string& base,
              const std::string& last_id);
// "limit": from 1 to kMaxPage; false when the problem was answered.
bool ReadLimit(const std::string& value, uint32_t& limit, const transport::Respond& respond);

}  // namespace eaeu::api::detail
