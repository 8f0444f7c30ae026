#include "gateway/transport/http_client.hpp"

#include <utility>  // before any Boost header that needs std::exchange

#include <curl/curl.h>

#include <atomic>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <map>
#include <mutex>

namespace eaeu::transport {

namespace asio = boost::asio;

namespace {

// libcurl's process-wide set-up, once, before the first handle.
void EnsureCurlInitialised() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

size_t Collect(char* data, size_t size, size_t count, void* target) {
  static_cast<std::string*>(target)->append(data, size * count);
  return size * count;
}

}  // namespace

// One request in flight.
struct Transfer {
  CURL* easy = nullptr;
  curl_slist* headers = nullptr;
  PostRequest request;
  PostCallback done;
  PostResult result;
  char error[CURL_ERROR_SIZE] = {};
  std::chrono::steady_clock::time_point started;
};

// A socket libcurl asked us to watch. The descriptor does not own the socket: libcurl opened it
// and closes it, so it is released (not closed) when libcurl is done with it.
struct Watched {
  explicit Watched(asio::io_context& io, curl_socket_t fd) : descriptor(io, fd) {}
  asio::posix::stream_descriptor descriptor;
  int wanted = 0;  // CURL_POLL_IN / OUT / INOUT
  bool reading = false;
  bool writing = false;
  bool removed = false;
};

struct HttpClient::Impl : std::enable_shared_from_this<Impl> {
  explicit Impl(asio::io_context& context)
      : io(context), strand(asio::make_strand(context)), timer(strand) {}

  asio::io_context& io;
  asio::strand<asio::io_context::executor_type> strand;
  asio::steady_timer timer;
  CURLM* multi = nullptr;
  std::map<CURL*, std::unique_ptr<Transfer>> transfers;
  std::map<curl_socket_t, std::shared_ptr<Watched>> sockets;
  std::atomic<size_t> count{0};
  bool closed = false;

  void Open() {
    EnsureCurlInitialised();
    multi = curl_multi_init();
    curl_multi_setopt(multi, CURLMOPT_SOCKETFUNCTION, &Impl::OnSocket);
    curl_multi_setopt(multi, CURLMOPT_SOCKETDATA, this);
    curl_multi_setopt(multi, CURLMOPT_TIMERFUNCTION, &Impl::OnTimer);
    curl_multi_setopt(multi, CURLMOPT_TIMERDATA, this);
  }

  // Called with the io_context not running (or on the strand): drops everything in flight.
  void Close() {
    if (closed) return;
    closed = true;
    boost::system::error_code ec;
    timer.cancel();
    for (auto& [easy, t] : transfers) {
      curl_multi_remove_handle(multi, easy);
      curl_easy_cleanup(easy);
      curl_slist_free_all(t->headers);
    }
    transfers.clear();
    for (auto& [fd, w] : sockets) {
      w->removed = true;
      w->descriptor.cancel(ec);
      (void)w->descriptor.release();
    }
    sockets.clear();
    curl_multi_cleanup(multi);
    multi = nullptr;
  }

