#pragma once
// The journal: every message the gateway accepted or received, its payloads, every state it went
// through and the diagnostics fields of exchange.md §6 (D5 appendix 4). Nothing is acknowledged
// before the journal has made it durable, and a restart resumes every message from here.

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gateway/core/result.hpp"
#include "gateway/store/audit.hpp"

namespace eaeu::store {

using TimePoint = std::chrono::system_clock::time_point;

// One state machine for every message (ARCHITECTURE "Rules of the road" 3).
enum class MessageState : uint8_t {
  kReceived,      // taken in, not yet checked
  kValidated,     // schema and rules passed
  kRejected,      // schema or rules failed: kept for the record, never sent
  kSigned,        // the signed envelope is in the journal
  kQueued,        // waiting for delivery
  kSending,       // a delivery attempt is under way
  kRetrying,      // an attempt failed; another one is due
  kDelivered,     // the peer took it (transport receipt)
  kAcknowledged,  // the peer's business answer came
  kDead,          // the retries ran out; an operator may requeue it
};

std::string_view StateName(MessageState state);
std::optional<MessageState> StateFromName(std::string_view name);
// Whether a message may move from `from` to `to`.
bool IsAllowed(MessageState from, MessageState to);
// Whether a message in this state still has work to do (a restart resumes it).
bool IsUnfinished(MessageState state);

enum class Direction : uint8_t { kOutbound, kInbound };
std::string_view DirectionName(Direction direction);

// The fields of D5 appendix 4 that the journal keeps for export (exchange.md §6); empty when
// unknown.
struct Diagnostics {
  std::string process_code;
  std::string process_version;
  std::string procedure_code;
  std::string transaction_code;
  std::string message_code;
  std::string action;
  std::string to;
  std::string reply_to;
  std::string from;
  std::string fault_to;
  std::string message_id;  // wsa:MessageID
  std::string relates_to;
  std::string conversation_id;
  std::string message_type;
  std::string track_id;     // int:TrackID, when the platform gave one
  std::string accept_time;  // int:AcceptTime, when the platform gave one
  std::string status;
  std::string error_code;
  std::string error_text;
};

// What is taken in.
// The status of a registration certificate a notice of suspension or resumption declares (T2 4).
struct CertificateStatus {
  std::string country;      // the authority's member state that suspended or resumed
  std::string certificate;  // the registration certificate's number
  std::string status;       // "02" suspended, "06" resumed
  std::string notice_date;  // the notice's date, YYYY-MM-DD
};

// Where a certificate stands in a member state, by the latest notice the journal keeps of it that
// was not refused (sent or received).
struct CertificateStanding {
  CertificateStatus latest;
  std::string message_id;
  Direction direction = Direction::kOutbound;
};

struct NewMessage {
  std::string id;  // the gateway's message id (a UUID the caller made)
  Direction direction = Direction::kOutbound;
  std::string sender_country;      // the authenticated sender's member state
  std::string sender_participant;  // and participant
  std::string kind;                // document kind ("inspection-report", ...)
  std::string e_doc_id;            // csdo:EDocId; the key of idempotence for accepted messages
  std::string content_type;        // "application/xml", "application/json"
  std::string payload;             // the bytes as they came
  // The validated document as XML, when it came in another form (JSON); empty when the payload
  // is that XML, or when the message was rejected. CanonicalXml() reads either.
  std::string canonical_xml;
  MessageState state = MessageState::kValidated;  // kValidated or kRejected (or kReceived)
  std::string violations;                         // the verdict, JSON
  TimePoint at;
  // A received message also brings what its envelope said, its signature's verdict (JSON) and
  // the signal the gateway answered it with (answered again, the same, to a duplicate).
  std::optional<Diagnostics> diagnostics;
  std::string signature_verdict;
  std::string answer;
  // A notice of suspension or resumption (Table 2) brings the certificate statuses it declares,
  // kept with it (SN-04 asks for them); empty for every other document and for a refused one.
  std::vector<CertificateStatus> certificates;
};

struct AcceptOutcome {
  std::string id;          // the message's id: the first one's when this was a duplicate
  MessageState state;      // its state now
  bool duplicate = false;  // an accepted message of the same sender had this EDocId
};

struct StateChange {
  MessageState state;
  TimePoint at;
  std::string detail;
};

// A message without its payloads, for lists.
struct MessageSummary {
  std::string id;
  Direction direction = Direction::kOutbound;
  std::string sender_country;
  std::string sender_participant;
  std::string kind;
  std::string e_doc_id;
  MessageState state = MessageState::kReceived;
  TimePoint created_at;
  TimePoint updated_at;
};

struct MessageRecord {
  MessageSummary summary;
  std::string content_type;
  std::string payload;
  std::string canonical_xml;
  // An outbound message from queued on: the document as every envelope carries it (signed, when
  // its transaction asks for a signature), and the int:ProcedureID all its envelopes share.
  std::string signed_document;
  std::string procedure_id;
  std::string violations;         // JSON
  std::string signature_verdict;  // JSON, for received messages
  std::string answer;             // received messages: the signal they were answered with
  Diagnostics diagnostics;
  std::vector<StateChange> history;  // oldest first

