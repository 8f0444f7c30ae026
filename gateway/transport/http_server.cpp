#include <utility>
// Asio after <utility> (Boost 1.74 with GCC 12 in C++20).
#include "gateway/transport/http_server.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <mutex>
#include <unordered_map>

#include "gateway/core/hex.hpp"

namespace eaeu::transport {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using boost::system::error_code;

constexpr uint32_t kHeaderLimit = 16 * 1024;
constexpr std::chrono::seconds kTlsShutdownTimeout{2};

std::string PeerCertificateSha256(SSL* ssl) {
  X509* cert = SSL_get1_peer_certificate(ssl);
  if (cert == nullptr) return {};
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  std::string out;
  if (X509_digest(cert, EVP_sha256(), digest, &size) == 1) {
    out = HexLower({reinterpret_cast<const char*>(digest), size});
  }
  X509_free(cert);
  return out;
}

// Adds every CRL of a PEM file to the store and has each client certificate checked against the
// CRLs of its chain.
Status UseClientCrls(SSL_CTX* ctx, const std::filesystem::path& file) {
  X509_STORE* store = SSL_CTX_get_cert_store(ctx);
  X509_LOOKUP* lookup = X509_STORE_add_lookup(store, X509_LOOKUP_file());
  const int loaded =
      lookup == nullptr ? 0 : X509_load_crl_file(lookup, file.c_str(), X509_FILETYPE_PEM);
  ERR_clear_error();
  if (loaded <= 0) {
    return MakeError("api.tls", "api.tls.client_crl",
                     "cannot use " + file.string() + ": it holds no PEM CRL");
  }
  X509_STORE_set_flags(store, X509_V_FLAG_CRL_CHECK | X509_V_FLAG_CRL_CHECK_ALL);
  return Ok{};
}

Result<std::shared_ptr<ssl::context>> MakeTlsContext(const TlsSettings& t) {
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_server);
  SSL_CTX* native = ctx->native_handle();
  SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION);
  ctx->set_options(ssl::context::default_workarounds | ssl::context::single_dh_use);
  SSL_CTX_set_options(native, SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_NO_RENEGOTIATION);
  if (SSL_CTX_set_cipher_list(native, t.ciphers.tls12.c_str()) != 1 ||
      SSL_CTX_set_ciphersuites(native, t.ciphers.tls13.c_str()) != 1) {
    ERR_clear_error();
    return MakeError("api.tls", "api.tls.ciphers", CipherListProblem(t.ciphers));
  }
  error_code ec;
  ctx->use_certificate_chain_file(t.certificate.string(), ec);
  if (ec) {
    return MakeError("api.tls", "api.tls.certificate",
                     "cannot use " + t.certificate.string() + ": " + ec.message());
  }
  ctx->use_private_key_file(t.key.string(), ssl::context::pem, ec);
  if (ec)
    return MakeError("api.tls", "api.tls.key",
                     "cannot use " + t.key.string() + ": " + ec.message());
  if (!t.client_ca.empty()) {
    ctx->load_verify_file(t.client_ca.string(), ec);
    if (ec) {
      return MakeError("api.tls", "api.tls.client_ca",
                       "cannot use " + t.client_ca.string() + ": " + ec.message());
    }
    if (STACK_OF(X509_NAME)* names = SSL_load_client_CA_file(t.client_ca.c_str())) {
      SSL_CTX_set_client_CA_list(native, names);
    }
    if (!t.client_crl.empty()) {
      if (auto st = UseClientCrls(native, t.client_crl); !st) return st.error();
    }
    ctx->set_verify_mode(
        ssl::verify_peer |
        (t.require_client_certificate ? ssl::verify_fail_if_no_peer_cert : ssl::verify_none));
  }
  return ctx;
}

struct ConnectionBase {
  virtual ~ConnectionBase() = default;
  virtual void CloseIfIdle() = 0;
};

// The answer to one request, owed once: the first call answers, a later one is ignored, and an
// answer never given (the handler threw, or every copy of its Respond was dropped) is a 500.
class Owed {
 public:
  Owed(std::function<void(HttpResponse)> complete, std::function<HttpResponse()> fallback,
       std::string what)
      : complete_(std::move(complete)), fallback_(std::move(fallback)), what_(std::move(what)) {}
  Owed(const Owed&) = delete;
  Owed& operator=(const Owed&) = delete;
  ~Owed() {
    if (done_.exchange(true)) return;
    spdlog::error("api {}: the request was left without an answer; answered 500", what_);
    complete_(fallback_());
  }
  void Answer(HttpResponse r) {
    if (!done_.exchange(true)) complete_(std::move(r));
  }

