// One typed error for every refusal, turned into RFC 9457 problem JSON in one place.
#pragma once

#include <exception>
#include <string>

#include <nlohmann/json.hpp>

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

ApiError bad_request(std::string type, std::string detail, std::string pointer = {});

// `text` with every byte that is not part of valid UTF-8 replaced by U+FFFD. A detail often
// quotes what was sent (a vendor's value, a JSON parser's "last read" excerpt), and a problem
// document that is not UTF-8 can be neither stored nor sent (nlohmann throws on it).
std::string valid_utf8(std::string text);
ApiError unprocessable(std::string type, std::string detail, std::string pointer = {});

}  // namespace fieldgate
