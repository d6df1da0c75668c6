#include "order_change_routes.h"

#include <string_view>

#include "vendor_responses.h"

namespace fieldgate {

namespace {

constexpr std::string_view kPrefix = "/v1/work-orders/";

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
        respond(problem_response(api_error(405, "method-not-allowed", "Method not allowed",
                                           "use POST to " + std::string(action))));
        return true;
    }
    const bool empty = request.body.find_first_not_of(" \t\r\n") == std::string::npos;
    if (!(empty && action == "cancel") &&
        http::media_type(request.header("content-type")) != "application/json") {
        respond(problem_response(api_error(415, "unsupported-media-type", "Unsupported media type",
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
