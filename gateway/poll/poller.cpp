#include "poller.h"

#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

#include "delivery_endpoints.h"
#include "endpoint_url.h"
#include "http_client.h"
#include "ids.h"
#include "poll_auth.h"
#include "poll_plan.h"
#include "time_util.h"

namespace fieldgate::poll {

namespace {

using Clock = std::chrono::steady_clock;

constexpr auto kTick = std::chrono::milliseconds(200);

std::string path_of(const std::string& target) {
    return target.substr(0, target.find('?'));
}

}  // namespace

struct Poller::VendorPoll {
    std::optional<PollState> state;    // loaded from the store on the first slot
    Clock::time_point next_request{};  // no request to the vendor before this
    std::string endpoint;              // the origin the client is made for
    std::unique_ptr<http::HttpClient> client;
    std::shared_ptr<http::OAuth2TokenSource> tokens;  // auth scheme oauth2
    std::string tokens_for;                           // the oauth2 block they were made for
    std::string last_problem;                         // logged once until it changes
};

Poller::Poller(Vendors vendors, const SecretStore& secrets, store::Writer& writer,
               IngestService& ingest, http::ClientOptions connection)
    : vendors_(std::move(vendors)),
      secrets_(secrets),
      writer_(writer),
      ingest_(ingest),
      connection_(std::move(connection)) {}

Poller::~Poller() {
    stop();
}

void Poller::start() {
    thread_ = std::thread([this] { loop(); });
}

void Poller::stop() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
}

void Poller::loop() {
    Clock::duration wait = kTick;
    for (;;) {
        {
            std::unique_lock lock(mutex_);
            wake_.wait_for(lock, wait, [this] { return stopping_; });
            if (stopping_) return;
        }
        wait = kTick;               // at least this often: a reload may have added a vendor
        if (leads_ && !leads_()) {  // another gateway on the database polls
            leading_ = false;
            continue;
        }
        if (!leading_) {
            for (auto& [id, poll] : polls_) {
                poll->state.reset();
                poll->next_request = {};
            }
            leading_ = true;
        }
        const auto registry = vendors_();
        if (!registry) continue;
        for (const auto& [id, entry] : registry->vendors()) {
            if (!entry.spec.poll) continue;
            auto& poll = polls_[id];
            if (!poll) poll = std::make_unique<VendorPoll>();
            if (Clock::now() >= poll->next_request) slot(entry, *poll);
            wait = std::min(wait, std::max<Clock::duration>(poll->next_request - Clock::now(),
                                                            std::chrono::milliseconds(5)));
            std::lock_guard lock(mutex_);
            if (stopping_) return;
        }
    }
}

void Poller::slot(const VendorEntry& vendor, VendorPoll& poll) {
    const auto& id = vendor.spec.id;
    const auto interval = std::chrono::seconds(vendor.spec.poll->interval_s);
    try {
        if (!poll.state && !load_state(vendor, poll)) return;
        const auto outcome = attempt(vendor, poll);
        poll.next_request = Clock::now() + outcome.wait;
        report(vendor, poll, outcome);
        if (outcome.problem.empty()) return;
        const auto now = now_millis();
        writer_.run_sync([&](store::Transaction& db) {
            db.record_poll_failure(id, outcome.problem, format_utc(now),
                                   format_utc(now + outcome.wait));
        });
    } catch (const std::exception& e) {
        // The store refused (or the writer stopped): nothing of this page was committed, the
        // position did not move; the next slot asks again.
        spdlog::error("poll {}: {}", id, e.what());
        poll.state.reset();
        poll.next_request = Clock::now() + interval;
    }
}

