#include "gateway/deadlines/tracker.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <deque>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>

#include "gateway/store/follower.hpp"

namespace eaeu::deadlines {
namespace {

using store::MessageState;
using store::TimePoint;

constexpr std::string_view kCursor = "deadlines";
constexpr uint32_t kPage = 500;
constexpr uint32_t kSweepPage = 500;
constexpr uint64_t kSaveEvery = 10'000;
constexpr auto kRetry = std::chrono::seconds(30);
const std::vector<std::string> kNotMet = {"open", "at-risk", "overdue"};

// The order of the states a deadline moves through as its days pass.
int RankOf(std::string_view state) {
  return state == "overdue" ? 2 : state == "at-risk" ? 1 : 0;
}

bool Settled(const store::TrackedDeadline& t) {
  return t.state == "met" || t.state == "waived";
}

std::optional<Date> DateOf(const std::string& text) {
  if (text.empty()) return std::nullopt;
  return Date::Parse(text);
}

// The first instant after `now` at which the day turns in one of the states' capitals (or UTC).
TimePoint NextDayTurn(TimePoint now, const Calendars* calendars) {
  std::vector<std::chrono::minutes> offsets{std::chrono::minutes(0)};
  if (calendars != nullptr) {
    for (const auto& [country, state] : calendars->states()) offsets.push_back(state.utc_offset);
  }
  std::optional<TimePoint> next;
  for (const auto offset : offsets) {
    const auto local_midnight = std::chrono::floor<std::chrono::days>(now + offset);
    const TimePoint turn = local_midnight + std::chrono::days(1) - offset;
    next = next ? std::min(*next, turn) : turn;
  }
  return *next;
}

std::string MovedLine(const Deadline& d, const Standing& s) {
  switch (s.state) {
    case DeadlineState::kAtRisk:
      return d.opens ? "the window for the periodic inspection's application is open, until " +
                           d.due.ToString()
                     : "at risk: " + DaysText(s.business_days_left, true) + " left, due " +
                           d.due.ToString();
    case DeadlineState::kOverdue:
      return "overdue: due " + d.due.ToString() + ", " + DaysText(s.days_late, !d.opens) + " late";
    case DeadlineState::kOpen:
      return "open: due " + d.due.ToString();
    case DeadlineState::kMet:
      break;
    case DeadlineState::kWaived:
      return "waived";
  }
  return "met";
}

}  // namespace

Deadline DeadlineOf(const store::TrackedDeadline& t) {
  Deadline d;
  d.rule = t.rule;
  d.subject = t.subject;
  d.country = t.country;
  d.event = DateOf(t.event).value_or(Date{});
  d.due = DateOf(t.due).value_or(Date{});
  d.opens = DateOf(t.opens);
  d.basis = t.basis;
  d.source = t.source;
  d.about = t.about;
  d.origin = t.origin;
  d.planned = DateOf(t.planned);
  return d;
}

Standing StandingOf(const store::TrackedDeadline& tracked,
                    std::chrono::system_clock::time_point now, int at_risk_days,
                    const Calendars* calendars) {
  const Deadline d = DeadlineOf(tracked);
  if (tracked.state == "waived") return {DeadlineState::kWaived, 0, 0};
  return Evaluate(d, DateOf(tracked.met_on), TodayIn(calendars, d.country, now), at_risk_days,
                  calendars);
}

struct Tracker::Impl : std::enable_shared_from_this<Impl> {
  TrackerDependencies deps;
  TrackerSettings settings;
  store::Follower follower;  // the cursor "deadlines", and a nudge after every commit

  // On the strand.
  bool started = false;  // follows the journal and counts the deadlines
  bool serving = false;  // takes records and acts (every gateway of a cluster; Start implies it)
  bool busy = false;     // a step is under way on a background thread
  bool recount = false;
  uint64_t position = 0;
  uint64_t saved = 0;      // the position the journal keeps
  TimePoint next_sweep{};  // when a day turns next: every deadline is counted again then
  std::optional<TimePoint> retry_at;
  std::chrono::steady_clock::time_point quiet_until{};  // settling after a step that took changes
  bool settling = false;                                // a `later` is under way

  std::atomic<uint64_t> position_seen{0};
  std::atomic<uint64_t> sweeps{0};
  std::atomic<uint64_t> failures{0};
  std::atomic<uint64_t> documents_recalled{0};
  std::atomic<uint64_t> documents_read{0};

