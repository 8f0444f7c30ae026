#include "gateway/route/delivery.hpp"

#include <algorithm>
#include <atomic>
#include <deque>
#include <fstream>
#include <map>
#include <queue>

#include <spdlog/spdlog.h>

#include "gateway/core/clock.hpp"
#include "gateway/envelope/envelope.hpp"
#include "gateway/intake/pipeline.hpp"
#include "gateway/transport/http_client.hpp"

namespace eaeu::route {

using store::Delivery;
using store::MessageState;
using TimePoint = std::chrono::system_clock::time_point;
using std::chrono::milliseconds;

const RouteSettings* RouteFor(const std::vector<RouteSettings>& routes,
                              std::string_view destination) {
  for (const auto& r : routes) {
    if (r.to.ends_with('*')
            ? destination.starts_with(std::string_view(r.to).substr(0, r.to.size() - 1))
            : destination == r.to) {
      return &r;
    }
  }
  return nullptr;
}

namespace {

bool IsFinal(MessageState s) {
  return s == MessageState::kAcknowledged || s == MessageState::kRejected ||
         s == MessageState::kDead;
}

// The message's state as the sum of its deliveries': final when all are, and then dead before
// rejected before acknowledged; otherwise the least advanced of the open ones.
MessageState Sum(const std::vector<MessageState>& deliveries) {
  const bool all_final = std::all_of(deliveries.begin(), deliveries.end(), IsFinal);
  auto any = [&](MessageState s) {
    return std::find(deliveries.begin(), deliveries.end(), s) != deliveries.end();
  };
  if (all_final) {
    if (any(MessageState::kDead)) return MessageState::kDead;
    if (any(MessageState::kRejected)) return MessageState::kRejected;
    return MessageState::kAcknowledged;
  }
  if (any(MessageState::kRetrying)) return MessageState::kRetrying;
  if (any(MessageState::kSending) || any(MessageState::kQueued)) return MessageState::kSending;
  return MessageState::kDelivered;
}

}  // namespace

struct MessageInfo {
  std::string id;
  std::string sender_country;
  const envelope::Transaction* transaction = nullptr;
  std::string reply_to;
  std::string procedure_id;
  // The signed document as it goes into every envelope: shared with the pipeline that signed it
  // (or read once from the journal after a restart), never copied.
  store::SignedDocument document;
  MessageState state = MessageState::kQueued;
  std::map<std::string, MessageState> deliveries;  // destination -> state
  // When this engine took it on: its deliveries' time to acknowledgement runs from here.
  std::chrono::steady_clock::time_point taken = std::chrono::steady_clock::now();
};

struct DeliveryEngine::Impl : std::enable_shared_from_this<Impl> {
  DeliveryDependencies deps;
  DeliverySettings settings;
  // The routes in force. A reload puts new ones in place; the old ones are kept, since sends
  // under way and sends waiting for a slot still name them.
  std::shared_ptr<const std::vector<RouteSettings>> routes;
  std::vector<std::shared_ptr<const std::vector<RouteSettings>>> retired;

  // Everything below is touched on the serial executor only.
  struct Open {
    Delivery row;
    std::shared_ptr<MessageInfo> message;
    bool busy = false;     // a journal write is under way, or it waits for a free slot
    bool posting = false;  // its envelope is on the wire: no timer resends it meanwhile
    std::vector<std::string> wire_ids;  // its sends' wsa:MessageIDs in `wires`
  };
  using Key = std::pair<std::string, std::string>;  // message id, destination
  std::map<Key, Open> open;
  // When open deliveries fall due, earliest first. An entry is a hint: one whose delivery has
  // gone, is busy or posting, or has another due time now is dropped when it comes up, and a
  // delivery is entered again whenever it becomes free with a due time (Schedule). So neither a
  // tick nor arming the timer reads every open delivery.
  using Due = std::pair<TimePoint, Key>;
  std::priority_queue<Due, std::vector<Due>, std::greater<>> due_times;
  std::map<std::string, std::shared_ptr<MessageInfo>> messages;
  std::map<std::string, Key> wires;             // wsa:MessageID of a send -> its delivery
  std::map<Key, envelope::Received> answering;  // answers whose writes are not yet committed
  std::map<const RouteSettings*, size_t> in_flight;
  std::map<const RouteSettings*, std::deque<Key>> waiting;
  // Each route's figures, by its `to` (a reload keeps them for a route it keeps).
  struct Fared {
    std::optional<TimePoint> last_success, last_failure;
    std::string last_error;
    uint64_t sends = 0, failures = 0;
  };
  std::map<std::string, Fared> fared;

