#include "order_change_routes.h"

#include <cctype>
#include <string_view>

#include "vendor_responses.h"

namespace fieldgate {

namespace {

constexpr std::string_view kPrefix = "/v1/work-orders/";

std::string media_type(std::optional<std::string_view> header) {
    if (!header) return {};
    std::string t(header->substr(0, header->find(';')));
    while (!t.empty() && t.back() == ' ') t.pop_back();
    for (auto& c : t) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return t;
}

ApiError simple(int status, std::string type, std::string title, std::string detail,
                std::string pointer = {}) {
    return ApiError{status,
                    std::move(type),
                    std::move(title),
                    std::move(detail),
                    std::move(pointer),
                    nlohmann::json::object()};
}

}  // namespace

bool OrderChangeRoutes::handle(const http::Request& request, http::Respond& respond) {
    std::string_view path = request.path;
    if (path.substr(0, kPrefix.size()) != kPrefix) return false;
    path.remove_prefix(kPrefix.size());
    const auto slash = path.find('/');
    if (slash == 0 || slash == std::string_view::npos) return false;
    const std::string id(path.substr(0, slash));
    const auto action = path.substr(slash + 1);
    if (action != "cancel" && action != "reschedule") return false;

    if (request.method != "POST") {
        respond(problem_response(simple(405, "method-not-allowed", "Method not allowed",
                                        "use POST to " + std::string(action))));
        return true;
    }
    const bool empty = request.body.find_first_not_of(" \t\r\n") == std::string::npos;
    if (!(empty && action == "cancel") &&
        media_type(request.header("content-type")) != "application/json") {
        respond(problem_response(simple(415, "unsupported-media-type", "Unsupported media type",
                                        "send the body as application/json", "Content-Type")));
        return true;
    }
    auto answer = [respond](std::variant<ApiError, ChangedWorkOrder> result) {
        if (auto* error = std::get_if<ApiError>(&result)) {
            respond(problem_response(*error));
            return;
        }
        const auto& body = std::get<ChangedWorkOrder>(result).body;
        respond(http::Response{200, "application/json", {}, body.dump(), false, {}});
    };
    if (action == "cancel")
        service_.cancel(id, request.body, std::move(answer));
    else
        service_.reschedule(id, request.body, std::move(answer));
    return true;
}

}  // namespace fieldgate
