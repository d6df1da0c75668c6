// One typed error for every refusal, turned into RFC 9457 problem JSON in one place.
#pragma once

#include <exception>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "model.h"

namespace fieldgate {

struct ApiError {
    int status = 400;
    std::string type;  // slug under https://fieldgate.example/problems/
    std::string title;
    std::string detail;
    std::string pointer;  // the failing field, as a JSON pointer or the vendor's own path
    nlohmann::json extra = nlohmann::json::object();  // further members of the problem object

    nlohmann::json to_problem() const;
};

inline constexpr const char* kProblemBase = "https://fieldgate.example/problems/";
inline constexpr const char* kProblemJson = "application/problem+json";

// The store could not commit: nothing was acknowledged, the caller should retry.
ApiError store_unavailable(std::exception_ptr error);

// Any status with its own title; `extra` empty.
ApiError api_error(int status, std::string type, std::string title, std::string detail,
                   std::string pointer = {});

ApiError bad_request(std::string type, std::string detail, std::string pointer = {});

// `text` with every byte that is not part of valid UTF-8 replaced by U+FFFD. A detail often
// quotes what was sent (a vendor's value, a JSON parser's "last read" excerpt), and a problem
// document that is not UTF-8 can be neither stored nor sent (nlohmann throws on it).
std::string valid_utf8(std::string text);
ApiError unprocessable(std::string type, std::string detail, std::string pointer = {});

// A mapping's refusal of a record: the engine's machine codes (unmapped_code, missing_field …)
// become problem type slugs; `malformed` is a 400, the rest 422; the vendor's field is named.
ApiError to_api_error(const RecordError& e);
// The first of several errors, listing them all under `errors` when there is more than one.
ApiError listing_all(const std::vector<ApiError>& errors);

}  // namespace fieldgate
