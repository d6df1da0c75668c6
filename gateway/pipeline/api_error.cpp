#include "api_error.h"

#include <algorithm>

namespace fieldgate {

std::string valid_utf8(std::string text) {
    if (std::all_of(text.begin(), text.end(),
                    [](char c) { return static_cast<unsigned char>(c) < 0x80; }))
        return text;
    return nlohmann::json::parse(
               nlohmann::json(std::move(text))
                   .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace))
        .get<std::string>();
}

nlohmann::json ApiError::to_problem() const {
    // Further members may quote what was sent too: their strings get the same replacement.
    nlohmann::json j = !extra.is_object() ? nlohmann::json::object()
                       : extra.empty()
                           ? extra
                           : nlohmann::json::parse(extra.dump(
                                 -1, ' ', false, nlohmann::json::error_handler_t::replace));
    j["type"] = kProblemBase + valid_utf8(type);
    j["title"] = valid_utf8(title.empty() ? type : title);
    j["status"] = status;
    j["detail"] = valid_utf8(detail);
    if (!pointer.empty()) j["pointer"] = valid_utf8(pointer);
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

ApiError api_error(int status, std::string type, std::string title, std::string detail,
                   std::string pointer) {
    return ApiError{status,
                    std::move(type),
                    std::move(title),
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

ApiError to_api_error(const RecordError& e) {
    std::string type = e.code.empty() ? "invalid-field" : e.code;
    std::replace(type.begin(), type.end(), '_', '-');
    ApiError api = unprocessable(type, e.detail, e.pointer);
    if (e.code == "malformed") api.status = 400;
    if (!e.field.empty()) api.extra["field"] = e.field;
    return api;
}

ApiError listing_all(const std::vector<ApiError>& errors) {
    ApiError first = errors.front();
    if (errors.size() > 1) {
        first.extra["errors"] = nlohmann::json::array();
        for (const auto& e : errors) first.extra["errors"].push_back(e.to_problem());
    }
    return first;
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
