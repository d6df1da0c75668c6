// The staff routes on what was refused or given up: the quarantine (list, show, replay, discard)
// and dead-letter discard. Part of OpsRoutes (ops_routes.h).
#include <string_view>

#include <nlohmann/json.hpp>

#include "api_error.h"
#include "ops_params.h"
#include "ops_routes.h"
#include "time_util.h"
#include "transaction.h"
#include "vendor_responses.h"

namespace fieldgate {

using namespace ops_params;

namespace {

nlohmann::json optional_json(const auto& v) {
    return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

nlohmann::json parse_or_null(const std::optional<std::string>& text) {
    if (!text) return nullptr;
    return nlohmann::json::parse(*text, nullptr, false);
}

nlohmann::json quarantine_json(const store::QuarantineRow& row) {
    const auto& e = row.entry;
    return {{"id", e.id},
            {"vendor", optional_json(e.vendor)},
            {"channel", e.channel},
            {"record_pointer", optional_json(e.record_pointer)},
            {"received_at", e.received_at},
            {"last_seen_at", e.last_seen_at},
            {"attempts", e.attempts},
            {"http_status", e.http_status},
            {"problem_type", e.problem_type},
            {"problem", nlohmann::json::parse(e.problem_json, nullptr, false)},
            {"state", e.state},
            {"replay_count", row.replay_count},
            {"replayed_at", optional_json(row.replayed_at)},
            {"replay_verdict", optional_json(row.replay_verdict)},
            {"replay_detail", parse_or_null(row.replay_detail)},
            {"discarded_at", optional_json(row.discarded_at)},
            {"discard_reason", optional_json(row.discard_reason)}};
}

// A problem type as the gateway writes them (the slug of the problem's type URI).
bool problem_slug(std::string_view s) {
    if (s.empty() || s.size() > 100) return false;
    for (const char c : s)
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'))
            return false;
    return true;
}

}  // namespace

void OpsRoutes::list_quarantine(const http::Request& request, http::Respond& respond) {
    store::QuarantineFilter f;
    if (auto v = request.query_param("vendor"); v && !v->empty()) f.vendor = *v;
    if (auto v = request.query_param("state"); v && !v->empty()) {
        if (*v != "open" && *v != "replayed" && *v != "discarded")
            return respond(bad_parameter("state", "state must be open, replayed or discarded"));
        f.state = *v;
    }
    if (auto v = request.query_param("problem"); v && !v->empty()) {
        if (!problem_slug(*v))
            return respond(bad_parameter(
                "problem",
                "problem must be a problem type such as unmapped-code (a-z, 0-9, - and _, at "
                "most 100 characters)"));
        f.problem_type = *v;
    }
    bool bad = false;
    f.from = time_param(request, "from", bad);
    if (bad) return respond(bad_parameter("from", "from must be an RFC 3339 time"));
    f.to = time_param(request, "to", bad);
    if (bad) return respond(bad_parameter("to", "to must be an RFC 3339 time"));
    if (auto v = request.query_param("cursor"); v && !v->empty()) {
        const auto n = to_int(*v);
        if (!n) return respond(bad_parameter("cursor", "cursor must be a next_cursor value"));
        f.after_id = *n;
    }
    if (auto v = request.query_param("limit")) {
        const auto n = to_int(*v);
        if (!n || *n < 1 || *n > 1000)
            return respond(bad_parameter("limit", "limit must be an integer from 1 to 1000"));
        f.limit = static_cast<int>(*n);
    }
    auto db = parts_.reads->acquire();
    const auto rows = db->list_quarantine(f);
    nlohmann::json items = nlohmann::json::array();
    for (const auto& row : rows) items.push_back(quarantine_json(row));
    nlohmann::json body = {{"items", items}};
    body["next_cursor"] = static_cast<int>(rows.size()) == f.limit
                              ? nlohmann::json(std::to_string(rows.back().entry.id))
                              : nlohmann::json(nullptr);
    respond(json_response(200, body));
}

void OpsRoutes::show_quarantine(std::int64_t id, http::Respond& respond) {
    auto db = parts_.reads->acquire();
    const auto stored = db->find_quarantined_payload(id);
    if (!stored)
        return respond(
            problem(404, "not-found", "Not found", "no quarantine entry " + std::to_string(id)));
    auto body = quarantine_json(stored->row);
    const auto& raw = stored->raw;
    // Headers were redacted when stored (no credentials); the body is returned as text when it
    // is valid UTF-8 JSON/XML/CSV, which is every format the adapters read.
    body["raw"] = {{"id", stored->row.entry.raw_payload_id},
                   {"received_at", raw.received_at},
                   {"content_type", raw.content_type},
                   {"request_id", raw.request_id},
                   {"headers", nlohmann::json::parse(raw.headers_json, nullptr, false)},
                   {"body_sha256", raw.body_sha256},
                   {"truncated", raw.truncated},
                   {"body", raw.body}};
    http::Response r;
    try {
        r = json_response(200, body);
    } catch (const nlohmann::json::type_error&) {
        // Not UTF-8: hand back the bytes as hex rather than fail the inspection.
        std::string hex;
        static constexpr char kDigits[] = "0123456789abcdef";
        for (unsigned char c : raw.body) {
            hex += kDigits[c >> 4];
            hex += kDigits[c & 15];
        }
        body["raw"]["body"] = nullptr;
        body["raw"]["body_hex"] = hex;
        r = json_response(200, body);
    }
    respond(std::move(r));
}

void OpsRoutes::replay_quarantine(const http::Request& request, http::Respond& respond) {
    auto body = json_body(request, respond);
    if (!body) return;
    std::vector<std::int64_t> ids;
    if (body->contains("ids")) {
        const auto& list = (*body)["ids"];
        if (!list.is_array() || list.empty() || list.size() > 1000)
            return respond(problem(422, "invalid-field", "Invalid field",
                                   "ids must be an array of 1 to 1000 quarantine ids", "/ids"));
        for (std::size_t i = 0; i < list.size(); ++i) {
            if (!list[i].is_number_integer())
                return respond(problem(422, "invalid-field", "Invalid field",
                                       "every id must be an integer", "/ids/" + std::to_string(i)));
            ids.push_back(list[i].get<std::int64_t>());
        }
    } else if (body->contains("filter")) {
        const auto& filter = (*body)["filter"];
        if (!filter.is_object())
            return respond(problem(422, "invalid-field", "Invalid field",
                                   "filter must be an object {vendor, from, to}", "/filter"));
        store::QuarantineFilter f;
        f.state = "open";
        f.limit = 1000;
        for (const char* key : {"vendor", "from", "to"}) {
            if (!filter.contains(key)) continue;
            if (!filter[key].is_string())
                return respond(problem(422, "invalid-field", "Invalid field",
                                       std::string(key) + " must be a string",
                                       std::string("/filter/") + key));
            const auto v = filter[key].get<std::string>();
            if (std::string_view(key) == "vendor") {
                f.vendor = v;
                continue;
            }
            const auto t = parse_rfc3339(v);
            if (!t)
                return respond(problem(422, "invalid-field", "Invalid field",
                                       std::string(key) + " must be an RFC 3339 time",
                                       std::string("/filter/") + key));
            (std::string_view(key) == "from" ? f.from : f.to) = format_utc(*t);
        }
        if (body->contains("limit")) {
            const auto& l = (*body)["limit"];
            if (!l.is_number_integer() || l.get<std::int64_t>() < 1 || l.get<std::int64_t>() > 1000)
                return respond(problem(422, "invalid-field", "Invalid field",
                                       "limit must be an integer from 1 to 1000", "/limit"));
            f.limit = l.get<int>();
        }
        auto db = parts_.reads->acquire();
        for (const auto& row : db->list_quarantine(f)) ids.push_back(row.entry.id);
    } else {
        return respond(problem(422, "missing-field", "Missing field",
                               "name the entries with ids: [..], or give a filter: {vendor, from, "
                               "to}",
                               "/ids"));
    }
    replayer_->replay(ids, [respond](std::vector<ops::ReplayItem> items, std::exception_ptr error) {
        if (error) {
            respond(problem_response(store_unavailable(error)));
            return;
        }
        nlohmann::json out = nlohmann::json::array();
        std::map<std::string, int> counts;
        for (const auto& i : items) {
            ++counts[i.result];
            out.push_back({{"id", i.id},
                           {"result", i.result},
                           {"verdict", i.verdict.empty() ? nlohmann::json(nullptr)
                                                         : nlohmann::json(i.verdict)},
                           {"state", i.state},
                           {"detail", i.detail}});
        }
        respond(json_response(200, {{"items", out}, {"counts", counts}}));
    });
}

void OpsRoutes::discard(const std::string& what, std::int64_t id, const http::Request& request,
                        http::Respond& respond) {
    auto body = json_body(request, respond);
    if (!body) return;
    if (!body->contains("reason") || !(*body)["reason"].is_string() ||
        (*body)["reason"].get<std::string>().find_first_not_of(" \t\r\n") == std::string::npos)
        return respond(problem(422, "missing-field", "Missing field",
                               "say why with a non-empty reason", "/reason"));
    const auto reason = (*body)["reason"].get<std::string>();
    auto found = std::make_shared<bool>(false);
    const bool queued = parts_.writer->submit(
        [what, id, reason, found](store::Transaction& db) {
            const auto at = now_utc();
            *found = what == "quarantine" ? db.discard_quarantine(id, reason, at)
                                          : db.discard_dead_letter(id, reason, at);
        },
        [respond, found, what, id, reason](std::exception_ptr error) {
            if (error) return respond(problem_response(store_unavailable(error)));
            if (!*found)
                return respond(problem(
                    409, "not-discardable", "Cannot discard",
                    "no " +
                        std::string(what == "quarantine" ? "open quarantine entry"
                                                         : "dead letter") +
                        " " + std::to_string(id) + " (unknown, replayed or already discarded)"));
            respond(json_response(200, {{"id", id}, {"state", "discarded"}, {"reason", reason}}));
        });
    if (!queued)
        respond(problem(503, "overloaded", "Gateway overloaded", "the write queue is full"));
}

}  // namespace fieldgate
