#include "delivery_worker.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <unordered_map>

#include "delivery_runtime.h"
#include "time_util.h"

namespace fieldgate::delivery {

using namespace detail;

DeliveryWorker::DeliveryWorker(DeliveryOptions options, std::vector<Endpoint> endpoints,
                               Renderer renderer, store::Writer& writer, store::ReadPool& reads,
                               const SecretStore& secrets)
    : options_(std::move(options)),
      renderer_(std::move(renderer)),
      writer_(writer),
      reads_(reads),
      secrets_(secrets),
      lease_owner_(make_lease_owner()) {
    options_.concurrency = std::max(1, options_.concurrency);
    // Renewed every third of a lease, and a pass comes at least every poll interval.
    options_.lease =
        std::max<std::chrono::milliseconds>(options_.lease, 3 * options_.poll_interval);
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
    for (const auto& s : db->endpoint_states()) {
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
    std::vector<std::int64_t> not_sent;  // claimed, never sent: another gateway may take them
    {
        std::lock_guard lock(mutex_);
        if (!started_ || stopping_) {
            stopping_ = true;
            return;
        }
        stopping_ = true;
        for (const auto& job : jobs_) {
            not_sent.push_back(job.row.event.id);
            leased_.erase(job.row.event.id);
        }
        jobs_.clear();
    }
    release_leases(not_sent);
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
    renew_leases();
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

        auto rows = next_rows(name, capacity);

        hand_out(i, std::move(rows), capacity, sys_now, next_wake);
    }
    return next_wake;
}

// Hands the rows of endpoint `i` that may go now to the senders, as far as `capacity` goes;
// brings `next_wake` forward to the first row that falls due later.
void DeliveryWorker::hand_out(std::size_t i, std::vector<store::PendingEvent> rows, int capacity,
                              std::chrono::sys_time<std::chrono::milliseconds> sys_now,
                              Clock::time_point& next_wake) {
    std::vector<Job> expired;
    std::vector<std::int64_t> not_taken;  // leased but not sent this pass: given back
    auto give_back = [&](std::int64_t id) {
        if (options_.leases) not_taken.push_back(id);  // without leases nothing is held
    };
    {
        std::lock_guard lock(mutex_);
        auto& rt = *endpoints_[i];
        std::unordered_set<std::string> seen;
        for (auto& row : rows) {
            // Only the first pending row of a work order may go: its head.
            if (capacity <= 0 || !seen.insert(row.event.work_order_id).second ||
                rt.orders_in_flight.count(row.event.work_order_id) ||
                settled_since_scan_.count(row.event.id)) {
                give_back(row.event.id);
                continue;
            }
            if (row.next_attempt_at) {
                const auto due = parse_rfc3339(*row.next_attempt_at);
                if (due && *due > sys_now) {
                    next_wake = std::min(
                        next_wake,
                        Clock::now() + std::chrono::duration_cast<Clock::duration>(*due - sys_now));
                    give_back(row.event.id);
                    continue;
                }
            }
            if (options_.leases) leased_.insert(row.event.id);
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
    release_leases(not_taken);
    for (auto& job : expired) {
        Attempt a;
        a.error = "expired: not delivered within " +
                  std::to_string(options_.dead_letter_after.count()) + " s";
        a.status = -1;
        settle(std::move(job), std::move(a));
    }
}

void DeliveryWorker::submit_write(std::function<void(store::Transaction&)> write,
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
                pause_for_store("recording an attempt failed: " + why);
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

void DeliveryWorker::pause_for_store(const std::string& why) {
    if (store_failures_++ == 0) spdlog::warn("delivery: pausing sends, the store failed: {}", why);
    store_retry_at_ =
        Clock::now() + std::max<Clock::duration>(options_.poll_interval,
                                                 pause_for(store_failures_, options_.max_pause));
}

void DeliveryWorker::finish(const Job& job) {
    {
        std::lock_guard lock(mutex_);
        auto& rt = *endpoints_[job.endpoint];
        rt.orders_in_flight.erase(job.row.event.work_order_id);
        leased_.erase(job.row.event.id);
        --rt.in_flight;
        --in_flight_;
        settled_since_scan_.insert(job.row.event.id);
        dirty_ = true;
    }
    wake_.notify_one();
}

}  // namespace fieldgate::delivery