  std::atomic<bool> stopped{false};  // the engine was destroyed
  std::atomic<uint64_t> sends{0}, acknowledged{0}, retries{0}, dead{0}, rejected{0};
  std::atomic<size_t> open_count{0};

  TimePoint Now() const { return deps.clock->Now(); }

  // The lane wakes the component's Tick at `at` (held weakly: it may be gone by then).
  void WakeAt(TimePoint at) {
    deps.lane->WakeAt(at, [weak = weak_from_this()] {
      if (auto self = weak.lock(); self && !self->stopped) self->Tick();
    });
  }

  // Runs `job` on the engine's strand, unless the engine was destroyed meanwhile (a journal
  // callback or an answer that comes after it must not act with what it was given).
  void Serial(std::function<void()> job) {
    if (stopped) return;  // its executor may be gone too
    deps.lane->Serial([self = shared_from_this(), job = std::move(job)] {
      if (!self->stopped) job();
    });
  }

  struct Loaded {
    std::shared_ptr<MessageInfo> info;
    std::vector<Delivery> deliveries;
  };

  // Loads a queued (or sending, after a restart) message and its deliveries: the journal is
  // read on the background executor, and what was read is taken on on the serial one.
  // `then` runs on the serial executor once the message is taken on.
  void Load(const std::string& id, std::function<void()> then = {}) {
    deps.lane->Background([self = shared_from_this(), id, then = std::move(then)]() mutable {
      self->LoadNow(id, std::move(then));
    });
  }
  void LoadNow(const std::string& id, std::function<void()> then) {
    auto read = deps.journal->Outbound(id);
    if (!read || !*read) {
      spdlog::error("message={} cannot be delivered: {}", id,
                    read ? "no such message" : read.error().ToString());
      return;
    }
    TakeOn(std::move(**read), std::move(then));
  }

  // Takes an outbound message on (from the pipeline's hand-off, or read back from the journal).
  void TakeOn(store::OutboundMessage m, std::function<void()> then = {}) {
    auto info = std::make_shared<MessageInfo>();
    info->id = m.summary.id;
    info->sender_country = m.summary.sender_country;
    info->transaction = deps.catalogue->ForKind(m.summary.kind);
    info->reply_to = std::move(m.reply_to);
    info->procedure_id = std::move(m.procedure_id);
    info->document = std::move(m.document);
    info->state = m.summary.state;
    if (info->transaction == nullptr) {
      spdlog::error("message={} cannot be delivered: no transaction carries a {}", info->id,
                    m.summary.kind);
      return;
    }
    if (info->document.empty()) {
      spdlog::error("message={} cannot be delivered: the journal has no signed document", info->id);
      return;
    }
    Serial([self = shared_from_this(), loaded = Loaded{std::move(info), std::move(m.deliveries)},
            then = std::move(then)]() mutable {
      self->Install(std::move(loaded));
      if (then) then();
    });
  }

  void Install(Loaded loaded) {
    const auto info = loaded.info;
    if (messages.contains(info->id)) return;  // loaded twice (a resume and a hand-over)
    messages[info->id] = info;
    if (!loaded.deliveries.empty()) {
      for (const auto& d : loaded.deliveries) Take(info, d);
      Tick();
      return;
    }
    // A message that a journal of an earlier version queued before its deliveries were planned
    // (the hand-off plans them in the same change now).
    const std::vector<Delivery> planned = intake::PlannedDeliveries(
        *deps.catalogue, *info->transaction, info->id, info->sender_country, deps.random);
    deps.journal->PlanDeliveriesAsync(info->id, planned, Now(),
                                      [self = shared_from_this(), info, planned](Status st) {
                                        self->Serial([self, info, planned, st] {
                                          if (!st) {
                                            spdlog::error("message={} deliveries not planned: {}",
                                                          info->id, st.error().ToString());
                                            return;
                                          }
                                          for (const auto& d : planned) self->Take(info, d);
                                          self->Tick();
                                        });
                                      });
  }

  void Take(const std::shared_ptr<MessageInfo>& info, Delivery d) {
    info->deliveries[d.destination] = d.state;
    if (IsFinal(d.state)) return;
    // A send that was under way at a restart is waited on like any other; one with no timer
    // is sent again at once.
    if ((d.state == MessageState::kSending || d.state == MessageState::kDelivered) && !d.due) {
      d.due = Now();
    }
    if (d.state == MessageState::kQueued) d.due = Now();
    Key key{d.message_id, d.destination};  // before d is moved from
    const std::string wire_id = d.wire_id;
    Open& o = open[key] = Open{std::move(d), info, false, false, {}};
    if (!wire_id.empty()) AddWire(key, o, wire_id);
    Schedule(key, o);
    open_count = open.size();
  }