  // The document as XML: canonical_xml, or the payload when that is the XML.
  const std::string& CanonicalXml() const {
    return canonical_xml.empty() ? payload : canonical_xml;
  }
};

struct MessageFilter {
  std::optional<Direction> direction;
  std::optional<MessageState> state;
  std::vector<MessageState> any_state;  // non-empty: the state is one of these
  std::optional<std::string> kind;
  std::optional<std::string> sender_country;  // a caller sees only its own state's messages
  std::optional<TimePoint> since;             // updated at or after
  std::optional<TimePoint> until;             // taken in before
  // An operator's search: the message id or EDocId itself, or text the document holds (a report
  // number, a manufacturer, a registration certificate number), as written.
  std::string text;
  std::string after_id;  // paging: the last id of the previous page
  uint32_t limit = 100;
};

// Messages taken in during one hour, by direction and the state they are in now (the console's
// chart of the last day).
struct ActivityCount {
  TimePoint hour;  // its start, UTC
  Direction direction = Direction::kOutbound;
  MessageState state = MessageState::kReceived;
  uint64_t count = 0;
};

// A seal of the audit chain (store/audit.hpp): the signer's detached signature of
// AuditSealText(seq, head) with its algorithm's name and its certificate (DER), both in base64.
struct AuditSeal {
  std::string algorithm;
  std::string signature;
  std::string certificate;
};
// Signs the chain's last entry `seq` whose hash is `head`.
using AuditSealer = std::function<Result<AuditSeal>(uint64_t seq, std::string_view head)>;

// How many messages (destination empty) or deliveries are in a state, by the message's kind and
// direction and the delivery's destination: counts the journal keeps as it writes.
struct MessageCount {
  std::string kind;
  Direction direction = Direction::kOutbound;
  std::string destination;  // a delivery's; empty: the message's own state
  MessageState state = MessageState::kReceived;
  uint64_t count = 0;
};

// Something an operator did that no message, delivery or deadline line records by itself (a
// reload, a bulk requeue): appended to the audit chain with who did it.
struct OperatorAction {
  std::string action;   // "reload", "requeue", ...
  std::string subject;  // what it was done to: a message id, a filter, the configuration
  std::string who;      // the operator's name
  std::string role;     // "operator", "auditor"
  std::string detail;   // the reason given, or what came of it
};

// What a transition may carry along.
struct TransitionData {
  std::optional<std::string> signature_verdict;
  std::optional<Diagnostics> diagnostics;
};

// One destination of an outbound message (exchange.md §3; a notice has one per other member state,
// SN-05). Its state uses the message's vocabulary from queued on; the message's own state is the
// sum of its deliveries'.
struct Delivery {
  std::string message_id;
  std::string destination;  // the logical address: wsa:To
  MessageState state = MessageState::kQueued;
  uint32_t sends = 0;     // messages put on the wire for it (each resend has a new MessageID)
  uint32_t failures = 0;  // transport failures since the last send that got through
  std::optional<TimePoint> due;  // when the next step falls due: a retry, or a timer's end
  std::string wire_id;           // wsa:MessageID of the latest send
  std::string conversation_id;   // int:ConversationID, the same through resends
  std::string error;             // the last failure, for people
  TimePoint updated_at;
};

struct DeliveryEvent {
  std::string destination;
  MessageState state;
  TimePoint at;
  std::string wire_id;
  std::string detail;
};

// A delivery's new row, what happened, and the message's state when it moves with it.
struct DeliveryChange {
  Delivery delivery;
  std::string detail;
  std::optional<MessageState> message_state;
};

// An outbound message's document as every envelope carries it. The journal keeps the message's
// XML once: the signed form is that XML with the signature put in at one byte (or with nothing
// put in, where the transaction asks for no signature). Where signing had to write the document
// anew (a source not in UTF-8), or a journal of an earlier version kept a copy, `xml` is the
// signed document itself (`whole`).
struct SignedDocument {
  std::shared_ptr<const std::string> xml;
  std::string signature;  // the ds:Signature element; empty: nothing goes in
  size_t at = 0;          // the byte of `xml` it goes in front of
  bool whole = false;