 private:
  std::function<void(HttpResponse)> complete_;
  std::function<HttpResponse()> fallback_;
  std::string what_;
  std::atomic<bool> done_{false};
};

}  // namespace

struct HttpServer::Impl : std::enable_shared_from_this<HttpServer::Impl> {
  Impl(asio::io_context& context, HttpServerSettings s, HttpHandler h, ErrorResponder e)
      : io(context),
        settings(std::move(s)),
        handler(std::move(h)),
        errors(std::move(e)),
        acceptor(asio::make_strand(context)) {}

  asio::io_context& io;
  HttpServerSettings settings;
  HttpHandler handler;
  ErrorResponder errors;
  tcp::acceptor acceptor;
  uint16_t port = 0;
  std::atomic<bool> stopping{false};

  std::mutex tls_mutex;
  std::shared_ptr<ssl::context> tls;  // replaced on reload; a connection keeps its own

  mutable std::mutex connections_mutex;
  std::unordered_map<ConnectionBase*, std::weak_ptr<ConnectionBase>> connections;

  std::shared_ptr<ssl::context> Tls() {
    std::lock_guard lock(tls_mutex);
    return tls;
  }

  void Register(const std::shared_ptr<ConnectionBase>& c) {
    std::lock_guard lock(connections_mutex);
    connections.emplace(c.get(), c);
  }
  void Unregister(ConnectionBase* c) {
    std::lock_guard lock(connections_mutex);
    connections.erase(c);
  }

  static asio::awaitable<void> AcceptLoop(std::shared_ptr<Impl> self);
  asio::awaitable<void> Accept();
};

