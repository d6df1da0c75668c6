#include "crew_actions.h"

#include <algorithm>
#include <map>

#include "clock_skew.h"
#include "ids.h"
#include "transaction.h"

#include "string_limits.h"

namespace fieldgate::sync {

namespace {

constexpr const char* kMappingVersion = "crew-sync/1";

bool valid_action_id(const std::string& id) {
    if (id.empty() || id.size() > 100) return false;
    for (char c : id) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                        (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c == ':';
        if (!ok) return false;
    }
    return true;
}

// One action's content; the first problem is kept on the action.
void parse_content(const nlohmann::json& a, const std::string& at, CrewAction& out) {
    auto fail = [&](const std::string& field, const std::string& detail) {
        if (!out.error) out.error = unprocessable("invalid-field", detail, at + "/" + field);
    };
    auto text = [&](const char* key, std::string& into, bool required) {
        if (!a.contains(key)) {
            if (required) fail(key, std::string(key) + " is required");
            return;
        }
        if (!a[key].is_string())
            fail(key, std::string(key) + " must be a string");
        else
            into = a[key].get<std::string>();
    };
    auto number = [&](const char* key, std::optional<double>& into) {
        if (!a.contains(key) || a[key].is_null()) return;
        if (!a[key].is_number())
            fail(key, std::string(key) + " must be a number");
        else
            into = a[key].get<double>();
    };
    text("work_order_id", out.work_order_id, true);
    text("type", out.type, true);
    text("reason", out.reason, false);
    text("detail", out.detail, false);
    // The crew's words travel to the CRM: the same limit as a vendor's detail (string_limits.h).
    if (auto p = text_problem(out.detail, kMaxFreeTextLength); p && !out.error) {
        auto type = p->code;
        std::replace(type.begin(), type.end(), '_', '-');
        out.error = unprocessable(type, "detail " + p->detail, at + "/detail");
    }
    if (!out.type.empty() && out.type != "arrived" && out.type != "completed" &&
        out.type != "partial" && out.type != "not_collected" && out.type != "note")
        fail("type", "type must be arrived, completed, partial, not_collected or note, not '" +
                         out.type + "'");
    std::string occurred;
    text("occurred_at", occurred, true);
    if (!occurred.empty()) {
        out.occurred_at = parse_rfc3339(occurred);
        if (!out.occurred_at)
            fail("occurred_at", "occurred_at must be an RFC 3339 time, not '" + occurred + "'");
    }
    number("lat", out.lat);
    number("lon", out.lon);
    number("gps_accuracy_m", out.gps_accuracy_m);
    if (out.lat && (*out.lat < -90 || *out.lat > 90)) fail("lat", "lat must be within -90..90");
    if (out.lon && (*out.lon < -180 || *out.lon > 180)) fail("lon", "lon must be within -180..180");
    if (a.contains("items_collected") && !a["items_collected"].is_null()) {
        if (!a["items_collected"].is_number_integer() ||
            a["items_collected"].get<std::int64_t>() < 0)
            fail("items_collected", "items_collected must be a whole number, 0 or more");
        else
            out.items_collected = a["items_collected"].get<std::int64_t>();
    }
    if (a.contains("photos")) {
        if (!a["photos"].is_array()) {
            fail("photos", "photos must be an array of SHA-256 hex digests");
        } else {
            for (std::size_t i = 0; i < a["photos"].size(); ++i) {
                const auto& p = a["photos"][i];
                if (!p.is_string() || !is_sha256_hex(p.get<std::string>())) {
                    fail("photos/" + std::to_string(i),
                         "each photo is named by the lower-case SHA-256 hex of its content");
                } else {
                    out.photos.push_back(p.get<std::string>());
                }
            }
        }
    }
}

nlohmann::json time_json(const std::optional<SysMillis>& t) {
    return t ? nlohmann::json(format_utc(*t)) : nlohmann::json(nullptr);
}

}  // namespace

std::variant<ApiError, ActionBatch> parse_action_batch(const std::string& body) {
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(body);
    } catch (const nlohmann::json::exception& e) {
        return bad_request("malformed", std::string("the body is not valid JSON: ") + e.what());
    }
    if (!j.is_object()) return unprocessable("invalid-field", "the body must be an object", "");
    ActionBatch batch;
    if (j.contains("device_time")) {
        if (!j["device_time"].is_string() || !parse_rfc3339(j["device_time"].get<std::string>()))
            return unprocessable("invalid-field", "device_time must be an RFC 3339 time",
                                 "/device_time");
        batch.device_time = parse_rfc3339(j["device_time"].get<std::string>());
    }
    if (!j.contains("actions") || !j["actions"].is_array())
        return unprocessable("invalid-field", "actions must be an array", "/actions");
    const auto& actions = j["actions"];
    if (actions.empty()) return unprocessable("empty-batch", "actions holds no action", "/actions");
    if (actions.size() > kMaxActionsPerBatch)
        return unprocessable("batch-too-large",
                             "at most " + std::to_string(kMaxActionsPerBatch) +
                                 " actions per batch; send the rest in another",
                             "/actions");
    for (std::size_t i = 0; i < actions.size(); ++i) {
        const auto& a = actions[i];
        const std::string at = "/actions/" + std::to_string(i);
        if (!a.is_object()) return unprocessable("invalid-field", "an action is an object", at);
        CrewAction action;
        if (!a.contains("action_id") || !a["action_id"].is_string() ||
            !valid_action_id(a["action_id"].get<std::string>()))
            return unprocessable("invalid-field",
                                 "action_id is required: 1-100 characters of A-Z a-z 0-9 - _ . :",
                                 at + "/action_id");
        action.action_id = a["action_id"].get<std::string>();
        if (!a.contains("seq") || !a["seq"].is_number_integer() || a["seq"].get<std::int64_t>() < 1)
            return unprocessable("invalid-field",
                                 "seq is required: the device's sequence, 1 or more", at + "/seq");
        action.seq = a["seq"].get<std::int64_t>();
        action.body = a.dump();
        action.request_sha256 = sha256_hex(action.body);
        parse_content(a, at, action);
        batch.actions.push_back(std::move(action));
    }
    return batch;
}