  void Start(std::unique_ptr<Transfer> t) {
    if (closed) return;
    CURL* easy = curl_easy_init();
    t->easy = easy;
    const PostRequest& r = t->request;
    curl_easy_setopt(easy, CURLOPT_URL, r.url.c_str());
    curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(easy, CURLOPT_POST, 1L);
    curl_easy_setopt(easy, CURLOPT_POSTFIELDS, r.body.data());
    curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(r.body.size()));
    t->headers = curl_slist_append(t->headers, ("Content-Type: " + r.content_type).c_str());
    t->headers = curl_slist_append(t->headers, "Expect:");  // no 100-continue round trip
    for (const auto& h : r.headers) t->headers = curl_slist_append(t->headers, h.c_str());
    curl_easy_setopt(easy, CURLOPT_HTTPHEADER, t->headers);
    curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(r.connect_timeout.count()));
    curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, static_cast<long>(r.total_timeout.count()));
    curl_easy_setopt(easy, CURLOPT_TCP_KEEPALIVE, 1L);
    if (!r.tls.ca_bundle.empty()) {
      curl_easy_setopt(easy, CURLOPT_CAINFO, r.tls.ca_bundle.c_str());
      curl_easy_setopt(easy, CURLOPT_CAPATH, nullptr);
    }
    // The trust store is read anew for each connection: a replaced bundle needs no restart.
    curl_easy_setopt(easy, CURLOPT_CA_CACHE_TIMEOUT, 0L);
    if (!r.tls.crl.empty()) curl_easy_setopt(easy, CURLOPT_CRLFILE, r.tls.crl.c_str());
    if (!r.tls.certificate.empty()) {
      curl_easy_setopt(easy, CURLOPT_SSLCERT, r.tls.certificate.c_str());
      curl_easy_setopt(easy, CURLOPT_SSLKEY, r.tls.key.c_str());
    }
    curl_easy_setopt(easy, CURLOPT_SSLVERSION, CURL_SSLVERSION_TLSv1_2);
    curl_easy_setopt(easy, CURLOPT_SSL_CIPHER_LIST, r.tls.ciphers.tls12.c_str());
    curl_easy_setopt(easy, CURLOPT_TLS13_CIPHERS, r.tls.ciphers.tls13.c_str());
    curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, &Collect);
    curl_easy_setopt(easy, CURLOPT_WRITEDATA, &t->result.body);
    curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, t->error);
    curl_easy_setopt(easy, CURLOPT_PRIVATE, t.get());
    t->started = std::chrono::steady_clock::now();
    transfers.emplace(easy, std::move(t));
    curl_multi_add_handle(multi, easy);  // libcurl asks for a timeout to start it
  }

  // CURLMOPT_SOCKETFUNCTION: what to wait for on a socket.
  static int OnSocket(CURL*, curl_socket_t fd, int what, void* self_ptr, void*) {
    auto* self = static_cast<Impl*>(self_ptr);
    if (what == CURL_POLL_REMOVE) {
      auto it = self->sockets.find(fd);
      if (it != self->sockets.end()) {
        boost::system::error_code ec;
        it->second->removed = true;
        it->second->descriptor.cancel(ec);
        (void)it->second->descriptor.release();
        self->sockets.erase(it);
      }
      return 0;
    }
    auto& w = self->sockets[fd];
    if (!w) w = std::make_shared<Watched>(self->io, fd);
    w->wanted = what;
    self->Arm(fd, w);
    return 0;
  }

  // CURLMOPT_TIMERFUNCTION: when libcurl wants to be called for its timeouts.
  static int OnTimer(CURLM*, long timeout_ms, void* self_ptr) {
    auto* self = static_cast<Impl*>(self_ptr);
    self->timer.cancel();
    if (timeout_ms < 0) return 0;
    self->timer.expires_after(std::chrono::milliseconds(timeout_ms));
    self->timer.async_wait([weak = self->weak_from_this()](boost::system::error_code ec) {
      auto me = weak.lock();
      if (!me || ec || me->closed) return;
      me->Act(CURL_SOCKET_TIMEOUT, 0);
    });
    return 0;
  }

  void Arm(curl_socket_t fd, const std::shared_ptr<Watched>& w) {
    if ((w->wanted & CURL_POLL_IN) != 0 && !w->reading) Wait(fd, w, true);
    if ((w->wanted & CURL_POLL_OUT) != 0 && !w->writing) Wait(fd, w, false);
  }

  // Waits for the socket to be readable (or writable), then lets libcurl act on it.
  void Wait(curl_socket_t fd, const std::shared_ptr<Watched>& w, bool read) {
    (read ? w->reading : w->writing) = true;
    w->descriptor.async_wait(read ? asio::posix::stream_descriptor::wait_read
                                  : asio::posix::stream_descriptor::wait_write,
                             asio::bind_executor(strand, [weak = weak_from_this(), w, fd,
                                                          read](boost::system::error_code ec) {
                               (read ? w->reading : w->writing) = false;
                               auto me = weak.lock();
                               if (!me || me->closed || w->removed || ec) return;
                               me->Act(fd, read ? CURL_CSELECT_IN : CURL_CSELECT_OUT);
                               if (!w->removed) me->Arm(fd, w);
                             }));
  }

  void Act(curl_socket_t fd, int events) {
    int running = 0;
    curl_multi_socket_action(multi, fd, events, &running);
    Harvest();
  }

  // Hands every finished transfer to its callback.
  void Harvest() {
    int left = 0;
    while (CURLMsg* msg = curl_multi_info_read(multi, &left)) {
      if (msg->msg != CURLMSG_DONE) continue;
      CURL* easy = msg->easy_handle;
      const CURLcode code = msg->data.result;
      auto it = transfers.find(easy);
      if (it == transfers.end()) continue;
      std::unique_ptr<Transfer> t = std::move(it->second);
      transfers.erase(it);
      PostResult& r = t->result;
      if (code == CURLE_OK) {
        curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &r.status);
        const char* type = nullptr;
        if (curl_easy_getinfo(easy, CURLINFO_CONTENT_TYPE, &type) == CURLE_OK && type != nullptr) {
          r.content_type = type;
        }
      } else {
        r.error = t->error[0] != '\0' ? t->error : curl_easy_strerror(code);
        r.timed_out = code == CURLE_OPERATION_TIMEDOUT;
        r.body.clear();
      }
      // A kept-alive connection has no connect time of its own: what was sent on it tells.
      curl_off_t connected_us = 0;
      long request_bytes = 0;
      curl_easy_getinfo(easy, CURLINFO_CONNECT_TIME_T, &connected_us);
      curl_easy_getinfo(easy, CURLINFO_REQUEST_SIZE, &request_bytes);
      r.reached = r.status != 0 || connected_us > 0 || request_bytes > 0;
      r.took = std::chrono::duration_cast<std::chrono::microseconds>(
          std::chrono::steady_clock::now() - t->started);
      curl_multi_remove_handle(multi, easy);
      curl_easy_cleanup(easy);
      curl_slist_free_all(t->headers);
      --count;
      // The callback runs outside this loop's libcurl calls, so it may start a new request.
      asio::post(strand, [done = std::move(t->done), result = std::move(r)]() mutable {
        done(std::move(result));
      });
    }
  }
};

HttpClient::HttpClient(asio::io_context& io) : impl_(std::make_shared<Impl>(io)) {
  impl_->Open();
}

HttpClient::~HttpClient() {
  impl_->Close();
}

void HttpClient::Post(PostRequest request, PostCallback done) {
  auto t = std::make_unique<Transfer>();
  t->request = std::move(request);
  t->done = std::move(done);
  ++impl_->count;
  asio::post(impl_->strand,
             [impl = impl_, t = std::move(t)]() mutable { impl->Start(std::move(t)); });
}

size_t HttpClient::in_flight() const {
  return impl_->count.load();
}

}  // namespace eaeu::transport