  Impl(TrackerDependencies d, TrackerSettings s)
      : deps(std::move(d)), settings(s), follower(*deps.journal, std::string(kCursor), deps.lane) {}

  TimePoint Now() const { return deps.clock->Now(); }

  // The lane wakes the component's Tick at `at` (held weakly: it may be gone by then).
  void WakeAt(TimePoint at) {
    deps.lane->WakeAt(at, [weak = weak_from_this()] {
      if (auto self = weak.lock()) self->Tick();
    });
  }

  void Next() {
    if (busy || (!started && !serving)) return;
    if (!jobs.empty()) {
      busy = true;
      Job job = std::move(jobs.front());
      jobs.pop_front();
      deps.lane->Background([self = shared_from_this(), job = std::move(job)]() mutable {
        self->RunJob(std::move(job));
      });
      return;
    }
    if (!started || retry_at || settling) return;
    const TimePoint now = Now();
    if (now >= next_sweep) recount = true;
    if (!follower.changed() && !recount) return;
    const auto steady = std::chrono::steady_clock::now();
    if (steady < quiet_until) {
      settling = true;
      deps.lane->After(quiet_until - steady, [weak = weak_from_this()] {
        if (auto self = weak.lock()) {
          self->settling = false;
          self->Next();
        }
      });
      return;
    }
    const bool sweep = recount;
    follower.TakeChanged();
    recount = false;
    busy = true;
    deps.lane->Background([self = shared_from_this(), after = position, saved = saved, sweep] {
      self->Run(after, saved, sweep);
    });
  }

  struct Step {
    uint64_t after = 0;     // the position it started from
    uint64_t position = 0;  // the position it reached
    uint64_t saved = 0;
    bool took = false;  // it took changes (their position is kept at once)
    bool more = false;  // a full page was read: read on
    bool failed = false;
    bool swept = false;
    TimePoint next_sweep{};
  };

  // What a step writes, in order. The writes are submitted together once the step has read all it
  // needs, so that no thread waits for a commit; the journal keeps their order.
  struct Writes {
    std::vector<std::function<void(store::JournalCallback<Ok>)>> jobs;
    std::map<std::string, store::TrackedDeadline, std::less<>> tracked;  // new rows of this step
    std::map<std::string, store::DeadlineChange, std::less<>> changed;   // moves of this step
  };

  // Records and acts waiting for their turn (on the strand).
  struct Job {
    std::function<Result<std::string>(Writes&, const Calendars*)> work;  // the deadline id
    Tracker::Done done;
  };
  std::deque<Job> jobs;

  void Done(const Step& step) {
    busy = false;
    position = std::max(position, step.position);
    saved = std::max(saved, step.saved);
    position_seen = position;
    if (step.more) follower.MarkChanged();
    // Caught up, it waits for the next changes to gather; behind (a full page), it reads on.
    if (step.took && !step.more) quiet_until = std::chrono::steady_clock::now() + settings.settle;
    if (step.swept) next_sweep = step.next_sweep;
    if (step.failed) {
      ++failures;
      follower.MarkChanged();
      if (!step.swept) recount = recount || Now() >= next_sweep;
      retry_at = Now() + kRetry;
      WakeAt(*retry_at);
      return;
    }
    WakeAt(next_sweep);
    Next();
  }

  // On a background thread: takes the changes after `after`, counts again when asked, submits
  // what that writes, and ends the step on the strand once the journal has it.
  void Run(uint64_t after, uint64_t saved_before, bool sweep) {
    Step step;
    step.after = step.position = after;
    step.saved = saved_before;
    Writes writes;
    Read(step, writes, sweep);
    if (step.failed || writes.jobs.empty()) {
      Finish(step, false);
      return;
    }
    auto remaining = std::make_shared<std::atomic<size_t>>(writes.jobs.size());
    auto refused = std::make_shared<std::atomic<bool>>(false);
    for (auto& job : writes.jobs) {
      job([self = shared_from_this(), step, remaining, refused](Result<Ok> st) {
        if (!st) {
          spdlog::error("deadlines: {}", st.error().ToString());
          *refused = true;
        }
        if (--*remaining == 0) self->Finish(step, *refused);
      });
    }
  }

