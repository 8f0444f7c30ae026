#pragma once
// A TCP relay on 127.0.0.1 in front of a test peer: each connection it accepts is passed through
// to the peer byte for byte, except the ones it is told to drop, which are reset (RST) as soon as
// they are accepted, before a byte of the request reaches the peer: the client sees its connection
// fail.
#include <utility>  // before Asio

#include <array>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <memory>
#include <mutex>
#include <set>

namespace eaeu::test {

class Relay {
 public:
  Relay(boost::asio::io_context& io, uint16_t upstream)
      : io_(io),
        acceptor_(io, {boost::asio::ip::make_address("127.0.0.1"), 0}),
        upstream_(boost::asio::ip::make_address("127.0.0.1"), upstream) {
    Accept();
  }
  uint16_t port() const { return acceptor_.local_endpoint().port(); }
  std::string Url() const { return "http://127.0.0.1:" + std::to_string(port()) + "/"; }
  // The n-th connection (1-based) is reset when it is accepted.
  void Drop(size_t nth) {
    std::lock_guard lock(mutex_);
    drop_.insert(nth);
  }
  size_t connections() {
    std::lock_guard lock(mutex_);
    return connections_;
  }

 private:
  using tcp = boost::asio::ip::tcp;

  // One direction of a relayed connection: reads from `from`, writes to `to`; the end of either
  // closes both sockets.
  struct Link : std::enable_shared_from_this<Link> {
    std::shared_ptr<tcp::socket> from, to;
    std::array<char, 16384> buffer{};
    void Pump() {
      from->async_read_some(boost::asio::buffer(buffer),
                            [self = shared_from_this()](boost::system::error_code ec, size_t n) {
                              if (ec) return self->Close();
                              boost::asio::async_write(
                                  *self->to, boost::asio::buffer(self->buffer.data(), n),
                                  [self](boost::system::error_code wec, size_t) {
                                    if (wec) return self->Close();
                                    self->Pump();
                                  });
                            });
    }
    void Close() {
      boost::system::error_code ignored;
      from->close(ignored);
      to->close(ignored);
    }
  };

  void Accept() {
    acceptor_.async_accept([this](boost::system::error_code ec, tcp::socket socket) {
      if (ec) return;
      bool drop = false;
      {
        std::lock_guard lock(mutex_);
        drop = drop_.contains(++connections_);
      }
      if (drop) {
        socket.set_option(boost::asio::socket_base::linger(true, 0));
        socket.close(ec);
      } else {
        Splice(std::make_shared<tcp::socket>(std::move(socket)));
      }
      Accept();
    });
  }

  void Splice(std::shared_ptr<tcp::socket> client) {
    auto server = std::make_shared<tcp::socket>(io_);
    server->async_connect(upstream_, [client, server](boost::system::error_code ec) {
      if (ec) {
        client->close(ec);
        return;
      }
      auto up = std::make_shared<Link>();
      up->from = client;
      up->to = server;
      auto down = std::make_shared<Link>();
      down->from = server;
      down->to = client;
      up->Pump();
      down->Pump();
    });
  }

  boost::asio::io_context& io_;
  tcp::acceptor acceptor_;
  tcp::endpoint upstream_;
  std::mutex mutex_;
  std::set<size_t> drop_;
  size_t connections_ = 0;
};

}  // namespace eaeu::test
