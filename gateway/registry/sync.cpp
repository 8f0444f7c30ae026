#include "gateway/registry/sync.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <future>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "gateway/validate/verdict_json.hpp"

namespace eaeu::registry {
namespace {

using store::RegisterChange;
using store::TimePoint;

// The SENDER rule for a register: an authority sends the records of the organizations it
// authorised (↳ 1.8 UnifiedCountryCode), never another state's.
std::optional<validate::Violation> AnotherStates(const model::RegisterEntry& entry,
                                                 const std::string& caller_country) {
  const std::string& country = entry.organization.authorization.country_code;
  if (country == caller_country) return std::nullopt;
  validate::Violation v;
  v.rule_id = "SENDER";
  v.path =
      "/MedicalProductInspectingOrganizationDetails/InspectingOrganizationDetails/"
      "InspectionAuthorizationDocDetails/UnifiedCountryCode";
  v.message_en = "the organization is authorised by " + country +
                 ": only that state sends its record, and the caller is bound to " + caller_country;
  v.message_ru = "Организация уполномочена государством " + country +
                 ": ее запись направляет только оно, а отправитель привязан к " + caller_country;
  v.source = "T3 1.8, T3-R1";
  return v;
}

validate::Violation ReadingViolation(const Error& error) {
  validate::Violation v;
  v.rule_id = error.code.rfind("csv.", 0) == 0    ? "CSV"
              : error.code.rfind("json.", 0) == 0 ? "JSON"
                                                  : "XML";
  if (error.code == "registry.duplicate" || error.code == "csv.duplicate" ||
      error.code == "csv.inconsistent") {
    v.rule_id = "DUPLICATE";
  }
  v.path = error.where;
  v.message_en = error.message;
  v.source = "T3-R1";
  return v;
}

// A record to send: its entry (with the header it goes with), its normal form and its verdict.
struct Candidate {
  std::string where;
  model::RegisterEntry entry;
  NormalRecord normal;
  std::string xml;
  std::string verdict_json;
};

}  // namespace

std::string_view SyncOutcomeName(SyncOutcome outcome) {
  switch (outcome) {
    case SyncOutcome::kPlanned:
      return "planned";
    case SyncOutcome::kDryRun:
      return "dry-run";
    case SyncOutcome::kNothingToSend:
      return "nothing-to-send";
    case SyncOutcome::kWithdrawalGuard:
      return "withdrawal-guard";
    case SyncOutcome::kInvalid:
      return "invalid";
  }
  return "planned";
}

struct RegistrySync::Impl : std::enable_shared_from_this<Impl> {
  SyncDependencies deps;
  RegistrySettings settings;

  // One sync at a time: those that come meanwhile wait their turn.
  std::mutex mutex;
  std::deque<std::function<void()>> waiting;
  bool running = false;
  bool closing = false;
  std::condition_variable idle;

  mutable std::mutex stats_mutex;
  RegistrySync::Stats stats;

  void Enqueue(std::function<void()> job) {
    std::lock_guard lock(mutex);
    if (running) {
      waiting.push_back(std::move(job));
      return;
    }
    running = true;
    Start(std::move(job));
  }
  void Start(std::function<void()> job) {
    deps.post([self = shared_from_this(), job = std::move(job)] {
      job();
      std::unique_lock lock(self->mutex);
      if (self->waiting.empty() || self->closing) {
        self->running = false;
        self->idle.notify_all();
        return;
      }
      auto next = std::move(self->waiting.front());
      self->waiting.pop_front();
      self->Start(std::move(next));
    });
  }

  model::EDocHeader Header(const DateTime& now) {
    const auto& info = deps.validator->catalog().Info(model::DocumentKind::kRegisterEntry);
    model::EDocHeader h;
    h.inf_envelope_code = info.messages.empty() ? "" : info.messages.front();
    h.e_doc_code = info.structure_code;
    h.e_doc_id = NewUuid(deps.random);
    h.e_doc_date_time = now;
    return h;
  }

  validate::RuleContext Context(const std::string& country, TimePoint now) const {
    validate::RuleContext context;
    context.today = UtcDate(now);
    context.sender_country = country;
    if (deps.calendars) context.calendars = deps.calendars();
    return context;
  }

  // Validates one record as it would be sent: what makes it invalid, if anything. Safe to call
  // from several threads at once.
  std::optional<InvalidRecord> Verify(Candidate& c, const SyncRequest& request,
                                      TimePoint now) const {
    InvalidRecord bad{c.where, c.normal.key, c.normal.name, {}};
    if (auto v = AnotherStates(c.entry, request.sender.country)) {
      bad.violations.push_back(std::move(*v));
      return bad;
    }
    auto validation = deps.validator->ValidateModel(c.entry, Context(request.sender.country, now));
    if (!validation.verdict.valid()) {
      for (auto& v : validation.verdict.violations) {
        if (v.severity == validate::Severity::kError) bad.violations.push_back(std::move(v));
      }
      return bad;
    }
    c.xml = std::move(validation.xml);
    c.verdict_json = validate::VerdictToJson(validation.verdict)
                         .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    return std::nullopt;
  }