  // The step's writes are committed (or one was refused: the step is taken again later).
  void Finish(Step step, bool refused) {
    if (refused) {
      step.failed = true;
      step.position = step.after;
      step.more = step.swept = false;
    }
    // Changes that start nothing move the position too; kept now and then, so that a restart
    // reads at most that many again, without a commit of its own for every commit it follows.
    if (!step.failed && step.position != step.saved &&
        (step.took || step.position - step.saved >= kSaveEvery)) {
      step.saved = step.position;
      follower.Save(step.position, [](const Error& e) {
        spdlog::error("deadlines: the cursor is not saved: {}", e.ToString());
      });
    }
    deps.lane->Serial([self = shared_from_this(), step] { self->Done(step); });
  }

  // On a background thread: a record's or an act's work, its writes, its answer, then the turn
  // of whatever waits.
  void RunJob(Job job) {
    Writes writes;
    const auto calendars = deps.calendars ? deps.calendars() : nullptr;
    auto id = job.work(writes, calendars.get());
    auto finish = [self = shared_from_this(),
                   done = std::move(job.done)](Result<std::string> result) {
      if (!result) {
        done(result.error());
      } else {
        store::DeadlineFilter filter;
        filter.id = *result;
        filter.limit = 1;
        auto found = self->deps.journal->Deadlines(filter);
        if (!found) {
          done(found.error());
        } else if (found->empty()) {
          done(MakeError("deadline.unknown", *result, "no such deadline"));
        } else {
          done(std::move(found->front()));
        }
      }
      self->deps.lane->Serial([self] {
        self->busy = false;
        self->Next();
      });
    };
    if (!id || writes.jobs.empty()) {
      finish(std::move(id));
      return;
    }
    auto remaining = std::make_shared<std::atomic<size_t>>(writes.jobs.size());
    auto failure = std::make_shared<std::optional<Error>>();
    auto mutex = std::make_shared<std::mutex>();
    auto shared_finish = std::make_shared<decltype(finish)>(std::move(finish));
    for (auto& write : writes.jobs) {
      write([id = *id, remaining, failure, mutex, shared_finish](Result<Ok> st) {
        if (!st) {
          std::lock_guard lock(*mutex);
          if (!*failure) *failure = st.error();
        }
        if (--*remaining != 0) return;
        if (*failure) {
          (*shared_finish)(**failure);
        } else {
          (*shared_finish)(id);
        }
      });
    }
  }

  void Enqueue(Job job) {
    deps.lane->Serial([self = shared_from_this(), job = std::move(job)]() mutable {
      self->jobs.push_back(std::move(job));
      self->Next();
    });
  }

  // A new deadline row for `d`, tracked in the state it is in at `at`.
  store::TrackedDeadline Row(const Deadline& d, const std::string& message_id, TimePoint at,
                             const Calendars* calendars) const {
    const Standing s = Evaluate(d, std::nullopt, TodayIn(calendars, d.country, at),
                                settings.at_risk_days, calendars);
    store::TrackedDeadline t;
    t.id = DeadlineId(d);
    t.message_id = message_id;
    t.rule = d.rule;
    t.subject = d.subject;
    t.country = d.country;
    t.event = d.event.ToString();
    t.due = d.due.ToString();
    t.opens = d.opens ? d.opens->ToString() : "";
    t.basis = d.basis;
    t.source = d.source;
    t.state = std::string(StateName(s.state));
    t.days_late = s.state == DeadlineState::kOverdue ? s.days_late : 0;
    t.about = d.about;
    t.planned = d.planned ? d.planned->ToString() : "";
    t.origin = d.origin;
    return t;
  }

