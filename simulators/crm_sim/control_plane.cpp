#include "control_plane.h"

#include "control_command.h"

namespace fieldgate::crm_sim {

http::Response json_response(int status, const nlohmann::ordered_json& body) {
    http::Response r;
    r.status = status;
    r.content_type = "application/json";
    r.body = body.dump();
    return r;
}

http::Response problem_response(int status, std::string_view title, std::string detail) {
    auto r = json_response(status, {{"type", "about:blank"},
                                    {"title", title},
                                    {"status", status},
                                    {"detail", std::move(detail)}});
    r.content_type = "application/problem+json";
    return r;
}

nlohmann::ordered_json ControlPlane::report() const {
    auto j = receiver_.report_json();
    const auto status = timeline_.status();
    j["listening"] = status["listening"];
    j["schedule"] = status["schedule"];
    j["until_ok_ms"] = status["until_ok_ms"];
    return j;
}

void ControlPlane::handle(const http::Request& request, const http::Respond& respond,
                          Port port) const {
    struct Route {
        const char* path;
        const char* method;
    };
    static constexpr Route kRoutes[] = {
        {"/_control", "POST"}, {"/_events", "GET"}, {"/_report", "GET"}, {"/_reset", "POST"}};
    const Route* route = nullptr;
    for (const auto& r : kRoutes) {
        if (request.path == r.path) route = &r;
    }
    if (!route) {
        respond(problem_response(404, "Not Found",
                                 "control routes: POST /_control, GET /_events, GET /_report, "
                                 "POST /_reset"));
        return;
    }
    if (request.method != route->method) {
        auto r = problem_response(405, "Method Not Allowed",
                                  std::string(route->path) + " takes " + route->method);
        r.headers.push_back({"allow", route->method});
        respond(std::move(r));
        return;
    }
    if (request.path == "/_control") {
        control(request, respond, port);
    } else if (request.path == "/_events") {
        respond(json_response(200, receiver_.events_json()));
    } else if (request.path == "/_report") {
        respond(json_response(200, report()));
    } else {
        reset(respond);
    }
}

void ControlPlane::control(const http::Request& request, const http::Respond& respond,
                           Port port) const {
    auto parsed = parse_control(request.body);
    if (!parsed.command) {
        respond(problem_response(400, "Bad Request", parsed.problem));
        return;
    }
    auto& cmd = *parsed.command;
    auto* tokens = receiver_.tokens();
    if ((cmd.expire_tokens || cmd.refuse_tokens) && !tokens) {
        respond(
            problem_response(400, "Bad Request",
                             "expire_tokens and refuse_tokens need OAuth on (--oauth-client-id)"));
        return;
    }
    if (cmd.expire_tokens) tokens->expire_all();
    if (cmd.refuse_tokens) tokens->set_refusing(*cmd.refuse_tokens);
    if (cmd.reject_ids) receiver_.set_reject_ids(*cmd.reject_ids);
    if (cmd.fail_first_n) receiver_.set_fail_first_n(*cmd.fail_first_n);
    if (!cmd.fault) {
        respond(json_response(200, report()));
        return;
    }
    if (port == Port::kEvents && cmd.fault->mode == Mode::kDown) {
        timeline_.command(*cmd.fault, cmd.for_duration, nullptr);
        respond(
            json_response(202, {{"mode", mode_name(cmd.fault->mode)},
                                {"detail", "accepted; the events port closes after this answer"}}));
        return;
    }
    timeline_.command(*cmd.fault, cmd.for_duration,
                      [this, respond] { respond(json_response(200, report())); });
}

void ControlPlane::reset(const http::Respond& respond) const {
    receiver_.reset();
    timeline_.reset([this, respond] { respond(json_response(200, report())); });
}

}  // namespace fieldgate::crm_sim
