#include "vendor_responses.h"

#include <cstdio>
#include <sstream>

#include "xml_escape.h"

namespace fieldgate {

namespace {

// A 503 is a refusal for now (the store could not commit, the write queue is full): say when
// to come back, so vendors and the CRM retry instead of giving up or hammering.
void add_retry_after(const ApiError& error, http::Response& r) {
    if (error.status != 503) return;
    r.headers.push_back({"retry-after", error.type == "overloaded" ? "1" : "5"});
}

std::string csv_field(std::string_view in) {
    if (in.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(in);
    std::string out = "\"";
    for (char c : in) {
        if (c == '"') out += '"';
        out += c;
    }
    return out + "\"";
}

nlohmann::json record_json(const RecordVerdict& v) {
    nlohmann::json j = {{"index", v.index},
                        {"pointer", v.pointer},
                        {"vendor_ref", v.vendor_ref},
                        {"crm_case_id", v.crm_case_id},
                        {"status", to_string(v.verdict)}};
    if (!v.outcome_ids.empty()) j["outcome_ids"] = v.outcome_ids;
    if (!v.work_order_ids.empty()) j["work_order_ids"] = v.work_order_ids;
    if (v.route_level) j["route_level"] = true;
    if (!v.errors.empty()) {
        j["errors"] = nlohmann::json::array();
        for (const auto& e : v.errors) j["errors"].push_back(e.to_problem());
    }
    return j;
}

std::string error_line(const RecordVerdict& v) {
    std::string out;
    for (const auto& e : v.errors) {
        if (!out.empty()) out += "; ";
        out += e.detail;
        if (!e.pointer.empty()) out += " [" + e.pointer + "]";
    }
    return out;
}

int report_status(const IngestReport& report) {
    if (report.payload_error) return report.payload_error->status;
    if (report.all_good()) return 200;
    if (!report.batch && report.records.size() == 1) {
        const auto& v = report.records.front();
        return v.errors.empty() ? 422 : v.errors.front().status;
    }
    return report.count(Verdict::rejected) == 0 ? 409 : 422;
}

void append_json_string(std::string& out, std::string_view s) {
    out += '"';
    for (char c : s) {
        switch (c) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\r':
                out += "\\r";
                break;
            case '\t':
                out += "\\t";
                break;
            default:
                if (static_cast<unsigned char>(c) < 0x20) {
                    char buf[8];
                    std::snprintf(buf, sizeof buf, "\\u%04x",
                                  static_cast<unsigned>(static_cast<unsigned char>(c)));
                    out += buf;
                } else {
                    out += c;
                }
        }
    }
    out += '"';
}

void append_string_array(std::string& out, const std::vector<std::string>& items) {
    out += '[';
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (i) out += ',';
        append_json_string(out, items[i]);
    }
    out += ']';
}

// The everyday answer (every result taken) written directly: through nlohmann it was a sixth
// of the HTTP thread's time. Same members as record_json() for a record without errors.
std::string accepted_report(const IngestReport& report, const std::string& request_id) {
    std::string out;
    out.reserve(256 + report.records.size() * 160);
    out += "{\"request_id\":";
    append_json_string(out, request_id);
    out += ",\"payload_id\":";
    if (report.raw_payload_id)
        append_json_string(out, "rp_" + std::to_string(report.raw_payload_id));
    else
        out += "null";
    out += ",\"accepted\":" + std::to_string(report.count(Verdict::accepted));
    out += ",\"corrected\":" + std::to_string(report.count(Verdict::corrected));
    out += ",\"duplicates\":" + std::to_string(report.count(Verdict::duplicate));
    out += ",\"late\":" + std::to_string(report.count(Verdict::late));
    out += ",\"conflicts\":0,\"rejected\":0,\"results\":[";
    for (std::size_t i = 0; i < report.records.size(); ++i) {
        const auto& v = report.records[i];
        if (i) out += ',';
        out += "{\"index\":" + std::to_string(v.index) + ",\"pointer\":";
        append_json_string(out, v.pointer);
        out += ",\"vendor_ref\":";
        append_json_string(out, v.vendor_ref);
        out += ",\"crm_case_id\":";
        append_json_string(out, v.crm_case_id);
        out += ",\"status\":";
        append_json_string(out, to_string(v.verdict));
        if (!v.outcome_ids.empty()) {
            out += ",\"outcome_ids\":";
            append_string_array(out, v.outcome_ids);
        }
        if (!v.work_order_ids.empty()) {
            out += ",\"work_order_ids\":";
            append_string_array(out, v.work_order_ids);
        }
        if (v.route_level) out += ",\"route_level\":true";
        out += '}';
    }
    out += "]}";
    return out;
}

http::Response json_report(const IngestReport& report, const std::string& request_id) {
    if (!report.payload_error && report.all_good()) {
        return http::Response{
            200, "application/json", {}, accepted_report(report, request_id), false, {}};
    }
    if (report.payload_error) {
        nlohmann::json problem = report.payload_error->to_problem();
        problem["request_id"] = request_id;
        if (report.raw_payload_id)
            problem["payload_id"] = "rp_" + std::to_string(report.raw_payload_id);
        return http::Response{
            report.payload_error->status, kProblemJson, {}, problem.dump(), false, {}};
    }
    nlohmann::json results = nlohmann::json::array();
    for (const auto& v : report.records) results.push_back(record_json(v));
    const std::size_t good = report.count(Verdict::accepted) + report.count(Verdict::corrected) +
                             report.count(Verdict::duplicate) + report.count(Verdict::late);
    nlohmann::json summary = {
        {"request_id", request_id},
        {"payload_id", report.raw_payload_id
                           ? nlohmann::json("rp_" + std::to_string(report.raw_payload_id))
                           : nlohmann::json(nullptr)},
        {"accepted", report.count(Verdict::accepted)},
        {"corrected", report.count(Verdict::corrected)},
        {"duplicates", report.count(Verdict::duplicate)},
        {"late", report.count(Verdict::late)},
        {"conflicts", report.count(Verdict::conflict)},
        {"rejected", report.count(Verdict::rejected)},
        {"results", results}};
    const int status = report_status(report);
    if (status < 300) {
        return http::Response{status, "application/json", {}, summary.dump(), false, {}};
    }
    // Something was refused: a problem document that still lists every result, so the vendor
    // knows which ones were kept.
    ApiError error;
    if (!report.batch && report.records.size() == 1 && !report.records.front().errors.empty()) {
        error = report.records.front().errors.front();
    } else {
        error = ApiError{status,
                         report.count(Verdict::rejected) ? "results-rejected" : "outcome-conflict",
                         "Some results were not accepted",
                         std::to_string(report.count(Verdict::rejected)) + " of " +
                             std::to_string(report.records.size()) + " results were rejected and " +
                             std::to_string(report.count(Verdict::conflict)) +
                             " conflict with recorded outcomes; " + std::to_string(good) +
                             " were accepted. See results[] for each one.",
                         "",
                         nlohmann::json::object()};
    }
    error.status = status;
    nlohmann::json problem = error.to_problem();
    for (auto& [k, v] : summary.items()) problem[k] = v;
    return http::Response{status, kProblemJson, {}, problem.dump(), false, {}};
}

http::Response soap_fault(const ApiError& error) {
    const bool client = error.status < 500;
    std::string fault = error.detail;
    if (!error.pointer.empty()) fault += " (at " + error.pointer + ")";
    std::ostringstream out;
    out << R"(<?xml version="1.0" encoding="utf-8"?>)"
        << R"(<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><soap:Fault>)"
        << "<faultcode>soap:" << (client ? "Client" : "Server") << "</faultcode>"
        << "<faultstring>" << xml_escape(fault) << "</faultstring>"
        << "<detail><problem xmlns=\"https://fieldgate.example/problems\"><type>"
        << xml_escape(kProblemBase + error.type) << "</type><status>" << error.status
        << "</status></problem></detail>"
        << "</soap:Fault></soap:Body></soap:Envelope>";
    // SOAP 1.1 sends every Fault with HTTP 500.
    http::Response r{500, "text/xml; charset=utf-8", {}, out.str(), false, {}};
    add_retry_after(error, r);
    return r;
}

http::Response soap_report(const ResponseSpec& style, const IngestReport& report) {
    if (report.payload_error) return soap_fault(*report.payload_error);
    for (const auto& v : report.records) {
        if (!v.errors.empty()) {
            ApiError e = v.errors.front();
            if (v.errors.size() > 1) {
                for (std::size_t i = 1; i < v.errors.size(); ++i)
                    e.detail +=
                        "; " + v.errors[i].detail +
                        (v.errors[i].pointer.empty() ? "" : " (at " + v.errors[i].pointer + ")");
            }
            return soap_fault(e);
        }
    }
    std::ostringstream out;
    out << R"(<?xml version="1.0" encoding="utf-8"?>)"
        << R"(<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>)"
        << "<" << style.soap_element << " xmlns=\"" << xml_escape(style.soap_namespace) << "\"/>"
        << "</soap:Body></soap:Envelope>";
    return http::Response{200, "text/xml; charset=utf-8", {}, out.str(), false, {}};
}

http::Response csv_report(const IngestReport& report) {
    if (report.payload_error) return problem_response(*report.payload_error);
    std::ostringstream out;
    out << "record,vendor_ref,sr_number,status,outcome_ids,problem,error\r\n";
    for (const auto& v : report.records) {
        std::string ids;
        for (const auto& id : v.outcome_ids) ids += (ids.empty() ? "" : " ") + id;
        const std::string problem = v.errors.empty() ? "" : v.errors.front().type;
        out << csv_field(v.pointer) << ',' << csv_field(v.vendor_ref) << ','
            << csv_field(v.crm_case_id) << ',' << to_string(v.verdict) << ',' << csv_field(ids)
            << ',' << csv_field(problem) << ',' << csv_field(error_line(v)) << "\r\n";
    }
    return http::Response{
        report_status(report), "text/csv; charset=utf-8", {}, out.str(), false, {}};
}

}  // namespace

http::Response problem_response(const ApiError& error) {
    http::Response r{error.status, kProblemJson, {}, error.to_problem().dump(), false, {}};
    add_retry_after(error, r);
    return r;
}

http::Response render_vendor_error(const ResponseSpec& style, const ApiError& error) {
    if (style.style == "soap") return soap_fault(error);
    return problem_response(error);
}

http::Response render_ingest(const ResponseSpec& style, const IngestReport& report,
                             const std::string& request_id) {
    if (style.style == "soap") return soap_report(style, report);
    if (style.style == "csv_report") return csv_report(report);
    return json_report(report, request_id);
}

http::Response json_response(int status, const nlohmann::json& body) {
    return http::Response{status, "application/json", {}, body.dump(), false, {}};
}

http::Response problem(int status, std::string type, std::string title, std::string detail,
                       std::string pointer) {
    return problem_response(ApiError{status, std::move(type), std::move(title), std::move(detail),
                                     std::move(pointer), nlohmann::json::object()});
}

}  // namespace fieldgate
