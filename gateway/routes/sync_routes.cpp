#include "sync_routes.h"

#include <openssl/crypto.h>

#include <chrono>
#include <fstream>
#include <sstream>

#include "crew_actions.h"
#include "gateway_metrics.h"
#include "ids.h"
#include "input_limits.h"
#include "sync_route_support.h"
#include "time_util.h"
#include "transaction.h"
#include "vendor_feed.h"
#include "vendor_responses.h"
#include "vendor_view.h"

namespace fieldgate {

namespace {

constexpr std::string_view kAdminDevices = "/v1/admin/devices";

bool same_digest(const std::string& a, const std::string& b) {
    return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string iso_date(std::chrono::sys_days d) {
    const std::chrono::year_month_day ymd{d};
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
    return buf;
}

VendorSpec crew_spec(const sync::DeviceRow& device) {
    VendorSpec spec;
    spec.id = sync::crew_target(device.crew);
    spec.name = "crew " + device.crew;
    return spec;  // no resident contact field is allowed
}

std::string read_text(const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

}  // namespace

SyncRoutes::SyncRoutes(const GatewayConfig& config, const IngestService& ingest,
                       store::Writer& writer, store::ReadPool& reads)
    : config_(config), writer_(writer), reads_(reads), ingest_(ingest), photos_(writer, reads) {
    catalog_json_ = read_text(config.catalog_path);
}

namespace {

// Every POST here is JSON: too deep or with a NUL byte, refused before parsing (photo chunks are
// PUT, raw bytes).
bool refused_json(const http::Request& request, http::Respond& respond) {
    if (request.method != "POST") return false;
    const auto refused = json_body_problem(request.body);
    if (refused) respond(problem(400, "malformed", "Bad request", *refused));
    return refused.has_value();
}

bool refused_size(const http::Request& request, std::size_t limit, http::Respond& respond) {
    if (!request.body_too_large) return false;
    respond(problem(413, "payload-too-large", "Payload too large",
                    "the body is larger than " + std::to_string(limit) +
                        " bytes; send smaller batches or chunks"));
    return true;
}

}  // namespace

void SyncRoutes::add_routes(RouteTable& table) {
    table.on("POST", kAdminDevices,
             [this](http::Request& request, const PathParams&, http::Respond& respond) {
                 if (!refused_json(request, respond)) create_device(request, respond);
             });
    table.on("GET", kAdminDevices,
             [this](http::Request&, const PathParams&, http::Respond& respond) {
                 list_devices(respond);
             });
    table.on("GET", "/v1/admin/photos/{sha256}",
             [this](http::Request& request, const PathParams& params, http::Respond& respond) {
                 photos_.admin_request(params["sha256"], request, respond);
             });
    table.on("POST", "/v1/sync/enroll",
             [this](http::Request& request, const PathParams&, http::Respond& respond) {
                 if (refused_json(request, respond) ||
                     refused_size(request, config_.max_body_bytes, respond))
                     return;
                 enroll(request, respond);
             });
    table.on("GET", "/v1/sync/assignments",
             for_device([this](const auto& device, const auto& request, const auto&,
                               auto& respond) { assignments(device, request, respond); }));
    table.on("GET", "/v1/sync/changes",
             for_device([this](const auto& device, const auto& request, const auto&,
                               auto& respond) { changes(device, request, respond); }));
    table.on("POST", "/v1/sync/actions",
             for_device([this](const auto& device, const auto& request, const auto&,
                               auto& respond) { actions(device, request, respond); }));
    for (const char* method : {"GET", "PUT"})
        table.on(method, "/v1/sync/photos/{sha256}",
                 for_device([this](const auto& device, const auto& request, const auto& params,
                                   auto& respond) {
                     photos_.device_request(device, params["sha256"], request, respond);
                 }));
}

RouteHandler SyncRoutes::for_device(DeviceHandler handler) {
    return [this, handler = std::move(handler)](http::Request& request, const PathParams& params,
                                                http::Respond& respond) {
        if (refused_json(request, respond) ||
            refused_size(request, config_.max_body_bytes, respond))
            return;
        if (auto device = authenticate(request, respond))
            handler(*device, request, params, respond);
    };
}

void SyncRoutes::submit(store::Writer::Job job, std::function<http::Response()> answer,
                        http::Respond& respond) {
    submit_write(writer_, std::move(job), std::move(answer), respond);
}

void SyncRoutes::create_device(const http::Request& request, http::Respond& respond) {
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(request.body);
    } catch (const nlohmann::json::exception&) {
        respond(problem(400, "malformed", "Bad request", "the body is not valid JSON"));
        return;
    }
    auto text = [&j](const char* key) {
        return j.is_object() && j.contains(key) && j[key].is_string() ? j[key].get<std::string>()
                                                                      : std::string();
    };
    sync::DeviceRow row;
    row.crew = text("crew");
    row.name = text("name");
    row.id = text("device_id");
    if (row.crew.empty() || row.crew.size() > 60 || row.crew.find(':') != std::string::npos) {
        respond(problem(422, "invalid-field", "Unprocessable content",
                        "crew is required: the crew id (no ':'), work orders go to crew:<crew>",
                        "/crew"));
        return;
    }
    if (row.id.empty()) row.id = random_id("dev_");
    if (row.id.size() > 64) {
        respond(problem(422, "invalid-field", "Unprocessable content",
                        "device_id is at most 64 characters", "/device_id"));
        return;
    }
    const std::string enrollment_token = random_id("enr_") + random_id("");
    row.token_sha256 = sha256_hex(enrollment_token);
    row.created_at = now_utc();
    auto inserted = std::make_shared<bool>(false);
    submit([row, inserted](store::Transaction& db) { *inserted = db.insert_device(row); },
           [row, inserted, enrollment_token]() {
               if (!*inserted)
                   return problem(409, "device-exists", "Device exists",
                                  "device " + row.id + " is already registered", "/device_id");
               return json_response(201, {{"device_id", row.id},
                                          {"crew", row.crew},
                                          {"name", row.name},
                                          {"enrollment_token", enrollment_token},
                                          {"dispatch_target", sync::crew_target(row.crew)}});
           },
           respond);
}

void SyncRoutes::list_devices(http::Respond& respond) {
    nlohmann::json items = nlohmann::json::array();
    auto db = reads_.acquire();
    auto opt = [](const std::optional<std::string>& v) {
        return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
    };
    for (const auto& [d, actions] : db->list_devices()) {
        items.push_back({{"device_id", d.id},
                         {"crew", d.crew},
                         {"name", d.name},
                         {"state", d.state},
                         {"enrolled", d.secret_sha256.has_value()},
                         {"enrolled_at", opt(d.enrolled_at)},
                         {"last_seen_at", opt(d.last_seen_at)},
                         {"app_version", opt(d.app_version)},
                         {"actions", actions}});
    }
    respond(json_response(200, {{"items", items}}));
}

void SyncRoutes::enroll(const http::Request& request, http::Respond& respond) {
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(request.body);
    } catch (const nlohmann::json::exception&) {
        respond(problem(400, "malformed", "Bad request", "the body is not valid JSON"));
        return;
    }
    auto text = [&j](const char* key) {
        return j.is_object() && j.contains(key) && j[key].is_string() ? j[key].get<std::string>()
                                                                      : std::string();
    };
    const std::string id = text("device_id");
    const std::string token = text("enrollment_token");
    const std::string app_version = text("app_version");
    std::optional<sync::DeviceRow> device;
    {
        auto db = reads_.acquire();
        if (!id.empty()) device = db->find_device(id);
    }
    if (!device || !device->token_sha256 || token.empty() ||
        !same_digest(*device->token_sha256, sha256_hex(token)) || device->state != "active") {
        respond(unauthorized(
            "device_id and enrollment_token do not match a device awaiting enrollment"));
        return;
    }
    // The token stays valid until the secret is first used: an answer lost on the way can be
    // asked for again (the previous secret is then replaced).
    const std::string secret = random_id("dsk_") + random_id("");
    const std::string secret_sha = sha256_hex(secret);
    const std::string now = now_utc();
    const auto crew = device->crew;
    submit([id, secret_sha, app_version, now](
               store::Transaction& db) { db.set_device_secret(id, secret_sha, app_version, now); },
           [id, crew, secret]() {
               return json_response(200,
                                    {{"device_id", id}, {"crew", crew}, {"device_secret", secret}});
           },
           respond);
}

std::optional<sync::DeviceRow> SyncRoutes::authenticate(const http::Request& request,
                                                        http::Respond& respond) {
    if (!request.header("x-device-id") || !bearer_token(request)) {
        respond(unauthorized("X-Device-Id and Authorization: Bearer <device secret> are required"));
        return std::nullopt;
    }
    auto device = verified_device(reads_, request);
    if (!device) {
        respond(unauthorized("unknown device or wrong device secret"));
        return std::nullopt;
    }
    if (device->token_sha256) {
        // The secret works: the enrollment token is of no further use. Nothing waits for this.
        const auto id = device->id;
        writer_.submit([id](store::Transaction& db) { db.spend_enrollment_token(id, now_utc()); },
                       [](std::exception_ptr) {});
    }
    return device;
}

void SyncRoutes::assignments(const sync::DeviceRow& device, const http::Request& request,
                             http::Respond& respond) {
    const auto days = integer_param(request, "days", 7, 1, 31, respond);
    if (!days) return;
    std::chrono::sys_days from =
        std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now()) -
        std::chrono::days{1};
    if (auto given = request.query_param("from")) {
        auto parsed = parse_iso_date(*given);
        if (!parsed) {
            respond(problem(400, "invalid-parameter", "Bad request",
                            "from must be a date YYYY-MM-DD", "from"));
            return;
        }
        from = *parsed;
    }
    const std::string first = iso_date(from);
    const std::string last = iso_date(from + std::chrono::days{*days});
    const auto spec = crew_spec(device);
    nlohmann::json orders = nlohmann::json::array();
    std::int64_t cursor = 0;
    {
        // One snapshot: the cursor and the orders agree, so no change falls between them.
        reads_.acquire().snapshot([&](store::Transaction& db) {
            cursor = db.crew_feed_head(spec.id);
            for (const auto& id : db.crew_order_ids(spec.id, first, last)) {
                if (auto wo = db.find_work_order(id)) orders.push_back(vendor_view(*wo, spec));
            }
        });
    }
    nlohmann::json body = {{"device_id", device.id}, {"crew", device.crew},
                           {"from", first},          {"to", last},
                           {"cursor", cursor},       {"assignments", orders}};
    body["catalog"] = nlohmann::json::parse(catalog_json_, nullptr, false);
    respond(json_response(200, body));
}

