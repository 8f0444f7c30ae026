// The journal's delivery store: planned deliveries, their rows and histories, sends by wire
// id.
#include "gateway/store/sql/detail/shared.hpp"

namespace eaeu::store {

void SqlJournal::PlanDeliveriesAsync(std::string message_id, std::vector<Delivery> deliveries,
                                     TimePoint at, JournalCallback<Ok> done) {
  auto apply = [message_id = std::move(message_id), deliveries = std::move(deliveries),
                at](Connection& db) -> Status {
    if (auto held = Held(db, message_id); !held) return held;
    Statement planned(db, "SELECT COUNT(*) FROM deliveries WHERE message_id = ?");
    planned.Bind(1, message_id);
    if (planned.Step() != kRow) return SqlError(db, "deliveries of " + message_id);
    if (planned.Int(0) > 0) return Ok{};
    for (Delivery d : deliveries) {
      d.message_id = message_id;
      d.updated_at = at;
      if (auto st = WriteDelivery(db, d, true); !st) return st;
      if (auto st = AddDeliveryEvent(db, d, at, "planned"); !st) return st;
    }
    return Ok{};
  };
  impl_->Submit(std::move(apply), std::move(done));
}

void SqlJournal::UpdateDeliveryAsync(DeliveryChange change, TimePoint at,
                                     JournalCallback<Ok> done) {
  auto apply = [change = std::move(change), at](Connection& db) mutable -> Status {
    Delivery& d = change.delivery;
    d.updated_at = at;
    // Fenced before anything else: a stale holder is told so, not that its move is not allowed.
    if (auto held = Held(db, d.message_id); !held) return held;
    Statement q(db, "SELECT state FROM deliveries WHERE message_id = ? AND destination = ?");
    q.Bind(1, d.message_id).Bind(2, d.destination);
    if (q.Step() != kRow) {
      return MakeError("journal.unknown", d.message_id + " " + d.destination, "no such delivery");
    }
    const auto from = StateFromName(q.Text(0)).value_or(MessageState::kQueued);
    if (from != d.state && !IsAllowed(from, d.state)) {
      return MakeError("journal.transition", d.message_id + " " + d.destination,
                       "a delivery cannot go from " + std::string(StateName(from)) + " to " +
                           std::string(StateName(d.state)));
    }
    if (auto st = WriteDelivery(db, d, false); !st) return st;
    if (auto st = AddDeliveryEvent(db, d, at, change.detail); !st) return st;
    if (change.message_state) {
      return ApplyTransition(db, d.message_id, *change.message_state,
                             d.destination + ": " + change.detail, at, {});
    }
    return Ok{};
  };
  impl_->Submit(std::move(apply), std::move(done));
}

Result<std::vector<Delivery>> SqlJournal::Deliveries(std::string_view message_id) {
  auto reader = impl_->readers->Acquire();
  Connection& db = *reader;
  Statement q(db, (std::string("SELECT ") + kDeliveryColumns +
                   " FROM deliveries WHERE message_id = ? ORDER BY rowid")
                      .c_str());
  q.Bind(1, message_id);
  return q.All(ReadDelivery, "deliveries");
}

Result<std::vector<DeliveryEvent>> SqlJournal::DeliveryHistory(std::string_view message_id) {
  auto reader = impl_->readers->Acquire();
  Connection& db = *reader;
  Statement q(db,
              "SELECT destination, state, at, wire_id, detail FROM delivery_events "
              "WHERE message_id = ? ORDER BY seq");
  q.Bind(1, message_id);
  std::vector<DeliveryEvent> out;
  Stepped rc;
  while ((rc = q.Step()) == kRow) {
    out.push_back({q.Text(0), StateFromName(q.Text(1)).value_or(MessageState::kQueued),
                   FromMicros(q.Int(2)), q.Text(3), q.Text(4)});
  }
  if (rc != kDone) return SqlError(db, "delivery history");
  return out;
}

Result<std::optional<Delivery>> SqlJournal::DeliveryByWireId(std::string_view wire_id) {
  auto reader = impl_->readers->Acquire();
  Connection& db = *reader;
  std::string sql = std::string("SELECT ") + kDeliveryColumns +
                    " FROM deliveries WHERE (message_id, destination) = "
                    "(SELECT message_id, destination FROM delivery_sends WHERE wire_id = ?)";
  Statement q(db, sql.c_str());
  q.Bind(1, wire_id);
  const Stepped rc = q.Step();
  if (rc == kRow) return std::optional<Delivery>(ReadDelivery(q));
  if (rc != kDone) return SqlError(db, "delivery by wire id");
  return std::optional<Delivery>();
}

Result<std::vector<Delivery>> SqlJournal::OpenDeliveries() {
  auto reader = impl_->readers->Acquire();
  Connection& db = *reader;
  std::string sql = std::string("SELECT ") + kDeliveryColumns +
                    " FROM deliveries WHERE state NOT IN ('acknowledged', 'rejected', 'dead') "
                    "ORDER BY rowid";
  Statement q(db, sql.c_str());
  return q.All(ReadDelivery, "open deliveries");
}

}  // namespace eaeu::store
