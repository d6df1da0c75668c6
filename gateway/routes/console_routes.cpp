#include "console_routes.h"

#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

#include "accounts.h"
#include "ops_params.h"
#include "sync_route_support.h"
#include "time_util.h"
#include "transaction.h"
#include "vendor_responses.h"

namespace fieldgate {

namespace {

constexpr std::size_t kMaxPassword = 1024;

std::optional<std::string> string_field(const nlohmann::json& body, const char* name,
                                        std::size_t max, http::Respond& respond) {
    const auto it = body.find(name);
    if (it == body.end() || !it->is_string() || it->get<std::string>().empty() ||
        it->get<std::string>().size() > max) {
        respond(problem(422, "invalid-field", "Invalid field",
                        std::string(name) + " must be a non-empty string of at most " +
                            std::to_string(max) + " characters",
                        std::string("/") + name));
        return std::nullopt;
    }
    return it->get<std::string>();
}

nlohmann::json session_json(const console::Caller& caller) {
    nlohmann::json body = {{"account", caller.account}, {"role", caller.role}};
    body["csrf_token"] = caller.session_id.empty()
                             ? nlohmann::json(nullptr)
                             : nlohmann::json(console::Sessions::csrf_token(caller.session_id));
    return body;
}

}  // namespace

void add_console_headers(http::Response& r) {
    r.headers.push_back({"content-security-policy", std::string(console::kContentSecurityPolicy)});
    r.headers.push_back({"x-content-type-options", "nosniff"});
    r.headers.push_back({"referrer-policy", "no-referrer"});
    r.headers.push_back({"x-frame-options", "DENY"});
    r.headers.push_back({"cache-control", "no-store"});
}

ConsoleRoutes::ConsoleRoutes(ConsoleParts parts)
    : parts_(std::move(parts)),
      files_(parts_.static_dir),
      verifier_(std::make_unique<WorkQueue>(1, 64)) {
    spdlog::info("console: {} files from {}; sign-in {}", files_.size(), parts_.static_dir,
                 parts_.users_file.empty() ? "off (no console.users_file)" : "on");
}

ConsoleRoutes::~ConsoleRoutes() {
    verifier_->shutdown();
}

void ConsoleRoutes::add_routes(RouteTable& table) {
    table.on("GET", "/console/", [this](http::Request&, const PathParams&, http::Respond& respond) {
        serve_file("index.html", respond);
    });
    table.on("GET", "/console/{file}",
             [this](http::Request&, const PathParams& params, http::Respond& respond) {
                 serve_file(params["file"], respond);
             });
    table.on("POST", "/console/api/session",
             [this](http::Request& request, const PathParams&, http::Respond& respond) {
                 sign_in(request, respond);
             });
    table.on("GET", "/console/api/session",
             [this](http::Request& request, const PathParams&, http::Respond& respond) {
                 who(request, respond);
             });
    table.on("POST", "/console/api/sign-out",
             [this](http::Request& request, const PathParams&, http::Respond& respond) {
                 sign_out(request, respond);
             });
    table.on("GET", "/v1/admin/work-orders",
             [this](http::Request& request, const PathParams&, http::Respond& respond) {
                 find_orders(request, respond);
             });
    table.on("GET", "/v1/admin/work-orders/{id}",
             [this](http::Request&, const PathParams& params, http::Respond& respond) {
                 show_order(params["id"], respond);
             });
    table.on("GET", "/v1/admin/audit",
             [this](http::Request& request, const PathParams&, http::Respond& respond) {
                 audit(request, respond);
             });
}

void ConsoleRoutes::serve_file(std::string_view name, http::Respond& respond) const {
    const auto* file = files_.find(name);
    if (!file) {
        auto r = problem(404, "not-found", "Not found", "the console has no file by that name");
        add_console_headers(r);
        return respond(std::move(r));
    }
    http::Response r;
    r.content_type = file->content_type;
    r.body = file->body;
    add_console_headers(r);
    respond(std::move(r));
}

void ConsoleRoutes::sign_in(const http::Request& request, http::Respond& respond) {
    auto body = ops_params::json_body(request, respond);
    if (!body) return;
    auto name = string_field(*body, "name", 64, respond);
    if (!name) return;
    auto password = string_field(*body, "password", kMaxPassword, respond);
    if (!password) return;
    const bool secure = request.tls || parts_.secure_cookie;
    const bool queued = verifier_->post(
        [this, name = std::move(*name), password = std::move(*password), secure, respond] {
            std::optional<console::Account> account;
            try {
                if (!parts_.users_file.empty())
                    account = console::find_account(parts_.users_file, name);
            } catch (const std::exception& e) {
                spdlog::error("console: {}", e.what());
            }
            const bool ok = account ? console::verify_password(account->hash, password)
                                    : (console::verify_nothing(password), false);
            if (!ok) {
                // The name may be a mistyped password: it is not logged.
                auto r = unauthorized("the name or the password is wrong");
                add_console_headers(r);
                return respond(std::move(r));
            }
            open_session(account->name, account->role, secure, respond);
        });
    if (!queued)
        respond(problem(503, "overloaded", "Gateway overloaded", "too many sign-ins at once"));
}

void ConsoleRoutes::open_session(const std::string& account, const std::string& role, bool secure,
                                 http::Respond respond) {
    const auto id = console::random_token();
    const auto now = std::chrono::system_clock::now();
    store::ConsoleSession session{
        console::Sessions::id_hash(id), account, role,
        format_utc(time_point_cast<std::chrono::milliseconds>(now)),
        format_utc(time_point_cast<std::chrono::milliseconds>(now + parts_.sessions->ttl()))};
    store::AuditEntry entry{0,         session.created_at,     account, role,
                            "sign-in", "/console/api/session", 200,     ""};
    auto cookie = parts_.sessions->set_cookie(id, secure);
    auto body = session_json(console::Caller{account, role, id});
    body["expires_at"] = session.expires_at;
    const bool queued = parts_.writer->submit(
        [session, entry](store::Transaction& db) {
            db.insert_console_session(session);
            db.append_audit(entry);
        },
        [respond, cookie, body](std::exception_ptr error) {
            if (error) return respond(problem_response(store_unavailable(error)));
            auto r = json_response(200, body);
            r.headers.push_back({"set-cookie", cookie});
            add_console_headers(r);
            respond(std::move(r));
        });
    if (!queued)
        respond(problem(503, "overloaded", "Gateway overloaded", "the write queue is full"));
}

void ConsoleRoutes::who(const http::Request& request, http::Respond& respond) const {
    // The router let the request in: a live session, or the staff token.
    auto caller = parts_.sessions->caller(request);
    auto r =
        json_response(200, caller ? session_json(*caller)
                                  : session_json(console::Caller{"admin-token", "operator", ""}));
    add_console_headers(r);
    respond(std::move(r));
}

void ConsoleRoutes::sign_out(const http::Request& request, http::Respond& respond) {
    const auto id = console::Sessions::cookie(request);
    const bool secure = request.tls || parts_.secure_cookie;
    if (!id) {
        auto r = json_response(200, {{"signed_out", false}});
        add_console_headers(r);
        return respond(std::move(r));
    }
    const bool queued = parts_.writer->submit(
        [hash = console::Sessions::id_hash(*id)](store::Transaction& db) {
            db.end_console_session(hash);
        },
        [respond, secure](std::exception_ptr error) {
            if (error) return respond(problem_response(store_unavailable(error)));
            auto r = json_response(200, {{"signed_out", true}});
            r.headers.push_back({"set-cookie", console::Sessions::clear_cookie(secure)});
            add_console_headers(r);
            respond(std::move(r));
        });
    if (!queued)
        respond(problem(503, "overloaded", "Gateway overloaded", "the write queue is full"));
}

void ConsoleRoutes::audit(const http::Request& request, http::Respond& respond) const {
    int limit = 100;
    std::int64_t before = 0;
    if (auto v = request.query_param("limit")) {
        const auto n = ops_params::to_int(*v);
        if (!n || *n < 1 || *n > 1000)
            return respond(ops_params::bad_parameter("limit", "limit must be 1 to 1000"));
        limit = static_cast<int>(*n);
    }
    if (auto v = request.query_param("before"); v && !v->empty()) {
        const auto n = ops_params::to_int(*v);
        if (!n || *n < 1)
            return respond(ops_params::bad_parameter("before", "before must be a next_before"));
        before = *n;
    }
    auto db = parts_.reads->acquire();
    const auto rows = db->list_audit(before, limit);
    nlohmann::json items = nlohmann::json::array();
    for (const auto& e : rows)
        items.push_back({{"id", e.id},
                         {"at", e.at},
                         {"account", e.account},
                         {"role", e.role},
                         {"action", e.action},
                         {"target", e.target},
                         {"status", e.status},
                         {"detail", e.detail}});
    nlohmann::json body = {{"items", items}};
    body["next_before"] = static_cast<int>(rows.size()) == limit
                              ? nlohmann::json(std::to_string(rows.back().id))
                              : nlohmann::json(nullptr);
    respond(json_response(200, body));
}

}  // namespace fieldgate