  Result<std::string> RecordWork(const RecordedEvent& e, const std::string& actor, Writes& writes,
                                 const Calendars* calendars) {
    const EventKind* kind = FindEventKind(e.kind);
    if (kind == nullptr) {
      return MakeError("deadline.argument", e.kind,
                       "not a kind of event (" + EventKindNames() + ")");
    }
    auto report = Find(ReportDeadlineId(e.country, e.report), writes);
    if (!report) return report.error();
    if (!*report) {
      return MakeError("deadline.unknown-report", e.report,
                       "no report " + e.report + " of " + e.country +
                           " is known to this gateway (a report is known once it is validated)");
    }
    const Deadline d = DeadlineOfEvent(e, calendars);
    const std::string id = DeadlineId(d);
    auto found = Find(id, writes);
    if (!found) return found.error();
    const std::string by = " (recorded by " + actor + ")";
    if (kind->starts) {
      if (*found) {
        if ((*found)->event == e.date.ToString()) return id;  // recorded already
        return MakeError("deadline.conflict", id,
                         std::string(kind->what) + " " + e.reference + " is recorded already, on " +
                             (*found)->event + ", not " + e.date.ToString());
      }
      store::TrackedDeadline row = Row(d, (*report)->message_id, Now(), calendars);
      writes.tracked.emplace(row.id, row);
      writes.jobs.push_back(
          [journal = deps.journal, row, at = Now()](store::JournalCallback<Ok> done) mutable {
            journal->TrackDeadlinesAsync({std::move(row)}, at, std::move(done));
          });
      store::DeadlineChange change;
      change.id = id;
      change.state = row.state;
      change.days_late = row.days_late;
      change.detail = std::string(kind->what) + " " + e.reference + ", " + e.date.ToString() + by;
      change.actor = actor;
      Change(std::move(change), Now(), writes);
      return id;
    }
    if (!*found) {
      return MakeError("deadline.unknown", id,
                       "no " + d.rule + " of " + d.subject + " was started: record its " +
                           (d.rule == "DL-04" ? "test-protocol" : "claim-received") + " first");
    }
    const store::TrackedDeadline& t = **found;
    if (t.state == "met" && t.met_on == e.date.ToString()) return id;  // recorded already
    if (Settled(t)) {
      return MakeError("deadline.conflict", id,
                       id + " is " + t.state + (t.met_on.empty() ? "" : " on " + t.met_on) +
                           " already; an operator corrects it by hand");
    }
    if (auto st = MeetOne(id, e.date,
                          "met: " + std::string(kind->what) + " (" + e.reference + ") on " +
                              e.date.ToString() + by,
                          calendars, writes, actor);
        !st) {
      return st.error();
    }
    return id;
  }

  Result<std::string> ActWork(const Tracker::Action& a, Writes& writes,
                              const Calendars* calendars) {
    if (a.reason.empty()) {
      return MakeError("deadline.argument", "reason", "an operator's hand needs a reason");
    }
    auto found = Find(a.id, writes);
    if (!found) return found.error();
    if (!*found || (*found)->country != a.country) {
      return MakeError("deadline.unknown", a.id, "no deadline " + a.id);
    }
    const store::TrackedDeadline& t = **found;
    const Deadline d = DeadlineOf(t);
    const Date today = TodayIn(calendars, t.country, Now());
    store::DeadlineChange change;
    change.id = a.id;
    change.actor = a.actor;
    switch (a.kind) {
      case Tracker::ActionKind::kMet: {
        if (!a.on) return MakeError("deadline.argument", "on", "the day it was met is missing");
        if (today < *a.on) {
          return MakeError("deadline.argument", "on",
                           a.on->ToString() + " is still to come (today is " + today.ToString() +
                               " in " + t.country + ")");
        }
        if (t.state == "met" && t.met_on == a.on->ToString()) return a.id;
        const Standing s = Evaluate(d, a.on, today, settings.at_risk_days, calendars);
        change.state = "met";
        change.met_on = a.on->ToString();
        change.days_late = s.days_late;
        change.detail = (t.state == "met" ? "met (corrected from " + t.met_on + ") on "
                                          : std::string("met on ")) +
                        a.on->ToString() + " by " + a.actor + ": " + a.reason;
        if (s.days_late > 0) change.detail += " (late by " + DaysText(s.days_late, !d.opens) + ")";
        break;
      }
      case Tracker::ActionKind::kWaive:
        if (t.state == "waived") return a.id;
        change.state = "waived";
        change.detail = "waived by " + a.actor + ": " + a.reason;
        break;
      case Tracker::ActionKind::kReopen: {
        if (!Settled(t)) {
          return MakeError("deadline.conflict", a.id,
                           a.id + " is " + t.state + ": only a met or waived deadline is reopened");
        }
        const Standing s = Evaluate(d, std::nullopt, today, settings.at_risk_days, calendars);
        change.state = std::string(StateName(s.state));
        change.days_late = s.state == DeadlineState::kOverdue ? s.days_late : 0;
        change.planned = "";  // the document's plan is what was set aside
        change.detail = "reopened by " + a.actor + ": " + a.reason + "; " + MovedLine(d, s);
        break;
      }
    }
    Change(std::move(change), Now(), writes);
    return a.id;
  }

