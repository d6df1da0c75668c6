#include "poller.h"

#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

#include "delivery_endpoints.h"
#include "endpoint_url.h"
#include "http_client.h"
#include "ids.h"
#include "poll_plan.h"
#include "time_util.h"

namespace fieldgate::poll {

namespace {

constexpr auto kTick = std::chrono::milliseconds(200);

}  // namespace

struct Poller::VendorPoll {
    std::optional<PollState> state;  // loaded from the store on the first cycle
    std::chrono::steady_clock::time_point due{};
    std::string endpoint;  // the origin the client is made for
    std::unique_ptr<http::HttpClient> client;
    std::shared_ptr<http::OAuth2TokenSource> tokens;  // auth scheme oauth2
    std::string tokens_for;                           // the oauth2 block they were made for
    std::string last_problem;                         // logged once until it changes
};

Poller::Poller(Vendors vendors, const SecretStore& secrets, store::Writer& writer,
               IngestContext context, http::ClientOptions connection)
    : vendors_(std::move(vendors)),
      secrets_(secrets),
      writer_(writer),
      context_(std::move(context)),
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
    for (;;) {
        {
            std::unique_lock lock(mutex_);
            wake_.wait_for(lock, kTick, [this] { return stopping_; });
            if (stopping_) return;
        }
        const auto registry = vendors_();
        if (!registry) continue;
        for (const auto& [id, entry] : registry->vendors()) {
            if (!entry.spec.poll) continue;
            auto& poll = polls_[id];
            if (!poll) poll = std::make_unique<VendorPoll>();
            const auto now = std::chrono::steady_clock::now();
            if (now < poll->due) continue;
            poll->due = now + std::chrono::seconds(entry.spec.poll->interval_s);
            try {
                cycle(entry, *poll);
            } catch (const std::exception& e) {
                // The store refused (or the writer stopped): nothing of this page was
                // committed, the position did not move; the next cycle asks again.
                spdlog::error("poll {}: {}", id, e.what());
                poll->state.reset();
            }
            std::lock_guard lock(mutex_);
            if (stopping_) return;
        }
    }
}

void Poller::cycle(const VendorEntry& vendor, VendorPoll& poll) {
    const auto& spec = *vendor.spec.poll;
    const auto& secret = spec.oauth2 ? spec.oauth2->client_secret : spec.secret;
    if (spec.auth_scheme != "none" && secrets_.values(secret).empty()) {
        const auto problem = "secret '" + secret + "' is not configured; not polling";
        if (problem != poll.last_problem) spdlog::warn("poll {}: {}", vendor.spec.id, problem);
        poll.last_problem = problem;
        return;
    }
    if (!poll.state) {
        writer_.run_sync(
            [&](sqlite::Connection& db) { poll.state = load_poll_state(db, vendor.spec.id); });
        if (!poll.state) poll.state = PollState{vendor.spec.id, "", "", "", "", 0, 0, ""};
    }
    std::string refused;
    const auto url = http::parse_endpoint_url(spec.url, refused);
    if (url) refused = http::refuse_plaintext(*url, spec.allow_insecure_http, "poll.url");
    if (!refused.empty()) {
        if (refused != poll.last_problem)
            spdlog::error("poll {}: not polling: {}", vendor.spec.id, refused);
        poll.last_problem = refused;
        return;
    }
    if (!poll.client || poll.endpoint != url->origin) {
        auto options = connection_;
        options.origin = url->origin;
        poll.client = std::make_unique<http::HttpClient>(std::move(options));
        poll.endpoint = url->origin;
    }
    if (!prepare_tokens(spec, poll)) return;
    for (int n = 0; n < spec.max_pages_per_cycle; ++n) {
        {
            std::lock_guard lock(mutex_);
            if (stopping_) return;
        }
        if (!page(vendor, poll)) return;
    }
}

