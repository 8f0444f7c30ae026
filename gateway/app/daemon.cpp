#include <utility>
// Asio after <utility> (Boost 1.74 with GCC 12 in C++20).
#include "gateway/app/daemon.hpp"

#include "gateway/app/audit_archive.hpp"
#include "gateway/app/log.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <condition_variable>
#include <ctime>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

#include <unistd.h>

#include "codecs/json_codec.hpp"
#include "gateway/api/callers.hpp"
#include "gateway/api/console_files.hpp"
#include "gateway/api/gateway_metrics.hpp"
#include "gateway/api/rest.hpp"
#include "gateway/app/membership.hpp"
#include "gateway/calendar/calendar.hpp"
#include "gateway/core/current.hpp"
#include "gateway/deadlines/tracker.hpp"
#include "gateway/envelope/process_catalogue.hpp"
#include "gateway/envelope/reader.hpp"
#include "gateway/inbound/handover.hpp"
#include "gateway/inbound/receiver.hpp"
#include "gateway/intake/drop_folder.hpp"
#include "gateway/intake/pipeline.hpp"
#include "gateway/notify/notifier.hpp"
#include "gateway/registry/scheduled.hpp"
#include "gateway/registry/sync.hpp"
#include "gateway/route/delivery.hpp"
#include "gateway/sign/credentials.hpp"
#include "gateway/sign/detached.hpp"
#include "gateway/sign/signature.hpp"
#include "gateway/store/audit.hpp"
#include "gateway/store/postgres/journal.hpp"
#include "gateway/store/sqlite/journal.hpp"
#include "gateway/transport/asio_lane.hpp"
#include "gateway/transport/http_client.hpp"
#include "gateway/transport/http_server.hpp"
#include "gateway/validate/validator.hpp"
#include "gateway/xml/parser.hpp"