  bool Check(Candidate& c, const SyncRequest& request, TimePoint now, SyncReport& report) {
    auto bad = Verify(c, request, now);
    if (bad) report.invalid.push_back(std::move(*bad));
    return !bad;
  }

  // Verifies every candidate, on as many threads as the machine has (validation is most of a
  // sync's time), and keeps the valid ones in their order.
  std::vector<Candidate> VerifyAll(std::vector<Candidate> all, const SyncRequest& request,
                                   TimePoint now, SyncReport& report) const {
    std::vector<std::optional<InvalidRecord>> verdicts(all.size());
    const size_t threads = std::clamp<size_t>(std::thread::hardware_concurrency(), 1, 8);
    std::atomic<size_t> next{0};
    const auto work = [&] {
      for (size_t i = next++; i < all.size(); i = next++) {
        verdicts[i] = Verify(all[i], request, now);
      }
    };
    std::vector<std::thread> helpers;
    for (size_t t = 1; t < threads && t < all.size(); ++t) helpers.emplace_back(work);
    work();
    for (auto& h : helpers) h.join();
    std::vector<Candidate> valid;
    valid.reserve(all.size());
    for (size_t i = 0; i < all.size(); ++i) {
      if (verdicts[i]) {
        report.invalid.push_back(std::move(*verdicts[i]));
      } else {
        valid.push_back(std::move(all[i]));
      }
    }
    return valid;
  }

  Result<SyncReport> Run(const SyncRequest& request) {
    const auto started = std::chrono::steady_clock::now();
    const TimePoint now = deps.clock->Now();
    const DateTime now_dt = UtcDateTime(now);
    SyncReport report;
    auto input = ReadRegister(request.bytes, request.format, *deps.validator);
    if (!input) return input.error();

    // Every organization read, validated as it would be sent.
    std::set<std::string> present;  // keys in the input, valid or not: never withdrawn
    std::vector<Candidate> read;
    for (auto& problem : input->problems) {
      if (!problem.key.empty()) present.insert(problem.key);
      report.invalid.push_back(
          {problem.error.where, problem.key, {}, {ReadingViolation(problem.error)}});
    }
    for (auto& record : input->records) {
      present.insert(record.key);
      if (!record.entry) continue;
      Candidate c;
      c.where = record.where;
      c.entry = std::move(*record.entry);
      c.entry.header = Header(now_dt);
      c.normal = Normalise(c.entry);
      read.push_back(std::move(c));
    }
    std::vector<Candidate> candidates = VerifyAll(std::move(read), request, now, report);
    if (request.strict && !report.invalid.empty()) {
      report.outcome = SyncOutcome::kInvalid;
      report.refusal = std::to_string(report.invalid.size()) +
                       " organizations are invalid, and the sync is strict: nothing is sent";
      if (auto st = Record(request, now, report); !st) return st.error();
      Count(report);
      return Finish(report, started);
    }

    for (int attempt = 1;; ++attempt) {
      auto planned = Plan(request, candidates, present, now, report);
      if (!planned) {
        if (planned.error().code == "registry.conflict" && attempt < 3) {
          spdlog::info("registry sync: {}: worked out again", planned.error().ToString());
          continue;
        }
        return planned.error();
      }
      Count(*planned);
      return Finish(*planned, started);
    }
  }

  // A sync that planned nothing is journalled all the same (what a scheduled job did each
  // night, and the [notify] event), unless it was a dry run.
  Status Record(const SyncRequest& request, TimePoint now, const SyncReport& report) {
    if (request.dry_run) return Ok{};
    store::RegisterSync sync;
    sync.id = NewUuid(deps.random);
    sync.country = request.sender.country;
    sync.source = request.source;
    sync.at = now;
    Fill(sync, report);
    return deps.journal->PlanSync(std::move(sync));
  }

  static void Fill(store::RegisterSync& sync, const SyncReport& report) {
    sync.added = report.added;
    sync.changed = report.changed;
    sync.withdrawn = report.withdrawn;
    sync.unchanged = report.unchanged;
    sync.invalid = static_cast<uint32_t>(report.invalid.size());
    sync.outcome = std::string(SyncOutcomeName(report.outcome));
    sync.detail = report.refusal;
  }

