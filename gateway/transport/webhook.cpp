#include "gateway/transport/webhook.hpp"

#include <algorithm>

#include "gateway/core/files.hpp"

namespace eaeu::transport {

Result<Webhook> Webhook::Load(WebhookSettings settings) {
  Webhook hook;
  if (!settings.token_file.empty()) {
    auto token = ReadFileLimited(settings.token_file, 4096);
    if (!token) {
      return MakeError(token.error().code, settings.token_file.string(),
                       "the webhook's token file: " + token.error().message);
    }
    hook.token_ = std::move(*token);
    while (!hook.token_.empty() && (hook.token_.back() == '\n' || hook.token_.back() == '\r')) {
      hook.token_.pop_back();
    }
    if (hook.token_.empty()) {
      return MakeError("config.webhook", settings.token_file.string(), "the token file is empty");
    }
  }
  hook.settings_ = std::move(settings);
  return hook;
}

PostRequest Webhook::Request(std::string content_type, std::string body,
                             std::vector<std::string> headers) const {
  PostRequest post;
  post.url = settings_.url;
  post.total_timeout = settings_.timeout;
  post.connect_timeout = std::min(settings_.timeout, std::chrono::milliseconds(10'000));
  post.tls.ca_bundle = settings_.ca_bundle;
  post.content_type = std::move(content_type);
  post.body = std::move(body);
  post.headers = std::move(headers);
  if (!token_.empty()) post.headers.push_back("Authorization: Bearer " + token_);
  return post;
}

std::string Webhook::Failure(const PostResult& result) {
  return result.answered() ? "the webhook answered HTTP " + std::to_string(result.status)
                           : "the webhook did not answer: " + result.error;
}

}  // namespace eaeu::transport