// The position from the store; false when the store says the vendor's next request is still
// ahead (a restart inside an interval or a Retry-After): then it waits for that.
bool Poller::load_state(const VendorEntry& vendor, VendorPoll& poll) {
    const auto& id = vendor.spec.id;
    writer_.run_sync([&](store::Transaction& db) { poll.state = db.load_poll_state(id); });
    if (!poll.state) {
        poll.state = PollState{};
        poll.state->vendor = id;
        return true;
    }
    const auto not_before = parse_rfc3339(poll.state->next_request_at);
    const auto now = now_millis();
    if (!not_before || *not_before <= now) return true;
    // Never longer than a Retry-After may make it, whatever the clock did meanwhile.
    const auto ahead = std::min<std::chrono::milliseconds>(*not_before - now, kMaxRetryAfter);
    poll.next_request = Clock::now() + ahead;
    return false;
}

void Poller::report(const VendorEntry& vendor, VendorPoll& poll, const Outcome& outcome) {
    const auto& id = vendor.spec.id;
    if (outcome.problem.empty()) {
        if (!poll.last_problem.empty()) spdlog::info("poll {}: the vendor's API answers again", id);
    } else if (outcome.problem != poll.last_problem) {
        if (outcome.alert)
            spdlog::error("ALERT poll {}: {}; nothing is polled until it is fixed", id,
                          outcome.problem);
        else
            spdlog::warn("poll {}: {}; next request in {} s", id, outcome.problem,
                         outcome.wait.count());
    }
    poll.last_problem = outcome.problem;
}

Poller::Outcome Poller::attempt(const VendorEntry& vendor, VendorPoll& poll) {
    const auto& spec = *vendor.spec.poll;
    const auto interval = std::chrono::seconds(spec.interval_s);
    auto credentials = poll_credentials(spec, secrets_);
    if (!credentials.missing_secret.empty())
        return {"secret '" + credentials.missing_secret + "' is not configured; not polling",
                interval};
    std::string refused;
    const auto url = http::parse_endpoint_url(spec.url, refused);
    if (url) refused = http::refuse_plaintext(*url, spec.allow_insecure_http, "poll.url");
    if (!refused.empty()) return {"not polling: " + refused, interval};
    if (!poll.client || poll.endpoint != url->origin) {
        auto options = connection_;
        options.origin = url->origin;
        poll.client = std::make_unique<http::HttpClient>(std::move(options));
        poll.endpoint = url->origin;
    }
    if (auto problem = prepare_tokens(spec, poll); !problem.empty()) return {problem, interval};
    return page(vendor, poll, std::move(credentials.headers));
}

// The token source of scheme oauth2, made again when the vendor's oauth2 block changed.
// Returns the problem when it cannot be made.
std::string Poller::prepare_tokens(const PollSpec& spec, VendorPoll& poll) {
    if (!spec.oauth2) {
        poll.tokens.reset();
        return {};
    }
    const auto& o = *spec.oauth2;
    const auto key = o.token_url + "\n" + o.client_id + "\n" + o.client_secret + "\n" +
                     o.auth_method + "\n" + o.scope + "\n" + o.audience + "\n" + o.resource;
    if (poll.tokens && poll.tokens_for == key) return {};
    try {
        poll.tokens = delivery::oauth2_source(o, connection_, secrets_);
        poll.tokens_for = key;
        return {};
    } catch (const std::exception& e) {
        return std::string("not polling: ") + e.what();
    }
}

// GET with the vendor's credentials; an OAuth 2.0 token the API refuses (401) is replaced once.
http::ClientResponse Poller::fetch(const PollSpec& spec, VendorPoll& poll,
                                   const std::string& target, http::HeaderList headers) {
    const auto timeout = std::chrono::milliseconds(spec.timeout_ms);
    if (!poll.tokens) return poll.client->get(target, headers, timeout);
    headers.emplace_back("Authorization", "");
    return poll.tokens->send_authorized([&](const std::string& authorization) {
        headers.back().second = authorization;
        return poll.client->get(target, headers, timeout);
    });
}