  void Read(Step& step, Writes& writes, bool sweep) {
    store::Journal& journal = *deps.journal;
    const auto calendars = deps.calendars ? deps.calendars() : nullptr;
    auto last = journal.LastEventPosition();
    store::EventFilter filter;
    filter.after = step.after;
    filter.direction = store::Direction::kOutbound;
    filter.states = {MessageState::kValidated, MessageState::kAcknowledged};
    filter.limit = kPage;
    auto events =
        last ? journal.Events(filter) : Result<std::vector<store::MessageEvent>>(last.error());
    if (!events) {
      spdlog::error("deadlines: the journal cannot be read: {}", events.error().ToString());
      step.failed = true;
      return;
    }
    for (const auto& e : *events) {
      if (auto st = Take(e, calendars.get(), writes); !st) {
        spdlog::error("deadlines: message {}: {}", e.message.id, st.error().ToString());
        step.failed = true;
        return;
      }
      step.position = e.position;
      step.took = true;
    }
    if (events->size() == kPage) {
      step.more = true;
    } else {
      step.position = std::max(step.position, *last);
    }
    if (!sweep) return;
    const TimePoint now = Now();
    if (auto st = Sweep(now, calendars.get(), writes); !st) {
      spdlog::error("deadlines: {}", st.error().ToString());
      step.failed = true;
      return;
    }
    step.swept = true;
    step.next_sweep = NextDayTurn(now, calendars.get());
    ++sweeps;
  }

  // One change of a message: its deadlines start (validated) or are met (acknowledged).
  Status Take(const store::MessageEvent& e, const Calendars* calendars, Writes& writes) {
    const std::string& kind = e.message.kind;
    if (kind != model::KindName(model::DocumentKind::kInspectionReport) &&
        kind != model::KindName(model::DocumentKind::kRegisterEntry)) {
      return Ok{};  // the other documents start no deadline
    }
    auto document = DocumentOf(e);
    if (!document) return document.error();
    if (!*document) return Ok{};
    std::optional<Date> register_change;  // the day a register sync journalled for its change
    if (kind == model::KindName(model::DocumentKind::kRegisterEntry)) {
      auto version = deps.journal->RegisterVersionOf(e.message.id);
      if (!version) return version.error();
      if (*version) register_change = Date::Parse((*version)->change_day);
    }
    const auto deadlines =
        DeadlinesOf(**document, e.message.sender_country, calendars, register_change);
    Track(e, deadlines, calendars, writes);
    if (auto st = Planned(e, deadlines, calendars, writes); !st) return st;
    if (e.state == MessageState::kAcknowledged) {
      return Meet(e, **document, deadlines, calendars, writes);
    }
    return Ok{};
  }

  // A message's document: the model the intake read, while it is still in memory (the
  // acknowledgement is its last reader here), else its XML from the journal read again. Null
  // when the message has none or it cannot be read.
  Result<std::shared_ptr<const model::Document>> DocumentOf(const store::MessageEvent& e) {
    if (deps.recent) {
      const bool last = e.state == MessageState::kAcknowledged;
      if (auto kept = deps.recent->Find(e.message.id, last)) {
        ++documents_recalled;
        return kept;
      }
    }
    auto xml = deps.journal->DocumentOf(e.message.id);
    if (!xml) return xml.error();
    if (!*xml) return std::shared_ptr<const model::Document>();
    ++documents_read;
    auto read = deps.read(std::move(*xml));
    if (!read) {
      spdlog::warn("deadlines: message {} cannot be read as a document; it starts no deadline",
                   e.message.id);
      return std::shared_ptr<const model::Document>();
    }
    return std::make_shared<const model::Document>(std::move(*read));
  }

  void Track(const store::MessageEvent& e, const std::vector<Deadline>& deadlines,
             const Calendars* calendars, Writes& writes) {
    std::vector<store::TrackedDeadline> rows;
    for (const Deadline& d : deadlines) {
      store::TrackedDeadline t = Row(d, e.message.id, e.at, calendars);
      writes.tracked.emplace(t.id, t);  // the first of this step stays, as in the journal
      rows.push_back(std::move(t));
    }
    if (rows.empty()) return;
    writes.jobs.push_back([journal = deps.journal, rows = std::move(rows),
                           at = e.at](store::JournalCallback<Ok> done) mutable {
      journal->TrackDeadlinesAsync(std::move(rows), at, std::move(done));
    });
  }