  bool empty() const { return !xml || xml->empty(); }
  size_t size() const { return (xml ? xml->size() : 0) + signature.size(); }
  // The bytes in order, as three pieces.
  std::array<std::string_view, 3> Pieces() const {
    const std::string_view all = xml ? std::string_view(*xml) : std::string_view();
    return {all.substr(0, at), signature, all.substr(at)};
  }
  std::string Joined() const;
};

// The outbound hand-off: a validated message, signed, becomes queued in one change, with its
// planned deliveries and everything delivery needs to build each destination's envelope. Its
// history reads as before (signed, then queued; or queued alone where the transaction asks for
// no signature), and each delivery starts with its "planned" line.
struct Handoff {
  std::string message_id;
  SignedDocument document;   // as every envelope carries it
  std::string procedure_id;  // int:ProcedureID
  // The history line of the signature ("gost2012-256 by CN=…"); empty: not signed, and the
  // message goes from validated to queued with `unsigned_detail`.
  std::string signature;
  std::string unsigned_detail;
  Diagnostics diagnostics;
  std::vector<Delivery> deliveries;  // one per destination, each with its ConversationID
};

// What delivery needs of an outbound message, and nothing else (no payload, no verdict).
struct OutboundMessage {
  MessageSummary summary;
  SignedDocument document;  // its XML shared, never copied
  std::string procedure_id;
  std::string reply_to;
  std::vector<Delivery> deliveries;
};

// A change of state of a message, in the order the journal committed them: what a reader of the
// journal's changes (the notifier) follows.
struct MessageEvent {
  uint64_t position = 0;   // rises with every change; a reader keeps the last one it has taken
  MessageSummary message;  // the message as it is now (its state may have moved on)
  MessageState state = MessageState::kReceived;  // the state this change moved it to
  TimePoint at;
  std::string detail;
};

struct EventFilter {
  uint64_t after = 0;  // changes after this position
  std::optional<Direction> direction;
  std::vector<MessageState> states;  // non-empty: changes to one of these states only
  uint32_t limit = 100;
};

// A legal deadline a message started (rules.md "Deadlines the gateway tracks"), and where it
// stands. Dates are YYYY-MM-DD.
struct TrackedDeadline {
  std::string id;  // "<message id>/<rule>/<n>"
  std::string message_id;
  std::string rule;  // "DL-01"
  std::string subject;
  std::string country;         // whose calendar counts
  std::string event;           // the day it runs from
  std::string due;             // its last day
  std::string opens;           // the first day of its window (DL-05); empty otherwise
  std::string basis;           // the calendars the count rests on
  std::string source;          // "R106 §21, §35"
  std::string state = "open";  // open, at-risk, met, overdue
  std::string met_on;          // the day it was met; empty until then
  int days_late = 0;           // business days past the due day it was met on, or is now
  TimePoint updated_at;
  std::string about;  // what a later document that meets it must be about (DL-05); often empty
  // The day the document says it is met on (DL-03: its remediation dates), met once that day
  // has come; empty when the document gives none.
  std::string planned;
  std::string origin;  // what it runs from, in words ("the end of the site inspection")
};

// A deadline's move, recorded with its history line.
struct DeadlineChange {
  std::string id;
  std::string state;
  std::string met_on;
  int days_late = 0;
  std::string detail;
  std::string due;                     // a new due day (a calendar changed); empty: unchanged
  std::string basis;                   // and what it rests on now; empty: unchanged
  std::optional<std::string> planned;  // a new planned day ("" clears it); nullopt: unchanged
  std::optional<std::string> origin;   // what it runs from, in words; nullopt: unchanged
  std::string actor;                   // who moved it (an operator); empty: the gateway
};

struct DeadlineFilter {
  std::vector<std::string> any_state;  // non-empty: the state is one of these
  std::optional<std::string> rule;
  std::optional<std::string> country;
  std::optional<std::string> message_id;
  std::optional<std::string> id;
  std::optional<std::string> about;
  std::optional<std::string> event_before;  // YYYY-MM-DD: its event came before that day
  std::string after_id;  // paging: the last id of the previous page (ids in order)
  uint32_t limit = 100;
};

struct DeadlineEvent {
  std::string state;
  TimePoint at;
  std::string detail;
  std::string actor;  // who moved it (an operator); empty: the gateway
};

// A line of a deadline's history, in the order the journal committed them (what the deadlines'
// webhook follows), with the deadline as it is now.
struct DeadlineMove {
  uint64_t position = 0;
  TrackedDeadline deadline;
  std::string state;  // the state this line moved it to (or tracked it in)
  TimePoint at;
  std::string detail;
  std::string actor;
};

struct DeadlineMoveFilter {
  uint64_t after = 0;
  std::vector<std::string> states;  // non-empty: lines of one of these states only
  uint32_t limit = 100;
};

// The register of inspecting organizations (Table 3) as this gateway sent it (the inbound
// direction would hold one received; no transaction of the process brings one to a member state
// today, so nothing writes it):
// every version of each record, known by its key (T3-R1: the authorising country and the
// folded full name), each with the message that carried it. The state of a version is its
// message's: a version whose message the Commission refused (or the validation did) is not part
// of the register, and the record is what its latest other version says.
enum class RegisterChange : uint8_t { kAdded, kChanged, kWithdrawn };
std::string_view RegisterChangeName(RegisterChange change);
std::optional<RegisterChange> RegisterChangeFromName(std::string_view name);

struct RegisterVersion {
  uint64_t id = 0;  // rises with every version (the journal gives it)
  Direction direction = Direction::kOutbound;
  std::string country;  // the authorising state: the key's first half
  std::string key;      // RegisterKey(country, name)
  std::string name;     // the full name as the latest document wrote it
  RegisterChange change = RegisterChange::kAdded;
  std::string change_day;  // YYYY-MM-DD: the day of the change (what DL-02 runs from)
  std::string digest;      // of `record`: equal digests, equal records
  std::string record;      // the record in its normal form (JSON; registry::Normalise)
  std::string groups;      // its group codes (1.7), "|04.01|04.02|", for filters
  std::string message_id;  // the message that carried it
  std::string sync_id;     // the sync that planned it; empty: a document submitted on its own
  TimePoint at;            // when the version was written
  // Read with it: its message's state now, and when that message last moved.
  MessageState state = MessageState::kValidated;
  TimePoint state_at;
};

struct RegisterFilter {
  Direction direction = Direction::kOutbound;
  std::optional<std::string> country;
  std::optional<std::string> group;  // a group code (1.7) the record lists
  std::optional<bool> active;        // true: not withdrawn; false: withdrawn only
  std::string after_key;             // paging: the last key of the previous page
  uint32_t limit = 100;              // 0: no limit (a sync reads the whole register)
};

// One document of a sync: the new version of a record and the validated message that carries it.
// `base` is the id of the version the change was worked out against (0: the record was not in
// the register); the plan is refused when another version has come since.
struct PlannedSend {
  RegisterVersion version;
  NewMessage message;
  uint64_t base = 0;
};

// A sync as it is journalled before anything is sent: what it found and every document it owes.
struct RegisterSync {
  std::string id;
  std::string country;
  std::string source;  // where the register came from, for people
  TimePoint at;
  uint32_t added = 0, changed = 0, withdrawn = 0, unchanged = 0, invalid = 0;
  std::string outcome = "planned";  // or why nothing was planned ("withdrawal-guard", ...)
  std::string detail;               // the refusal, for people
  std::vector<PlannedSend> sends;
};

// A sync as the journal keeps it, in the order they were journalled (what the [notify] webhook
// follows).
struct SyncRecord {
  uint64_t position = 0;
  RegisterSync sync;  // without its sends
  uint32_t sends = 0;
};

// How many commits and changes so far: changes / commits is the batching achieved.
struct JournalStats {
  uint64_t commits = 0;
  uint64_t changes = 0;
};

// Called once, on a journal thread, when a change is durable (or refused). It must not block:
// hand the result to an executor of your own.
template <class T>
using JournalCallback = std::function<void(Result<T>)>;

// The journal is five focused stores over one group-commit writer: messages (with the outbound
// hand-off), their deliveries, the feeds of changes that readers follow from cursors, the legal
// deadlines and the register as sent. A component takes the store it needs; Journal is all five,
// with the writer's figures and its idle wait.
//
// Threading: every method may be called from any thread. The blocking forms (Accept, Transition,
// ...) wait until their change is durable; their Async forms return at once and call back after
// the commit. Many changes share one commit, so a daemon keeps many in flight with the Async
// forms.

class MessageStore {
 public:
  virtual ~MessageStore() = default;