namespace eaeu::app {
namespace {

namespace asio = boost::asio;

Error Within(std::string part, const Error& e) {
  return MakeError(e.code, e.where, part + ": " + e.message);
}

// The signer of documents, and its key and certificate for what is not a document (the audit
// chain's seals).
struct LoadedSigner {
  std::shared_ptr<const sign::Signer> signer;
  std::shared_ptr<const sign::SigningCredentials> credentials;
};

Result<LoadedSigner> LoadSigner(const sign::SigningSettings& s, std::time_t now) {
  auto credentials = sign::LoadSigningCredentials(s);
  if (!credentials) return Within("signing", credentials.error());
  if (auto usable = (*credentials)->CheckUsable(now); !usable) {
    return Within("signing", usable.error());
  }
  auto signer = sign::MakeSigner(*credentials);
  if (!signer) return Within("signing", signer.error());
  return LoadedSigner{std::shared_ptr<const sign::Signer>(std::move(*signer)), *credentials};
}

Result<std::shared_ptr<const api::Callers>> LoadCallers(const api::ApiSettings& api) {
  std::vector<api::CertificateBinding> bindings;
  for (const auto& c : api.certificate_clients) {
    bindings.push_back({c.certificate_sha256,
                        {c.name, c.country, c.participant,
                         api::RoleFromName(c.role).value_or(api::Role::kNational)}});
  }
  auto callers = api::Callers::Load(api.tokens, std::move(bindings));
  if (!callers) return Within("api.tokens", callers.error());
  return callers;
}

// The verifier of received signatures: null without inbound.trust.
Result<std::shared_ptr<const sign::Verifier>> LoadVerifier(const config::DaemonConfig& c) {
  if (!c.inbound || c.inbound->trust.empty()) return std::shared_ptr<const sign::Verifier>();
  auto trust = sign::TrustStore::Load(c.inbound->trust);
  if (!trust) return Within("inbound.trust", trust.error());
  return std::shared_ptr<const sign::Verifier>(sign::MakeVerifier(*trust));
}

// The certificates the configuration names, by a name for the metric and the log: the signer's,
// the API's and the inbound endpoint's TLS certificates, and each route's client certificate.
std::vector<std::pair<std::string, std::filesystem::path>> ConfiguredCertificates(
    const config::DaemonConfig& c) {
  std::vector<std::pair<std::string, std::filesystem::path>> out;
  if (!c.signing.certificate.empty()) out.emplace_back("signing", c.signing.certificate);
  if (c.api.tls) out.emplace_back("api", c.api.tls->certificate);
  if (c.inbound && c.inbound->tls) out.emplace_back("inbound", c.inbound->tls->certificate);
  for (const auto& r : c.routes) {
    if (!r.client_certificate.empty()) out.emplace_back("route " + r.to, r.client_certificate);
  }
  return out;
}

// When each configured certificate expires; a warning for one that does within 30 days, an error
// for one that has.
std::map<std::string, std::time_t> CheckCertificates(const config::DaemonConfig& c,
                                                     std::time_t now) {
  constexpr std::time_t kWarnAhead = 30 * 24 * 3600;
  std::map<std::string, std::time_t> out;
  for (const auto& [name, file] : ConfiguredCertificates(c)) {
    auto facts = sign::ReadCertificateFacts(file);
    if (!facts) {
      spdlog::warn("certificate {}: {}", name, facts.error().ToString());
      continue;
    }
    out[name] = facts->not_after;
    const std::time_t left = facts->not_after - now;
    if (left < 0) {
      spdlog::error("certificate {} ({}) expired on {}", name, facts->subject,
                    FormatUtc(facts->not_after));
    } else if (left < kWarnAhead) {
      spdlog::warn("certificate {} ({}) expires on {}, in {} days: renew it and send SIGHUP", name,
                   facts->subject, FormatUtc(facts->not_after), left / (24 * 3600));
    }
  }
  return out;
}

// What the daemon loads from files before it opens anything: shared by start-up and
// --check-config.
struct Loaded {
  std::unique_ptr<validate::Validator> validator;
  envelope::ProcessCatalogue catalogue;
  std::shared_ptr<const sign::Signer> signer;
  std::shared_ptr<const sign::SigningCredentials> credentials;
  std::shared_ptr<const api::Callers> callers;
  std::shared_ptr<const sign::Verifier> verifier;
  std::shared_ptr<const calendar::Calendars> calendars;
};

// The member states' business-day calendars: null without [deadlines]. What is missing or
// provisional around `now` is logged.
Result<std::shared_ptr<const calendar::Calendars>> LoadCalendars(const config::DaemonConfig& c,
                                                                 std::time_t now) {
  if (!c.deadlines) {
    spdlog::warn("no [deadlines]: business days are counted by weekends only");
    return std::shared_ptr<const calendar::Calendars>();
  }
  auto calendars = calendar::Calendars::Load(c.deadlines->calendars);
  if (!calendars) return Within("deadlines.calendars", calendars.error());
  const int year = UtcDate(std::chrono::system_clock::from_time_t(now)).year;
  const auto years = calendars->Years(year - 1, year + 1);
  const bool all_official =
      std::all_of(years.begin(), years.end(), [](const auto& y) { return y.status == "official"; });
  spdlog::log(all_official ? spdlog::level::info : spdlog::level::warn, "{}",
              calendars->StatusLine(year - 1, year + 1));
  return std::make_shared<const calendar::Calendars>(std::move(*calendars));
}

Result<Loaded> LoadParts(const config::DaemonConfig& c, std::time_t now) {
  if (auto crypto = sign::InitialiseCrypto(c.openssl_config); !crypto) {
    return Within("daemon.openssl_config", crypto.error());
  }
  Loaded out;
  validate::ValidatorSettings vs;
  vs.schema_catalog = c.validation.schema_catalog;
  vs.code_lists = c.validation.code_lists;
  auto validator = validate::Validator::Create(vs);
  if (!validator) return Within("validation", validator.error());
  out.validator = std::move(*validator);
  spdlog::info("{}", out.validator->code_lists().StatusLine());
  if (!c.validation.suspension_history_complete) {
    spdlog::warn(
        "[validation] suspension_history = \"partial\": a resumption without its "
        "suspension in the journal is a warning (SN-04), not a refusal");
  }
  auto catalogue = envelope::LoadProcessCatalogue(c.process_catalogue);
  if (!catalogue) return Within("daemon.process_catalogue", catalogue.error());
  out.catalogue = std::move(*catalogue);
  auto signer = LoadSigner(c.signing, now);
  if (!signer) return signer.error();
  out.signer = std::move(signer->signer);
  out.credentials = std::move(signer->credentials);
  auto callers = LoadCallers(c.api);
  if (!callers) return callers.error();
  out.callers = std::move(*callers);
  auto verifier = LoadVerifier(c);
  if (!verifier) return verifier.error();
  out.verifier = std::move(*verifier);
  auto calendars = LoadCalendars(c, now);
  if (!calendars) return calendars.error();
  out.calendars = std::move(*calendars);
  if (c.inbound && c.inbound->handover.mode == inbound::HandoverMode::kFolder) {
    std::error_code ec;
    std::filesystem::create_directories(c.inbound->handover.folder, ec);
    if (ec) {
      return MakeError("config.invalid", c.inbound->handover.folder.string(),
                       "inbound.handover.folder: " + ec.message());
    }
  }
  return out;
}

}  // namespace

Status CheckDeployment(const config::DaemonConfig& config, std::time_t now) {
  auto loaded = LoadParts(config, now);
  if (!loaded) return loaded.error();
  return Ok{};
}

struct Daemon::Impl {
  config::DaemonConfig config;
  SystemClock system_clock;
  const Clock* clock = nullptr;
  RandomSource random;

  asio::io_context io;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> guard;
  asio::thread_pool pool;
  std::vector<std::thread> io_threads;
  std::optional<asio::signal_set> signals;

  Loaded parts;
  api::MetricsRegistry metrics;
  std::unique_ptr<store::Journal> journal;
  // The models of the documents just taken in, which the deadline tracker takes rather than
  // reading them back (core/recent.hpp): at most 32 MiB of documents, none over 1 MiB; kept once
  // the tracker follows the journal (a gateway of a cluster that does not lead keeps none).
  std::shared_ptr<Recent<model::Document>> recent_documents =
      std::make_shared<Recent<model::Document>>(
          RecentLimits{4096, size_t{32} << 20, size_t{1} << 20}, /*wanted=*/false);
  std::unique_ptr<intake::Pipeline> pipeline;
  std::unique_ptr<registry::RegistrySync> registry;
  std::unique_ptr<registry::ScheduledSync> scheduled_sync;  // when [registry] has a schedule
  std::unique_ptr<api::RestApi> rest;
  std::unique_ptr<transport::HttpServer> server;
  std::vector<std::unique_ptr<intake::DropFolder>> folders;

  // Delivery, when routes are configured, on a lane of its own.
  std::unique_ptr<transport::HttpClient> http;
  std::unique_ptr<xml::SecureParser> answer_parser;  // used in delivery's serial order only
  std::unique_ptr<route::DeliveryEngine> delivery;

  // The inbound endpoint and the handover to the national system, when [inbound] is configured.
  std::unique_ptr<inbound::Receiver> receiver;
  std::unique_ptr<transport::HttpServer> inbound_server;
  std::unique_ptr<inbound::Handover> handover;

