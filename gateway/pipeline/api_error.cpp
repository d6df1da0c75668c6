#include "api_error.h"

namespace fieldgate {

nlohmann::json ApiError::to_problem() const {
    nlohmann::json j = extra.is_object() ? extra : nlohmann::json::object();
    j["type"] = kProblemBase + type;
    j["title"] = title.empty() ? type : title;
    j["status"] = status;
    j["detail"] = detail;
    if (!pointer.empty()) j["pointer"] = pointer;
    return j;
}

ApiError bad_request(std::string type, std::string detail, std::string pointer) {
    return ApiError{400,
                    std::move(type),
                    "Bad request",
                    std::move(detail),
                    std::move(pointer),
                    nlohmann::json::object()};
}

ApiError unprocessable(std::string type, std::string detail, std::string pointer) {
    return ApiError{422,
                    std::move(type),
                    "Unprocessable content",
                    std::move(detail),
                    std::move(pointer),
                    nlohmann::json::object()};
}

}  // namespace fieldgate

namespace fieldgate {

ApiError store_unavailable(std::exception_ptr error) {
    std::string what = "the store could not commit";
    try {
        if (error) std::rethrow_exception(error);
    } catch (const std::exception& e) {
        what += std::string(" (") + e.what() + ")";
    } catch (...) {
    }
    return ApiError{503,
                    "store-unavailable",
                    "Store unavailable",
                    what + "; nothing was stored, retry later",
                    "",
                    nlohmann::json::object()};
}

}  // namespace fieldgate
