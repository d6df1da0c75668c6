// Payloads exactly as the vendors' interface documents show them, with the knobs tests need.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace fieldgate::test {

inline nlohmann::json bay_result(const std::string& ticket, const std::string& sr,
                                 const std::string& status = "Confirmed Negative",
                                 const std::string& code = "NSO") {
    nlohmann::json j = {
        {"ticket_number", ticket},
        {"service_request", sr},
        {"status", status},
        {"service_date", "02/03/2026"},
        {"closed_at", "2026-02-03T10:42:17-08:00"},
        {"truck", {{"id", "BH-T117"}, {"driver_id", "D-5521"}}},
        {"gps", {{"lat", 37.33452}, {"lng", -121.88861}, {"accuracy_m", 6.5}}},
        {"photos", {"https://media.bayhauling.example/stops/" + ticket + "/1.jpg"}},
        {"items_collected", 0},
        {"notes", "Nothing at curb, knocked, no answer"},
    };
    if (status != "Confirmed Positive")
        j["exception"] = {{"code", code}, {"description", "Items not set out at curb"}};
    return j;
}

inline std::string valley_event(const std::string& guid, const std::string& sr, int state,
                                int resolution, const std::string& user,
                                const std::string& password,
                                const std::string& date_time = "2026-02-03T09:15:02",
                                const std::string& soap_prefix = "soap",
                                const std::string& ens_prefix = "ens") {
    const std::string s = soap_prefix, e = ens_prefix;
    std::string resolution_xml = resolution > 0
                                     ? "<" + e + ":ResolutionCodeId>" + std::to_string(resolution) +
                                           "</" + e + ":ResolutionCodeId>"
                                     : "";
    return "<" + s + ":Envelope xmlns:" + s +
           "=\"http://schemas.xmlsoap.org/soap/envelope/\" xmlns:" + e +
           "=\"http://valleydisposal.example/ens\">"
           "<" +
           s +
           ":Header><wsse:Security "
           "xmlns:wsse=\"http://docs.oasis-open.org/wss/2004/01/"
           "oasis-200401-wss-wssecurity-secext-1.0.xsd\">"
           "<wsse:UsernameToken><wsse:Username>" +
           user + "</wsse:Username><wsse:Password>" + password +
           "</wsse:Password></wsse:UsernameToken></wsse:Security></" + s +
           ":Header>"
           "<" +
           s + ":Body><" + e + ":NotifyEventUpdated><" + e +
           ":event>"
           "<" +
           e + ":Guid>" + guid + "</" + e +
           ":Guid>"
           "<" +
           e + ":ClientReference>" + sr + "</" + e +
           ":ClientReference>"
           "<" +
           e + ":EventTypeId>943</" + e +
           ":EventTypeId>"
           "<" +
           e + ":EventStateId>" + std::to_string(state) + "</" + e + ":EventStateId>" +
           resolution_xml + "<" + e + ":LastUpdatedDate><" + e + ":DateTime>" + date_time + "</" +
           e + ":DateTime><" + e + ":OffsetMinutes>-480</" + e + ":OffsetMinutes></" + e +
           ":LastUpdatedDate>"
           "<" +
           e + ":CrewId>VD-CREW-07</" + e + ":CrewId><" + e + ":Vehicle>VD-22</" + e +
           ":Vehicle>"
           "<" +
           e + ":Notes>Car parked over the pile</" + e +
           ":Notes>"
           "<" +
           e + ":Images><" + e + ":Image><" + e +
           ":Url>https://ens.valleydisposal.example/img/88121.jpg</" + e + ":Url></" + e +
           ":Image></" + e +
           ":Images>"
           "</" +
           e + ":event></" + e + ":NotifyEventUpdated></" + s + ":Body></" + s + ":Envelope>";
}

inline std::string curbside_header() {
    return "route_id,route_date,stop_seq,sr_number,result,reason,reason_text,event_time,truck,lat,"
           "lon";
}

}  // namespace fieldgate::test
