// One event request in, one answer out: fault mode, signature, body, reject_ids,
// fail_first_n, then the event book. Transport-free and thread-safe; the HTTP edge only copies
// headers in and the Reply out.
#pragma once

#include <chrono>
#include <functional>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "event_book.h"
#include "fault_mode.h"
#include "reply.h"
#include "token_issuer.h"
#include "webhook_verifier.h"

namespace fieldgate::crm_sim {

struct Incoming {
    std::string_view content_type;
    std::string_view webhook_id;
    std::string_view webhook_timestamp;
    std::string_view webhook_signature;
    std::string_view body;
    std::string_view authorization;  // checked only when OAuth is on
};

class Receiver {
  public:
    explicit Receiver(WebhookVerifier verifier);

    Reply receive(const Incoming& in, std::chrono::system_clock::time_point now);

    // OAuth on: from now on an event needs a bearer token `issuer` accepts (checked after the
    // fault mode, before the signature). Called before serving; the issuer outlives the
    // receiver.
    void require_tokens(TokenIssuer* issuer);
    TokenIssuer* tokens() const { return tokens_; }

    void set_mode(const FaultMode& fault);
    FaultMode mode() const;
    void set_reject_ids(std::vector<std::string> ids);
    // The first n attempts of every webhook-id are answered 500; counting starts afresh.
    void set_fail_first_n(int n);
    // Forgets every event, counter, reject_id and fail_first_n, and the token counters and
    // refuse_tokens (issued tokens stay valid; the mode is the caller's).
    void reset();
    // Run under the lock: for every newly stored event in arrival order, and on reset(), so
    // an --events-out file follows the book exactly.
    void on_stored(std::function<void(const StoredEvent&)> callback);
    void on_reset(std::function<void()> callback);
    // A request whose body was over the limit: counted (received, malformed) and answered 413.
    Reply too_large(std::size_t limit);

    Counters counters() const;
    nlohmann::ordered_json events_json() const;
    nlohmann::ordered_json report_json() const;

  private:
    Reply decide(const Incoming& in, std::chrono::system_clock::time_point now);

    const WebhookVerifier verifier_;
    TokenIssuer* tokens_ = nullptr;
    mutable std::mutex mutex_;
    EventBook book_;
    FaultMode fault_;
    std::set<std::string, std::less<>> reject_ids_;
    int fail_first_n_ = 0;
    std::unordered_map<std::string, int> attempts_;  // per webhook-id, while fail_first_n > 0
    std::function<void(const StoredEvent&)> on_stored_;
    std::function<void()> on_reset_;
};

// RFC 3339 UTC with milliseconds: 2026-02-03T17:04:05.123Z
std::string format_utc(std::chrono::system_clock::time_point t);

}  // namespace fieldgate::crm_sim