  // The days a document plans its deadlines to be met on (DL-03): a report sent again may date
  // what the first left undated; a day that has come meets the deadline.
  Status Planned(const store::MessageEvent& e, const std::vector<Deadline>& deadlines,
                 const Calendars* calendars, Writes& writes) {
    for (const Deadline& d : deadlines) {
      if (!d.planned) continue;
      const std::string id = DeadlineId(d);
      auto found = Find(id, writes);
      if (!found) return found.error();
      if (!*found || Settled(**found)) continue;
      const std::string line = "the report (message " + e.message.id + ") dates the remediation " +
                               d.planned->ToString();
      if (!(TodayIn(calendars, d.country, Now()) < *d.planned)) {
        if (auto st = MeetOne(id, *d.planned, "met: " + line, calendars, writes); !st) return st;
      } else if ((*found)->planned != d.planned->ToString()) {
        store::DeadlineChange change;
        change.id = id;
        change.state = (*found)->state;
        change.days_late = (*found)->days_late;
        change.planned = d.planned->ToString();
        change.detail = line + ": met on that day once it has come";
        Change(std::move(change), Now(), writes);
      }
    }
    return Ok{};
  }

  void Change(store::DeadlineChange change, TimePoint at, Writes& writes) {
    writes.changed[change.id] = change;
    writes.jobs.push_back([journal = deps.journal, change = std::move(change),
                           at](store::JournalCallback<Ok> done) mutable {
      journal->UpdateDeadlineAsync(std::move(change), at, std::move(done));
    });
  }

  // A deadline as it will be once this step's writes are committed; nullopt when unknown.
  Result<std::optional<store::TrackedDeadline>> Find(const std::string& id, const Writes& writes) {
    store::DeadlineFilter filter;
    filter.id = id;
    filter.limit = 1;
    auto found = deps.journal->Deadlines(filter);
    if (!found) return found.error();
    std::optional<store::TrackedDeadline> out;
    if (!found->empty()) {
      out = std::move(found->front());
    } else if (auto t = writes.tracked.find(id); t != writes.tracked.end()) {
      out = t->second;
    }
    if (out) Apply(writes, *out);
    return out;
  }

  static void Apply(const Writes& writes, store::TrackedDeadline& t) {
    const auto c = writes.changed.find(t.id);
    if (c == writes.changed.end()) return;
    t.state = c->second.state;
    t.met_on = c->second.met_on;
    t.days_late = c->second.days_late;
    if (c->second.planned) t.planned = *c->second.planned;
    if (c->second.origin) t.origin = *c->second.origin;
    if (!c->second.due.empty()) t.due = c->second.due;
    if (!c->second.basis.empty()) t.basis = c->second.basis;
  }

  // The day the integrated system took the message: its first receipt.
  std::optional<TimePoint> TakenAt(const std::string& message_id) {
    auto history = deps.journal->DeliveryHistory(message_id);
    if (!history) return std::nullopt;
    for (const auto& h : *history) {
      if (h.state == MessageState::kDelivered || h.state == MessageState::kAcknowledged) {
        return h.at;
      }
    }
    return std::nullopt;
  }

  Status Meet(const store::MessageEvent& e, const model::Document& document,
              const std::vector<Deadline>& deadlines, const Calendars* calendars, Writes& writes) {
    const TimePoint taken = TakenAt(e.message.id).value_or(e.at);
    for (const Deadline& d : deadlines) {
      if (d.rule != "DL-01" && d.rule != "DL-02") continue;
      const Date on = TodayIn(calendars, d.country, taken);
      if (auto st =
              MeetOne(DeadlineId(d), on,
                      "met: the Commission took message " + e.message.id + " on " + on.ToString(),
                      calendars, writes);
          !st) {
        return st;
      }
    }
    // Only a periodic report meets an earlier report's DL-05: the others look for none.
    const auto* report = std::get_if<model::InspectionReport>(&document);
    if (report == nullptr || !IsPeriodic(*report)) return Ok{};
    for (const Deadline& d : deadlines) {
      if (d.rule != "DL-05") continue;
      store::DeadlineFilter filter;
      filter.rule = "DL-05";
      filter.about = d.about;
      filter.event_before = report->report->doc_creation_date.ToString();
      filter.any_state = kNotMet;
      filter.limit = 1000;
      auto earlier = deps.journal->Deadlines(filter);
      if (!earlier) return earlier.error();
      for (const auto& t : *earlier) {
        const auto on = MeetsPeriodic(*report, DeadlineOf(t));
        if (!on) continue;
        if (auto st = MeetOne(t.id, *on,
                              "met: the periodic inspection applied for on " + on->ToString() +
                                  " (report " + report->report->doc_id + ", message " +
                                  e.message.id + ")",
                              calendars, writes);
            !st) {
          return st;
        }
      }
    }
    return Ok{};
  }