namespace {

// One connection: reads requests one after another, hands each to the handler, writes its
// answer. Runs on its own strand.
template <class Stream>
class Connection final : public ConnectionBase,
                         public std::enable_shared_from_this<Connection<Stream>> {
 public:
  Connection(std::shared_ptr<HttpServer::Impl> server, Stream stream, std::string remote,
             std::shared_ptr<ssl::context> tls)
      : server_(std::move(server)),
        stream_(std::move(stream)),
        remote_(std::move(remote)),
        tls_(std::move(tls)) {}

  ~Connection() override { server_->Unregister(this); }

  void CloseIfIdle() override {
    asio::post(beast::get_lowest_layer(stream_).get_executor(), [self = this->shared_from_this()] {
      if (self->idle_) beast::get_lowest_layer(self->stream_).close();
    });
  }

  // The connection's coroutine; `self` (a parameter, so it lives in the coroutine's frame) keeps
  // the connection alive until it ends.
  static asio::awaitable<void> Run(std::shared_ptr<Connection> self) { co_await self->Serve(); }

 private:
  asio::awaitable<void> Serve() {
    const auto& settings = server_->settings;
    error_code ec;
    std::string certificate;
    if constexpr (!std::is_same_v<Stream, beast::tcp_stream>) {
      beast::get_lowest_layer(stream_).expires_after(settings.request_timeout);
      co_await stream_.async_handshake(ssl::stream_base::server,
                                       asio::redirect_error(asio::use_awaitable, ec));
      if (ec) {
        // A client certificate refused (unknown CA, expired, revoked) is worth an operator's
        // look; a scanner's broken handshake is not.
        if (const long verify = SSL_get_verify_result(stream_.native_handle());
            verify != X509_V_OK) {
          spdlog::warn("api peer={} client certificate refused: {}", remote_,
                       X509_verify_cert_error_string(verify));
        } else {
          spdlog::debug("api peer={} TLS handshake failed: {}", remote_, ec.message());
        }
        co_return;
      }
      certificate = PeerCertificateSha256(stream_.native_handle());
    }
    beast::flat_buffer buffer;
    bool keep_alive = true;
    while (keep_alive && !server_->stopping) {
      http::request_parser<http::string_body> parser;
      parser.header_limit(kHeaderLimit);
      parser.body_limit(settings.max_body_bytes);
      idle_ = buffer.size() == 0;
      beast::get_lowest_layer(stream_).expires_after(settings.idle_timeout);
      co_await http::async_read_header(stream_, buffer, parser,
                                       asio::redirect_error(asio::use_awaitable, ec));
      idle_ = false;
      if (!ec && !parser.is_done()) {
        beast::get_lowest_layer(stream_).expires_after(settings.request_timeout);
        co_await http::async_read(stream_, buffer, parser,
                                  asio::redirect_error(asio::use_awaitable, ec));
      }
      if (ec == http::error::body_limit) {
        co_await Write(server_->errors(413, "the body is larger than the limit of " +
                                                std::to_string(settings.max_body_bytes) + " bytes"),
                       11, false);
        break;
      }
      if (ec == http::error::header_limit) {
        co_await Write(server_->errors(431, "the request's header is too large"), 11, false);
        break;
      }
      if (ec) {
        const bool quiet = ec == http::error::end_of_stream || ec == asio::error::eof ||
                           ec == asio::error::operation_aborted || ec == beast::error::timeout ||
                           ec == asio::error::connection_reset || ec == asio::error::bad_descriptor;
        if (!quiet) {
          co_await Write(server_->errors(400, "the request is not valid HTTP: " + ec.message()), 11,
                         false);
        } else if (ec == beast::error::timeout) {
          spdlog::debug("api peer={} closed: no complete request in time", remote_);
        }
        break;
      }
      auto& req = parser.get();
      keep_alive = req.keep_alive();
      HttpRequest request;
      request.method = std::string(req.method_string());
      request.target = std::string(req.target());
      request.content_type = std::string(req[http::field::content_type]);
      request.authorization = std::string(req[http::field::authorization]);
      request.client_certificate_sha256 = certificate;
      request.remote = remote_;
      request.body = std::move(req.body());
      const unsigned version = req.version();

      HttpResponse response =
          co_await asio::async_initiate<const asio::use_awaitable_t<>, void(HttpResponse)>(
              [this, &request](auto completion) {
                auto shared = std::make_shared<decltype(completion)>(std::move(completion));
                const std::string what = request.method + " " + request.target.substr(0, 200);
                auto owed = std::make_shared<Owed>(
                    [shared](HttpResponse r) {
                      auto executor = asio::get_associated_executor(*shared);
                      asio::post(executor,
                                 [shared, r = std::move(r)]() mutable { (*shared)(std::move(r)); });
                    },
                    [server = server_] {
                      return server->errors(500,
                                            "the gateway failed on this request; it is "
                                            "logged, and the gateway serves on");
                    },
                    what);
                try {
                  server_->handler(std::move(request),
                                   [owed](HttpResponse r) { owed->Answer(std::move(r)); });
                } catch (const std::exception& e) {
                  spdlog::error("api {}: the handler failed: {}", what, e.what());
                } catch (...) {
                  spdlog::error("api {}: the handler failed", what);
                }
              },
              asio::use_awaitable);
      keep_alive = keep_alive && !server_->stopping && !response.close;
      if (!co_await Write(std::move(response), version, keep_alive)) break;
    }
    if constexpr (!std::is_same_v<Stream, beast::tcp_stream>) {
      beast::get_lowest_layer(stream_).expires_after(kTlsShutdownTimeout);
      co_await stream_.async_shutdown(asio::redirect_error(asio::use_awaitable, ec));
    } else {
      stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    }
  }

  asio::awaitable<bool> Write(HttpResponse r, unsigned version, bool keep_alive) {
    http::response<http::string_body> res{static_cast<http::status>(r.status), version};
    res.set(http::field::server, "eaeu-gatewayd");
    if (!r.content_type.empty()) res.set(http::field::content_type, r.content_type);
    for (auto& [name, value] : r.headers) res.set(name, value);
    res.keep_alive(keep_alive);
    res.body() = std::move(r.body);
    res.prepare_payload();
    error_code ec;
    beast::get_lowest_layer(stream_).expires_after(server_->settings.request_timeout);
    co_await http::async_write(stream_, res, asio::redirect_error(asio::use_awaitable, ec));
    co_return !ec;
  }

  std::shared_ptr<HttpServer::Impl> server_;
  Stream stream_;
  std::string remote_;
  std::shared_ptr<ssl::context> tls_;  // keeps the context alive for this connection
  bool idle_ = false;
};

std::string RemoteOf(const tcp::socket& socket) {
  error_code ec;
  const auto endpoint = socket.remote_endpoint(ec);
  if (ec) return "?";
  return endpoint.address().to_string() + ":" + std::to_string(endpoint.port());
}

}  // namespace

asio::awaitable<void> HttpServer::Impl::AcceptLoop(std::shared_ptr<Impl> self) {
  co_await self->Accept();
}

