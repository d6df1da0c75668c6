// How each shipped vendor calls the gateway with its own credentials (the test secrets of
// support/gateway_process.h): the headers of its GET routes (dispatch feed, one order), and one
// result in its own format for its results route.
#pragma once

#include <string>

#include "support/gateway_process.h"
#include "support/vendor_payloads.h"
#include "support/webhook_signer.h"

namespace fieldgate::test {

// The WS-Security user Valley Disposal's folder expects (vendor_schemas/valley-disposal).
inline constexpr const char* kValleyUser = "city-of-sj";

inline std::string basic_auth(const std::string& user, const std::string& password) {
    const std::string pair = user + ":" + password;
    return "Basic " + base64(reinterpret_cast<const unsigned char*>(pair.data()), pair.size());
}

// The credentials of `vendor`'s GET routes; none for a vendor without any.
inline sim::HeaderList vendor_read_headers(const std::string& vendor, const Secrets& s) {
    if (vendor == "bay-hauling") return {{"Authorization", "Bearer " + s.bay}};
    if (vendor == "valley-disposal") return {{"Authorization", basic_auth(kValleyUser, s.valley)}};
    if (vendor == "curbside-coop") return {{"X-Api-Key", s.curbside}};
    return {};
}

struct VendorPost {
    std::string content_type;
    std::string body;
    sim::HeaderList headers;
};

// One "not collected" result for work order `sr` (created with work_order_body's default route
// R-0412, stop `stop`), posted as `vendor` posts it with its own credentials; `ref` makes the
// result new (Bay's ticket, Valley's Guid, Curbside's route).
inline VendorPost vendor_result(const std::string& vendor, const Secrets& s, const std::string& ref,
                                const std::string& sr, int stop = 1) {
    if (vendor == "bay-hauling")
        return {
            "application/json", bay_result(ref, sr).dump(), {{"Authorization", "Bearer " + s.bay}}};
    if (vendor == "valley-disposal")
        return {"text/xml",
                valley_event(ref, sr, 7671, 100, kValleyUser, s.valley),
                {{"SOAPAction", "\"http://valleydisposal.example/ens/NotifyEventUpdated\""}}};
    if (vendor == "curbside-coop")
        return {"text/csv",
                curbside_header() + "\n" + ref + ",2026-02-03," + std::to_string(stop) + "," + sr +
                    ",EXC,NOT OUT,,2026-02-03 07:58:44,CC-3,37.30277,-121.84790\n",
                {{"X-Api-Key", s.curbside}}};
    return {"application/json", "{}", {}};
}

// The status a refusal carries: a SOAP Fault goes out on HTTP 500 (SOAP 1.1) with the problem's
// status in its detail; every other answer carries it as the HTTP status.
inline int answered_status(const sim::ClientResponse& r) {
    const auto open = r.body.find("<status>");
    if (r.body.find("<soap:Fault>") == std::string::npos || open == std::string::npos)
        return r.status;
    return std::stoi(r.body.substr(open + 8));
}

inline sim::ClientResponse post_vendor_result(sim::HttpClient& c, const std::string& vendor,
                                              const VendorPost& post) {
    return c.post("/v1/vendors/" + vendor + "/results", post.body, post.content_type, post.headers);
}

}  // namespace fieldgate::test