  // Enters a free delivery with a due time in `due_times`.
  void Schedule(const Key& key, const Open& o) {
    if (o.row.due && !o.busy && !o.posting) due_times.emplace(*o.row.due, key);
  }

  void AddWire(const Key& key, Open& o, const std::string& wire_id) {
    if (wires.insert_or_assign(wire_id, key).second) o.wire_ids.push_back(wire_id);
  }

  void DropWires(const Key& key, const Open& o) {
    for (const auto& id : o.wire_ids) {
      auto w = wires.find(id);
      if (w != wires.end() && w->second == key) wires.erase(w);
    }
  }

  // Journals `row` (and the message's move with it), then runs `then` on the serial executor.
  void Write(const Key& key, Delivery row, std::string detail, std::function<void(bool)> then) {
    auto it = open.find(key);
    if (it == open.end()) return;
    auto info = it->second.message;
    info->deliveries[row.destination] = row.state;
    if (row.state == MessageState::kAcknowledged && it->second.row.state != row.state &&
        deps.observe) {
      deps.observe(Stage::kAcknowledge, SecondsSince(info->taken));
    }
    std::vector<MessageState> states;
    for (const auto& [to, s] : info->deliveries) states.push_back(s);
    std::optional<MessageState> message_state;
    const MessageState sum = Sum(states);
    // The journal applies changes in the order they are handed to it, so the message's state is
    // moved here, not when the commit comes back: the next write starts from it.
    if (sum != info->state && store::IsAllowed(info->state, sum)) {
      message_state = sum;
      info->state = sum;
    }
    it->second.busy = true;
    it->second.row = row;
    if (!row.wire_id.empty()) AddWire(key, it->second, row.wire_id);
    deps.journal->UpdateDeliveryAsync(
        {row, detail, message_state}, Now(),
        [self = shared_from_this(), key, then = std::move(then)](Status st) {
          const bool fenced = !st && st.error().code == "journal.fenced";
          if (fenced) {
            spdlog::warn("message={} is delivered by another gateway of the cluster now: {}",
                         key.first, st.error().message);
          } else if (!st) {
            spdlog::error("delivery {} {}: {}", key.first, key.second, st.error().ToString());
          }
          self->Serial([self, key, then, ok = st.ok(), fenced] {
            self->Settled(key);
            auto answer = self->answering.extract(key);
            if (fenced) {
              self->Forget(key.first);
              // The answer it was applying is not lost: the message is taken over to apply it.
              if (!answer.empty()) self->TakeOver(key, std::move(answer.mapped()));
            }
            then(ok);
          });
        });
  }

  // An answer about an open delivery: applied, and kept until its write is committed (a gateway
  // of a cluster that finds the message taken over takes it back to apply the answer).
  void Answered(const Key& key, envelope::Received m) {
    Apply(key, m);
    auto it = open.find(key);
    if (it != open.end() && it->second.busy && !deps.journal->instance().empty()) {
      answering[key] = std::move(m);
    }
  }

  // An answer about a delivery that another gateway of the cluster holds: the message is taken
  // over here, read back, then answered.
  void TakeOver(const Key& key, envelope::Received m) {
    deps.lane->Background([self = shared_from_this(), key, m = std::move(m)]() mutable {
      if (auto st = self->deps.journal->Claim(key.first); !st) {
        spdlog::warn("message={}: an answer came, the message cannot be taken over: {}", key.first,
                     st.error().ToString());
        return;
      }
      self->LoadNow(key.first, [self, key, m = std::move(m)]() mutable {
        if (self->open.contains(key)) {
          self->Answered(key, std::move(m));
        } else {
          spdlog::warn("message={}: an answer to {} came; taken over, its delivery is not open",
                       key.first, m.headers.relates_to);
        }
      });
    });
  }

  // A message this engine no longer holds (another gateway of the cluster took it over): what it
  // knew of it goes; a send of it still on the wire finds nothing when it is answered.
  void Forget(const std::string& id) {
    for (auto it = open.lower_bound(Key{id, ""}); it != open.end() && it->first.first == id;) {
      DropWires(it->first, it->second);
      it = open.erase(it);
    }
    messages.erase(id);
    open_count = open.size();
  }

  // After a write: a final delivery leaves the open set.
  void Settled(const Key& key) {
    auto it = open.find(key);
    if (it == open.end()) return;
    it->second.busy = false;
    if (!IsFinal(it->second.row.state)) {
      Schedule(key, it->second);
      return;
    }
    auto info = it->second.message;
    DropWires(key, it->second);
    open.erase(it);
    open_count = open.size();
    const bool all_final = std::all_of(info->deliveries.begin(), info->deliveries.end(),
                                       [](const auto& d) { return IsFinal(d.second); });
    if (all_final) messages.erase(info->id);
  }

