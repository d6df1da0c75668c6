#include "delivery_worker.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <unordered_map>

#include "time_util.h"
#include "webhook_signer.h"

namespace fieldgate::delivery {

namespace {

using Clock = std::chrono::steady_clock;

constexpr std::size_t kLagWindow = 4096;

// How long an unwell endpoint is left alone before the next probe: 1, 2, 5, 10, 30 s …
std::chrono::seconds pause_for(int opens, std::chrono::seconds max_pause) {
    static const std::chrono::seconds steps[] = {std::chrono::seconds(1), std::chrono::seconds(2),
                                                 std::chrono::seconds(5), std::chrono::seconds(10),
                                                 std::chrono::seconds(30)};
    const auto i = static_cast<std::size_t>(std::clamp(opens - 1, 0, 4));
    return std::min(steps[i], max_pause);
}

std::string utc_after(std::chrono::seconds delay) {
    return format_utc(now_millis() + std::chrono::duration_cast<std::chrono::milliseconds>(delay));
}

}  // namespace

struct DeliveryWorker::Runtime {
    Endpoint endpoint;
    http::EndpointUrl url;
    http::ClientOptions client;
    bool disabled = false;
    std::optional<std::string> disabled_reason;
    // circuit
    bool open = false;
    bool probing = false;
    int opens = 0;
    int consecutive_failures = 0;
    // The events of the current run of failures that went back on their own backoff: when the
    // run opens the circuit, they were the endpoint's failures too.
    std::vector<std::int64_t> failing_run;
    Clock::time_point paused_until{};
    // bookkeeping
    int in_flight = 0;
    std::unordered_set<std::string> orders_in_flight;
    std::uint64_t delivered = 0;
    std::uint64_t failed_attempts = 0;
    std::uint64_t dead_lettered = 0;
    std::string last_error;
    std::string certificate_problem;
    std::uint64_t certificate_failures = 0;
    std::vector<double> lags_ms;  // ring
    std::size_t lag_next = 0;
};

DeliveryWorker::DeliveryWorker(DeliveryOptions options, std::vector<Endpoint> endpoints,
                               Renderer renderer, store::Writer& writer, store::ReadPool& reads,
                               const SecretStore& secrets)
    : options_(std::move(options)),
      renderer_(std::move(renderer)),
      writer_(writer),
      reads_(reads),
      secrets_(secrets) {
    options_.concurrency = std::max(1, options_.concurrency);
    for (auto& e : endpoints) {
        std::string error;
        auto url = http::parse_endpoint_url(e.url, error);
        if (!url) throw std::invalid_argument("delivery endpoint " + e.name + ": " + error);
        if (auto refused = http::refuse_plaintext(*url, e.allow_insecure_http, e.name);
            !refused.empty())
            throw std::invalid_argument("delivery endpoint " + refused);
        auto rt = std::make_unique<Runtime>();
        rt->client.origin = url->origin;
        rt->client.tls = e.tls;
        rt->client.proxy = e.proxy;
        rt->client.no_proxy = e.no_proxy;
        rt->client.connect_timeout = options_.timeout;
        rt->endpoint = std::move(e);
        rt->url = *url;
        endpoints_.push_back(std::move(rt));
    }
    auto db = reads_.acquire();
    for (const auto& s : store::endpoint_states(*db)) {
        for (auto& rt : endpoints_) {
            if (rt->endpoint.name == s.name && s.state == "disabled") {
                rt->disabled = true;
                rt->disabled_reason = s.disabled_reason;
                spdlog::error(
                    "delivery: endpoint {} is disabled since {} ({}); enable it with "
                    "POST /v1/admin/endpoints/{}/enable",
                    s.name, s.disabled_at.value_or("?"), s.disabled_reason.value_or(""), s.name);
            }
        }
    }
}

DeliveryWorker::~DeliveryWorker() {
    stop();
}

void DeliveryWorker::start() {
    std::lock_guard lock(mutex_);
    if (started_) return;
    started_ = true;
    dispatcher_ = std::thread([this] { dispatch_loop(); });
    for (int i = 0; i < options_.concurrency; ++i) senders_.emplace_back([this] { sender_loop(); });
}

void DeliveryWorker::stop() {
    {
        std::lock_guard lock(mutex_);
        if (!started_ || stopping_) {
            stopping_ = true;
            return;
        }
        stopping_ = true;
        jobs_.clear();
    }
    wake_.notify_all();
    jobs_ready_.notify_all();
    if (dispatcher_.joinable()) dispatcher_.join();
    for (auto& t : senders_)
        if (t.joinable()) t.join();
    // The writer calls back after its commits; wait for those before going away.
    std::unique_lock lock(mutex_);
    writes_done_.wait(lock, [this] { return writes_outstanding_ == 0; });
}

void DeliveryWorker::notify() {
    {
        std::lock_guard lock(mutex_);
        dirty_ = true;
    }
    wake_.notify_one();
}

bool DeliveryWorker::enable(const std::string& name) {
    bool found = false;
    {
        std::lock_guard lock(mutex_);
        for (auto& rt : endpoints_) {
            if (rt->endpoint.name != name) continue;
            found = true;
            rt->disabled = false;
            rt->disabled_reason.reset();
            rt->open = rt->probing = false;
            rt->consecutive_failures = 0;
        }
    }
    if (found) {
        spdlog::warn("delivery: endpoint {} enabled again", name);
        notify();
    }
    return found;
}

std::vector<EndpointStatus> DeliveryWorker::status() const {
    std::lock_guard lock(mutex_);
    std::vector<EndpointStatus> out;
    for (const auto& rt : endpoints_) {
        EndpointStatus s;
        s.name = rt->endpoint.name;
        s.url = rt->endpoint.url;
        s.state = rt->disabled  ? "disabled"
                  : rt->open    ? "paused"
                  : rt->probing ? "probing"
                                : "active";
        s.disabled_reason = rt->disabled_reason;
        s.in_flight = rt->in_flight;
        s.delivered = rt->delivered;
        s.failed_attempts = rt->failed_attempts;
        s.dead_lettered = rt->dead_lettered;
        s.consecutive_failures = rt->consecutive_failures;
        s.last_error = rt->last_error;
        s.certificate_problem = rt->certificate_problem;
        s.certificate_failures = rt->certificate_failures;
        if (!rt->lags_ms.empty()) {
            auto lags = rt->lags_ms;
            std::sort(lags.begin(), lags.end());
            s.lag_p50_ms = lags[lags.size() / 2];
            s.lag_p99_ms = lags[std::min(lags.size() - 1, lags.size() * 99 / 100)];
        }
        out.push_back(std::move(s));
    }
    return out;
}

void DeliveryWorker::dispatch_loop() {
    for (;;) {
        Clock::time_point next_wake;
        {
            std::unique_lock lock(mutex_);
            if (stopping_) return;
            dirty_ = false;
        }
        try {
            next_wake = pass();
        } catch (const std::exception& e) {
            // A read that failed (busy, I/O) is tried again on the next pass.
            spdlog::warn("delivery: scanning the outbox failed: {}", e.what());
            next_wake = Clock::now() + options_.poll_interval;
        }
        std::unique_lock lock(mutex_);
        wake_.wait_until(lock, std::min(next_wake, Clock::now() + options_.poll_interval),
                         [this] { return stopping_ || dirty_; });
        if (stopping_) return;
    }
}

// One look at every endpoint: hand out the due head event of every work order that has none
// in flight, as far as capacity goes. Returns when something deferred falls due.
Clock::time_point DeliveryWorker::pass() {
    Clock::time_point next_wake = Clock::now() + options_.poll_interval;
    {
        std::lock_guard lock(mutex_);
        if (Clock::now() < store_retry_at_) return store_retry_at_;
    }
    const auto sys_now = now_millis();
    for (std::size_t i = 0; i < endpoints_.size(); ++i) {
        int capacity = 0;
        std::string name;
        {
            std::lock_guard lock(mutex_);
            auto& rt = *endpoints_[i];
            if (rt.disabled) continue;
            const auto now = Clock::now();
            if (rt.open) {
                if (now < rt.paused_until) {
                    next_wake = std::min(next_wake, rt.paused_until);
                    continue;
                }
                rt.open = false;
                rt.probing = true;
            }
            capacity = rt.probing ? (rt.in_flight == 0 ? 1 : 0) : options_.concurrency - in_flight_;
            if (capacity <= 0) continue;
            name = rt.endpoint.name;
            settled_since_scan_.clear();
        }

        std::vector<store::PendingEvent> rows;
        {
            auto db = reads_.acquire();
            rows = store::pending_events(*db, name, 0, options_.scan_limit);
        }

        std::vector<Job> expired;
        {
            std::lock_guard lock(mutex_);
            auto& rt = *endpoints_[i];
            std::unordered_set<std::string> seen;
            for (auto& row : rows) {
                if (capacity <= 0) break;
                // Only the first pending row of a work order may go: its head.
                if (!seen.insert(row.event.work_order_id).second) continue;
                if (rt.orders_in_flight.count(row.event.work_order_id)) continue;
                if (settled_since_scan_.count(row.event.id)) continue;
                if (row.next_attempt_at) {
                    const auto due = parse_rfc3339(*row.next_attempt_at);
                    if (due && *due > sys_now) {
                        next_wake = std::min(
                            next_wake, Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                                          *due - sys_now));
                        continue;
                    }
                }
                rt.orders_in_flight.insert(row.event.work_order_id);
                ++rt.in_flight;
                ++in_flight_;
                --capacity;
                const auto created = parse_rfc3339(row.event.created_at);
                Job job{i, std::move(row)};
                if (created && sys_now - *created > options_.dead_letter_after)
                    expired.push_back(std::move(job));
                else
                    jobs_.push_back(std::move(job));
            }
        }
        jobs_ready_.notify_all();
        for (auto& job : expired) {
            Attempt a;
            a.error = "expired: not delivered within " +
                      std::to_string(options_.dead_letter_after.count()) + " s";
            a.status = -1;
            settle(std::move(job), std::move(a));
        }
    }
    return next_wake;
}

