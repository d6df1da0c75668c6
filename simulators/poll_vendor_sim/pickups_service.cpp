#include "pickups_service.h"

#include <charconv>

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

std::string escape(const std::string& v) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : v) {
        if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += kHex[c >> 4];
            out += kHex[c & 15];
        }
    }
    return out;
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
    if (request.path == "/api/v2/pickups" && request.method == "GET") return list(request, respond);
    if (request.path == "/api/v2/pickups/changes" && request.method == "GET")
        return changes(request, respond);
    if (request.path == "/control/orders" && request.method == "POST")
        return control_orders(request, respond);
    if (request.path == "/control/fail" && request.method == "POST") {
        const auto body = nlohmann::json::parse(request.body, nullptr, false);
        if (!body.is_object()) return respond(error(400, "body must be a JSON object"));
        std::lock_guard lock(fail_mutex_);
        fail_count_ = body.value("count", 1);
        fail_status_ = body.value("status", 503);
        return respond(json_answer(200, {{"failing_next", fail_count_}}));
    }
    if (request.path == "/control/stats" && request.method == "GET") {
        std::lock_guard lock(fail_mutex_);
        return respond(json_answer(200, {{"pickups", book_.size()},
                                         {"list_requests", list_requests_.load()},
                                         {"pickups_served", served_.load()},
                                         {"failed", failed_.load()},
                                         {"window_starts", window_starts_}}));
    }
    respond(error(404, "no route for " + request.method + " " + request.path));
}

bool PickupsService::allowed(const http::Request& request, http::Respond& respond) {
    const auto key = request.header("x-riverbend-key");
    if (!key || *key != api_key_) {
        respond(error(401, "X-Riverbend-Key is missing or wrong"));
        return false;
    }
    ++list_requests_;
    std::lock_guard lock(fail_mutex_);
    if (fail_count_ > 0) {
        --fail_count_;
        ++failed_;
        respond(error(fail_status_, "temporarily unavailable"));
        return false;
    }
    return true;
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
    const auto since_text = request.query_param("modified_since");
    const auto since = since_text ? parse_rfc3339(*since_text) : std::nullopt;
    if (!since) return respond(error(400, "modified_since (RFC 3339) is required"));
    PageQuery q;
    q.since = *since;
    const auto before_text = request.query_param("modified_before");
    if (before_text) {
        q.before = parse_rfc3339(*before_text);
        if (!q.before) return respond(error(400, "modified_before must be RFC 3339"));
    }
    q.page_size = number(request.query_param("page_size")).value_or(50);
    if (q.page_size < 1 || q.page_size > 500)
        return respond(error(400, "page_size must be 1..500"));
    const auto token = request.query_param("page_token");
    if (!token) {
        std::lock_guard lock(fail_mutex_);
        window_starts_.push_back(*since_text);
    }
    if (token) {
        // Opaque to clients; here "o<offset>".
        const auto offset = token->size() > 1 && (*token)[0] == 'o' ? number(token->substr(1))
                                                                    : std::optional<std::size_t>();
        if (!offset) return respond(error(400, "page_token is not one this API issued"));
        q.offset = *offset;
    }
    const auto page = book_.page(q);
    nlohmann::json items = nlohmann::json::array();
    for (const auto& p : page.pickups) items.push_back(to_json(p));
    served_ += page.pickups.size();
    nlohmann::json next = nullptr;
    if (page.next_offset) {
        std::string link = "/api/v2/pickups?modified_since=" + escape(*since_text);
        if (before_text) link += "&modified_before=" + escape(*before_text);
        link += "&page_size=" + std::to_string(q.page_size) + "&page_token=o" +
                std::to_string(*page.next_offset);
        next = link;
    }
    respond(json_answer(200, {{"pickups", items}, {"links", {{"next", next}}}}));
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
