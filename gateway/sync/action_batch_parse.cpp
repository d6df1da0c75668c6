// parse_action_batch: a tablet's pushed batch, read and checked on the I/O thread.
#include <algorithm>

#include "crew_actions.h"
#include "ids.h"
#include "string_limits.h"

namespace fieldgate::sync {

namespace {

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

}  // namespace fieldgate::sync
