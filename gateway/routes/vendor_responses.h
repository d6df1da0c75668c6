// Answers in the form each vendor's system understands: a JSON per-result report (or problem
// JSON), a SOAP response or Fault, a CSV upload report listing refused rows.
#pragma once

#include <string>

#include "api_error.h"
#include "ingest.h"
#include "types.h"
#include "vendor_spec.h"

namespace fieldgate {

http::Response render_ingest(const ResponseSpec& style, const IngestReport& report,
                             const std::string& request_id);
http::Response render_vendor_error(const ResponseSpec& style, const ApiError& error);
http::Response problem_response(const ApiError& error);
// The two plain answers every route gives: JSON, and a problem document built in place.
http::Response json_response(int status, const nlohmann::json& body);
http::Response problem(int status, std::string type, std::string title, std::string detail,
                       std::string pointer = {});

}  // namespace fieldgate
