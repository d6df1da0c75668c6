#include "tally.h"

#include <cstdio>
#include <sstream>

namespace fieldgate::sim {

namespace {

constexpr std::size_t kKeptFailures = 50;

std::string fmt_counts(const Counts& c) {
    std::string out;
    for (const auto& [k, v] : c) out += (out.empty() ? "" : ", ") + k + " " + std::to_string(v);
    return out.empty() ? "-" : out;
}

std::string num(double v, int decimals) {
    char out[32];
    std::snprintf(out, sizeof out, "%.*f", decimals, v);
    return out;
}

void line(std::ostringstream& o, const std::string& label, const std::string& value) {
    char head[40];
    std::snprintf(head, sizeof head, "  %-26s", label.c_str());
    o << head << value << "\n";
}

nlohmann::ordered_json counts_json(const Counts& c) {
    nlohmann::ordered_json j = nlohmann::ordered_json::object();
    for (const auto& [k, v] : c) j[k] = v;
    return j;
}

}  // namespace

void VendorTally::fail(std::string why) {
    ++failure_count;
    if (failures.size() < kKeptFailures) failures.push_back(std::move(why));
}

bool run_ok(const RunInfo& run, const std::vector<VendorTally>& vendors) {
    if (!run.failures.empty()) return false;
    for (const auto& v : vendors) {
        if (v.failure_count) return false;
    }
    return true;
}

std::string render_table(const RunInfo& run, const std::vector<VendorTally>& vendors) {
    std::ostringstream o;
    const auto& opt = *run.options;
    o << "\nfieldgate-vendor-sim  gateway " << opt.gateway << "  seed " << opt.seed << "  prefix "
      << run.plan->case_prefix << "  date " << opt.date << "  " << num(run.elapsed_s, 1) << " s\n";
    for (const auto& v : vendors) {
        o << "\n== " << v.vendor << " ==\n";
        line(o, "work orders",
             std::to_string(v.orders_planned) + " planned, " + std::to_string(v.orders_created) +
                 " created, " + std::to_string(v.orders_existing) + " existing, " +
                 std::to_string(v.orders_failed) + " failed (" + std::to_string(v.routes) +
                 " routes)");
        if (v.orders_existing) {
            line(o, "NOTE",
                 std::to_string(v.orders_existing) +
                     " work orders already existed: this case prefix was used before, so their "
                     "results answer duplicate; use a new --case-prefix");
        }
        line(o, "payloads by kind", fmt_counts(v.payloads));
        line(o, "results sent",
             std::to_string(v.results_sent) + " in " + std::to_string(v.http_requests) +
                 " HTTP requests (" + std::to_string(v.busy_retries) + " busy retries)");
        Counts codes;
        for (const auto& [k, n] : v.status_codes) codes["HTTP " + k] = n;
        line(o, "answers (good payloads)", fmt_counts(codes));
        line(o, "verdicts (good records)", fmt_counts(v.verdicts));
        if (!v.unexpected.empty()) line(o, "UNEXPECTED verdicts", fmt_counts(v.unexpected));
        o << "  intended outcomes:\n";
        for (const auto& [outcome, reasons] : v.intended) {
            std::size_t total = 0;
            for (const auto& [r, n] : reasons) total += n;
            const double pct = v.orders_planned ? 100.0 * static_cast<double>(total) /
                                                      static_cast<double>(v.orders_planned)
                                                : 0;
            std::string detail;
            for (const auto& [r, n] : reasons) {
                if (!r.empty())
                    detail += (detail.empty() ? "" : ", ") + r + " " + std::to_string(n);
            }
            line(o, "  " + outcome,
                 std::to_string(total) + " (" + num(pct, 1) + "%)" +
                     (detail.empty() ? "" : ": " + detail));
        }
        if (v.bad.empty()) {
            line(o, "bad payloads", "none");
        } else {
            o << "  bad payloads (sent: refused / ACCEPTED / server error / unanswered; "
                 "answers):\n";
            for (const auto& [kind, b] : v.bad) {
                Counts codes_b;
                for (const auto& [k, n] : b.status_codes) codes_b["HTTP " + k] = n;
                line(o, "  " + kind,
                     std::to_string(b.sent) + ": " + std::to_string(b.refused) + " / " +
                         std::to_string(b.accepted) + " / " + std::to_string(b.server_error) +
                         " / " + std::to_string(b.unanswered) + "; " + fmt_counts(codes_b) + "; " +
                         fmt_counts(b.problems));
            }
        }
        line(o, "transport errors", std::to_string(v.transport_errors));
        for (const auto& s : v.transport_error_samples) line(o, "", s);
        if (v.failure_count) {
            o << "  FAILURES (" << v.failure_count << "):\n";
            for (const auto& f : v.failures) o << "    - " << f << "\n";
            if (v.failure_count > v.failures.size())
                o << "    ... and " << v.failure_count - v.failures.size() << " more\n";
        }
    }
    for (const auto& f : run.failures) o << "\nFAILURE: " << f << "\n";
    o << "\nresult: "
      << (run_ok(run, vendors)
              ? "OK: every good payload accepted as expected, every bad one refused"
              : "FAILED (see failures above)")
      << "\n";
    return o.str();
}

nlohmann::ordered_json to_json(const RunInfo& run, const std::vector<VendorTally>& vendors) {
    const auto& opt = *run.options;
    nlohmann::ordered_json j;
    j["tool"] = "fieldgate-vendor-sim";
    j["format"] = 1;
    j["ok"] = run_ok(run, vendors);
    j["gateway"] = opt.gateway;
    j["seed"] = opt.seed;
    j["case_prefix"] = run.plan->case_prefix;
    j["date"] = opt.date;
    j["options"] = {{"orders", opt.orders},
                    {"vendors", opt.vendors},
                    {"rate", opt.rate},
                    {"bad_share", opt.bad_share},
                    {"retry_share", opt.retry_share},
                    {"route_size", opt.route_size}};
    j["elapsed_s"] = run.elapsed_s;
    j["failures"] = run.failures;
    nlohmann::ordered_json vj = nlohmann::ordered_json::object();
    for (const auto& v : vendors) {
        nlohmann::ordered_json t;
        t["work_orders"] = {{"planned", v.orders_planned},
                            {"created", v.orders_created},
                            {"existing", v.orders_existing},
                            {"failed", v.orders_failed}};
        t["routes"] = v.routes;
        t["payloads"] = counts_json(v.payloads);
        t["results_sent"] = v.results_sent;
        t["http_requests"] = v.http_requests;
        t["busy_retries"] = v.busy_retries;
        t["status_codes"] = counts_json(v.status_codes);
        t["verdicts"] = counts_json(v.verdicts);
        t["unexpected"] = counts_json(v.unexpected);
        nlohmann::ordered_json intended = nlohmann::ordered_json::object();
        for (const auto& [outcome, reasons] : v.intended) {
            nlohmann::ordered_json r = nlohmann::ordered_json::object();
            for (const auto& [reason, n] : reasons) r[reason.empty() ? "none" : reason] = n;
            intended[outcome] = r;
        }
        t["intended"] = intended;
        nlohmann::ordered_json cases = nlohmann::ordered_json::object();
        for (const auto& [id, intent] : v.cases) {
            cases[id] = {{"outcome", intent.outcome},
                         {"reason", intent.reason.empty() ? nlohmann::ordered_json(nullptr)
                                                          : nlohmann::ordered_json(intent.reason)},
                         {"status", status_for(intent)}};
        }
        t["cases"] = cases;
        nlohmann::ordered_json bad = nlohmann::ordered_json::object();
        for (const auto& [kind, b] : v.bad) {
            bad[kind] = {{"sent", b.sent},
                         {"refused", b.refused},
                         {"accepted", b.accepted},
                         {"server_error", b.server_error},
                         {"unanswered", b.unanswered},
                         {"status_codes", counts_json(b.status_codes)},
                         {"problems", counts_json(b.problems)}};
        }
        t["bad_payloads"] = bad;
        t["transport_errors"] = v.transport_errors;
        t["failure_count"] = v.failure_count;
        t["failures"] = v.failures;
        vj[v.vendor] = t;
    }
    j["vendors"] = vj;
    return j;
}

}  // namespace fieldgate::sim
