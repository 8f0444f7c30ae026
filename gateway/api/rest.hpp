#pragma once
// The REST API of the daemon (version 1). Every answer that is not a success is an RFC 9457
// problem document (application/problem+json).
//
//   POST /v1/documents          an XML or JSON document (Content-Type decides): 202 with the
//                               message id once the journal has committed it; the same 202 again
//                               for an EDocId this sender already had accepted; 422 with every
//                               violation; 400 not a document; 403 sent as another state; 413
//                               over the size limit; 415 another content type
//   GET  /v1/messages/{id}      the message: state history, violations, signature verdict,
//                               diagnostics, deliveries with their own histories (only the
//                               caller's own state's messages)
//   GET  /v1/messages/{id}/envelope  the signed SOAP envelope (application/soap+xml)
//   POST /v1/messages/{id}/retry     requeues a dead message: 202; 409 when it is not dead
//   POST /v1/messages/{id}/cancel    {"reason": "...", "to": "..."}: its open deliveries (or the
//                               one to `to`) dead with the reason; 409 none open, or a send on
//                               the wire
//   GET  /v1/messages           ?state=&kind=&since=&until=&q=&limit=&after= (and for the
//                               gateway's people &country=&direction=) — a page, oldest first,
//                               with the link to the next page; q: an id, an EDocId or text of
//                               the document
//   GET  /v1/inbox              documents received from the integrated system that wait for
//                               the national system (?state=&kind=&limit=&after=), oldest first
//   GET  /v1/inbox/{id}         the received document (application/xml; ?format=json for JSON)
//   POST /v1/inbox/{id}/ack     the national system has it: delivered (again: no error)
//   GET  /v1/deadlines          the legal deadlines the caller's state owes (?state=at-risk,overdue
//                               &kind=DL-01&country=&message=&limit=&after=), in id order, each
//                               with its business days left or late counted today
//   GET  /v1/deadlines/{id}     one deadline with its history (each line with who moved it)
//   POST /v1/deadlines/events   an event that starts or meets a deadline no document carries:
//                               {"kind": "test-protocol" | "test-results" | "claim-received" |
//                               "claim-answered", "report": "<DocId>", "reference": "<its number>",
//                               "date": "YYYY-MM-DD", "reportReceived": "YYYY-MM-DD" (a claim)}:
//                               200 with the deadline; 422 a report this gateway never sent; 404
//                               a meeting event of a deadline never started; 409 recorded
//                               otherwise already
//   POST /v1/deadlines/{id}/met     an operator's hand: {"on": "YYYY-MM-DD", "reason": "..."}
//   POST /v1/deadlines/{id}/waive   {"reason": "..."}
//   POST /v1/deadlines/{id}/reopen  {"reason": "..."} (a met or waived one; 409 otherwise)
//   GET  /v1/calendars          each member state's business-day calendar, year by year: official,
//                               provisional (not yet checked against its act), or absent, with
//                               the act it follows
//   POST /v1/registry/sync      the whole register of the caller's state (text/csv,
//                               application/json: an array of Table 3 entries, application/xml:
//                               Table 3 documents) compared with the register as sent; only the
//                               difference is sent (?dryRun=true, ?allowWithdrawals=true,
//                               ?strict=true): 200 with what was added, changed, withdrawn,
//                               unchanged, invalid and the messages; 409 past the withdrawal
//                               guard; 422 strict with invalid organizations; 400 no register
//   GET  /v1/registry/organizations  the register as sent (?country=&group=&active=&limit=
//                               &after=; ?view=received: as received), in key order
//   GET  /v1/registry/organizations/{key}  every version of one record, with its message
//   GET  /v1/summary            ?from=&to=&country=&manufacturer=&format=json|xml|csv — the summary
//                               of inspection reports for a period (Table 4) built here from the
//                               reports the Commission took from this gateway and those it
//                               distributed to it, without asking anybody
//   GET  /v1/whoami             the caller's name and role
//   /v1/admin/...               the operators' routes (admin_api.cpp)
//   GET  /console/...           the web console's files; GET / sends there
//   GET  /healthz               the process answers
//   GET  /readyz                the journal and the signer are ready to take documents
//   GET  /metrics               counters in the Prometheus text format (operators and auditors,
//                               or anyone with open_metrics)
//
// Callers authenticate with "Authorization: Bearer <token>" or a client certificate; a member
// state's caller is bound to one state and participant, an operator or an auditor sees every
// state (api/callers.hpp).

#include <ctime>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "gateway/api/callers.hpp"
#include "gateway/api/metrics.hpp"
#include "gateway/core/clock.hpp"
#include "gateway/core/ids.hpp"
#include "gateway/deadlines/deadline.hpp"

namespace eaeu::deadlines {
class Tracker;
}
#include "gateway/intake/pipeline.hpp"
#include "gateway/registry/sync.hpp"
#include "gateway/route/delivery.hpp"
#include "gateway/store/journal.hpp"
#include "gateway/transport/http_server.hpp"

