#include "crm_service.h"

#include <chrono>

namespace fieldgate::crm_sim {

namespace {

constexpr std::string_view kTokenPath = "/oauth2/token";

bool is_control_path(const std::string& path) {
    return path.starts_with("/_");
}

http::Response to_response(Reply reply) {
    http::Response r;
    r.status = reply.status;
    r.content_type = std::move(reply.content_type);
    for (auto& [name, value] : reply.headers) r.headers.push_back({name, std::move(value)});
    r.body = std::move(reply.body);
    r.close = reply.close;
    return r;
}

}  // namespace

std::size_t CrmService::body_limit(const http::Request& head) const {
    return is_control_path(head.path) || head.path == kTokenPath ? kControlBodyLimit
                                                                 : kEventBodyLimit;
}

void CrmService::handle(http::Request request, http::Respond respond) {
    if (is_control_path(request.path)) {
        if (request.body_too_large) {
            respond(problem_response(413, "Content Too Large", "control bodies are limited"));
            return;
        }
        control_.handle(request, respond, port_);
        return;
    }
    if (port_ == ControlPlane::Port::kControl) {
        respond(problem_response(404, "Not Found",
                                 "this is the control port; events go to the events port"));
        return;
    }
    if (request.method != "POST") {
        auto r =
            problem_response(405, "Method Not Allowed", "events and token requests are POSTed");
        r.headers.push_back({"allow", "POST"});
        respond(std::move(r));
        return;
    }
    if (request.path == kTokenPath) {
        token(request, respond);
        return;
    }
    receive(request, respond);
}

void CrmService::token(const http::Request& request, const http::Respond& respond) {
    auto* issuer = receiver_.tokens();
    if (!issuer) {
        respond(problem_response(404, "Not Found", "OAuth is off (--oauth-client-id)"));
        return;
    }
    if (request.body_too_large) {
        respond(problem_response(413, "Content Too Large", "token requests are limited"));
        return;
    }
    TokenRequest in;
    in.content_type = request.header("content-type").value_or("");
    in.authorization = request.header("authorization").value_or("");
    in.body = request.body;
    respond(to_response(issuer->issue(in, std::chrono::system_clock::now())));
}

void CrmService::receive(const http::Request& request, const http::Respond& respond) {
    if (request.body_too_large) {
        respond(to_response(receiver_.too_large(kEventBodyLimit)));
        return;
    }
    Incoming in;
    in.content_type = request.header("content-type").value_or("");
    in.webhook_id = request.header("webhook-id").value_or("");
    in.webhook_timestamp = request.header("webhook-timestamp").value_or("");
    in.webhook_signature = request.header("webhook-signature").value_or("");
    in.body = request.body;
    in.authorization = request.header("authorization").value_or("");
    Reply reply = receiver_.receive(in, std::chrono::system_clock::now());
    const auto delay = reply.delay;
    if (delay.count() > 0) {
        delayed_.after(delay, [respond, r = to_response(std::move(reply))]() mutable {
            respond(std::move(r));
        });
        return;
    }
    respond(to_response(std::move(reply)));
}

}  // namespace fieldgate::crm_sim
