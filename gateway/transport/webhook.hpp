#pragma once
// A webhook of the national system: the POSTs the gateway makes to it (received documents handed
// over, events of submitted messages), with the webhook's pinned CA bundle, bearer token and
// timeout.

#include <string>
#include <vector>

#include "gateway/core/result.hpp"
#include "gateway/transport/http_client.hpp"
#include "gateway/transport/settings.hpp"

namespace eaeu::transport {

class Webhook {
 public:
  // Reads the token file; one that cannot be read is an error that names it.
  static Result<Webhook> Load(WebhookSettings settings);

  // A POST of `body` with the extra header lines `headers` ("Name: value").
  PostRequest Request(std::string content_type, std::string body,
                      std::vector<std::string> headers) const;
  // Whether the webhook took what was posted (a 2xx answer).
  static bool Took(const PostResult& result) { return result.status >= 200 && result.status < 300; }
  // Why a POST was not taken, in words for the journal and the log.
  static std::string Failure(const PostResult& result);

 private:
  WebhookSettings settings_;
  std::string token_;
};

}  // namespace eaeu::transport