namespace eaeu::api {

struct RestDependencies {
  intake::Pipeline* pipeline = nullptr;
  store::Journal* journal = nullptr;
  std::function<std::shared_ptr<const Callers>()> callers;  // the current set (SIGHUP reloads)
  intake::PostToWorkers post;                               // journal reads run there
  std::function<bool(std::string& why)> ready;              // for /readyz
  std::function<std::string()> metrics;                     // Prometheus text
  Histogram* request_seconds = nullptr;  // observes every answer's latency; may be null
  // Requeues a dead message for `by` (empty when no delivery is configured).
  std::function<void(std::string id, std::string by, std::function<void(Status)> done)> requeue;
  // Stops delivering a message (to one destination, or all when empty) for `by`, with a reason
  // (empty when no delivery is configured).
  std::function<void(std::string id, std::string destination, std::string by, std::string reason,
                     std::function<void(Status)> done)>
      cancel;
  // Reads the configuration's files again, as SIGHUP does (blocking: on a worker).
  std::function<Status()> reload;
  // Each route's health (empty when no delivery is configured).
  std::function<void(std::function<void(std::vector<route::DeliveryEngine::RouteHealth>)>)> routes;
  // When each configured certificate expires (name -> time), read at start and on reload.
  std::function<std::shared_ptr<const std::map<std::string, std::time_t>>()> certificates;
  // The web console's files by their path under /console/ (empty: no console).
  const std::map<std::string, std::string, std::less<>>* console = nullptr;
  // /metrics answers anybody (otherwise the gateway's people only).
  bool open_metrics = false;
  // The member state whose received documents the callers of that state see (the inbound
  // endpoint's country); empty: nothing is received.
  std::string inbound_country;
  // Marks a received document as taken by the national system (blocking: on a worker).
  std::function<Status(const std::string& id, const std::string& by)> acknowledge;
  // A received document as JSON (the inbox's ?format=json).
  std::function<Result<std::string>(std::string_view xml)> to_json;
  // The member states' calendars now (SIGHUP reloads them); empty or null: none loaded.
  std::function<std::shared_ptr<const calendar::Calendars>()> calendars;
  // Where a deadline stands now (counted in its state's calendar); empty: as the journal has it.
  std::function<deadlines::Standing(const store::TrackedDeadline&)> standing;
  // A journalled document read into the model (no validation: it was validated when taken in);
  // nullopt when it cannot be. For the local summary.
  std::function<std::optional<model::Document>(std::string_view xml)> read;
  // The document catalogue (the local summary's XML and JSON), the clock and the ids of what the
  // API makes.
  const model::DocumentCatalog* catalog = nullptr;
  const Clock* clock = nullptr;
  RandomSource random;
  // The register sync (may be null: the routes answer 503).
  registry::RegistrySync* registry = nullptr;
  // The deadline tracker, for events and operators' hands (may be null: those routes answer 503).
  deadlines::Tracker* tracker = nullptr;
};

class RestApi {
 public:
  explicit RestApi(RestDependencies deps);
  // The transport::HttpHandler: answers through `respond`, from any thread.
  void Handle(transport::HttpRequest request, transport::Respond respond) const;

  // An RFC 9457 problem document; `slug` becomes the type "urn:eaeu-gateway:problem:<slug>".
  static transport::HttpResponse Problem(unsigned status, std::string slug, std::string title,
                                         std::string detail);
  // For the errors the HTTP server answers by itself.
  static transport::HttpResponse ServerProblem(unsigned status, std::string detail);

 private:
  // Who may make a request: anyone authenticated; a member state's caller only (it acts as its
  // state); a state's caller or an operator; the gateway's people (operator, auditor); an
  // operator only.
  enum class Access : uint8_t { kAnyone, kState, kStateOrOperator, kStaff, kOperator };
  // The authenticated caller of a request to `path`, which takes the method `allowed` and is open
  // to `access`; otherwise the problem is answered.
  std::optional<Caller> Admit(const transport::HttpRequest& request, const std::string& path,
                              const char* allowed, const transport::Respond& respond,
                              Access access = Access::kAnyone) const;
  void HandleAdmin(transport::HttpRequest request, transport::Respond respond) const;
  void HandleConsole(const transport::HttpRequest& request,
                     const transport::Respond& respond) const;
  void HandleInbox(transport::HttpRequest request, transport::Respond respond) const;
  void HandleDeadlines(transport::HttpRequest request, transport::Respond respond) const;
  void HandleCalendars(transport::HttpRequest request, transport::Respond respond) const;
  void HandleRegistry(transport::HttpRequest request, transport::Respond respond) const;
  void HandleSummary(transport::HttpRequest request, transport::Respond respond) const;

  RestDependencies deps_;
};

}  // namespace eaeu::api