void SyncRoutes::changes(const sync::DeviceRow& device, const http::Request& request,
                         http::Respond& respond) {
    const auto after = integer_param(request, "after", 0, 0, INT64_MAX, respond);
    if (!after) return;
    const auto limit =
        integer_param(request, "limit", kFeedDefaultLimit, 1, kFeedMaxLimit, respond);
    if (!limit) return;
    auto db = reads_.acquire();
    respond(
        json_response(200, read_feed(*db, crew_spec(device), *after, static_cast<int>(*limit))));
}

void SyncRoutes::actions(const sync::DeviceRow& device, const http::Request& request,
                         http::Respond& respond) {
    auto parsed = sync::parse_action_batch(request.body);
    if (auto* error = std::get_if<ApiError>(&parsed)) {
        respond(problem_response(*error));
        return;
    }
    auto batch =
        std::make_shared<sync::ActionBatch>(std::move(std::get<sync::ActionBatch>(parsed)));
    auto body = std::make_shared<std::string>(request.body);
    auto answer = std::make_shared<nlohmann::json>();
    const IngestService* ingest = &ingest_;
    const auto received = now_millis();
    submit(
        [batch, body, answer, ingest, device, received](store::Transaction& db) {
            *answer = sync::apply_action_batch(db, *ingest, device, *batch, *body, received);
        },
        [answer]() {
            metrics::count_sync_results(*answer);
            return json_response(200, *answer);
        },
        respond);
}

}  // namespace fieldgate