  virtual void AcceptAsync(NewMessage message, JournalCallback<AcceptOutcome> done) = 0;
  virtual void TransitionAsync(std::string id, MessageState to, std::string detail, TimePoint at,
                               TransitionData data, JournalCallback<Ok> done) = 0;

  // Keeps a new message and its first state. When an accepted (not rejected) message of the same
  // direction and sender already has this EDocId, nothing is written and that message is
  // returned with duplicate = true.
  Result<AcceptOutcome> Accept(NewMessage message);

  // Moves a message to `to`; refused when the state machine does not allow it from where the
  // message is (the error names both states).
  Status Transition(std::string_view id, MessageState to, std::string detail, TimePoint at,
                    TransitionData data = {});

  // The hand-off of a validated message (or of one a journal of an earlier version left signed):
  // signed, queued and its deliveries planned in one change. Refused when the message is in
  // another state.
  virtual void HandOffAsync(Handoff handoff, TimePoint at, JournalCallback<Ok> done) = 0;
  Status HandOff(Handoff handoff, TimePoint at);

  // nullopt when there is no such message.
  virtual Result<std::optional<MessageRecord>> Get(std::string_view id) = 0;
  // An outbound message as delivery takes it on (after a restart, or a requeue); nullopt when
  // there is no such message.
  virtual Result<std::optional<OutboundMessage>> Outbound(std::string_view id) = 0;
  // A message's document as XML (MessageRecord::CanonicalXml) and nothing else, for readers of
  // its content; null when there is no such message.
  virtual Result<std::shared_ptr<const std::string>> DocumentOf(std::string_view id) = 0;
  // Where a registration certificate stands in a member state by the latest notice of it kept
  // (sent or received; a message refused, by the validation or by the Commission, does not
  // count): SN-04. nullopt when no notice of it is kept.
  virtual Result<std::optional<CertificateStanding>> CertificateStatusOf(
      std::string_view country, std::string_view certificate) = 0;

