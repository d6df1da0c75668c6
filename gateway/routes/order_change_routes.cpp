#include "order_change_routes.h"

#include "vendor_responses.h"

namespace fieldgate {

void OrderChangeRoutes::add_routes(RouteTable& table) {
    table.on("POST", "/v1/work-orders/{id}/cancel",
             [this](http::Request& request, const PathParams& params, http::Respond& respond) {
                 change(Change::cancel, params["id"], request, respond);
             });
    table.on("POST", "/v1/work-orders/{id}/reschedule",
             [this](http::Request& request, const PathParams& params, http::Respond& respond) {
                 change(Change::reschedule, params["id"], request, respond);
             });
}

void OrderChangeRoutes::change(Change what, const std::string& id, const http::Request& request,
                               http::Respond& respond) {
    const bool empty = request.body.find_first_not_of(" \t\r\n") == std::string::npos;
    if (!(empty && what == Change::cancel) &&
        http::media_type(request.header("content-type")) != "application/json") {
        respond(problem_response(api_error(415, "unsupported-media-type", "Unsupported media type",
                                           "send the body as application/json", "Content-Type")));
        return;
    }
    auto answer = [respond](std::variant<ApiError, ChangedWorkOrder> result) {
        if (auto* error = std::get_if<ApiError>(&result)) {
            respond(problem_response(*error));
            return;
        }
        const auto& body = std::get<ChangedWorkOrder>(result).body;
        respond(http::Response{200, "application/json", {}, body.dump(), false, {}});
    };
    if (what == Change::cancel)
        service_.cancel(id, request.body, std::move(answer));
    else
        service_.reschedule(id, request.body, std::move(answer));
}

}  // namespace fieldgate