  // The events of submitted messages posted to the national system, when [notify] is configured.
  std::unique_ptr<notify::Notifier> notifier;
  std::unique_ptr<notify::Notifier> sync_notifier;  // the register syncs, to the same webhook

  // The legal deadlines of the messages, and their moves posted when [deadlines] has a webhook.
  std::unique_ptr<deadlines::Tracker> tracker;
  std::unique_ptr<notify::Notifier> deadline_notifier;

  // A gateway of a cluster (a PostgreSQL journal shared by several): its lease, the work of the
  // gateways that are gone, the cluster-wide jobs when it leads.
  std::shared_ptr<Membership> membership;
  std::atomic<int> exit_code{0};
  // The audit chain's seals, and its retention, each on a lane of its own (made at the start).
  std::shared_ptr<Lane> seal_lane;
  std::shared_ptr<Lane> retention_lane;

  // The signing key and certificate, for the audit chain's seals (SIGHUP reloads them).
  std::shared_ptr<Current<sign::SigningCredentials>> credentials =
      std::make_shared<Current<sign::SigningCredentials>>();
  // Daemon::Reload, for the operators' API (set once the daemon is made).
  std::function<Status()> reload;
  // Observes each stage's latency into the metrics.
  StageObserver observe;

  // What SIGHUP reloads, held by whoever reads it (the lambdas below capture these, not Impl).
  std::shared_ptr<Current<api::Callers>> callers = std::make_shared<Current<api::Callers>>();
  std::shared_ptr<Current<sign::Verifier>> verifier = std::make_shared<Current<sign::Verifier>>();
  std::shared_ptr<Current<calendar::Calendars>> calendars =
      std::make_shared<Current<calendar::Calendars>>();
  // When each configured certificate expires (read at start and on SIGHUP).
  std::shared_ptr<Current<std::map<std::string, std::time_t>>> expiries =
      std::make_shared<Current<std::map<std::string, std::time_t>>>();

  mutable std::mutex mutex;  // guards the stop flags
  std::condition_variable stop_cv;
  bool stop_requested = false;
  bool stopped = false;
  // Whether the API takes documents: shared with its readiness check.
  std::shared_ptr<std::atomic<bool>> accepting = std::make_shared<std::atomic<bool>>(false);

  Impl(const config::DaemonConfig& c, uint32_t io_count, uint32_t workers)
      : config(c), io(static_cast<int>(io_count)), pool(workers) {}

  void Post(std::function<void()> job) {
    asio::post(pool, [job = std::move(job)] { transport::RunGuarded("worker", job); });
  }
  // Runs a job on the worker pool, guarded; what it captures is the pool's executor.
  std::function<void(std::function<void()>)> Workers() {
    return [executor = pool.get_executor()](std::function<void()> job) {
      asio::post(executor, [job = std::move(job)] { transport::RunGuarded("worker", job); });
    };
  }
  template <class T>
  static std::function<std::shared_ptr<const T>()> Reader(std::shared_ptr<Current<T>> current) {
    return [current = std::move(current)] { return current->Get(); };
  }
  transport::HttpClient& Http() {
    if (!http) http = std::make_unique<transport::HttpClient>(io);
    return *http;
  }

  // A lane of its own for one asynchronous component: a strand, its timers, the worker pool.
  std::shared_ptr<Lane> NewLane() {
    return transport::MakeAsioLane(
        io, [this](Lane::Job job) { Post(std::move(job)); }, clock);
  }

  // A received document as JSON (documents.md's JSON form): it was validated when it came, so
  // it is read, not checked again.
  std::function<Result<std::string>(std::string_view)> JsonOf() const {
    return [validator = parts.validator.get()](std::string_view xml) -> Result<std::string> {
      auto document = validator->Read(xml);
      if (!document) {
        return MakeError("handover.json", "",
                         "the document cannot be read as a model: " + document.error().message);
      }
      return codec::WriteJson(*document);
    };
  }