  // Oldest first (creation time, then id), from after the message `filter.after_id` (an id the
  // journal does not have is an error, code "journal.unknown").
  virtual Result<std::vector<MessageSummary>> List(const MessageFilter& filter) = 0;

  // Ids of messages with work left (IsUnfinished), oldest first: what a restart resumes.
  virtual Result<std::vector<std::string>> Unfinished() = 0;

  // Messages taken in from `since` on, counted by hour, direction and state.
  virtual Result<std::vector<ActivityCount>> Activity(TimePoint since) = 0;

  // Journals an operator's action in the audit chain.
  virtual void RecordActionAsync(OperatorAction action, TimePoint at, JournalCallback<Ok> done) = 0;
  Status RecordAction(OperatorAction action, TimePoint at);

  // Seals the audit chain: `seal` signs its last entry inside the change that appends the seal
  // as an entry of its own (event "seal"), so nothing comes between. True when a seal was
  // appended; false when there was nothing new to seal (no entry, or the last is a seal).
  virtual void SealAuditAsync(AuditSealer seal, TimePoint at, JournalCallback<bool> done) = 0;
  Result<bool> SealAudit(AuditSealer seal, TimePoint at);

  // Removes the entries of an archived month from the chain and records the month, in one
  // change that also appends an "archive" entry. Refused (code "audit.retire") unless the month
  // is the chain's oldest part still in the journal, whole, and ends with the archive's head.
  virtual void RetireAuditMonthAsync(ArchivedAuditMonth month, TimePoint at,
                                     JournalCallback<Ok> done) = 0;
  Status RetireAuditMonth(ArchivedAuditMonth month, TimePoint at);
  // The months archived so far, oldest first.
  virtual Result<std::vector<ArchivedAuditMonth>> ArchivedAuditMonths() = 0;