void DeliveryWorker::sender_loop() {
    std::vector<std::unique_ptr<http::HttpClient>> clients(endpoints_.size());
    for (;;) {
        Job job;
        {
            std::unique_lock lock(mutex_);
            jobs_ready_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
            if (stopping_) return;
            job = std::move(jobs_.front());
            jobs_.pop_front();
        }
        auto attempt = send(job, clients);
        settle(std::move(job), std::move(attempt));
    }
}

DeliveryWorker::Attempt DeliveryWorker::send(
    Job& job, std::vector<std::unique_ptr<http::HttpClient>>& clients) {
    const auto& rt = *endpoints_[job.endpoint];  // endpoint and url never change after start
    Attempt a;
    RenderedEvent rendered;
    try {
        auto db = reads_.acquire();
        rendered = renderer_(*db, rt.endpoint, job.row.event);
    } catch (const std::exception& e) {
        a.render_failed = true;
        a.error = std::string("cannot render the event: ") + e.what();
        return a;
    }
    if (auto over = over_body_limit(rendered)) {
        a.status = 413;  // what the CRM would answer; settled as its 413 is
        a.error = *over;
        return a;
    }
    const auto timestamp = std::chrono::duration_cast<std::chrono::seconds>(
                               std::chrono::system_clock::now().time_since_epoch())
                               .count();
    const WebhookSigner signer(secrets_.values(rt.endpoint.secret_name));
    http::HeaderList headers = {{"content-type", rendered.content_type},
                                {"webhook-id", rendered.id},
                                {"webhook-timestamp", std::to_string(timestamp)}};
    if (!signer.empty())
        headers.emplace_back("webhook-signature",
                             signer.sign(rendered.id, timestamp, rendered.body));
    auto& client = clients[job.endpoint];
    if (!client) client = std::make_unique<http::HttpClient>(rt.client);
    try {
        const auto response =
            post(rt.endpoint, *client, rt.url.target, std::move(headers), rendered.body);
        a.status = response.status;
        if (classify(a.status) != AttemptResult::delivered) {
            a.error = "HTTP " + std::to_string(a.status);
            if (!response.body.empty()) a.error += ": " + response.body.substr(0, 200);
        }
        if (auto ra = response.header("retry-after"))
            a.retry_after = parse_retry_after(*ra, std::chrono::system_clock::now());
    } catch (const http::TransportError& e) {
        a.error = e.what();
        if (http::is_certificate_problem(e.failure()))
            a.certificate_problem = std::string(http::failure_name(e.failure()));
    } catch (const std::exception& e) {  // no access token (the provider refused, ...)
        a.error = e.what();
    }
    return a;
}