  void Send(const Key& key) {
    auto it = open.find(key);
    if (it == open.end() || it->second.busy) return;
    const RouteSettings* route = RouteFor(*routes, key.second);
    if (route == nullptr) {
      Delivery row = it->second.row;
      row.state = MessageState::kDead;
      row.due.reset();
      row.error = "no route serves " + key.second + " (see [[route]] in the configuration)";
      ++dead;
      Write(key, row, row.error, [](bool) {});
      return;
    }
    if (in_flight[route] >= route->max_in_flight) {
      it->second.busy = true;  // waits for a free slot of its route
      waiting[route].push_back(key);
      return;
    }
    ++in_flight[route];
    const envelope::Transaction& tr = *it->second.message->transaction;
    Delivery row = it->second.row;
    const bool resend = row.sends > 0;
    row.state = MessageState::kSending;
    row.sends += 1;
    row.wire_id = "urn:uuid:" + NewUuid(deps.random);
    row.due = tr.receive_timer ? std::optional<TimePoint>(Now() + *tr.receive_timer) : std::nullopt;
    row.error.clear();
    ++sends;
    if (resend) ++retries;
    const std::string detail = (resend ? "sent again (send " : "sent (send ") +
                               std::to_string(row.sends) + ") to " + route->endpoint;
    Write(key, row, detail, [self = shared_from_this(), key, route, row](bool ok) {
      if (!ok) {
        self->Release(route);
        return;
      }
      self->Post(key, route, row);
    });
  }

  void Release(const RouteSettings* route) {
    --in_flight[route];
    auto& queue = waiting[route];
    while (!queue.empty() && in_flight[route] < route->max_in_flight) {
      const Key next = queue.front();
      queue.pop_front();
      auto it = open.find(next);
      if (it == open.end()) continue;
      it->second.busy = false;
      Schedule(next, it->second);
      Send(next);
    }
  }

  // Puts the journalled send on the wire.
  void Post(const Key& key, const RouteSettings* route, const Delivery& row) {
    auto it = open.find(key);
    if (it == open.end()) {
      Release(route);
      return;
    }
    it->second.posting = true;
    const MessageInfo& m = *it->second.message;
    envelope::Headers h;
    h.to = row.destination;
    h.reply_to = m.reply_to;
    h.message_id = row.wire_id;
    h.action = deps.catalogue->Action(*m.transaction, m.transaction->message);
    h.procedure_id = m.procedure_id;
    h.conversation_id = row.conversation_id;
    std::string body = envelope::Build(h, m.document.Pieces());
    if (route->folder) {
      transport::PostResult result;
      const auto dir = std::filesystem::path(route->endpoint);
      const auto name = row.wire_id.substr(row.wire_id.rfind(':') + 1) + ".xml";
      const auto partial = dir / ("." + name + ".partial");
      {
        std::ofstream out(partial, std::ios::binary | std::ios::trunc);
        out << body;
        out.flush();
        if (!out) result.error = "cannot write " + partial.string();
      }
      std::error_code ec;
      if (result.error.empty()) std::filesystem::rename(partial, dir / name, ec);
      if (ec) result.error = "cannot move into " + dir.string() + ": " + ec.message();
      if (result.error.empty()) result.status = 202;
      Posted(key, route, row.wire_id, std::move(result));
      return;
    }
    transport::PostRequest request;
    request.url = route->endpoint;
    request.content_type = "application/soap+xml; charset=utf-8; action=\"" + h.action + "\"";
    request.body = std::move(body);
    request.tls = {route->ca_bundle, route->client_certificate, route->client_key, route->crl_file,
                   route->ciphers};
    request.connect_timeout = route->connect_timeout;
    request.total_timeout = route->timeout;
    deps.http->Post(std::move(request),
                    [self = shared_from_this(), key, route, wire = row.wire_id,
                     sent = std::chrono::steady_clock::now()](transport::PostResult result) {
                      if (self->deps.observe) self->deps.observe(Stage::kSend, SecondsSince(sent));
                      self->Serial([self, key, route, wire, result = std::move(result)]() mutable {
                        self->Posted(key, route, wire, std::move(result));
                      });
                    });
  }

