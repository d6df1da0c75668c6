#include "pickups_service.h"

#include <algorithm>
#include <charconv>

#include "http_basic.h"
#include "url_escape.h"

namespace fieldgate::poll_sim {

namespace {

http::Response json_answer(int status, const nlohmann::json& body) {
    http::Response r;
    r.status = status;
    r.body = body.dump();
    return r;
}

http::Response error(int status, const std::string& message) {
    return json_answer(status, {{"error", message}});
}

std::optional<std::size_t> number(const std::optional<std::string>& text) {
    if (!text) return std::nullopt;
    std::size_t n = 0;
    const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), n);
    if (ec != std::errc() || end != text->data() + text->size()) return std::nullopt;
    return n;
}

}  // namespace

void PickupsService::handle(http::Request request, http::Respond respond) {
    const bool api = request.method == "GET" && (request.path == dialect_.list_path ||
                                                 request.path == "/api/v2/pickups/changes");
    if (api) {
        // Every API request is logged with its answer, for the tests' timing checks.
        const auto at_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                               std::chrono::system_clock::now().time_since_epoch())
                               .count();
        http::Respond logged = [this, at_ms, respond](http::Response r) {
            {
                std::lock_guard lock(fail_mutex_);
                requests_.push_back({{"at_ms", at_ms}, {"status", r.status}});
            }
            respond(std::move(r));
        };
        if (request.path == dialect_.list_path) return list(request, logged);
        return changes(request, logged);
    }
    if (request.path == "/control/orders" && request.method == "POST")
        return control_orders(request, respond);
    if (request.path == "/control/fail" && request.method == "POST") {
        const auto body = nlohmann::json::parse(request.body, nullptr, false);
        if (!body.is_object()) return respond(error(400, "body must be a JSON object"));
        std::lock_guard lock(fail_mutex_);
        fail_count_ = body.value("count", 1);
        fail_status_ = body.value("status", 503);
        fail_retry_after_ = body.value("retry_after", "");
        return respond(json_answer(200, {{"failing_next", fail_count_}}));
    }
    if (request.path == "/control/stats" && request.method == "GET")
        return respond(json_answer(200, stats()));
    respond(error(404, "no route for " + request.method + " " + request.path));
}

nlohmann::json PickupsService::stats() {
    std::lock_guard lock(fail_mutex_);
    return {{"pickups", book_.size()},
            {"list_requests", list_requests_.load()},
            {"pickups_served", served_.load()},
            {"failed", failed_.load()},
            {"too_early", too_early_},
            {"window_starts", window_starts_},
            {"requests", requests_}};
}

// Sooner than min_interval_ after the previous accepted request, or before the Retry-After the
// vendor last answered has passed.
bool PickupsService::too_early(http::Respond& respond) {
    const auto now = std::chrono::steady_clock::now();
    std::chrono::steady_clock::duration left{};
    {
        std::lock_guard lock(fail_mutex_);
        auto allowed_at = not_before_.value_or(now);
        if (last_request_ && min_interval_.count() > 0)
            allowed_at = std::max(allowed_at, *last_request_ + min_interval_);
        if (now >= allowed_at) {
            last_request_ = now;  // a refused request does not move the vendor's clock
            return false;
        }
        ++too_early_;
        left = allowed_at - now;
    }
    const auto seconds = std::chrono::ceil<std::chrono::seconds>(left).count();
    auto r = error(429, "too early: one request per " + std::to_string(min_interval_.count()) +
                            " ms, and none before a Retry-After has passed");
    r.headers.push_back({"retry-after", std::to_string(std::max<long long>(seconds, 1))});
    respond(std::move(r));
    return true;
}

std::string PickupsService::credentials_refused(const http::Request& request) const {
    if (!auth_.api_key.empty()) {
        const auto key = request.header("x-riverbend-key");
        if (!key || *key != auth_.api_key) return "X-Riverbend-Key is missing or wrong";
    }
    for (const auto& [name, value] : auth_.headers) {
        const auto given = request.header(name);
        if (!given || *given != value) return name + " is missing or wrong";
    }
    if (!auth_.basic_user.empty()) {
        const auto given = request.header("authorization");
        if (!given || *given != basic_authorization(auth_.basic_user, auth_.basic_password))
            return "Basic credentials are missing or wrong";
    }
    return {};
}

