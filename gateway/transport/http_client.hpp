#pragma once
// The HTTP(S) client of outbound delivery: libcurl's multi interface driven by Asio. Every
// transfer's sockets and timers are waited on by the io_context, so a thousand requests in flight
// cost no thread each; connections to the same peer are kept alive and reused. All libcurl calls
// run on one strand.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "gateway/transport/settings.hpp"

namespace boost::asio {
class io_context;
}

namespace eaeu::transport {

// TLS of one peer: the CA bundle that alone is trusted for it (pinned: the system's store is not
// used), the CRLs its certificate is checked against, and the client certificate the peer asks
// for. The files are read again for every new connection, so a replaced bundle or CRL is in
// force at once.
struct ClientTls {
  std::filesystem::path ca_bundle;  // empty: the system's trust store
  std::filesystem::path certificate;
  std::filesystem::path key;
  std::filesystem::path crl;  // PEM CRLs of the peer's CAs; empty: revocation is not checked
  TlsCiphers ciphers;
};

struct PostRequest {
  std::string url;  // http:// or https://
  std::string content_type;
  std::string body;
  std::vector<std::string> headers;  // extra "Name: value" lines
  ClientTls tls;
  std::chrono::milliseconds connect_timeout{10'000};
  std::chrono::milliseconds total_timeout{60'000};
};

struct PostResult {
  long status = 0;  // the HTTP status; 0 when no answer came
  std::string content_type;
  std::string body;
  std::string error;       // why no answer came, in libcurl's words; empty with an answer
  bool reached = false;    // the request went out, so the peer may have read it
  bool timed_out = false;  // the connect or total timeout ran out
  std::chrono::microseconds took{0};

  bool answered() const { return status != 0; }
};

using PostCallback = std::function<void(PostResult)>;

class HttpClient {
 public:
  explicit HttpClient(boost::asio::io_context& io);
  // Drops what is in flight without calling its callbacks. Destroy the client while its
  // io_context is not running (after it was stopped, or before it started).
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Starts a POST. Thread-safe; `done` is called once, on an io_context thread.
  void Post(PostRequest request, PostCallback done);
  size_t in_flight() const;

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace eaeu::transport
