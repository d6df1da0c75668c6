#include "answers.h"

#include <nlohmann/json.hpp>

namespace fieldgate::sim {

namespace {

std::string last_segment(const std::string& type) {
    const auto slash = type.rfind('/');
    return slash == std::string::npos ? type : type.substr(slash + 1);
}

void read_problem_json(const std::string& body, Answer& a) {
    const auto j = nlohmann::json::parse(body, nullptr, false);
    if (j.is_discarded() || !j.is_object()) {
        if (a.detail.empty()) a.detail = body.substr(0, 200);
        return;
    }
    if (j.contains("type") && j["type"].is_string())
        a.problem = last_segment(j["type"].get<std::string>());
    if (j.contains("detail") && j["detail"].is_string()) a.detail = j["detail"].get<std::string>();
    if (j.contains("results") && j["results"].is_array()) {
        for (const auto& r : j["results"]) {
            a.verdicts.push_back(r.value("status", std::string("?")));
            if (a.detail.empty() && r.contains("errors") && r["errors"].is_array() &&
                !r["errors"].empty()) {
                a.detail = r["errors"][0].value("detail", std::string());
            }
        }
    }
}

std::string element_text(const std::string& body, const std::string& local) {
    // <faultstring>…</faultstring>, with or without a prefix.
    for (std::size_t at = body.find(local); at != std::string::npos;
         at = body.find(local, at + 1)) {
        if (at == 0) continue;
        const char before = body[at - 1];
        if (before != '<' && before != ':') continue;
        const auto open_end = body.find('>', at);
        if (open_end == std::string::npos || body[at + local.size()] == '/') continue;
        if (body[open_end - 1] == '/') return {};
        const auto close = body.find("</", open_end);
        if (close == std::string::npos) return {};
        return body.substr(open_end + 1, close - open_end - 1);
    }
    return {};
}

}  // namespace

std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
    std::vector<std::vector<std::string>> rows;
    std::vector<std::string> row;
    std::string field;
    bool quoted = false;
    bool any = false;
    std::size_t i = text.rfind("\xEF\xBB\xBF", 0) == 0 ? 3 : 0;
    for (; i < text.size(); ++i) {
        const char c = text[i];
        if (quoted) {
            if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
                field += '"';
                ++i;
            } else if (c == '"') {
                quoted = false;
            } else {
                field += c;
            }
            continue;
        }
        if (c == '"') {
            quoted = true;
            any = true;
        } else if (c == ',') {
            row.push_back(std::move(field));
            field.clear();
            any = true;
        } else if (c == '\r' || c == '\n') {
            if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
            if (any || !field.empty()) {
                row.push_back(std::move(field));
                rows.push_back(std::move(row));
            }
            row.clear();
            field.clear();
            any = false;
        } else {
            field += c;
            any = true;
        }
    }
    if (any || !field.empty()) {
        row.push_back(std::move(field));
        rows.push_back(std::move(row));
    }
    return rows;
}

Answer read_answer(VendorId vendor, const ClientResponse& response) {
    Answer a;
    a.status = response.status;
    a.retry_after = response.header("retry-after").has_value();
    const std::string type = response.header("content-type").value_or("");
    const std::string& body = response.body;
    switch (vendor) {
        case VendorId::bay:
            read_problem_json(body, a);
            break;
        case VendorId::valley:
            if (body.find("NotifyEventUpdatedResponse") != std::string::npos)
                a.soap_response = true;
            if (body.find("Fault>") != std::string::npos ||
                body.find("Fault ") != std::string::npos) {
                a.soap_fault = true;
                a.fault_code = element_text(body, "faultcode");
                a.detail = element_text(body, "faultstring");
                a.problem = last_segment(element_text(body, "type"));
            } else if (!a.soap_response && type.find("json") != std::string::npos) {
                read_problem_json(body, a);
            }
            break;
        case VendorId::curbside:
            if (type.rfind("text/csv", 0) == 0) {
                const auto rows = parse_csv(body);
                // Columns by header name, so the report can grow columns.
                auto column = [&rows](const std::string& name) -> std::size_t {
                    if (rows.empty()) return std::string::npos;
                    for (std::size_t i = 0; i < rows[0].size(); ++i)
                        if (rows[0][i] == name) return i;
                    return std::string::npos;
                };
                const auto status = column("status"), error = column("error"),
                           problem = column("problem");
                for (std::size_t r = 1; r < rows.size(); ++r) {
                    a.verdicts.push_back(status < rows[r].size() ? rows[r][status] : "?");
                    if (a.detail.empty() && error < rows[r].size() && !rows[r][error].empty()) {
                        a.detail = rows[r][error];
                        if (problem < rows[r].size()) a.problem = rows[r][problem];
                    }
                }
            } else {
                read_problem_json(body, a);
            }
            break;
    }
    return a;
}

}  // namespace fieldgate::sim