  void WaitForSignals(Daemon* daemon) {
    signals->async_wait([this, daemon](const boost::system::error_code& ec, int number) {
      if (ec) return;
      if (number == SIGHUP) {
        spdlog::info("SIGHUP: reloading keys, callers, TLS and routes");
        Post([daemon] {
          if (auto st = daemon->Reload(); !st) spdlog::error("reload: {}", st.error().ToString());
        });
        WaitForSignals(daemon);
        return;
      }
      spdlog::info("signal {}: shutting down", number);
      daemon->Shutdown();
    });
  }
};

namespace {

// The HTTP server settings of a listener of the configuration ([api] or [inbound]).
template <class Listener>
transport::HttpServerSettings ServerSettingsOf(const Listener& l) {
  transport::HttpServerSettings hs;
  hs.listen = l.listen;
  hs.tls = l.tls;
  hs.max_body_bytes = l.max_body_bytes;
  hs.request_timeout = l.request_timeout;
  hs.idle_timeout = l.idle_timeout;
  hs.max_connections = l.max_connections;
  return hs;
}

// The delivery engine on a lane of its own.
void StartDelivery(Daemon::Impl& d) {
  d.answer_parser =
      std::make_unique<xml::SecureParser>(d.parts.validator->grammar_pool(), xml::ParserLimits{});
  route::DeliveryDependencies deps;
  deps.journal = d.journal.get();
  deps.observe = d.observe;
  deps.catalogue = &d.parts.catalogue;
  deps.clock = d.clock;
  deps.random = d.random;
  deps.http = &d.Http();
  deps.lane = d.NewLane();
  // Answers to sends are read on the delivery's serial order only: one parser serves them.
  deps.read_envelope = [parser = d.answer_parser.get()](std::string_view bytes) {
    return envelope::Read(bytes, *parser);
  };
  d.delivery =
      std::make_unique<route::DeliveryEngine>(std::move(deps), d.config.delivery, d.config.routes);
}

// A notifier of `feed` posting to `webhook`, on a lane of its own; `section` names it in errors.
Status StartNotifier(Daemon::Impl& d, std::unique_ptr<notify::Notifier>& notifier,
                     const transport::WebhookSettings& settings, notify::Feed feed,
                     const char* section) {
  auto webhook = transport::Webhook::Load(settings);
  if (!webhook) return Within(section, webhook.error());
  notify::NotifierDependencies nd;
  nd.journal = d.journal.get();
  nd.clock = d.clock;
  nd.random = d.random;
  nd.http = &d.Http();
  nd.webhook = std::move(*webhook);
  nd.lane = d.NewLane();
  notifier = std::make_unique<notify::Notifier>(std::move(nd), std::move(feed),
                                                d.config.delivery.Backoff());
  return Ok{};
}

// The deadline tracker on a lane of its own, and the notifier of its moves when there is a webhook.
Status StartTracker(Daemon::Impl& d) {
  deadlines::TrackerDependencies td;
  td.journal = d.journal.get();
  td.clock = d.clock;
  td.calendars = Daemon::Impl::Reader(d.calendars);
  td.read = [validator = d.parts.validator.get()](
                std::shared_ptr<const std::string> xml) -> std::optional<model::Document> {
    auto read = validator->Read(std::move(xml));
    if (!read) {
      spdlog::warn("deadlines: {}", read.error().ToString());
      return std::nullopt;
    }
    return std::move(*read);
  };
  td.recent = d.recent_documents;
  td.lane = d.NewLane();
  deadlines::TrackerSettings ts;
  if (d.config.deadlines) ts.at_risk_days = static_cast<int>(d.config.deadlines->at_risk_days);
  d.tracker = std::make_unique<deadlines::Tracker>(std::move(td), ts);

  if (!d.config.deadlines || !d.config.deadlines->webhook) return Ok{};
  return StartNotifier(d, d.deadline_notifier, *d.config.deadlines->webhook,
                       deadlines::DeadlineFeed(*d.journal), "deadlines");
}

// The inbound endpoint, its receiver and the handover to the national system.
Status StartInbound(Daemon::Impl& d) {
  const inbound::InboundSettings& in = *d.config.inbound;
  inbound::HandoverDependencies hd;
  hd.journal = d.journal.get();
  hd.clock = d.clock;
  hd.random = d.random;
  if (in.handover.mode == inbound::HandoverMode::kWebhook) {
    auto webhook = transport::Webhook::Load(in.handover.webhook);
    if (!webhook) return Within("inbound.handover", webhook.error());
    hd.webhook = std::move(*webhook);
    hd.http = &d.Http();
  }
  hd.lane = d.NewLane();
  hd.to_json = d.JsonOf();
  d.handover =
      std::make_unique<inbound::Handover>(std::move(hd), in.handover, d.config.delivery.Backoff());

  inbound::ReceiverDependencies rd;
  rd.journal = d.journal.get();
  rd.validator = d.parts.validator.get();
  rd.catalogue = &d.parts.catalogue;
  rd.clock = d.clock;
  rd.random = d.random;
  rd.post = d.Workers();
  rd.verifier = Daemon::Impl::Reader(d.verifier);
  rd.calendars = Daemon::Impl::Reader(d.calendars);
  if (d.delivery) {
    rd.answered = [delivery = d.delivery.get()](envelope::Received m) {
      delivery->Answer(std::move(m));
    };
  }
  rd.taken = [handover = d.handover.get()](const std::string& id) { handover->Take(id); };
  d.receiver = std::make_unique<inbound::Receiver>(
      std::move(rd), inbound::ReceiverSettings{in.country, in.peer_certificates});

  const transport::HttpServerSettings hs = ServerSettingsOf(in);
  const inbound::Receiver* receiver = d.receiver.get();
  auto server = transport::HttpServer::Start(
      d.io, hs,
      [receiver](transport::HttpRequest r, transport::Respond respond) {
        receiver->Handle(std::move(r), std::move(respond));
      },
      [](unsigned status, std::string detail) {
        transport::HttpResponse r;
        r.status = status;
        r.content_type = "text/plain";
        r.body = std::move(detail) + "\n";
        return r;
      });
  if (!server) return Within("inbound", server.error());
  d.inbound_server = std::move(*server);
  return Ok{};
}

}  // namespace

namespace {

// The name of this process among the gateways of a cluster: the configured one (or the host's)
// and a suffix of its own, so that a gateway started again never takes itself for the one that
// stopped (whose work it claims like any other's once that lease has run out).
std::string InstanceName(const std::string& configured, RandomSource& random) {
  std::string base = configured;
  if (base.empty()) {
    char host[256] = {};
    base = ::gethostname(host, sizeof host - 1) == 0 && host[0] != '\0' ? host : "gateway";
  }
  const uint64_t r = random();
  static constexpr char kHex[] = "0123456789abcdef";
  std::string suffix;
  for (int i = 0; i < 6; ++i) suffix += kHex[(r >> (4 * i)) & 0xF];
  return base + "-" + suffix;
}

// The journal the configuration names: a SQLite file (its folder made), or a PostgreSQL database
// with its password read from where the configuration says, joined under this process's name.
Result<std::unique_ptr<store::Journal>> OpenJournal(const store::JournalSettings& s,
                                                    RandomSource& random) {
  if (s.backend == "postgresql") {
    store::PostgresJournalOptions o;
    o.url = s.url;
    o.instance = InstanceName(s.instance, random);
    o.lease = s.lease;
    o.readers = s.readers;
    o.max_batch = s.max_batch;
    if (!s.password_file.empty() || !s.password_env.empty()) {
      auto password = sign::ReadPassword({s.password_file, s.password_env});
      if (!password) return password.error();
      o.password = password->value_or("");
    }
    auto journal = store::PostgresJournal::Open(o);
    if (!journal) return journal.error();
    return std::unique_ptr<store::Journal>(std::move(*journal));
  }
  std::error_code ec;
  std::filesystem::create_directories(s.file.parent_path(), ec);
  store::SqliteJournalOptions o;
  o.file = s.file;
  o.readers = s.readers;
  o.max_batch = s.max_batch;
  auto journal = store::SqliteJournal::Open(o);
  if (!journal) return journal.error();
  return std::unique_ptr<store::Journal>(std::move(*journal));
}

}  // namespace

Result<std::unique_ptr<Daemon>> Daemon::Create(const config::DaemonConfig& config,
                                               DaemonHooks hooks) {
  auto impl = std::make_unique<Impl>(config, config.io_threads, config.worker_threads);
  impl->clock = hooks.clock != nullptr ? hooks.clock : &impl->system_clock;
  impl->random = hooks.random ? hooks.random : SystemRandom();
  const auto now = std::chrono::system_clock::to_time_t(impl->clock->Now());

  auto parts = LoadParts(config, now);
  if (!parts) return parts.error();
  impl->parts = std::move(*parts);
  impl->callers->Set(impl->parts.callers);
  impl->credentials->Set(impl->parts.credentials);
  impl->verifier->Set(impl->parts.verifier);
  impl->calendars->Set(impl->parts.calendars);

  auto journal = OpenJournal(config.journal, impl->random);
  if (!journal) return Within("journal", journal.error());
  impl->journal = std::move(*journal);

  // Each stage's latency, the journal's commits and their sizes, as histograms.
  impl->observe = api::AddStageHistograms(impl->metrics);
  api::ObserveJournalCommits(impl->metrics, *impl->journal);

  intake::PipelineDependencies deps;
  deps.journal = impl->journal.get();
  deps.observe = impl->observe;
  deps.validator = impl->parts.validator.get();
  deps.catalogue = &impl->parts.catalogue;
  deps.clock = impl->clock;
  deps.random = impl->random;
  deps.post = impl->Workers();
  deps.calendars = Impl::Reader(impl->calendars);
  deps.certificate_history_complete = config.validation.suspension_history_complete;
  deps.recent = impl->recent_documents;
  if (!config.routes.empty()) {
    StartDelivery(*impl);
    deps.queued = [delivery = impl->delivery.get()](store::OutboundMessage m) {
      delivery->Enqueue(std::move(m));
    };
  } else {
    spdlog::warn("no [[route]] is configured: messages stay queued, nothing is delivered");
  }
  impl->pipeline = std::make_unique<intake::Pipeline>(std::move(deps), impl->parts.signer);

  registry::SyncDependencies sd;
  sd.journal = impl->journal.get();
  sd.validator = impl->parts.validator.get();
  sd.clock = impl->clock;
  sd.random = impl->random;
  sd.post = impl->Workers();
  sd.calendars = Impl::Reader(impl->calendars);
  sd.take = [pipeline = impl->pipeline.get()](std::vector<std::string> ids) {
    pipeline->Take(ids);
  };
  impl->registry = std::make_unique<registry::RegistrySync>(std::move(sd), config.registry);
  if (const auto& scheduled = config.registry.scheduled) {
    auto schedule = Schedule::Parse(scheduled->schedule);
    if (!schedule) return Within("registry", schedule.error());
    impl->scheduled_sync = std::make_unique<registry::ScheduledSync>(
        *impl->registry, impl->clock, impl->NewLane(), std::move(*schedule), *scheduled);
  }

  if (auto st = StartTracker(*impl); !st) return st.error();
  api::RestDependencies rd;
  rd.pipeline = impl->pipeline.get();
  rd.registry = impl->registry.get();
  rd.tracker = impl->tracker.get();
  rd.calendars = Impl::Reader(impl->calendars);
  rd.catalog = &impl->parts.validator->catalog();
  rd.clock = impl->clock;
  rd.random = impl->random;
  rd.read = [validator = impl->parts.validator.get()](
                std::string_view xml) -> std::optional<model::Document> {
    auto document = validator->Read(xml);
    if (!document) return std::nullopt;
    return std::move(*document);
  };
  rd.journal = impl->journal.get();
  rd.callers = Impl::Reader(impl->callers);
  rd.post = impl->Workers();
  rd.ready = [accepting = impl->accepting](std::string& why) {
    if (!*accepting) {
      why = "the gateway is starting or stopping";
      return false;
    }
    return true;
  };
  rd.metrics = [metrics = &impl->metrics] { return metrics->Text(); };
  rd.request_seconds = &api::AddRequestHistogram(impl->metrics);
  const int at_risk_days = config.deadlines ? static_cast<int>(config.deadlines->at_risk_days) : 3;
  rd.standing = [clock = impl->clock, calendars = impl->calendars,
                 at_risk_days](const store::TrackedDeadline& d) {
    return deadlines::StandingOf(d, clock->Now(), at_risk_days, calendars->Get().get());
  };
  if (impl->delivery) {
    rd.requeue = [delivery = impl->delivery.get()](std::string id, std::string by,
                                                   std::function<void(Status)> done) {
      delivery->Requeue(std::move(id), std::move(by), std::move(done));
    };
    rd.cancel = [delivery = impl->delivery.get()](std::string id, std::string to, std::string by,
                                                  std::string reason,
                                                  std::function<void(Status)> done) {
      delivery->Cancel(std::move(id), std::move(to), std::move(by), std::move(reason),
                       std::move(done));
    };
    rd.routes = [delivery = impl->delivery.get()](
                    std::function<void(std::vector<route::DeliveryEngine::RouteHealth>)> done) {
      delivery->Health(std::move(done));
    };
  }
  rd.reload = [d = impl.get()]() -> Status {
    if (!d->reload) return MakeError("daemon.reload", "", "the gateway is not started");
    return d->reload();
  };
  rd.certificates = Impl::Reader(impl->expiries);
  rd.console = &api::ConsoleFiles();
  rd.open_metrics = config.api.open_metrics;
  if (config.inbound) {
    rd.inbound_country = config.inbound->country;
    rd.acknowledge = [journal = impl->journal.get(), clock = impl->clock](const std::string& id,
                                                                          const std::string& by) {
      return inbound::Handover::Acknowledge(*journal, id, by, clock->Now());
    };
    rd.to_json = impl->JsonOf();
  }
  impl->rest = std::make_unique<api::RestApi>(std::move(rd));

  const transport::HttpServerSettings hs = ServerSettingsOf(config.api);
  const api::RestApi* rest = impl->rest.get();
  auto server = transport::HttpServer::Start(
      impl->io, hs,
      [rest](transport::HttpRequest r, transport::Respond respond) {
        rest->Handle(std::move(r), std::move(respond));
      },
      [](unsigned status, std::string detail) {
        return api::RestApi::ServerProblem(status, std::move(detail));
      });
  if (!server) return Within("api", server.error());
  impl->server = std::move(*server);
  if (config.inbound) {
    if (auto st = StartInbound(*impl); !st) return st.error();
  }
  if (config.notify) {
    if (auto st =
            StartNotifier(*impl, impl->notifier, config.notify->webhook,
                          notify::MessageFeed(*impl->journal, config.notify->events), "notify");
        !st) {
      return st.error();
    }
    if (auto st = StartNotifier(*impl, impl->sync_notifier, config.notify->webhook,
                                notify::SyncFeed(*impl->journal), "notify");
        !st) {
      return st.error();
    }
  }

  api::GatewayParts measured;
  measured.pipeline = impl->pipeline.get();
  measured.journal = impl->journal.get();
  measured.delivery = impl->delivery.get();
  measured.receiver = impl->receiver.get();
  measured.handover = impl->handover.get();
  measured.notifier = impl->notifier.get();
  measured.sync_notifier = impl->sync_notifier.get();
  measured.registry = impl->registry.get();
  measured.scheduled_sync = impl->scheduled_sync.get();
  measured.tracker = impl->tracker.get();
  measured.deadline_notifier = impl->deadline_notifier.get();
  measured.open_connections = [server = impl->server.get()] { return server->open_connections(); };
  api::RegisterGatewayMetrics(impl->metrics, measured);
  impl->expiries->Set(std::make_shared<const std::map<std::string, std::time_t>>(
      CheckCertificates(config, std::chrono::system_clock::to_time_t(impl->clock->Now()))));
  impl->metrics.Gauge(
      "eaeu_certificate_expiry_seconds",
      "Seconds until each configured certificate expires (negative: expired); a warning is logged "
      "30 days before.",
      [expiries = impl->expiries, clock = impl->clock] {
        std::vector<api::MetricSample> out;
        const auto all = expiries->Get();
        if (!all) return out;
        const std::time_t at = std::chrono::system_clock::to_time_t(clock->Now());
        for (const auto& [name, not_after] : *all) {
          out.push_back({{{"certificate", name}}, static_cast<double>(not_after - at)});
        }
        return out;
      });

  if (hooks.handle_signals) {
    impl->signals.emplace(impl->io, SIGTERM, SIGINT, SIGHUP);
  }
  return std::unique_ptr<Daemon>(new Daemon(std::move(impl)));
}

Daemon::Daemon(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {
  impl_->reload = [this] { return Reload(); };
}

Daemon::~Daemon() {
  Shutdown();
  Wait();
}

namespace {

// Seals the audit chain with the signing key (store/audit.hpp); `why` for the log. Blocking.
void SealChain(Daemon::Impl& d, const char* why) {
  const auto credentials = d.credentials->Get();
  if (!credentials || !d.journal) return;
  auto sealed = d.journal->SealAudit(
      [credentials](uint64_t seq, std::string_view head) -> Result<store::AuditSeal> {
        auto s = sign::SignDetached(*credentials, store::AuditSealText(seq, head));
        if (!s) return s.error();
        return store::AuditSeal{s->algorithm, s->signature, s->certificate};
      },
      d.clock->Now());
  if (!sealed) {
    spdlog::error("audit: the chain could not be sealed ({}): {}", why, sealed.error().ToString());
  } else if (*sealed) {
    spdlog::info("audit: the chain is sealed ({})", why);
  }
}

// Seals the chain every [journal] audit_seal_every: a lone gateway, or the leader of a cluster.
void ScheduleSeals(Daemon::Impl& d) {
  const auto every = d.config.journal.audit_seal_every;
  if (every.count() == 0) return;
  d.seal_lane->WakeAt(d.clock->Now() + every, [&d] {
    if (!d.membership || d.membership->leading()) {
      d.Post([&d] { SealChain(d, "periodic"); });
    }
    ScheduleSeals(d);
  });
}

// Retention (app/audit_archive.hpp): the months of the audit chain older than [journal]
// audit_retention_years move to their archive files. Blocking.
void RetireAudit(Daemon::Impl& d) {
  const auto credentials = d.credentials->Get();
  const auto& settings = d.config.journal;
  if (!credentials || !d.journal || settings.audit_retention_years == 0) return;
  // PostgreSQL's password, read again each time (a rotated file is taken); none for SQLite.
  auto password = sign::ReadPassword({settings.password_file, settings.password_env});
  if (!password) {
    spdlog::error("audit retention: {}", password.error().ToString());
    return;
  }
  auto moved =
      RetireAuditMonths(*d.journal, settings, password->value_or(""), *credentials, d.clock->Now());
  if (!moved) {
    spdlog::error("audit retention: {}", moved.error().ToString());
    return;
  }
  for (const auto& m : *moved) {
    spdlog::info("audit retention: {} ({} entries, {} to {}) moved to {}", m.month, m.entries,
                 m.first, m.last, (settings.audit_archive_dir / m.file).string());
  }
}

// Retention at the start and then every hour (there is work in the first hour of a month only): a
// lone gateway, or the leader of a cluster.
void ScheduleRetention(Daemon::Impl& d, std::chrono::system_clock::time_point at) {
  if (d.config.journal.audit_retention_years == 0) return;
  d.retention_lane->WakeAt(at, [&d] {
    if (!d.membership || d.membership->leading()) d.Post([&d] { RetireAudit(d); });
    ScheduleRetention(d, d.clock->Now() + std::chrono::hours(1));
  });
}

// The jobs a cluster runs once (a lone gateway runs them itself): the notifiers, the scheduled
// register sync and the deadline tracker's following and counting.
Status StartJobs(Daemon::Impl& d) {
  if (d.notifier) {
    if (auto st = d.notifier->Start(); !st) return Within("notify", st.error());
  }
  if (d.sync_notifier) {
    if (auto st = d.sync_notifier->Start(); !st) return Within("notify", st.error());
  }
  if (d.scheduled_sync) d.scheduled_sync->Start();
  if (auto st = d.tracker->Start(); !st) return Within("deadlines", st.error());
  if (d.deadline_notifier) {
    if (auto st = d.deadline_notifier->Start(); !st) {
      return Within("deadlines", st.error());
    }
  }
  return Ok{};
}

// Unfinished messages claimed from gateways of the cluster that are gone, each to the part that
// does what is left of it.
void Adopt(Daemon::Impl& d, std::vector<store::ClaimedMessage> claimed) {
  std::vector<std::string> to_sign;
  for (auto& m : claimed) {
    if (m.direction == store::Direction::kInbound) {
      if (d.handover) d.handover->Adopt(std::move(m.id), m.state);
    } else if (m.state == store::MessageState::kValidated ||
               m.state == store::MessageState::kSigned) {
      to_sign.push_back(std::move(m.id));
    } else if (d.delivery) {
      d.delivery->Adopt(std::move(m.id));
    }
  }
  if (!to_sign.empty()) d.pipeline->Take(to_sign);
}

}  // namespace

Status Daemon::Start() {
  Impl& d = *impl_;
  d.guard.emplace(asio::make_work_guard(d.io));
  if (d.signals) d.WaitForSignals(this);
  for (uint32_t i = 0; i < d.config.io_threads; ++i) {
    d.io_threads.emplace_back([&d] { d.io.run(); });
  }
  d.tracker->Serve();
  d.seal_lane = d.NewLane();
  ScheduleSeals(d);
  d.retention_lane = d.NewLane();
  ScheduleRetention(d, d.clock->Now());
  if (d.journal->instance().empty()) {
    auto resumed = d.pipeline->Resume();
    if (!resumed) return Within("journal", resumed.error());
    if (*resumed > 0) spdlog::info("resumed {} messages from the journal", *resumed);
    if (d.delivery) {
      auto delivering = d.delivery->Resume();
      if (!delivering) return Within("delivery", delivering.error());
      if (*delivering > 0) spdlog::info("took on the delivery of {} messages", *delivering);
    }
    if (d.handover) {
      auto waiting = d.handover->Resume();
      if (!waiting) return Within("inbound", waiting.error());
      if (*waiting > 0) {
        spdlog::info("{} received documents wait for the national system", *waiting);
      }
    }
    if (auto st = StartJobs(d); !st) return st;
  } else {
    MembershipParts mp;
    mp.journal = d.journal.get();
    mp.lease = d.config.journal.lease;
    mp.adopt = [&d](std::vector<store::ClaimedMessage> claimed) { Adopt(d, std::move(claimed)); };
    mp.lead = [&d] {
      if (auto st = StartJobs(d); !st) spdlog::error("cluster: {}", st.error().ToString());
    };
    mp.lost = [this] {
      impl_->exit_code = 75;  // EX_TEMPFAIL: its supervisor starts it again
      Shutdown();
    };
    d.membership = std::make_shared<Membership>(std::move(mp));
    // Held weakly: the journal's listener may call after the membership has stopped.
    d.journal->OnReleased([weak = std::weak_ptr<Membership>(d.membership)] {
      if (auto membership = weak.lock()) membership->BeatSoon();
    });
    if (auto st = d.membership->Start(); !st) return Within("cluster", st.error());
    spdlog::info("cluster: {} joined ({}), lease {} ms", d.journal->instance(),
                 d.membership->leading() ? "leading the cluster-wide jobs" : "a member",
                 d.config.journal.lease.count());
  }
  for (const auto& folder : d.config.drop_folders) {
    auto started = intake::DropFolder::Start(
        d.io, folder, *d.pipeline, [&d](std::function<void()> job) { d.Post(std::move(job)); });
    if (!started) return Within("drop_folder", started.error());
    d.folders.push_back(std::move(*started));
  }
  *d.accepting = true;
  spdlog::info("eaeu-gatewayd listening on {}:{} ({}), journal {}", d.config.api.listen.host,
               d.server->port(), d.config.api.tls ? "TLS" : "plain HTTP, loopback",
               d.config.journal.file.string());
  if (d.inbound_server) {
    spdlog::info("inbound endpoint for {} on {}:{} ({})", d.receiver->address(),
                 d.config.inbound->listen.host, d.inbound_server->port(),
                 d.config.inbound->tls ? "TLS" : "plain HTTP, loopback");
  }
  return Ok{};
}

void Daemon::Shutdown() {
  std::lock_guard lock(impl_->mutex);
  impl_->stop_requested = true;
  impl_->stop_cv.notify_all();
}

void Daemon::Wait() {
  Impl& d = *impl_;
  {
    std::unique_lock lock(d.mutex);
    d.stop_cv.wait(lock, [&d] { return d.stop_requested; });
    if (d.stopped) return;
    d.stopped = true;
  }
  *d.accepting = false;
  if (d.journal) d.journal->OnReleased(nullptr);
  d.membership.reset();  // no more claims or jobs taken on
  if (d.server) d.server->Stop();
  if (d.inbound_server) d.inbound_server->Stop();
  for (auto& f : d.folders) f->Stop();
  if (d.pipeline && !d.pipeline->WaitIdle(d.config.shutdown_grace)) {
    spdlog::warn(
        "shutdown: work still in flight after {} ms; the journal resumes it at the next "
        "start",
        d.config.shutdown_grace.count());
  }
  if (d.signals) {
    boost::system::error_code ec;
    d.signals->cancel(ec);
  }
  d.guard.reset();
  d.io.stop();
  for (auto& t : d.io_threads) t.join();
  d.io_threads.clear();
  d.pool.join();
  if (d.journal) d.journal->WaitIdle();  // its callbacks call the parts below
  d.delivery.reset();                    // what is on the wire is sent again at the next start
  d.handover.reset();                    // what waits is handed over at the next start
  d.scheduled_sync.reset();              // a sync under way finished with the pool
  d.notifier.reset();  // the journal's cursor says which events are still to be posted
  d.sync_notifier.reset();
  d.tracker.reset();  // and which changes are still to be taken
  d.deadline_notifier.reset();
  d.http.reset();
  d.inbound_server.reset();
  d.receiver.reset();
  d.folders.clear();
  d.server.reset();
  if (d.journal) {
    SealChain(d, "the gateway stops");
    // What this gateway of a cluster still holds is released for the others to take at once.
    if (auto left = d.journal->Leave(); !left) {
      spdlog::warn(
          "cluster: {} did not leave cleanly ({}); the others take its work when its "
          "lease runs out",
          d.journal->instance(), left.error().ToString());
    }
  }
  d.journal.reset();  // finishes the changes in flight, then closes the file
  spdlog::info("eaeu-gatewayd stopped");
}

Status Daemon::Reload() {
  Impl& d = *impl_;
  std::vector<std::string> problems;
  auto signer = LoadSigner(d.config.signing, std::chrono::system_clock::to_time_t(d.clock->Now()));
  if (signer) {
    d.pipeline->SetSigner(signer->signer);
    d.credentials->Set(signer->credentials);
  } else {
    problems.push_back(signer.error().ToString());
  }
  if (auto callers = LoadCallers(d.config.api)) {
    d.callers->Set(*callers);
  } else {
    problems.push_back(callers.error().ToString());
  }
  if (auto tls = d.server->ReloadTls(); !tls) problems.push_back(tls.error().ToString());
  d.expiries->Set(std::make_shared<const std::map<std::string, std::time_t>>(
      CheckCertificates(d.config, std::chrono::system_clock::to_time_t(d.clock->Now()))));
  if (d.inbound_server) {
    if (auto tls = d.inbound_server->ReloadTls(); !tls) {
      problems.push_back("inbound: " + tls.error().ToString());
    }
    if (auto verifier = LoadVerifier(d.config)) {
      d.verifier->Set(*verifier);
    } else {
      problems.push_back(verifier.error().ToString());
    }
  }
  if (auto calendars =
          LoadCalendars(d.config, std::chrono::system_clock::to_time_t(d.clock->Now()))) {
    d.calendars->Set(*calendars);
    if (!d.membership || d.membership->leading()) d.tracker->Recount();
  } else {
    problems.push_back(calendars.error().ToString());
  }
  // Routes and retry settings come from the configuration file, read again; the rest of it
  // (addresses, threads, the journal) takes a restart.
  auto fresh = config::LoadDaemonConfig(d.config.file);
  if (fresh && fresh->log.level) {
    spdlog::warn("log level {} from [log] level", *fresh->log.level);
    SetLogLevel(*fresh->log.level);
  }
  if (!fresh) {
    problems.push_back(fresh.error().ToString());
  } else if (d.delivery) {
    d.delivery->Reconfigure(fresh->delivery, fresh->routes);
  } else if (!fresh->routes.empty()) {
    problems.push_back("routes were added: restart the daemon to start delivering");
  }
  if (auto resumed = d.pipeline->Resume(); !resumed) {
    problems.push_back(resumed.error().ToString());
  }
  if (!problems.empty()) {
    std::string all;
    for (const auto& p : problems) all += (all.empty() ? "" : "; ") + p;
    return MakeError("daemon.reload", "", all);
  }
  spdlog::info("reloaded");
  return Ok{};
}

void Daemon::HandleApi(transport::HttpRequest request, transport::Respond respond) const {
  impl_->rest->Handle(std::move(request), std::move(respond));
}

int Daemon::exit_code() const {
  return impl_->exit_code;
}

uint16_t Daemon::api_port() const {
  return impl_->server ? impl_->server->port() : 0;
}

uint16_t Daemon::inbound_port() const {
  return impl_->inbound_server ? impl_->inbound_server->port() : 0;
}

}  // namespace eaeu::app