// POSTs with the endpoint's credentials. An OAuth 2.0 token the endpoint refuses (401) is
// replaced once and the request sent again: tokens can be revoked or expire early.
http::ClientResponse DeliveryWorker::post(const Endpoint& endpoint, http::HttpClient& client,
                                          const std::string& target, http::HeaderList headers,
                                          const std::string& body) {
    if (!endpoint.bearer_secret.empty()) {
        const auto keys = secrets_.values(endpoint.bearer_secret);
        if (!keys.empty()) headers.emplace_back("authorization", "Bearer " + keys.front());
    }
    if (!endpoint.oauth2) return client.request("POST", target, headers, body, options_.timeout);
    auto token = endpoint.oauth2->token();
    headers.emplace_back("authorization", "Bearer " + token);
    auto response = client.request("POST", target, headers, body, options_.timeout);
    if (response.status != 401) return response;
    endpoint.oauth2->invalidate(token);
    token = endpoint.oauth2->token();
    headers.back().second = "Bearer " + token;
    return client.request("POST", target, headers, body, options_.timeout);
}

// A certificate we do not accept is not an outage that passes: someone must act. It pauses the
// endpoint like any endpoint-wide failure, and is an ALERT once per change of the problem.
void DeliveryWorker::note_certificate(Runtime& rt, const Attempt& attempt) {
    if (attempt.certificate_problem.empty()) {
        rt.certificate_problem.clear();
        return;
    }
    ++rt.certificate_failures;
    if (rt.certificate_problem != attempt.certificate_problem)
        spdlog::error(
            "ALERT delivery: endpoint {} refused: its certificate is not accepted ({}); sending "
            "is paused and nothing is marked delivered until it is fixed: {}",
            rt.endpoint.name, attempt.certificate_problem, attempt.error);
    rt.certificate_problem = attempt.certificate_problem;
}