asio::awaitable<void> HttpServer::Impl::Accept() {
  auto self = shared_from_this();
  for (;;) {
    tcp::socket socket(asio::make_strand(io));
    error_code ec;
    co_await acceptor.async_accept(socket, asio::redirect_error(asio::use_awaitable, ec));
    if (stopping || ec == asio::error::operation_aborted) co_return;
    if (ec) {
      spdlog::warn("api accept failed: {}", ec.message());
      continue;
    }
    size_t open = 0;
    {
      std::lock_guard lock(connections_mutex);
      open = connections.size();
    }
    if (open >= settings.max_connections) {
      spdlog::warn("api refused a connection: {} connections are open (api.max_connections)", open);
      socket.close(ec);
      continue;
    }
    std::string remote = RemoteOf(socket);
    auto executor = socket.get_executor();
    if (auto context = Tls()) {
      using TlsStream = beast::ssl_stream<beast::tcp_stream>;
      auto c = std::make_shared<Connection<TlsStream>>(
          self, TlsStream(beast::tcp_stream(std::move(socket)), *context), std::move(remote),
          context);
      Register(c);
      asio::co_spawn(executor, Connection<TlsStream>::Run(c), asio::detached);
    } else {
      auto c = std::make_shared<Connection<beast::tcp_stream>>(
          self, beast::tcp_stream(std::move(socket)), std::move(remote), nullptr);
      Register(c);
      asio::co_spawn(executor, Connection<beast::tcp_stream>::Run(c), asio::detached);
    }
  }
}

HttpServer::HttpServer(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}

HttpServer::~HttpServer() {
  Stop();
}

Result<std::unique_ptr<HttpServer>> HttpServer::Start(asio::io_context& io,
                                                      const HttpServerSettings& settings,
                                                      HttpHandler handler, ErrorResponder errors) {
  auto impl = std::make_shared<Impl>(io, settings, std::move(handler), std::move(errors));
  if (settings.tls) {
    auto context = MakeTlsContext(*settings.tls);
    if (!context) return context.error();
    impl->tls = *context;
  } else if (!settings.listen.IsLoopback()) {
    return MakeError(
        "api.plain", "api.listen",
        "plain HTTP is allowed on a loopback address only, not " + settings.listen.host);
  }
  error_code ec;
  const auto address = asio::ip::make_address(
      settings.listen.host == "localhost" ? "127.0.0.1" : settings.listen.host, ec);
  if (ec) {
    return MakeError("api.listen", "api.listen",
                     "\"" + settings.listen.host + "\" is not an IP address: " + ec.message());
  }
  const tcp::endpoint endpoint(address, settings.listen.port);
  impl->acceptor.open(endpoint.protocol(), ec);
  if (!ec) impl->acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) impl->acceptor.bind(endpoint, ec);
  if (!ec) impl->acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return MakeError("api.listen", "api.listen",
                     "cannot listen on " + settings.listen.host + ":" +
                         std::to_string(settings.listen.port) + ": " + ec.message());
  }
  impl->port = impl->acceptor.local_endpoint().port();
  asio::co_spawn(impl->acceptor.get_executor(), Impl::AcceptLoop(impl), asio::detached);
  return std::unique_ptr<HttpServer>(new HttpServer(impl));
}

uint16_t HttpServer::port() const {
  return impl_->port;
}

void HttpServer::Stop() {
  if (impl_->stopping.exchange(true)) return;
  asio::post(impl_->acceptor.get_executor(), [impl = impl_] {
    error_code ec;
    impl->acceptor.close(ec);
  });
  std::vector<std::shared_ptr<ConnectionBase>> open;
  {
    std::lock_guard lock(impl_->connections_mutex);
    for (auto& [raw, weak] : impl_->connections) {
      if (auto c = weak.lock()) open.push_back(std::move(c));
    }
  }
  for (auto& c : open) c->CloseIfIdle();
}

Status HttpServer::ReloadTls() {
  if (!impl_->settings.tls) return Ok{};
  auto context = MakeTlsContext(*impl_->settings.tls);
  if (!context) return context.error();
  std::lock_guard lock(impl_->tls_mutex);
  impl_->tls = *context;
  return Ok{};
}

size_t HttpServer::open_connections() const {
  std::lock_guard lock(impl_->connections_mutex);
  return impl_->connections.size();
}

}  // namespace eaeu::transport
