#include "receiver.h"

#include <ctime>

#include "event_parser.h"

namespace fieldgate::crm_sim {

namespace {

Reply problem(int status, std::string_view type, std::string_view title, std::string detail) {
    Reply r;
    r.status = status;
    r.content_type = "application/problem+json";
    r.body =
        nlohmann::ordered_json{{"type", "https://crm-sim.example/problems/" + std::string(type)},
                               {"title", title},
                               {"status", status},
                               {"detail", std::move(detail)}}
            .dump();
    return r;
}

// The answer of a fault mode, or nullopt when the event is to be looked at.
std::optional<Reply> fault_reply(const FaultMode& f) {
    switch (f.mode) {
        case Mode::kOk:
        case Mode::kSlow:
            return std::nullopt;
        case Mode::kDown: {
            // Only while the listener is being closed: the connection goes with the answer.
            auto r = problem(503, "down", "Service Unavailable", "the CRM is down");
            r.close = true;
            return r;
        }
        case Mode::kError500:
            return problem(500, "error500", "Internal Server Error", "simulated CRM failure");
        case Mode::kThrottle429: {
            auto r = problem(429, "throttle429", "Too Many Requests", "simulated CRM busy");
            r.headers.emplace_back("Retry-After", std::to_string(f.retry_after_s));
            return r;
        }
        case Mode::kGone410:
            return problem(410, "gone410", "Gone", "this CRM endpoint has been retired");
        case Mode::kReject400:
            return problem(400, "reject400", "Bad Request", "simulated: every event refused");
        case Mode::kTooLarge413:
            return problem(413, "too-large", "Content Too Large",
                           "simulated: every event refused as over the body limit");
    }
    return std::nullopt;
}

// RFC 6750 §3: the same answer for a missing, unknown and expired token.
Reply bearer_refusal() {
    auto r = problem(401, "invalid-token", "Unauthorized",
                     "a valid bearer token from /oauth2/token is required");
    r.headers.emplace_back("WWW-Authenticate",
                           "Bearer realm=\"fieldgate-crm-sim\", error=\"invalid_token\"");
    return r;
}

}  // namespace

std::string format_utc(std::chrono::system_clock::time_point t) {
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch());
    const std::time_t secs = static_cast<std::time_t>(ms.count() / 1000);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char out[96];  // room for any int the compiler imagines, so -Wformat-truncation is quiet
    std::snprintf(out, sizeof out, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                  tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                  static_cast<int>(ms.count() % 1000));
    return out;
}

Receiver::Receiver(WebhookVerifier verifier) : verifier_(std::move(verifier)) {}

Reply Receiver::receive(const Incoming& in, std::chrono::system_clock::time_point now) {
    std::lock_guard lock(mutex_);
    book_.count_received();
    Reply reply = decide(in, now);
    book_.count_answer(reply.status);
    return reply;
}