bool PickupsService::allowed(const http::Request& request, http::Respond& respond) {
    if (too_early(respond)) return false;
    if (const auto refused = credentials_refused(request); !refused.empty()) {
        respond(error(401, refused));
        return false;
    }
    ++list_requests_;
    http::Response failure;
    {
        std::lock_guard lock(fail_mutex_);
        if (fail_count_ <= 0) return true;
        --fail_count_;
        ++failed_;
        failure = error(fail_status_, "temporarily unavailable");
        if (!fail_retry_after_.empty()) {
            failure.headers.push_back({"retry-after", fail_retry_after_});
            if (const auto seconds = number(fail_retry_after_))
                not_before_ = std::chrono::steady_clock::now() + std::chrono::seconds(*seconds);
        }
    }
    respond(std::move(failure));
    return false;
}

void PickupsService::changes(const http::Request& request, http::Respond& respond) {
    if (!allowed(request, respond)) return;
    const auto cursor = number(request.query_param("cursor")).value_or(0);
    const auto page_size = number(request.query_param("page_size")).value_or(50);
    if (page_size < 1 || page_size > 500) return respond(error(400, "page_size must be 1..500"));
    const auto page = book_.after(static_cast<std::int64_t>(cursor), page_size);
    nlohmann::json items = nlohmann::json::array();
    for (const auto& p : page) items.push_back(to_json(p));
    served_ += page.size();
    const auto next = page.empty() ? static_cast<std::int64_t>(cursor) : page.back().seq;
    respond(json_answer(200, {{"pickups", items}, {"cursor", std::to_string(next)}}));
}

void PickupsService::list(const http::Request& request, http::Respond& respond) {
    if (!allowed(request, respond)) return;
    const auto& d = dialect_;
    const auto since_text = request.query_param(d.since_param);
    const auto since = since_text ? parse_rfc3339(*since_text) : std::nullopt;
    if (!since) return respond(error(400, d.since_param + " (RFC 3339) is required"));
    PageQuery q;
    q.since = *since;
    const auto before_text = request.query_param(d.until_param);
    if (before_text) {
        q.before = parse_rfc3339(*before_text);
        if (!q.before) return respond(error(400, d.until_param + " must be RFC 3339"));
    }
    q.page_size = number(request.query_param(d.size_param)).value_or(50);
    if (q.page_size < 1 || q.page_size > 500)
        return respond(error(400, d.size_param + " must be 1..500"));
    const auto token = request.query_param(d.token_param);
    if (!token) {
        std::lock_guard lock(fail_mutex_);
        window_starts_.push_back(*since_text);
    }
    if (token) {
        // Opaque to clients; here "o<offset>".
        const auto offset = token->size() > 1 && (*token)[0] == 'o' ? number(token->substr(1))
                                                                    : std::optional<std::size_t>();
        if (!offset) return respond(error(400, d.token_param + " is not one this API issued"));
        q.offset = *offset;
    }
    const auto page = book_.page(q);
    served_ += page.pickups.size();
    std::optional<std::string> next;
    if (page.next_offset) {
        next = d.list_path + "?" + d.since_param + "=" + url_escape(*since_text);
        if (before_text) *next += "&" + d.until_param + "=" + url_escape(*before_text);
        *next += "&" + d.size_param + "=" + std::to_string(q.page_size) + "&" + d.token_param +
                 "=o" + std::to_string(*page.next_offset);
    }
    respond(json_answer(200, d.page(page.pickups, next)));
}

void PickupsService::control_orders(const http::Request& request, http::Respond& respond) {
    const auto body = nlohmann::json::parse(request.body, nullptr, false);
    if (!body.is_object() || !body.contains("crm_case_ids") || !body["crm_case_ids"].is_array())
        return respond(error(400, "give {\"crm_case_ids\": [...]}"));
    std::optional<int> code;
    if (body.contains("missed_code") && body["missed_code"].is_number_integer())
        code = body["missed_code"].get<int>();
    const auto added =
        book_.add(body["crm_case_ids"].get<std::vector<std::string>>(),
                  body.value("result", "done"), code, body.value("backdate_s", 0), now_millis());
    nlohmann::json ids = nlohmann::json::array();
    for (const auto& p : added) ids.push_back(p.pickup_id);
    respond(json_answer(200, {{"added", ids}}));
}

}  // namespace fieldgate::poll_sim