  void Count(const SyncReport& report) {
    std::lock_guard lock(stats_mutex);
    ++stats.syncs[std::string(SyncOutcomeName(report.outcome))];
    if (report.outcome == SyncOutcome::kPlanned) {
      stats.added += report.added;
      stats.changed += report.changed;
      stats.withdrawn += report.withdrawn;
    }
    stats.invalid += report.invalid.size();
    stats.last_at = deps.clock->Now();
  }

  static Result<SyncReport> Finish(SyncReport report,
                                   std::chrono::steady_clock::time_point started) {
    report.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return report;
  }

  // Compares with the register as sent and journals the plan (not for a dry run or a refusal).
  Result<SyncReport> Plan(const SyncRequest& request, std::vector<Candidate>& candidates,
                          const std::set<std::string>& present, TimePoint now, SyncReport report) {
    store::RegisterFilter filter;
    filter.country = request.sender.country;
    filter.limit = 0;
    auto sent = deps.journal->RegisterRecords(filter);
    if (!sent) return sent.error();
    std::map<std::string, const store::RegisterVersion*> by_key;
    for (const auto& v : *sent) {
      by_key.emplace(v.key, &v);
      if (v.change != RegisterChange::kWithdrawn) ++report.registered;
    }

    store::RegisterSync sync;
    sync.id = NewUuid(deps.random);
    sync.country = request.sender.country;
    sync.source = request.source;
    sync.at = now;
    const std::string today = UtcDate(now).ToString();
    for (const Candidate& c : candidates) {
      auto it = by_key.find(c.normal.key);
      const store::RegisterVersion* base = it == by_key.end() ? nullptr : it->second;
      const bool listed = base != nullptr && base->change != RegisterChange::kWithdrawn;
      SyncItem item{c.normal.key, c.normal.name, RegisterChange::kAdded, c.where, {}, {}};
      std::string day = today;
      if (!listed) {
        if (c.normal.withdrawn) {  // withdrawn in the input, and not in the register: as it is
          ++report.unchanged;
          continue;
        }
        const auto& status = c.entry.organization.record_status;
        if (status) day = status->period.start.date.ToString();
        ++report.added;
      } else if (base->digest == c.normal.digest) {
        ++report.unchanged;
        continue;
      } else {
        item.change = c.normal.withdrawn ? RegisterChange::kWithdrawn : RegisterChange::kChanged;
        if (c.normal.withdrawn) {
          day = c.entry.organization.record_status->period.end->date.ToString();
          ++report.withdrawn;
        } else {
          ++report.changed;
        }
        item.fields = Differences(base->record, c.normal.json);
      }
      sync.sends.push_back(Send(c, item, base, day, request, sync, now));
      report.items.push_back(std::move(item));
    }

    // Organizations of the register that the input no longer has.
    std::vector<Candidate> withdrawals;
    for (const auto& v : *sent) {
      if (v.change == RegisterChange::kWithdrawn || present.contains(v.key)) continue;
      auto withdrawal = Withdrawal(v, now, request, report);
      if (!withdrawal) continue;
      withdrawals.push_back(std::move(*withdrawal));
    }
    for (const Candidate& c : withdrawals) {
      const store::RegisterVersion* base = by_key.at(c.normal.key);
      SyncItem item{
          c.normal.key, c.normal.name, RegisterChange::kWithdrawn, "register as sent", {}, {}};
      sync.sends.push_back(Send(c, item, base, today, request, sync, now));
      report.items.push_back(std::move(item));
      ++report.withdrawn;
    }
    std::sort(report.items.begin(), report.items.end(),
              [](const SyncItem& a, const SyncItem& b) { return a.key < b.key; });

    const uint32_t withdrawing = static_cast<uint32_t>(withdrawals.size());
    if (!request.allow_withdrawals && withdrawing > 0 &&
        uint64_t{withdrawing} * 100 >
            uint64_t{settings.max_withdrawal_percent} * report.registered) {
      report.outcome = SyncOutcome::kWithdrawalGuard;
      report.refusal = "the sync would withdraw " + std::to_string(withdrawing) + " of the " +
                       std::to_string(report.registered) +
                       " organizations in the register, more than the " +
                       std::to_string(settings.max_withdrawal_percent) +
                       "% allowed: confirm with allowWithdrawals if the register really lost them";
      if (auto st = Record(request, now, report); !st) return st.error();
      return report;
    }
    if (request.dry_run) {
      report.outcome = SyncOutcome::kDryRun;
      return report;
    }
    if (sync.sends.empty()) {
      report.outcome = SyncOutcome::kNothingToSend;
      if (auto st = Record(request, now, report); !st) return st.error();
      return report;
    }
    report.outcome = SyncOutcome::kPlanned;
    Fill(sync, report);
    std::map<std::string, std::string> ids;
    std::vector<std::string> message_ids;
    for (const auto& send : sync.sends) {
      ids.emplace(send.version.key, send.message.id);
      message_ids.push_back(send.message.id);
    }
    report.sync_id = sync.id;
    if (auto st = deps.journal->PlanSync(std::move(sync)); !st) return st.error();
    for (auto& item : report.items) item.message_id = ids[item.key];
    spdlog::info(
        "registry sync={} sender={} {}: {} added, {} changed, {} withdrawn, {} unchanged, "
        "{} invalid",
        report.sync_id, request.sender.name, request.sender.country, report.added, report.changed,
        report.withdrawn, report.unchanged, report.invalid.size());
    if (deps.take) deps.take(std::move(message_ids));
    return report;
  }