Reply Receiver::decide(const Incoming& in, std::chrono::system_clock::time_point now) {
    if (auto r = fault_reply(fault_)) {
        book_.count_faulted();
        return *r;
    }
    if (tokens_ && !tokens_->accepts(in.authorization, now)) {
        book_.count_bad_token();
        return bearer_refusal();
    }
    const auto verdict =
        verifier_.verify({in.webhook_id, in.webhook_timestamp, in.webhook_signature, in.body}, now);
    if (verdict != Verdict::kValid) {
        book_.count_bad_signature();
        return problem(401, "bad-signature", "Unauthorized", std::string(verdict_name(verdict)));
    }
    auto parsed = parse_event(in.content_type, in.body);
    if (!parsed.event) {
        book_.count_malformed();
        return problem(parsed.status, "malformed", "Bad Request", parsed.problem);
    }
    if (reject_ids_.contains(in.webhook_id)) {
        book_.count_rejected();
        return problem(400, "rejected", "Bad Request",
                       "webhook-id " + std::string(in.webhook_id) + " is on the reject list");
    }
    if (fail_first_n_ > 0 && ++attempts_[std::string(in.webhook_id)] <= fail_first_n_) {
        book_.count_faulted();
        return problem(500, "fail-first-n", "Internal Server Error",
                       "simulated failure of an early attempt");
    }

    StoredEvent e;
    e.webhook_id = in.webhook_id;
    e.profile = parsed.event->profile;
    e.subject = std::move(parsed.event->subject);
    e.sequence = std::move(parsed.event->sequence);
    e.type_or_status = std::move(parsed.event->type_or_status);
    e.received_at = format_utc(now);
    e.body = std::move(parsed.event->body);
    const std::string webhook_id = e.webhook_id;
    const auto admitted = book_.admit(std::move(e));
    if (admitted.admission == Admission::kStored && on_stored_) on_stored_(book_.events().back());

    Reply r;
    r.status = 200;
    r.body =
        nlohmann::ordered_json{
            {"status", admitted.admission == Admission::kStored ? "stored" : "duplicate"},
            {"webhook_id", webhook_id},
            {"out_of_order", admitted.out_of_order}}
            .dump();
    if (fault_.mode == Mode::kSlow) r.delay = std::chrono::milliseconds(fault_.delay_ms);
    return r;
}

void Receiver::require_tokens(TokenIssuer* issuer) {
    std::lock_guard lock(mutex_);
    tokens_ = issuer;
}

void Receiver::set_mode(const FaultMode& fault) {
    std::lock_guard lock(mutex_);
    fault_ = fault;
}

FaultMode Receiver::mode() const {
    std::lock_guard lock(mutex_);
    return fault_;
}

void Receiver::set_reject_ids(std::vector<std::string> ids) {
    std::lock_guard lock(mutex_);
    reject_ids_ = std::set<std::string, std::less<>>(ids.begin(), ids.end());
}

void Receiver::set_fail_first_n(int n) {
    std::lock_guard lock(mutex_);
    fail_first_n_ = n;
    attempts_.clear();
}

void Receiver::reset() {
    std::lock_guard lock(mutex_);
    book_.clear();
    reject_ids_.clear();
    fail_first_n_ = 0;
    attempts_.clear();
    if (tokens_) tokens_->reset();
    if (on_reset_) on_reset_();
}

void Receiver::on_reset(std::function<void()> callback) {
    std::lock_guard lock(mutex_);
    on_reset_ = std::move(callback);
}

Reply Receiver::too_large(std::size_t limit) {
    std::lock_guard lock(mutex_);
    book_.count_received();
    book_.count_malformed();
    auto r = problem(413, "too-large", "Content Too Large",
                     "the body is over " + std::to_string(limit) + " bytes");
    r.close = true;
    book_.count_answer(r.status);
    return r;
}

void Receiver::on_stored(std::function<void(const StoredEvent&)> callback) {
    std::lock_guard lock(mutex_);
    on_stored_ = std::move(callback);
}

Counters Receiver::counters() const {
    std::lock_guard lock(mutex_);
    return book_.counters();
}

nlohmann::ordered_json Receiver::events_json() const {
    std::lock_guard lock(mutex_);
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    for (const auto& e : book_.events()) out.push_back(to_json(e));
    return out;
}

nlohmann::ordered_json Receiver::report_json() const {
    std::lock_guard lock(mutex_);
    auto j = to_json(book_.counters());
    j["mode"] = mode_name(fault_.mode);
    j["delay_ms"] = fault_.delay_ms;
    j["retry_after_s"] = fault_.retry_after_s;
    j["reject_ids"] = reject_ids_;
    j["fail_first_n"] = fail_first_n_;
    j["oauth"] =
        tokens_ ? tokens_->report_json(std::chrono::system_clock::now()) : nlohmann::ordered_json();
    return j;
}

}  // namespace fieldgate::crm_sim