  Status MeetOne(const std::string& id, const Date& on, const std::string& line,
                 const Calendars* calendars, Writes& writes, const std::string& actor = {}) {
    auto found = Find(id, writes);
    if (!found) return found.error();
    if (!*found || Settled(**found)) return Ok{};
    const store::TrackedDeadline& t = **found;
    const Standing s = Evaluate(DeadlineOf(t), on, on, settings.at_risk_days, calendars);
    store::DeadlineChange change;
    change.id = id;
    change.state = std::string(StateName(DeadlineState::kMet));
    change.met_on = on.ToString();
    change.days_late = s.days_late;
    change.detail = line;
    change.actor = actor;
    if (s.days_late > 0) {
      change.detail += ", late by " + DaysText(s.days_late, t.opens.empty());
    }
    Change(std::move(change), Now(), writes);
    return Ok{};
  }

  // A DL-03 tracked before the gateway read remediation dates (a journal of an earlier version):
  // its document is read again for them, once.
  Status Reread(store::TrackedDeadline& t, const Calendars* calendars, Writes& writes) {
    auto record = deps.journal->Get(t.message_id);
    if (!record) return record.error();
    if (!*record) return Ok{};
    const auto document = deps.read(std::make_shared<const std::string>((*record)->CanonicalXml()));
    if (!document) return Ok{};
    for (const Deadline& d : DeadlinesOf(*document, (*record)->summary.sender_country, calendars)) {
      if (DeadlineId(d) != t.id) continue;
      store::DeadlineChange change;
      change.id = t.id;
      change.state = t.state;
      change.days_late = t.days_late;
      change.planned = d.planned ? d.planned->ToString() : "";
      change.origin = d.origin;
      change.basis = d.basis;
      change.detail = "read again for its remediation dates: " + d.basis;
      t.planned = *change.planned;
      t.origin = d.origin;
      t.basis = d.basis;
      Change(std::move(change), Now(), writes);
      return Ok{};
    }
    return Ok{};
  }

  // Counts every deadline not met again: a calendar may have changed, a day may have come.
  Status Sweep(TimePoint now, const Calendars* calendars, Writes& writes) {
    store::DeadlineFilter filter;
    filter.any_state = kNotMet;
    filter.limit = kSweepPage;
    for (;;) {
      auto page = deps.journal->Deadlines(filter);
      if (!page) return page.error();
      for (auto t : *page) {
        Apply(writes, t);  // met in this step: nothing to count
        if (Settled(t)) continue;
        if (t.origin.empty() && t.rule == "DL-03") {
          if (auto st = Reread(t, calendars, writes); !st) return st;
        }
        Deadline d = DeadlineOf(t);
        if (d.planned && !(TodayIn(calendars, d.country, now) < *d.planned)) {
          if (auto st = MeetOne(t.id, *d.planned,
                                "met: the report (message " + t.message_id +
                                    ") dates the remediation " + t.planned,
                                calendars, writes);
              !st) {
            return st;
          }
          continue;
        }
        store::DeadlineChange change;
        change.id = t.id;
        if (TermOf(d.rule) > 0) {
          auto [due, basis] = deadlines::Recount(d, calendars);
          if (due != d.due || basis != d.basis) {
            change.detail = "due " + due.ToString() + " (" + basis + "), was " + d.due.ToString();
            change.due = due.ToString();
            change.basis = basis;
            d.due = due;
          }
        }
        const Standing s = Evaluate(d, std::nullopt, TodayIn(calendars, d.country, now),
                                    settings.at_risk_days, calendars);
        const std::string state(StateName(s.state));
        if (state == t.state && change.due.empty()) continue;
        // Time runs one way for a deadline: a clock set back (a wrong time corrected, a test) does
        // not move one back from overdue or at risk, so that a move is never made, and posted,
        // twice. Only a new due day (a calendar changed) does.
        if (change.due.empty() && RankOf(state) < RankOf(t.state)) continue;
        change.state = state;
        change.days_late = s.state == DeadlineState::kOverdue ? s.days_late : 0;
        if (state != t.state) {
          change.detail = MovedLine(d, s) + (change.detail.empty() ? "" : "; " + change.detail);
        }
        Change(std::move(change), now, writes);
      }
      if (page->size() < filter.limit) return Ok{};
      filter.after_id = page->back().id;
    }
  }