// The token source of scheme oauth2, made again when the vendor's oauth2 block changed.
bool Poller::prepare_tokens(const PollSpec& spec, VendorPoll& poll) {
    if (!spec.oauth2) {
        poll.tokens.reset();
        return true;
    }
    const auto& o = *spec.oauth2;
    const auto key = o.token_url + "\n" + o.client_id + "\n" + o.client_secret + "\n" +
                     o.auth_method + "\n" + o.scope + "\n" + o.audience + "\n" + o.resource;
    if (poll.tokens && poll.tokens_for == key) return true;
    try {
        poll.tokens = delivery::oauth2_source(o, connection_, secrets_);
        poll.tokens_for = key;
        return true;
    } catch (const std::exception& e) {
        const std::string problem = std::string("not polling: ") + e.what();
        if (problem != poll.last_problem) spdlog::error("poll {}: {}", spec.url, problem);
        poll.last_problem = problem;
        return false;
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

bool Poller::page(const VendorEntry& vendor, VendorPoll& poll) {
    const auto& spec = *vendor.spec.poll;
    const auto& id = vendor.spec.id;
    PollState next = *poll.state;
    const auto target = next_target(spec, next, now_millis());
    http::HeaderList headers = {{"Accept", "application/json"}};
    if (spec.auth_scheme != "none" && spec.auth_scheme != "oauth2") {
        const auto keys = secrets_.values(spec.secret);  // may have changed since the cycle began
        if (keys.empty()) return false;
        if (spec.auth_scheme == "bearer")
            headers.emplace_back("Authorization", "Bearer " + keys.front());
        else
            headers.emplace_back(spec.auth_header, keys.front());
    }

    http::ClientResponse response;
    try {
        response = fetch(spec, poll, target, std::move(headers));
    } catch (const std::exception& e) {
        const auto problem = std::string("cannot reach ") + spec.url + ": " + e.what();
        const auto* transport = dynamic_cast<const http::TransportError*>(&e);
        if (problem != poll.last_problem && transport &&
            http::is_certificate_problem(transport->failure()))
            spdlog::error(
                "ALERT poll {}: the vendor's certificate is not accepted ({}); "
                "nothing is polled until it is fixed: {}",
                id, http::failure_name(transport->failure()), problem);
        else if (problem != poll.last_problem)
            spdlog::warn("poll {}: {}", id, problem);
        poll.last_problem = problem;
        poll.client->close();
        return false;
    }
    if (response.status != 200) {
        const auto problem = "GET " + target + " answered " + std::to_string(response.status) +
                             "; retrying next interval";
        if (problem != poll.last_problem) spdlog::warn("poll {}: {}", id, problem);
        poll.last_problem = problem;
        return false;
    }
    poll.last_problem.clear();

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
    ingest->normalized = vendor.adapter->normalize(response.body);
    prepare_ingest(*ingest);

    // A page that cannot be read is quarantined and the position stays: the next cycle asks
    // for the same page again (a repeat only counts another attempt), so nothing is skipped.
    const bool unreadable = ingest->normalized.payload_error.has_value();
    // Parsed again only once the adapter took it (its depth and NUL checks passed).
    const auto page_json =
        unreadable ? nlohmann::json() : nlohmann::json::parse(response.body, nullptr, false);
    bool more = false;
    if (!unreadable) more = advance(spec, page_json, ingest->normalized.records.size(), next);
    next.updated_at = now_utc();

    IngestReport report;
    writer_.run_sync([&](sqlite::Connection& db) {
        if (unreadable || !ingest->normalized.records.empty())
            report = apply_ingest(db, context_, *ingest);
        if (!unreadable) save_poll_state(db, next);
    });
    if (unreadable) {
        spdlog::warn(
            "poll {}: page {} refused ({}); kept in the quarantine, asking again next "
            "interval",
            id, target, ingest->normalized.payload_error->detail);
        return false;
    }
    poll.state = next;
    if (!ingest->normalized.records.empty()) {
        spdlog::info(
            "poll {}: {} record(s): {} accepted, {} corrected, {} duplicate, {} late, {} refused",
            id, report.records.size(), report.count(Verdict::accepted),
            report.count(Verdict::corrected), report.count(Verdict::duplicate),
            report.count(Verdict::late),
            report.count(Verdict::rejected) + report.count(Verdict::conflict));
    }
    return more;
}

}  // namespace fieldgate::poll
