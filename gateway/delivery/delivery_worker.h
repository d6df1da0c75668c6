// Drains the outbox: every pending row is rendered for its endpoint, signed the Standard
// Webhooks way and POSTed; strictly in order per work order, in parallel across work orders.
//
// Per event: delivered (2xx), retry (no answer, 408, 429, 5xx: next attempt on the backoff
// schedule, Retry-After honoured), rejected (other 4xx: dead letter), gone (410: the endpoint
// is disabled until staff enable it, the event waits).
// Per endpoint, a circuit: when the endpoint as a whole is unwell (refused, throttled, several
// failures in a row) sending pauses and one probe at a time goes out; when a probe is
// delivered, everything deferred because of the endpoint is due at once, so a backlog drains
// at full speed instead of waiting out each event's own backoff.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_set>
#include <vector>

#include "crm_profiles.h"
#include "endpoint.h"
#include "endpoint_url.h"
#include "http_client.h"
#include "outbox_leases.h"
#include "read_pool.h"
#include "retry_policy.h"
#include "secrets.h"
#include "transaction.h"
#include "writer.h"

namespace fieldgate::delivery {

struct DeliveryOptions {
    int concurrency = 16;  // requests in flight across all endpoints
    std::chrono::milliseconds timeout{10000};
    BackoffSchedule schedule;
    std::chrono::seconds dead_letter_after{std::chrono::hours(72)};
    std::chrono::milliseconds poll_interval{1000};
    std::chrono::seconds max_pause{30};  // longest wait between probes of an unwell endpoint
    int scan_limit = 2000;               // pending rows looked at per endpoint and pass
    // Several gateways deliver one outbox (PostgreSQL): each event is leased before it is sent
    // and the lease renewed while it is in flight; a gateway that dies gives its events up
    // when their leases run out. Null: this gateway alone delivers (SQLite).
    store::OutboxLeases* leases = nullptr;
    std::chrono::milliseconds lease{6000};
};

// Renders a pending row for its endpoint on a read connection. Throws when it cannot; the row
// then goes to the dead letters with the reason.
using Renderer =
    std::function<RenderedEvent(store::Transaction&, const Endpoint&, const store::OutboxEvent&)>;

struct EndpointStatus {
    std::string name;
    std::string url;
    std::string state;  // active | paused | probing | disabled
    std::optional<std::string> disabled_reason;
    int in_flight = 0;
    std::uint64_t delivered = 0;
    std::uint64_t failed_attempts = 0;
    std::uint64_t dead_lettered = 0;
    int consecutive_failures = 0;
    std::string last_error;
    // The last failure was the other side's certificate (untrusted, expired, wrong host):
    // its kind (tls_untrusted, tls_expired, tls_wrong_host), else empty.
    std::string certificate_problem;
    std::uint64_t certificate_failures = 0;
    double lag_p50_ms = 0;  // created -> delivered, over the last deliveries
    double lag_p99_ms = 0;
};

class DeliveryWorker {
  public:
    DeliveryWorker(DeliveryOptions options, std::vector<Endpoint> endpoints, Renderer renderer,
                   store::Writer& writer, store::ReadPool& reads, const SecretStore& secrets);
    ~DeliveryWorker();  // stop()
    DeliveryWorker(const DeliveryWorker&) = delete;
    DeliveryWorker& operator=(const DeliveryWorker&) = delete;

    void start();
    // Waits for requests in flight (bounded by the timeout) and their bookkeeping.
    void stop();
    // New outbox rows were committed (or dead letters replayed): look again now.
    void notify();
    // Staff: a disabled endpoint is enabled again; false when there is no such endpoint.
    bool enable(const std::string& name);
    std::vector<EndpointStatus> status() const;

  private:
    struct Runtime;
    struct Job {
        std::size_t endpoint = 0;
        store::PendingEvent row;
    };
    struct Attempt {
        int status = 0;
        std::string error;
        std::optional<std::chrono::seconds> retry_after;
        bool render_failed = false;
        // Reading the event to render it failed because the store did (down, cut off, busy):
        // nothing is recorded, the event is sent once the store answers again.
        bool store_failed = false;
        std::string certificate_problem;  // a TransportError that is a certificate problem
    };

    void dispatch_loop();
    void sender_loop();
    std::chrono::steady_clock::time_point pass();
    // The endpoint's candidates for this pass: leased (several gateways) or read (one).
    std::vector<store::PendingEvent> next_rows(const std::string& endpoint, int capacity);
    void hand_out(std::size_t endpoint, std::vector<store::PendingEvent> rows, int capacity,
                  std::chrono::sys_time<std::chrono::milliseconds> sys_now,
                  std::chrono::steady_clock::time_point& next_wake);
    void renew_leases();
    void release_leases(const std::vector<std::int64_t>& ids);
    static std::string make_lease_owner();
    Attempt send(Job& job, std::vector<std::unique_ptr<http::HttpClient>>& clients);
    http::ClientResponse post(const Endpoint& endpoint, http::HttpClient& client,
                              const std::string& target, http::HeaderList headers,
                              const std::string& body);
    // What settling an attempt writes, and what it releases or defers along with it.
    struct Settlement {
        std::function<void(store::Transaction&)> write;
        bool release = false;               // the endpoint is well: its deferred events go
        std::vector<std::int64_t> earlier;  // deferred to the endpoint along with this attempt
    };
    void settle(Job job, Attempt attempt);
    Settlement settle_delivered(Runtime& rt, const Job& job, int status, const std::string& now);
    Settlement settle_rejected(Runtime& rt, const Job& job, const Attempt& attempt,
                               const std::string& now);
    Settlement settle_gone(Runtime& rt, const Job& job, const Attempt& attempt,
                           const std::string& now);
    Settlement settle_retry(Runtime& rt, const Job& job, const Attempt& attempt,
                            const std::string& now);
    void note_certificate(Runtime& rt, const Attempt& attempt);
    void submit_write(std::function<void(store::Transaction&)> write, std::function<void()> after);
    // The store failed us (a write not recorded, a read not answered): sending pauses, 1, 2,
    // 5 ... s, since every answer would go unrecorded. Called with mutex_ held.
    void pause_for_store(const std::string& why);
    void finish(const Job& job);

    DeliveryOptions options_;
    Renderer renderer_;
    store::Writer& writer_;
    store::ReadPool& reads_;
    const SecretStore& secrets_;

    mutable std::mutex mutex_;
    std::condition_variable wake_;        // the dispatcher
    std::condition_variable jobs_ready_;  // the senders
    std::condition_variable writes_done_;
    std::vector<std::unique_ptr<Runtime>> endpoints_;
    std::deque<Job> jobs_;
    std::unordered_set<std::int64_t> settled_since_scan_;
    std::string lease_owner_;                  // this gateway, in the outbox's leases
    std::unordered_set<std::int64_t> leased_;  // events this gateway holds leases on
    std::chrono::steady_clock::time_point renewed_at_{};
    // The store could not record an attempt (disk full, I/O error): nothing is sent before
    // store_retry_at_, since every answer would go unrecorded and its event out again at once.
    int store_failures_ = 0;
    std::chrono::steady_clock::time_point store_retry_at_{};
    int in_flight_ = 0;
    int writes_outstanding_ = 0;
    bool dirty_ = true;
    bool stopping_ = false;
    bool started_ = false;
    std::thread dispatcher_;
    std::vector<std::thread> senders_;
};

}  // namespace fieldgate::delivery
