// Reads an event body in one of the two CRM profiles, auto-detected:
//   CloudEvents 1.0 structured JSON (specversion, id, source, type, subject, data, sequence);
//   Open311 GeoReport v2 service request update (service_request_id, status, ..., sequence).
// `sequence` is 20 zero-padded decimal digits, increasing per subject.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace fieldgate::crm_sim {

enum class Profile { kCloudEvents, kOpen311 };

std::string_view profile_name(Profile p);

struct ParsedEvent {
    Profile profile = Profile::kCloudEvents;
    std::string subject;         // CloudEvents subject or Open311 service_request_id
    std::string sequence;        // 20 digits
    std::string type_or_status;  // CloudEvents type or Open311 status
    nlohmann::json body;
};

struct ParseResult {
    std::optional<ParsedEvent> event;
    int status = 400;     // when there is no event: 400, or 415 for an unsupported content type
    std::string problem;  // when there is no event: what is wrong, naming the field
};

ParseResult parse_event(std::string_view content_type, std::string_view body);

bool is_valid_sequence(std::string_view s);

}  // namespace fieldgate::crm_sim