  void Posted(const Key& key, const RouteSettings* route, const std::string& wire,
              transport::PostResult result) {
    Release(route);
    Fared& f = fared[route->to];
    ++f.sends;
    if (result.answered() && result.status >= 200 && result.status < 300) {
      f.last_success = Now();
    } else {
      ++f.failures;
      f.last_failure = Now();
      f.last_error = result.answered() ? "HTTP " + std::to_string(result.status) + ": " +
                                             result.body.substr(0, 200)
                                       : result.error;
    }
    auto it = open.find(key);
    if (it == open.end() || it->second.row.wire_id != wire) return;  // answered or resent
    it->second.posting = false;
    Schedule(key, it->second);
    Arm();
    // A signal or fault in the answer is taken as if it came on its own.
    if (result.answered() && !result.body.empty() && deps.read_envelope) {
      auto read = deps.read_envelope(result.body);
      if (!read.problem &&
          (read.message.signal || read.message.fault || !read.message.body_name.empty())) {
        if (read.message.headers.relates_to.empty()) read.message.headers.relates_to = wire;
        if (read.message.fault && read.message.fault->code == "soap:Receiver") {
          Failed(key, "the peer answered with a fault: " + read.message.fault->subcode + " " +
                          read.message.fault->reason);
          return;
        }
        Apply(key, read.message);
        return;
      }
    }
    if (result.answered() && result.status >= 200 && result.status < 300) {
      const envelope::Transaction& tr = *it->second.message->transaction;
      if (!tr.receive_timer) {
        // No receipt is due for this transaction: the transport's answer is its receipt.
        Received(key, "taken by the peer (HTTP " + std::to_string(result.status) + ")");
      }
      return;  // the receipt comes as a signal before the receive timer runs out
    }
    const bool retryable =
        !result.answered() || result.status >= 500 || result.status == 408 || result.status == 429;
    std::string why = result.answered() ? "HTTP " + std::to_string(result.status) + ": " +
                                              result.body.substr(0, 200)
                                        : result.error;
    if (retryable) {
      Failed(key, why);
      return;
    }
    Refused(key, why);
  }

  void Failed(const Key& key, const std::string& why) {
    auto it = open.find(key);
    if (it == open.end()) return;
    Delivery row = it->second.row;
    row.failures += 1;
    row.error = why;
    if (row.failures >= settings.transport_attempts) {
      row.state = MessageState::kDead;
      row.due.reset();
      ++dead;
      Write(key, row, "dead after " + std::to_string(row.failures) + " failed sends: " + why,
            [](bool) {});
      return;
    }
    row.state = MessageState::kRetrying;
    row.due = Now() + Backoff(settings.Backoff(), row.failures, deps.random);
    Write(key, row, "send failed, tried again at " + FormatUtc(*row.due) + ": " + why,
          [self = shared_from_this()](bool) { self->Arm(); });
  }

  void Refused(const Key& key, const std::string& why) {
    auto it = open.find(key);
    if (it == open.end()) return;
    Delivery row = it->second.row;
    row.state = MessageState::kRejected;
    row.due.reset();
    row.error = why;
    ++rejected;
    Write(key, row, "refused by the peer: " + why, [](bool) {});
  }

  // The peer has the message: notification done, or the reply is awaited.
  void Received(const Key& key, const std::string& detail) {
    auto it = open.find(key);
    if (it == open.end()) return;
    const envelope::Transaction& tr = *it->second.message->transaction;
    Delivery row = it->second.row;
    row.failures = 0;
    if (tr.pattern == envelope::Pattern::kNotification) {
      row.state = MessageState::kAcknowledged;
      row.due.reset();
      ++acknowledged;
      Write(key, row, detail, [](bool) {});
      return;
    }
    row.state = MessageState::kDelivered;
    const auto timer = tr.processing_timer ? tr.processing_timer : tr.response_timer;
    row.due = timer ? std::optional<TimePoint>(Now() + *timer) : std::nullopt;
    Write(key, row, detail, [self = shared_from_this()](bool) { self->Arm(); });
  }

  // Whether `m` is the peer's positive business answer (R.006 with a positive result, or none).
  bool Positive(const envelope::Received& m) const {
    if (m.fault || m.signal) return false;
    const auto& positive = settings.positive_results;
    return m.result_code.empty() ||
           std::find(positive.begin(), positive.end(), m.result_code) != positive.end();
  }