std::string crew_verdict(const RecordVerdict& v) {
    if (v.verdict == Verdict::rejected && !v.errors.empty() &&
        v.errors.front().type == "work-order-cancelled")
        return "cancelled";
    return to_string(v.verdict);
}

nlohmann::json apply_action_batch(store::Transaction& db, const IngestContext& ctx,
                                  const DeviceRow& device, const ActionBatch& batch,
                                  const std::string& raw_body, SysMillis received_at) {
    const std::string now = format_utc(received_at);
    std::optional<std::chrono::milliseconds> skew;
    if (batch.device_time) skew = clock_skew(*batch.device_time, received_at);
    const std::string target = crew_target(device.crew);

    std::vector<nlohmann::json> results(batch.actions.size());
    std::vector<CrewActionRow> rows(batch.actions.size());
    std::vector<bool> is_new(batch.actions.size(), false);
    std::map<std::string, std::size_t> first_in_batch;

    IngestRequest req;
    req.vendor = target;
    req.source = "crew:" + device.id;
    req.mapping_version = kMappingVersion;
    req.raw.vendor = target;
    req.raw.channel = "sync";
    req.raw.received_at = now;
    req.raw.content_type = "application/json";
    req.raw.headers_json = nlohmann::json{{"x-device-id", device.id}}.dump();
    req.raw.body = raw_body;
    req.normalized.batch = true;
    std::vector<std::size_t> record_action;  // record index -> action index

    for (std::size_t i = 0; i < batch.actions.size(); ++i) {
        const auto& a = batch.actions[i];
        nlohmann::json r = {{"action_id", a.action_id}, {"seq", a.seq}};
        const auto reused = [&](const std::string& first_sha) {
            if (first_sha == a.request_sha256) return false;
            r["verdict"] = "rejected";
            r["problem"] =
                ApiError{409,
                         "action-id-reused",
                         "Action id reused",
                         "action " + a.action_id +
                             " was received before with other content; a new action needs a "
                             "new id",
                         "/actions/" + std::to_string(i) + "/action_id",
                         nlohmann::json::object()}
                    .to_problem();
            return true;
        };
        if (auto seen = db.find_crew_action(device.id, a.action_id)) {
            if (!reused(seen->request_sha256)) r = nlohmann::json::parse(seen->result_json);
            results[i] = std::move(r);
            continue;
        }
        if (auto it = first_in_batch.find(a.action_id); it != first_in_batch.end()) {
            if (!reused(batch.actions[it->second].request_sha256))
                results[i] = nullptr;  // later
            else
                results[i] = std::move(r);
            continue;
        }
        first_in_batch.emplace(a.action_id, i);
        is_new[i] = true;

        auto& row = rows[i];
        row.device_id = device.id;
        row.action_id = a.action_id;
        row.device_seq = a.seq;
        row.type = a.type;
        row.request_sha256 = a.request_sha256;
        row.body = a.body;
        row.received_at = now;
        if (!a.work_order_id.empty()) row.work_order_id = a.work_order_id;
        if (batch.device_time) row.device_time = format_utc(*batch.device_time);
        if (skew) row.clock_skew_ms = skew->count();
        std::optional<SysMillis> occurred;
        if (a.occurred_at) {
            const auto t = correct_event_time(*a.occurred_at, skew, received_at);
            occurred = t.at;
            row.occurred_at = format_utc(t.at);
            if (t.flag != TimeFlag::none) row.time_flag = to_string(t.flag);
        }

        std::optional<ApiError> error = a.error;
        const bool outcome =
            a.type == "completed" || a.type == "partial" || a.type == "not_collected";
        const std::string at = "/actions/" + std::to_string(i);
        if (!error && (a.type == "partial" || a.type == "not_collected")) {
            if (a.reason.empty())
                error = unprocessable("missing-field",
                                      "a reason from the catalog is required for " + a.type,
                                      at + "/reason");
            else if (!ctx.catalog->reason(a.reason))
                error = unprocessable(
                    "unknown-reason",
                    "'" + a.reason + "' is not a reason of catalog " + ctx.catalog->version(),
                    at + "/reason");
            else if (!ctx.catalog->allows(a.type == "partial" ? kPartiallyCompleted : kNotCollected,
                                          a.reason))
                error = unprocessable("reason-not-allowed",
                                      "reason " + a.reason + " does not go with " + a.type +
                                          " (catalog " + ctx.catalog->version() + ")",
                                      at + "/reason");
            else if (ctx.catalog->reason(a.reason)->detail_required && a.detail.empty())
                error = unprocessable("missing-field", "reason " + a.reason + " needs a detail",
                                      at + "/detail");
        }
        if (!error && !outcome && !a.reason.empty() && a.type != "note")
            error = unprocessable("invalid-field", "only partial and not_collected take a reason",
                                  at + "/reason");

        if (!error && a.type == "note") {
            r["work_order_id"] = a.work_order_id;
            const auto wo = db.find_work_order(a.work_order_id);
            if (!wo || !wo->vendor || *wo->vendor != target) {
                // As for outcomes: another crew's order answers like an unknown one.
                r["verdict"] = "rejected";
                r["problem"] = unprocessable("unknown-work-order",
                                             "no work order '" + a.work_order_id +
                                                 "' is assigned to " + target,
                                             at + "/work_order_id")
                                   .to_problem();
                row.verdict = "rejected";
                results[i] = std::move(r);
                continue;
            }
            r["verdict"] = "noted";
            r["occurred_at"] = time_json(occurred);
            if (row.time_flag) r["time_flag"] = *row.time_flag;
            row.verdict = "noted";
            results[i] = std::move(r);
            continue;
        }

        RecordResult rec;
        NormalizedResult n;
        n.pointer = at;
        n.vendor_ref = device.id + "/" + a.action_id;
        auto wo = a.work_order_id.empty() ? std::nullopt : db.find_work_order(a.work_order_id);
        n.crm_case_id =
            wo && wo->vendor && *wo->vendor == target ? wo->crm_case_id : a.work_order_id;
        if (a.type == "arrived") n.progress = "on_site";
        if (a.type == "completed") n.outcome = kCompleted;
        if (a.type == "partial") n.outcome = kPartiallyCompleted;
        if (a.type == "not_collected") n.outcome = kNotCollected;
        n.reason = a.reason;
        n.vendor_status = a.type;
        n.vendor_reason = a.reason;
        n.detail = a.detail;
        if (occurred) n.occurred_at = format_utc(*occurred);
        n.lat = a.lat;
        n.lon = a.lon;
        n.gps_accuracy_m = a.gps_accuracy_m;
        n.crew = device.crew;
        for (const auto& p : a.photos) n.photos.push_back("sha256:" + p);
        n.items_collected = a.items_collected;
        rec.result = std::move(n);
        if (error) {
            rec.errors.push_back(RecordError{error->pointer, error->pointer.substr(at.size() + 1),
                                             error->type, error->detail});
        }
        req.normalized.records.push_back(std::move(rec));
        record_action.push_back(i);
        r["work_order_id"] = a.work_order_id;
        r["occurred_at"] = time_json(occurred);
        if (row.time_flag) r["time_flag"] = *row.time_flag;
        results[i] = std::move(r);
    }

    if (!req.normalized.records.empty()) {
        prepare_ingest(req);
        const auto report = apply_ingest(db, ctx, req);
        for (std::size_t k = 0; k < report.records.size() && k < record_action.size(); ++k) {
            const auto& v = report.records[k];
            auto& r = results[record_action[k]];
            r["verdict"] = crew_verdict(v);
            if (!v.outcome_ids.empty()) r["outcome_id"] = v.outcome_ids.front();
            if (!v.errors.empty()) r["problem"] = v.errors.front().to_problem();
            rows[record_action[k]].verdict = r["verdict"].get<std::string>();
        }
    }
    for (std::size_t i = 0; i < batch.actions.size(); ++i) {
        if (!is_new[i]) continue;
        rows[i].result_json = results[i].dump();
        db.insert_crew_action(rows[i]);
    }
    // Repeats inside the batch answer as their first occurrence.
    for (std::size_t i = 0; i < batch.actions.size(); ++i) {
        if (results[i].is_null()) results[i] = results[first_in_batch[batch.actions[i].action_id]];
    }
    db.touch_device(device.id, now);
    if (device.token_sha256) db.spend_enrollment_token(device.id, now);

    nlohmann::json answer = {{"received_at", now}, {"results", std::move(results)}};
    answer["clock_skew_ms"] = skew ? nlohmann::json(skew->count()) : nlohmann::json(nullptr);
    return answer;
}

}  // namespace fieldgate::sync