  // Messages and deliveries by kind, direction, destination and state, kept as the journal
  // writes (no scan of the messages).
  virtual Result<std::vector<MessageCount>> MessageCounts() = 0;
};

class DeliveryStore {
 public:
  virtual ~DeliveryStore() = default;

  // Plan writes a message's deliveries once (a second call for the same message changes
  // nothing). Update writes one delivery's new row and history line in one commit with the
  // message's move, when there is one (refused like Transition when not allowed); a new wire_id
  // is remembered, so that an answer to an earlier send still finds its delivery.
  virtual void PlanDeliveriesAsync(std::string message_id, std::vector<Delivery> deliveries,
                                   TimePoint at, JournalCallback<Ok> done) = 0;
  virtual void UpdateDeliveryAsync(DeliveryChange change, TimePoint at,
                                   JournalCallback<Ok> done) = 0;
  Status PlanDeliveries(std::string message_id, std::vector<Delivery> deliveries, TimePoint at);
  Status UpdateDelivery(DeliveryChange change, TimePoint at);

  virtual Result<std::vector<Delivery>> Deliveries(std::string_view message_id) = 0;
  virtual Result<std::vector<DeliveryEvent>> DeliveryHistory(std::string_view message_id) = 0;
  // The delivery a send of this wsa:MessageID belongs to (any send, not only the latest).
  virtual Result<std::optional<Delivery>> DeliveryByWireId(std::string_view wire_id) = 0;
  // Deliveries not yet acknowledged, rejected or dead: what a restart resumes.
  virtual Result<std::vector<Delivery>> OpenDeliveries() = 0;
};

// The changes readers follow in the order they were committed (the notifiers, the tracker), and
// where each reader is.
class EventFeeds {
 public:
  virtual ~EventFeeds() = default;

  // Changes of state, oldest first; and the position of the latest one (0: none yet).
  virtual Result<std::vector<MessageEvent>> Events(const EventFilter& filter) = 0;
  virtual Result<uint64_t> LastEventPosition() = 0;
  // Every deadline's history lines, oldest first; the position of the latest (0: none yet).
  virtual Result<std::vector<DeadlineMove>> DeadlineMoves(const DeadlineMoveFilter& filter) = 0;
  virtual Result<uint64_t> LastDeadlineMove() = 0;
  // A reader's position in the changes, kept under its name across restarts (nullopt: never
  // saved).
  virtual Result<std::optional<uint64_t>> Cursor(std::string_view name) = 0;
  virtual void SaveCursorAsync(std::string name, uint64_t position, JournalCallback<Ok> done) = 0;
  Status SaveCursor(std::string name, uint64_t position);
  // Called on a journal thread after every commit, once its callbacks ran: a reader of the
  // changes looks for new ones then. It must not block. One listener per name: a new one
  // replaces it, a null one removes it.
  virtual void OnCommit(std::string_view name, std::function<void()> listener) = 0;
};

class DeadlineStore {
 public:
  virtual ~DeadlineStore() = default;

  // Track writes a message's deadlines once (one already tracked is left as it is); Update moves
  // one and adds its history line, in one commit; an unknown id is an error.
  virtual void TrackDeadlinesAsync(std::vector<TrackedDeadline> deadlines, TimePoint at,
                                   JournalCallback<Ok> done) = 0;
  virtual void UpdateDeadlineAsync(DeadlineChange change, TimePoint at,
                                   JournalCallback<Ok> done) = 0;
  Status TrackDeadlines(std::vector<TrackedDeadline> deadlines, TimePoint at);
  Status UpdateDeadline(DeadlineChange change, TimePoint at);
  // In order of their ids.
  virtual Result<std::vector<TrackedDeadline>> Deadlines(const DeadlineFilter& filter) = 0;
  virtual Result<std::vector<DeadlineEvent>> DeadlineHistory(std::string_view id) = 0;
  // How many deadlines are in each state, by rule: (state, rule) -> count.
  virtual Result<std::map<std::pair<std::string, std::string>, uint64_t>> DeadlineCounts() = 0;
};

class RegisterStore {
 public:
  virtual ~RegisterStore() = default;