  // The peer's positive answer to a delivery given up as dead: it had the message after all, so
  // the delivery is acknowledged and the message moves with its deliveries (acknowledged once
  // none is left dead). Blocking: on the worker pool. In a cluster this gateway takes the
  // message on first, as a requeue does.
  void SettleLate(const Key& key, const envelope::Received& m) {
    auto& journal = *deps.journal;
    if (auto claimed = journal.Claim(key.first); !claimed) {
      spdlog::warn("message={}: a late answer cannot be applied: {}", key.first,
                   claimed.error().ToString());
      return;
    }
    auto deliveries = journal.Deliveries(key.first);
    if (!deliveries) {
      spdlog::warn("message={}: a late answer cannot be applied: {}", key.first,
                   deliveries.error().ToString());
      return;
    }
    std::vector<MessageState> before, after;
    std::optional<Delivery> row;
    for (const Delivery& d : *deliveries) {
      before.push_back(d.state);
      const bool this_one = d.destination == key.second && d.state == MessageState::kDead;
      after.push_back(this_one ? MessageState::kAcknowledged : d.state);
      if (this_one) row = d;
    }
    if (!row) return;  // settled meanwhile
    row->state = MessageState::kAcknowledged;
    row->due.reset();
    row->error.clear();
    row->failures = 0;
    const MessageState message = Sum(after);
    const std::string detail = "answered after it was given up: " + m.body_name +
                               (m.result_code.empty() ? "" : " " + m.result_code);
    auto st = journal.UpdateDelivery(
        {*row, detail,
         message != Sum(before) ? std::optional<MessageState>(message) : std::nullopt},
        Now());
    if (!st) {
      spdlog::warn("message={}: a late answer cannot be applied: {}", key.first,
                   st.error().ToString());
      return;
    }
    ++acknowledged;
    spdlog::info("message={}: its delivery to {} was dead; the peer's answer {} came: acknowledged",
                 key.first, key.second, m.headers.relates_to);
    Serial([self = shared_from_this(), id = key.first] { self->messages.erase(id); });
  }

  void Apply(const Key& key, const envelope::Received& m) {
    auto it = open.find(key);
    if (it == open.end()) return;
    if (m.fault) {
      Refused(key, "fault " + m.fault->subcode + ": " + m.fault->reason);
      return;
    }
    if (m.signal) {
      switch (m.signal->kind) {
        case envelope::SignalKind::kDeliveryReceipt:
          if (it->second.row.state == MessageState::kSending ||
              it->second.row.state == MessageState::kRetrying) {
            Received(key, "DeliveryReceipt " + m.signal->signal_id);
          }
          return;
        case envelope::SignalKind::kProcessingReceipt: {
          Delivery row = it->second.row;
          const auto& tr = *it->second.message->transaction;
          row.state = MessageState::kDelivered;
          row.due = tr.response_timer ? std::optional<TimePoint>(Now() + *tr.response_timer)
                                      : std::nullopt;
          Write(key, row, "ProcessingReceipt " + m.signal->signal_id,
                [self = shared_from_this()](bool) { self->Arm(); });
          return;
        }
        case envelope::SignalKind::kValidationError: {
          std::string why;
          for (const auto& e : m.signal->errors) {
            if (!why.empty()) why += "; ";
            why += e.code + ": " + e.description;
          }
          Refused(key, "ValidationError " + why);
          return;
        }
      }
    }
    // The reply of a request/response transaction (R.006), as the envelope's reader found it.
    const std::string& code = m.result_code;
    const auto& positive = settings.positive_results;
    if (!code.empty() && std::find(positive.begin(), positive.end(), code) == positive.end()) {
      Refused(key, "processing result " + code + ": " + m.result_description);
      return;
    }
    Delivery row = it->second.row;
    row.state = MessageState::kAcknowledged;
    row.due.reset();
    row.failures = 0;
    ++acknowledged;
    Write(key, row, "answered: " + m.body_name + (code.empty() ? "" : " " + code), [](bool) {});
  }

  void Tick() {
    const TimePoint now = Now();
    std::vector<Key> due;
    while (!due_times.empty() && due_times.top().first <= now) {
      due.push_back(due_times.top().second);
      due_times.pop();
    }
    for (const auto& key : due) {
      auto it = open.find(key);
      if (it == open.end() || it->second.busy || it->second.posting || !it->second.row.due ||
          *it->second.row.due > now) {
        continue;
      }
      const Delivery& row = it->second.row;
      if (row.state == MessageState::kQueued || row.state == MessageState::kRetrying) {
        Send(key);
        continue;
      }
      // A timer of the transaction ran out without its signal or answer.
      const auto& tr = *it->second.message->transaction;
      if (row.sends > tr.retries) {
        Delivery dead_row = row;
        dead_row.state = MessageState::kDead;
        dead_row.due.reset();
        dead_row.error = "no answer after " + std::to_string(row.sends) + " sends";
        ++dead;
        Write(key, dead_row, dead_row.error, [](bool) {});
        continue;
      }
      Send(key);
    }
    Arm();
  }

