#include "event_parser.h"

#include <algorithm>
#include <cctype>

namespace fieldgate::crm_sim {

namespace {

constexpr std::size_t kSequenceDigits = 20;

using json = nlohmann::json;

ParseResult refuse_event(std::string problem, int status = 400) {
    ParseResult r;
    r.status = status;
    r.problem = std::move(problem);
    return r;
}

// "Application/JSON; charset=utf-8" -> "application/json"
std::string media_type(std::string_view content_type) {
    auto s = content_type.substr(0, content_type.find(';'));
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

// nullptr when the member is absent; the problem text is set when present but not a string
// (or, with `required`, absent or empty).
const std::string* string_member(const json& j, const char* name, bool required,
                                 std::string& problem) {
    const auto it = j.find(name);
    if (it == j.end() || it->is_null()) {
        if (required) problem = std::string("missing required member '") + name + "'";
        return nullptr;
    }
    if (!it->is_string()) {
        problem = std::string("'") + name + "' must be a string";
        return nullptr;
    }
    const auto* s = it->get_ptr<const std::string*>();
    if (required && s->empty()) {
        problem = std::string("'") + name + "' must not be empty";
        return nullptr;
    }
    return s;
}

ParseResult with_sequence(ParsedEvent e, const json& j) {
    std::string problem;
    const auto* seq = string_member(j, "sequence", true, problem);
    if (!seq) return refuse_event(problem);
    if (!is_valid_sequence(*seq))
        return refuse_event("'sequence' must be a string of 20 decimal digits, got '" + *seq + "'");
    e.sequence = *seq;
    ParseResult r;
    r.event = std::move(e);
    return r;
}

ParseResult parse_cloudevent(json j) {
    std::string problem;
    const auto* specversion = string_member(j, "specversion", true, problem);
    if (!specversion) return refuse_event(problem);
    if (*specversion != "1.0") return refuse_event("'specversion' must be \"1.0\"");
    for (const char* name : {"id", "source"}) {
        if (!string_member(j, name, true, problem)) return refuse_event(problem);
    }
    const auto* type = string_member(j, "type", true, problem);
    if (!type) return refuse_event(problem);
    const auto* subject = string_member(j, "subject", true, problem);
    if (!subject) return refuse_event(problem);
    for (const char* name : {"time", "datacontenttype", "dataschema"}) {
        if (!string_member(j, name, false, problem) && !problem.empty())
            return refuse_event(problem);
    }
    ParsedEvent e;
    e.profile = Profile::kCloudEvents;
    e.subject = *subject;
    e.type_or_status = *type;
    auto r = with_sequence(std::move(e), j);
    if (r.event) r.event->body = std::move(j);
    return r;
}

ParseResult parse_open311(json j) {
    std::string problem;
    const auto* id = string_member(j, "service_request_id", true, problem);
    if (!id) return refuse_event(problem);
    const auto* status = string_member(j, "status", true, problem);
    if (!status) return refuse_event(problem);
    if (*status != "open" && *status != "closed")
        return refuse_event("'status' must be \"open\" or \"closed\", got '" + *status + "'");
    for (const char* name :
         {"status_notes", "updated_datetime", "media_url", "external_status_code"}) {
        if (!string_member(j, name, false, problem) && !problem.empty())
            return refuse_event(problem);
    }
    ParsedEvent e;
    e.profile = Profile::kOpen311;
    e.subject = *id;
    e.type_or_status = *status;
    auto r = with_sequence(std::move(e), j);
    if (r.event) r.event->body = std::move(j);
    return r;
}

}  // namespace

std::string_view profile_name(Profile p) {
    return p == Profile::kCloudEvents ? "cloudevents" : "open311";
}

bool is_valid_sequence(std::string_view s) {
    return s.size() == kSequenceDigits &&
           std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

ParseResult parse_event(std::string_view content_type, std::string_view body) {
    const auto type = media_type(content_type);
    const bool cloudevents_type = type == "application/cloudevents+json";
    if (!cloudevents_type && type != "application/json") {
        return refuse_event(
            "Content-Type must be application/cloudevents+json or application/json, got '" +
                std::string(content_type) + "'",
            415);
    }
    json j = json::parse(body, nullptr, false);
    if (j.is_discarded()) return refuse_event("body is not valid JSON");
    if (!j.is_object()) return refuse_event("body must be a JSON object");
    if (cloudevents_type || j.contains("specversion")) return parse_cloudevent(std::move(j));
    if (j.contains("service_request_id")) return parse_open311(std::move(j));
    return refuse_event(
        "neither a CloudEvent (no 'specversion') nor an Open311 update (no "
        "'service_request_id')");
}

}  // namespace fieldgate::crm_sim