  // Journals a sync in one change: its row, and for each send its message (validated, ready to
  // be signed; a restart takes it on like any validated message) and its version. A sync that
  // planned nothing (refused, or nothing to send) is journalled with no sends. Refused, with
  // nothing written, when a send's base is no longer its record's latest version (code
  // "registry.conflict": another sync, or a refusal, came between; plan again).
  virtual void PlanSyncAsync(RegisterSync sync, JournalCallback<Ok> done) = 0;
  Status PlanSync(RegisterSync sync);
  // The syncs journalled after `after`, oldest first; the position of the latest (0: none).
  virtual Result<std::vector<SyncRecord>> Syncs(uint64_t after, uint32_t limit) = 0;
  virtual Result<uint64_t> LastSyncPosition() = 0;

  // The register as it stands: each record's latest version that was not refused, by key.
  virtual Result<std::vector<RegisterVersion>> RegisterRecords(const RegisterFilter& filter) = 0;
  // Every version of one record, oldest first, refused ones included.
  virtual Result<std::vector<RegisterVersion>> RegisterHistory(Direction direction,
                                                               std::string_view key) = 0;
  // The version a message carried; nullopt when it carried none.
  virtual Result<std::optional<RegisterVersion>> RegisterVersionOf(std::string_view message_id) = 0;
};

// An unfinished message an instance took on because the one that held it is gone.
struct ClaimedMessage {
  std::string id;
  Direction direction = Direction::kOutbound;
  MessageState state = MessageState::kValidated;
};

// What one renewal of an instance's lease found.
struct Beat {
  bool leader = false;  // it runs the cluster-wide jobs (the tracker, the notifiers, the schedule)
  // It was the leader and another instance has taken the jobs over meanwhile (its lease ran out
  // while it was paused or cut off): what it still does of them is stale.
  bool leadership_lost = false;
  std::vector<ClaimedMessage> claimed;
};

// A gateway of the cluster, as the database knows it.
struct ClusterMember {
  std::string instance;
  TimePoint started_at;
  TimePoint lease_until;  // by the database's clock
  bool leader = false;
  bool self = false;
};

// Several gateways on one database (PostgreSQL). Each unfinished message is held by one live
// instance under a fencing token: a write about it from an instance that no longer holds it (its
// lease ran out and another took the message over) is refused with "journal.fenced", so a gateway
// that stalled cannot finish work another has taken on. The cluster-wide jobs are held by one
// instance, the leader, under a lease of their own. A journal of one gateway (SQLite) is a
// cluster of one: it leads, holds everything and is never fenced.
class ClusterStore {
 public:
  virtual ~ClusterStore() = default;

  // This instance's name in the database; empty for a journal of one gateway.
  virtual std::string instance() const { return {}; }
  // Renews this instance's lease and the leader's (taking the jobs when their leader is gone),
  // and claims up to `claim` unfinished messages whose instance is gone.
  virtual void BeatAsync(uint32_t claim, JournalCallback<Beat> done);
  Result<Beat> RunBeat(uint32_t claim);
  // Takes message `id` over from whichever instance holds it (an answer about it came here, or
  // an operator acts on it); the holder's next write about it is fenced.
  virtual void ClaimAsync(std::string id, JournalCallback<Ok> done);
  Status Claim(std::string id);
  // A clean stop: this instance's messages and jobs are released for the others to take at once.
  virtual Status Leave() { return Ok{}; }
  // The instances the database knows of, live or not yet forgotten.
  virtual Result<std::vector<ClusterMember>> Members() { return std::vector<ClusterMember>{}; }
  // Called, on a journal thread, when another instance has released work (it left).
  virtual void OnReleased(std::function<void()> listener) { (void)listener; }
};

class Journal : public MessageStore,
                public DeliveryStore,
                public EventFeeds,
                public DeadlineStore,
                public RegisterStore,
                public ClusterStore {
 public:
  ~Journal() override = default;

  virtual JournalStats stats() const = 0;
  // Told of each commit: how many changes it carried and how long it took from its begin to its
  // end (on the writer's thread: it must not block). Set before the journal is used.
  virtual void ObserveCommits(std::function<void(size_t changes, double seconds)> observer) = 0;

  // Blocks until every change submitted is committed and its callbacks ran, those submitted by
  // the callbacks included: a shutdown waits for it before it takes down what they call.
  virtual void WaitIdle() = 0;
};

}  // namespace eaeu::store
