#pragma once
// The HTTP/1.1 server of the API, on Boost.Beast: TLS (with optional client certificates) or,
// on a loopback address only, plain HTTP. One coroutine per connection on its own strand; a
// deadline on every read and write; a body limit; keep-alive. Requests are handed to a handler
// that answers when it likes (after a journal commit, say) without holding an I/O thread.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "gateway/core/result.hpp"
#include "gateway/transport/settings.hpp"

namespace boost::asio {
class io_context;
}

namespace eaeu::transport {

struct HttpRequest {
  std::string method;  // "GET", "POST"
  std::string target;  // "/v1/messages?state=queued"
  std::string content_type;
  std::string authorization;
  std::string client_certificate_sha256;  // lower-case hex; empty without a client certificate
  std::string remote;                     // "127.0.0.1:53122"
  std::string body;
};

struct HttpResponse {
  unsigned status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  bool close = false;  // end the connection after this answer ("Connection: close")
};

// Called once per request; `respond` may be called from any thread, once (a second call is
// ignored). A handler that throws, or that drops every copy of `respond` without calling it (a job
// that failed on a worker), is answered 500 by the server, which logs it and serves on.
using Respond = std::function<void(HttpResponse)>;
using HttpHandler = std::function<void(HttpRequest, Respond)>;
// The body of the errors the server answers by itself (413, 400, 503): a problem document.
using ErrorResponder = std::function<HttpResponse(unsigned status, std::string detail)>;

struct HttpServerSettings {
  ListenAddress listen;
  std::optional<TlsSettings> tls;
  uint64_t max_body_bytes = 110ull << 20;
  std::chrono::milliseconds request_timeout{30'000};
  std::chrono::milliseconds idle_timeout{60'000};
  uint32_t max_connections = 1024;
};

class HttpServer {
 public:
  // Binds and starts accepting on `io`. A TLS key or certificate that cannot be read, or an
  // address that cannot be bound, is an error that says which.
  static Result<std::unique_ptr<HttpServer>> Start(boost::asio::io_context& io,
                                                   const HttpServerSettings& settings,
                                                   HttpHandler handler, ErrorResponder errors);
  ~HttpServer();

  uint16_t port() const;
  // Stops accepting and closes idle connections; a request under way is answered (with
  // "Connection: close"). Thread-safe.
  void Stop();
  // Reloads the TLS certificate and key for new connections (SIGHUP).
  Status ReloadTls();
  size_t open_connections() const;

  struct Impl;  // the server's state, shared with its connections

 private:
  explicit HttpServer(std::shared_ptr<Impl> impl);
  std::shared_ptr<Impl> impl_;
};

}  // namespace eaeu::transport