// Decides what the attempt means for the event and the endpoint, records it durably, and only
// then lets the work order's next event go.
void DeliveryWorker::settle(Job job, Attempt attempt) {
    const auto id = job.row.event.id;
    const std::string now = now_utc();
    std::function<void(sqlite::Connection&)> write;
    bool release = false;
    std::vector<std::int64_t> earlier;  // deferred to the endpoint along with this attempt
    {
        std::lock_guard lock(mutex_);
        auto& rt = *endpoints_[job.endpoint];
        const auto result = attempt.render_failed || attempt.status < 0 ? AttemptResult::rejected
                                                                        : classify(attempt.status);
        const int status = attempt.status;
        switch (result) {
            case AttemptResult::delivered: {
                ++rt.delivered;
                release = rt.probing || rt.consecutive_failures > 0;
                rt.consecutive_failures = 0;
                rt.certificate_problem.clear();
                rt.failing_run.clear();
                rt.probing = rt.open = false;
                rt.opens = 0;
                if (const auto created = parse_rfc3339(job.row.event.created_at)) {
                    const double lag =
                        std::chrono::duration<double, std::milli>(now_millis() - *created).count();
                    if (rt.lags_ms.size() < kLagWindow)
                        rt.lags_ms.push_back(lag);
                    else
                        rt.lags_ms[rt.lag_next++ % kLagWindow] = lag;
                }
                write = [id, status, now](sqlite::Connection& db) {
                    store::mark_delivered(db, id, status, now);
                };
                break;
            }
            case AttemptResult::rejected: {
                ++rt.dead_lettered;
                rt.last_error = attempt.error;
                if (status == 413)  // a replay meets the same limit: someone has to look
                    spdlog::error(
                        "ALERT delivery: event {} of work order {} to {} is too large and is "
                        "dead-lettered ({}); a replay meets the same limit (the crm's are "
                        "listed in vendor health, crm_delivery.too_large)",
                        id, job.row.event.work_order_id, rt.endpoint.name, attempt.error);
                else
                    spdlog::warn("delivery: event {} to {} dead-lettered: {}", id, rt.endpoint.name,
                                 attempt.error);
                write = [id, status, now, error = attempt.error](sqlite::Connection& db) {
                    store::mark_dead(db, id, status, error, now);
                };
                break;
            }
            case AttemptResult::gone: {
                rt.disabled = true;
                rt.disabled_reason = "410 Gone at " + now;
                rt.last_error = attempt.error;
                spdlog::error(
                    "ALERT delivery: endpoint {} answered 410 Gone and is disabled; events wait "
                    "until staff enable it (POST /v1/admin/endpoints/{}/enable)",
                    rt.endpoint.name, rt.endpoint.name);
                write = [id, status, error = attempt.error, name = rt.endpoint.name,
                         reason = *rt.disabled_reason, now](sqlite::Connection& db) {
                    store::note_attempt(db, id, status, error);
                    store::set_endpoint_state(db, name, "disabled", reason, now);
                };
                break;
            }
            case AttemptResult::retry: {
                ++rt.failed_attempts;
                ++rt.consecutive_failures;
                rt.last_error = attempt.error;
                note_certificate(rt, attempt);
                const bool wide = endpoint_wide(status) || rt.consecutive_failures >= 3 ||
                                  rt.probing || !attempt.certificate_problem.empty();
                if (wide) {
                    ++rt.opens;
                    auto pause = pause_for(rt.opens, options_.max_pause);
                    if (attempt.retry_after && *attempt.retry_after > pause)
                        pause = *attempt.retry_after;
                    rt.open = true;
                    rt.probing = false;
                    rt.paused_until = Clock::now() + pause;
                    if (rt.opens == 1)
                        spdlog::warn(
                            "delivery: endpoint {} unwell ({}); pausing, probing every "
                            "{} s at most",
                            rt.endpoint.name, attempt.error, options_.max_pause.count());
                }
                // An event's own failure waits the step of its own failures: the attempts an
                // outage took from it say nothing about the event, and counting them would park
                // it for minutes or hours behind an endpoint that is well again.
                const int failures = wide ? job.row.attempts + 1 : job.row.event_failures + 1;
                const auto delay = options_.schedule.next_delay(failures, attempt.retry_after);
                if (wide)
                    earlier.swap(rt.failing_run);
                else if (delay)
                    rt.failing_run.push_back(id);
                if (!delay) {
                    ++rt.dead_lettered;
                    write = [id, status, now, error = "retries exhausted; last: " + attempt.error](
                                sqlite::Connection& db) {
                        store::mark_dead(db, id, status, error, now);
                    };
                } else {
                    write = [id, status, error = attempt.error, next = utc_after(*delay),
                             by =
                                 std::string(wide ? "endpoint" : "event")](sqlite::Connection& db) {
                        store::mark_retry(db, id, status, error, next, by);
                    };
                }
                break;
            }
        }
    }
    const std::string destination = endpoints_[job.endpoint]->endpoint.name;
    submit_write(
        [write = std::move(write), release, destination,
         earlier = std::move(earlier)](sqlite::Connection& db) {
            write(db);
            if (!earlier.empty()) store::defer_to_endpoint(db, earlier);
            if (release) store::release_endpoint_deferrals(db, destination);
        },
        [this, job = std::move(job)] { finish(job); });
}