namespace {

// The page the vendor's API answered, as it is kept and ingested.
std::shared_ptr<IngestRequest> page_request(const VendorEntry& vendor,
                                            const http::ClientResponse& response,
                                            const std::string& target) {
    const auto& id = vendor.spec.id;
    auto ingest = std::make_shared<IngestRequest>();
    ingest->vendor = id;
    ingest->source = "vendor:" + id;
    ingest->mapping_version = vendor.spec.mapping_version;
    ingest->raw.vendor = id;
    ingest->raw.channel = "poll";
    ingest->raw.received_at = now_utc();
    ingest->raw.content_type = response.header("content-type").value_or("application/json");
    ingest->raw.request_id = random_id("poll_");
    ingest->raw.headers_json = nlohmann::json{{"poll_target", target}}.dump();
    ingest->raw.body = response.body;
    return ingest;
}

void log_page(const std::string& vendor, const IngestReport& report) {
    spdlog::info(
        "poll {}: {} record(s): {} accepted, {} corrected, {} duplicate, {} late, {} refused",
        vendor, report.records.size(), report.count(Verdict::accepted),
        report.count(Verdict::corrected), report.count(Verdict::duplicate),
        report.count(Verdict::late),
        report.count(Verdict::rejected) + report.count(Verdict::conflict));
}

}  // namespace

Poller::Outcome Poller::page(const VendorEntry& vendor, VendorPoll& poll,
                             http::HeaderList headers) {
    const auto& spec = *vendor.spec.poll;
    const auto interval = std::chrono::seconds(spec.interval_s);
    PollState next = *poll.state;
    const auto target = next_target(spec, next, now_millis());
    headers.insert(headers.begin(), {"Accept", "application/json"});

    http::ClientResponse response;
    try {
        response = fetch(spec, poll, target, std::move(headers));
    } catch (const std::exception& e) {
        poll.client->close();
        Outcome o{std::string("cannot reach ") + spec.url + ": " + e.what(), interval};
        const auto* transport = dynamic_cast<const http::TransportError*>(&e);
        if (transport && http::is_certificate_problem(transport->failure())) {
            o.alert = true;
            o.problem = "the vendor's certificate is not accepted (" +
                        std::string(http::failure_name(transport->failure())) + "): " + o.problem;
        }
        return o;
    }
    if (response.status != 200) {
        const auto delay = next_request_delay(spec.interval_s, response.status,
                                              response.header("retry-after"), now_millis());
        auto problem = "GET " + path_of(target) + " answered " + std::to_string(response.status);
        if (delay.asked)
            problem +=
                "; Retry-After " + std::to_string(delay.asked->count()) + " s" +
                (delay.capped ? " taken as " + std::to_string(kMaxRetryAfter.count()) + " s" : "");
        return {problem, delay.wait};
    }

    auto ingest = page_request(vendor, response, target);
    ingest_.normalize(*ingest, *vendor.adapter, response.body);

    // A page that cannot be read is quarantined and the position stays: the next slot asks
    // for the same page again (a repeat only counts another attempt), so nothing is skipped.
    const bool unreadable = ingest->normalized.payload_error.has_value();
    // Parsed again only once the adapter took it (its depth and NUL checks passed).
    const auto page_json =
        unreadable ? nlohmann::json() : nlohmann::json::parse(response.body, nullptr, false);
    if (!unreadable) advance(spec, page_json, ingest->normalized.records.size(), next);
    const auto now = now_millis();
    next.updated_at = format_utc(now);
    next.next_request_at = format_utc(now + interval);

    // The page's outcomes and the next position commit together, or neither does.
    IngestOptions options;
    options.skip_empty = true;
    if (!unreadable)
        options.also = [&next](store::Transaction& db, const IngestReport&) {
            db.save_poll_state(next);
        };
    const auto answer = ingest_.run(ingest, std::move(options));
    if (answer.error) std::rethrow_exception(answer.error);
    if (!answer.committed()) throw std::runtime_error(answer.refusal->detail);
    if (unreadable)
        return {"page " + path_of(target) + " refused (" +
                    ingest->normalized.payload_error->detail +
                    "); kept in the quarantine, asked for again",
                interval};
    poll.state = next;
    if (!ingest->normalized.records.empty()) log_page(vendor.spec.id, answer.report);
    return {"", interval};
}

}  // namespace fieldgate::poll