  // Asks to be woken at the earliest due time.
  void Arm() {
    // The earliest entry that still stands (see due_times).
    std::optional<TimePoint> next;
    while (!due_times.empty()) {
      const auto& [at, key] = due_times.top();
      auto it = open.find(key);
      if (it != open.end() && !it->second.busy && !it->second.posting && it->second.row.due == at) {
        next = at;
        break;
      }
      due_times.pop();
    }
    if (!next) return;
    if (*next <= Now()) {
      // Fell due while its send was on the wire (a timer shorter than the answer took).
      Serial([self = shared_from_this()] { self->Tick(); });
      return;
    }
    WakeAt(*next);
  }
};

DeliveryEngine::DeliveryEngine(DeliveryDependencies deps, DeliverySettings settings,
                               std::vector<RouteSettings> routes)
    : impl_(std::make_shared<Impl>()) {
  impl_->deps = std::move(deps);
  impl_->settings = std::move(settings);
  impl_->routes = std::make_shared<const std::vector<RouteSettings>>(std::move(routes));
}

DeliveryEngine::~DeliveryEngine() {
  impl_->stopped = true;
}

Result<size_t> DeliveryEngine::Resume() {
  // Summaries only (no payloads): each message is read whole once, when it is loaded.
  size_t taken = 0;
  for (const auto state : {MessageState::kQueued, MessageState::kSending, MessageState::kRetrying,
                           MessageState::kDelivered}) {
    store::MessageFilter filter;
    filter.state = state;
    filter.limit = 1000;
    for (;;) {
      auto page = impl_->deps.journal->List(filter);
      if (!page) return page.error();
      for (const auto& m : *page) {
        if (m.direction != store::Direction::kOutbound) continue;
        ++taken;
        impl_->Load(m.id);
      }
      if (page->size() < filter.limit) break;
      filter.after_id = page->back().id;
    }
  }
  return taken;
}

void DeliveryEngine::Adopt(std::string message_id) {
  impl_->Load(message_id);
}

void DeliveryEngine::Enqueue(store::OutboundMessage message) {
  impl_->TakeOn(std::move(message));
}

void DeliveryEngine::Tick() {
  impl_->Serial([impl = impl_] { impl->Tick(); });
}

void DeliveryEngine::Answer(envelope::Received received) {
  impl_->Serial([impl = impl_, m = std::move(received)]() mutable {
    auto wire = impl->wires.find(m.headers.relates_to);
    if (wire != impl->wires.end()) {
      impl->Answered(wire->second, std::move(m));
      return;
    }
    // An answer to an earlier send of a delivery still open: looked up in the journal off the
    // strand, then applied on it.
    impl->deps.lane->Background([impl, m = std::move(m)]() mutable {
      auto found = impl->deps.journal->DeliveryByWireId(m.headers.relates_to);
      if (!found || !*found) {
        spdlog::warn("an answer relates to {}, {}", m.headers.relates_to,
                     found ? "a send the journal does not know" : found.error().ToString());
        return;
      }
      const bool open = !IsFinal((*found)->state);
      const bool dead = (*found)->state == MessageState::kDead;
      impl->Serial([impl, key = Impl::Key{(*found)->message_id, (*found)->destination},
                    m = std::move(m), open, dead]() mutable {
        if (impl->open.contains(key)) {
          impl->Answered(key, std::move(m));
          return;
        }
        // A delivery still open that another gateway of the cluster holds.
        if (open && !impl->deps.journal->instance().empty()) {
          impl->TakeOver(key, std::move(m));
        } else if (!open && dead && impl->Positive(m)) {
          impl->deps.lane->Background([impl, key, m = std::move(m)] { impl->SettleLate(key, m); });
        } else {
          spdlog::info("message={}: an answer to {} came after its delivery ended", key.first,
                       m.headers.relates_to);
        }
      });
    });
  });
}

// An operator's action, rare: its journal writes wait for their commits on the worker pool (a
// dead message has no open delivery on the strand to race with), then the strand takes it on.
void DeliveryEngine::Requeue(std::string message_id, std::string by,
                             std::function<void(Status)> done) {
  impl_->deps.lane->Background([impl = impl_, id = std::move(message_id),
                                detail = "requeued by " + by, done = std::move(done)] {
    // Whichever gateway of a cluster held it, the one the operator asks takes it on.
    if (auto claimed = impl->deps.journal->Claim(id); !claimed) {
      done(claimed);
      return;
    }
    auto deliveries = impl->deps.journal->Deliveries(id);
    if (!deliveries) {
      done(deliveries.error());
      return;
    }
    auto st = impl->deps.journal->Transition(id, MessageState::kQueued, detail, impl->Now());
    if (!st) {
      done(st);
      return;
    }
    for (Delivery d : *deliveries) {
      if (d.state != MessageState::kDead) continue;
      d.state = MessageState::kQueued;
      d.sends = 0;
      d.failures = 0;
      d.due.reset();
      d.error.clear();
      if (auto up = impl->deps.journal->UpdateDelivery({d, detail, std::nullopt}, impl->Now());
          !up) {
        done(up);
        return;
      }
    }
    impl->Serial([impl, id] {
      impl->messages.erase(id);
      impl->Load(id);
    });
    done(Ok{});
  });
}

void DeliveryEngine::Cancel(std::string message_id, std::string destination, std::string by,
                            std::string reason, std::function<void(Status)> done) {
  impl_->Serial([impl = impl_, id = std::move(message_id), to = std::move(destination),
                 why = "cancelled by " + by + ": " + reason, done = std::move(done)] {
    std::vector<Impl::Key> keys;
    for (auto it = impl->open.lower_bound(Impl::Key{id, ""});
         it != impl->open.end() && it->first.first == id; ++it) {
      const auto& [key, o] = *it;
      if (!to.empty() && key.second != to) continue;
      if (o.busy && !o.posting) {
        // Waiting for a free slot of its route is not a step under way: it leaves the queue.
        bool queued = false;
        for (auto& [route, queue] : impl->waiting) {
          const auto at = std::find(queue.begin(), queue.end(), key);
          if (at != queue.end()) {
            queue.erase(at);
            queued = true;
          }
        }
        if (queued) impl->open.at(key).busy = false;
      }
      const auto& now = impl->open.at(key);
      if (now.busy || now.posting) {
        done(MakeError("delivery.busy", id,
                       "a send to " + key.second + " is under way: cancel again in a moment"));
        return;
      }
      keys.push_back(key);
    }
    if (keys.empty()) {
      done(MakeError("delivery.not-open", id,
                     to.empty() ? "no delivery of it is open on this gateway"
                                : "its delivery to " + to + " is not open on this gateway"));
      return;
    }
    auto left = std::make_shared<size_t>(keys.size());
    auto failed = std::make_shared<std::optional<Error>>();
    for (const auto& key : keys) {
      Delivery row = impl->open.at(key).row;
      row.state = MessageState::kDead;
      row.due.reset();
      row.error = why;
      ++impl->dead;
      impl->Write(key, row, why, [impl, id, left, failed, done](bool ok) {
        if (!ok && !*failed)
          *failed = Error{"delivery.cancel", id, "the journal refused the change"};
        if (--*left == 0) done(*failed ? Status(**failed) : Status(Ok{}));
      });
    }
  });
}

void DeliveryEngine::Health(std::function<void(std::vector<RouteHealth>)> done) {
  impl_->Serial([impl = impl_, done = std::move(done)] {
    std::vector<RouteHealth> out;
    for (const auto& r : *impl->routes) {
      RouteHealth h;
      h.to = r.to;
      h.endpoint = r.endpoint;
      if (const auto f = impl->fared.find(r.to); f != impl->fared.end()) {
        h.last_success = f->second.last_success;
        h.last_failure = f->second.last_failure;
        h.last_error = f->second.last_error;
        h.sends = f->second.sends;
        h.failures = f->second.failures;
      }
      for (const auto& [key, o] : impl->open) {
        if (RouteFor(*impl->routes, key.second) == &r) ++h.open;
      }
      if (const auto n = impl->in_flight.find(&r); n != impl->in_flight.end()) {
        h.in_flight = n->second;
      }
      if (const auto w = impl->waiting.find(&r); w != impl->waiting.end()) {
        h.waiting = w->second.size();
      }
      out.push_back(std::move(h));
    }
    done(std::move(out));
  });
}

void DeliveryEngine::Reconfigure(DeliverySettings settings, std::vector<RouteSettings> routes) {
  auto fresh = std::make_shared<const std::vector<RouteSettings>>(std::move(routes));
  impl_->Serial([impl = impl_, settings = std::move(settings), fresh]() mutable {
    impl->retired.push_back(std::move(impl->routes));
    impl->routes = std::move(fresh);
    impl->settings = std::move(settings);
    impl->Tick();
  });
}

DeliveryEngine::Stats DeliveryEngine::stats() const {
  return {impl_->sends.load(), impl_->acknowledged.load(), impl_->retries.load(),
          impl_->dead.load(),  impl_->rejected.load(),     impl_->open_count.load()};
}

}  // namespace eaeu::route