void DeliveryWorker::submit_write(std::function<void(sqlite::Connection&)> write,
                                  std::function<void()> after) {
    {
        std::lock_guard lock(mutex_);
        ++writes_outstanding_;
    }
    auto done = [this, after](std::exception_ptr error) {
        // Not recorded: the event stays as it was and is sent again once the store takes writes
        // (the CRM de-duplicates by webhook-id). Until then sending pauses, 1, 2, 5 ... s.
        std::string why;
        if (error) {
            try {
                std::rethrow_exception(error);
            } catch (const std::exception& e) {
                why = e.what();
            } catch (...) {
                why = "unknown error";
            }
        }
        {
            std::lock_guard lock(mutex_);
            if (error) {
                if (store_failures_++ == 0)
                    spdlog::warn("delivery: recording an attempt failed, pausing sends: {}", why);
                store_retry_at_ =
                    Clock::now() +
                    std::max<Clock::duration>(options_.poll_interval,
                                              pause_for(store_failures_, options_.max_pause));
            } else if (store_failures_ > 0) {
                spdlog::warn("delivery: the store records attempts again (after {} failures)",
                             store_failures_);
                store_failures_ = 0;
            }
        }
        after();
        {
            std::lock_guard lock(mutex_);
            --writes_outstanding_;
        }
        writes_done_.notify_all();
    };
    if (!writer_.submit(std::move(write), done))
        done(std::make_exception_ptr(std::runtime_error("the store's write queue is full")));
}

void DeliveryWorker::finish(const Job& job) {
    {
        std::lock_guard lock(mutex_);
        auto& rt = *endpoints_[job.endpoint];
        rt.orders_in_flight.erase(job.row.event.work_order_id);
        --rt.in_flight;
        --in_flight_;
        settled_since_scan_.insert(job.row.event.id);
        dirty_ = true;
    }
    wake_.notify_one();
}

}  // namespace fieldgate::delivery