  store::PlannedSend Send(const Candidate& c, const SyncItem& item,
                          const store::RegisterVersion* base, const std::string& day,
                          const SyncRequest& request, const store::RegisterSync& sync,
                          TimePoint now) {
    store::PlannedSend send;
    store::NewMessage& m = send.message;
    m.id = NewTimeOrderedUuid(now, deps.random);
    m.direction = store::Direction::kOutbound;
    m.sender_country = request.sender.country;
    m.sender_participant = request.sender.participant;
    m.kind = std::string(model::KindName(model::DocumentKind::kRegisterEntry));
    m.e_doc_id = c.entry.header.e_doc_id;
    m.content_type = "application/xml";
    m.payload = c.xml;
    m.state = store::MessageState::kValidated;
    m.violations = c.verdict_json;
    m.at = now;
    store::RegisterVersion& v = send.version;
    v.direction = store::Direction::kOutbound;
    v.country = c.normal.country;
    v.key = c.normal.key;
    v.name = c.normal.name;
    v.change = item.change;
    v.change_day = day;
    v.digest = c.normal.digest;
    v.record = c.normal.json;
    v.groups = c.normal.groups;
    v.message_id = m.id;
    v.sync_id = sync.id;
    v.at = now;
    send.base = base == nullptr ? 0 : base->id;
    return send;
  }

  // The record as it was sent last, with its EndDateTime: the sync's moment.
  std::optional<Candidate> Withdrawal(const store::RegisterVersion& sent, TimePoint now,
                                      const SyncRequest& request, SyncReport& report) {
    Candidate c;
    c.where = "register as sent";
    auto entry = EntryOf(sent.record, deps.validator->catalog());
    if (!entry) {
      report.invalid.push_back({c.where, sent.key, sent.name, {ReadingViolation(entry.error())}});
      return std::nullopt;
    }
    c.entry = std::move(*entry);
    c.entry.header = Header(UtcDateTime(now));
    auto& status = c.entry.organization.record_status;
    if (!status) {
      // In the register since its first version went.
      DateTime start = UtcDateTime(sent.at);
      if (auto history = deps.journal->RegisterHistory(store::Direction::kOutbound, sent.key);
          history && !history->empty()) {
        start = UtcDateTime(history->front().at);
      }
      status = model::t3::RecordStatus{model::t3::ValidityPeriod{start, std::nullopt}};
    }
    status->period.end = UtcDateTime(now);
    c.normal = Normalise(c.entry);
    if (!Check(c, request, now, report)) return std::nullopt;
    return c;
  }
};

RegistrySync::RegistrySync(SyncDependencies deps, RegistrySettings settings)
    : impl_(std::make_shared<Impl>()) {
  impl_->deps = std::move(deps);
  impl_->settings = settings;
}

RegistrySync::~RegistrySync() {
  std::unique_lock lock(impl_->mutex);
  impl_->closing = true;
  impl_->waiting.clear();
  impl_->idle.wait(lock, [this] { return !impl_->running; });
}

void RegistrySync::Sync(SyncRequest request, std::function<void(Result<SyncReport>)> done) {
  impl_->Enqueue([impl = impl_.get(), request = std::move(request), done = std::move(done)] {
    Result<SyncReport> report = MakeError("registry.failed", "", "the sync did not run");
    try {
      report = impl->Run(request);
    } catch (const std::exception& e) {
      spdlog::error("registry sync sender={}: {}", request.sender.name, e.what());
      report = MakeError("registry.failed", "", e.what());
    }
    done(std::move(report));
  });
}

RegistrySync::Stats RegistrySync::stats() const {
  std::lock_guard lock(impl_->stats_mutex);
  return impl_->stats;
}

Result<SyncReport> RegistrySync::SyncAndWait(SyncRequest request) {
  std::promise<Result<SyncReport>> promise;
  auto future = promise.get_future();
  Sync(std::move(request), [&promise](Result<SyncReport> r) { promise.set_value(std::move(r)); });
  return future.get();
}

}  // namespace eaeu::registry
