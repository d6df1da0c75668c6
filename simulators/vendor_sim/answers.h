// Reads the gateway's answer in the form each vendor gets it: a JSON report or problem (Bay),
// a SOAP response or Fault (Valley), a CSV upload report or problem (Curbside).
#pragma once

#include <string>
#include <vector>

#include "http_client.h"
#include "scenario.h"

namespace fieldgate::sim {

struct Answer {
    int status = 0;
    std::vector<std::string> verdicts;  // per record, when the answer lists records
    bool soap_response = false;         // Valley: NotifyEventUpdatedResponse
    bool soap_fault = false;
    std::string fault_code;    // soap:Client | soap:Server
    std::string problem;       // problem type (last path segment), or the SOAP problem type
    std::string detail;        // the first error a person would read
    bool retry_after = false;  // the answer carries Retry-After
};

Answer read_answer(VendorId vendor, const ClientResponse& response);

// RFC 4180 reader for the CSV report: rows of fields (quoted fields may hold commas, quotes
// and line breaks).
std::vector<std::vector<std::string>> parse_csv(const std::string& text);

}  // namespace fieldgate::sim