  void Tick() {
    if (retry_at) {
      if (*retry_at > Now()) {
        WakeAt(*retry_at);
        return;
      }
      retry_at.reset();
    }
    Next();
  }
};

Tracker::Tracker(TrackerDependencies deps, TrackerSettings settings)
    : impl_(std::make_shared<Impl>(std::move(deps), settings)) {}

Tracker::~Tracker() {
  impl_->follower.Stop();
}

Status Tracker::Start() {
  auto cursor = impl_->follower.Start(std::weak_ptr<Impl>(impl_));
  if (!cursor) return cursor.error();
  const uint64_t position = cursor->value_or(0);
  if (impl_->deps.recent) impl_->deps.recent->Want(true);  // the intake's models have a reader now
  impl_->deps.lane->Serial([self = impl_, position] {
    self->position = position;
    self->position_seen = position;
    self->started = true;
    self->recount = true;
    self->Next();
  });
  return Ok{};
}

void Tracker::Serve() {
  impl_->deps.lane->Serial([self = impl_] {
    self->serving = true;
    self->Next();
  });
}

void Tracker::Recount() {
  impl_->deps.lane->Serial([self = impl_] {
    self->recount = true;
    self->Next();
  });
}

void Tracker::Record(RecordedEvent event, std::string actor, Done done) {
  Impl::Job job;
  job.work = [impl = impl_.get(), event = std::move(event), actor = std::move(actor)](
                 Impl::Writes& writes, const Calendars* calendars) {
    return impl->RecordWork(event, actor, writes, calendars);
  };
  job.done = std::move(done);
  impl_->Enqueue(std::move(job));
}

void Tracker::Act(Action action, Done done) {
  Impl::Job job;
  job.work = [impl = impl_.get(), action = std::move(action)](Impl::Writes& writes,
                                                              const Calendars* calendars) {
    return impl->ActWork(action, writes, calendars);
  };
  job.done = std::move(done);
  impl_->Enqueue(std::move(job));
}

Tracker::Stats Tracker::stats() const {
  return {impl_->position_seen.load(), impl_->sweeps.load(), impl_->failures.load(),
          impl_->documents_recalled.load(), impl_->documents_read.load()};
}

std::string MoveJson(const store::DeadlineMove& m) {
  const store::TrackedDeadline& d = m.deadline;
  nlohmann::json j = {
      {"event", "deadline." + m.state},
      {"position", m.position},
      {"deadline_id", d.id},
      {"rule", d.rule},
      {"subject", d.subject},
      {"country", d.country},
      {"message_id", d.message_id},
      {"event_date", d.event},
      {"due", d.due},
      {"basis", d.basis},
      {"source", d.source},
      {"state", m.state},
      {"state_now", d.state},
      {"at", FormatUtc(m.at)},
      {"detail", m.detail},
  };
  if (!d.opens.empty()) j["opens"] = d.opens;
  return j.dump();
}

notify::Feed DeadlineFeed(store::Journal& journal) {
  notify::Feed feed;
  feed.cursor = "deadline-notify";
  feed.last = [&journal] { return journal.LastDeadlineMove(); };
  feed.read = [&journal](uint64_t after, uint32_t limit) -> Result<std::vector<notify::FeedItem>> {
    store::DeadlineMoveFilter filter;
    filter.after = after;
    filter.states = {"at-risk", "overdue"};
    filter.limit = limit;
    auto moves = journal.DeadlineMoves(filter);
    if (!moves) return moves.error();
    std::vector<notify::FeedItem> out;
    for (const auto& m : *moves) {
      out.push_back({m.position,
                     "deadline." + m.state,
                     MoveJson(m),
                     {"X-Eaeu-Deadline-Id: " + m.deadline.id}});
    }
    return out;
  };
  return feed;
}

}  // namespace eaeu::deadlines
