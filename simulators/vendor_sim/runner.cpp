#include "runner.h"

#include <array>
#include <chrono>
#include <random>
#include <thread>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "crm_format.h"

namespace fieldgate::sim {

namespace {

constexpr auto kMaxRetryAfter = std::chrono::seconds(10);

std::string hmac_sha256_hex(const std::string& key, const std::string& message) {
    std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
    unsigned int n = 0;
    HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
         reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac.data(), &n);
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    for (unsigned int i = 0; i < n; ++i) {
        out += kHex[mac[i] >> 4];
        out += kHex[mac[i] & 0x0f];
    }
    return out;
}

bool busy(const ClientResponse& r) {
    if (r.status == 503 || r.status == 429 || r.status == 408) return true;
    return r.status >= 500 && r.header("retry-after").has_value();
}

std::chrono::milliseconds retry_delay(const ClientResponse& r) {
    std::chrono::milliseconds d(1000);
    if (auto h = r.header("retry-after")) {
        try {
            d = std::chrono::seconds(std::stol(*h));
        } catch (const std::exception&) {
        }
    }
    if (d > kMaxRetryAfter) d = kMaxRetryAfter;
    if (d < std::chrono::milliseconds(50)) d = std::chrono::milliseconds(50);
    return d;
}

std::string describe(const Payload& p) {
    std::string s = p.kind;
    if (p.bad) s += " " + std::string(to_string(*p.bad));
    return s + " " + p.label;
}

bool good_verdict(const std::string& v) {
    return v == "accepted" || v == "corrected" || v == "duplicate" || v == "late";
}

}  // namespace

VendorRunner::VendorRunner(const Options& options, const Credentials& creds, const Plan& plan,
                           const VendorPlan& vp, std::vector<Payload> script, Pacer& pacer,
                           LiveCounters& live, VendorTally& tally)
    : options_(options),
      creds_(creds),
      plan_(plan),
      vp_(vp),
      script_(std::move(script)),
      pacer_(pacer),
      live_(live),
      tally_(tally),
      client_(options.host, options.port),
      ids_(std::random_device{}() ^ (static_cast<std::uint64_t>(std::random_device{}()) << 32)) {}

void VendorRunner::count_status(int status) {
    if (status >= 200 && status < 300)
        ++live_.s2xx;
    else if (status >= 400 && status < 500)
        ++live_.s4xx;
    else if (status >= 500)
        ++live_.s5xx;
}

VendorRunner::Exchange VendorRunner::exchange(const std::string& target, const Payload* payload,
                                              const HeaderList& fixed, const std::string& body,
                                              std::size_t paced_results) {
    Exchange ex;
    const auto timeout = std::chrono::milliseconds(options_.timeout_ms);
    for (int attempt = 1; attempt <= options_.max_attempts; ++attempt) {
        if (paced_results) pacer_.wait(paced_results);
        HeaderList headers = fixed;
        if (payload && payload->auth == AuthStyle::bay) {
            const auto extra = bay_headers(*payload);
            headers.insert(headers.end(), extra.begin(), extra.end());
        }
        ++tally_.http_requests;
        ++live_.requests;
        try {
            ClientResponse r = client_.request("POST", target, headers, body, timeout);
            count_status(r.status);
            if (busy(r) && attempt < options_.max_attempts) {
                ++tally_.busy_retries;
                ++live_.busy_retries;
                std::this_thread::sleep_for(retry_delay(r));
                continue;
            }
            ex.response = std::move(r);
            return ex;
        } catch (const std::exception& e) {
            ex.transport_error = true;
            ex.last_error = e.what();
            ++tally_.transport_errors;
            ++live_.transport_errors;
            if (tally_.transport_error_samples.size() < 5)
                tally_.transport_error_samples.push_back(e.what());
            client_.close();
            std::this_thread::sleep_for(std::chrono::milliseconds(100 * attempt));
        }
    }
    return ex;
}

HeaderList VendorRunner::bay_headers(const Payload& p) {
    HeaderList h = {{"Authorization", "Bearer " + p.bay_key}, {"Request-Tracking-Id", ids_.uuid()}};
    if (!creds_.bay_hmac_secret.empty()) {
        const auto ts = std::to_string(std::chrono::duration_cast<std::chrono::seconds>(
                                           std::chrono::system_clock::now().time_since_epoch())
                                           .count());
        h.emplace_back("X-BH-Timestamp", ts);
        h.emplace_back("X-BH-Signature",
                       "sha256=" + hmac_sha256_hex(creds_.bay_hmac_secret, ts + "." + p.body));
    }
    return h;
}

void VendorRunner::create_work_orders() {
    const HeaderList headers = {{"Authorization", "Bearer " + creds_.crm_token},
                                {"Content-Type", "application/json"}};
    for (const auto& o : vp_.orders) {
        const auto ex = exchange("/v1/work-orders", nullptr, headers,
                                 work_order_body(o, vp_.vendor, plan_.date), 0);
        ++live_.orders_done;
        if (!ex.response) {
            ++tally_.orders_failed;
            tally_.fail("work order " + o.crm_case_id + ": no answer (" + ex.last_error + ")");
            continue;
        }
        const auto& r = *ex.response;
        if (r.status == 201) {
            ++tally_.orders_created;
        } else if (r.status == 200) {
            ++tally_.orders_existing;
        } else {
            ++tally_.orders_failed;
            tally_.fail("work order " + o.crm_case_id + ": HTTP " + std::to_string(r.status) + " " +
                        r.body.substr(0, 300));
        }
    }
}

void VendorRunner::post_results() {
    const std::string target = std::string("/v1/vendors/") + vendor_name(vp_.vendor) + "/results";
    for (const auto& p : script_) {
        HeaderList fixed = p.headers;
        fixed.emplace_back("Content-Type", p.content_type);
        ++tally_.payloads[p.kind];
        tally_.results_sent += p.results;
        live_.results += p.results;
        const auto ex = exchange(target, &p, fixed, p.body, p.results);
        if (p.bad)
            record_bad(p, ex);
        else
            record_good(p, ex);
        ++live_.payloads_done;
    }
}

void VendorRunner::record_good(const Payload& p, const Exchange& ex) {
    const auto before = tally_.failure_count;
    if (!ex.response) {
        tally_.fail(describe(p) + ": no answer after " + std::to_string(options_.max_attempts) +
                    " attempts (" + ex.last_error + ")");
        ++live_.failures;
        return;
    }
    const Answer a = read_answer(vp_.vendor, *ex.response);
    ++tally_.status_codes[std::to_string(a.status)];
    const std::string why = a.problem.empty() ? a.detail : a.problem + ": " + a.detail;

    if (vp_.vendor == VendorId::valley) {
        ++tally_.verdicts[a.soap_response ? "soap_response"
                          : a.soap_fault  ? "soap_fault"
                                          : "unreadable"];
        if (a.status != 200 || !a.soap_response) {
            tally_.fail(describe(p) + ": HTTP " + std::to_string(a.status) +
                        (a.soap_fault ? " Fault " + a.fault_code : "") + ": " + why);
        }
    } else {
        for (const auto& v : a.verdicts) ++tally_.verdicts[v];
        if (a.status < 200 || a.status >= 300) {
            tally_.fail(describe(p) + ": HTTP " + std::to_string(a.status) + ": " + why);
        } else if (a.verdicts.size() != p.expect.size()) {
            tally_.fail(describe(p) + ": the answer lists " + std::to_string(a.verdicts.size()) +
                        " records, expected " + std::to_string(p.expect.size()));
        } else {
            for (std::size_t i = 0; i < a.verdicts.size(); ++i) {
                const auto& got = a.verdicts[i];
                const auto& want = p.expect[i];
                if (!good_verdict(got)) {
                    tally_.fail(describe(p) + ": record " + std::to_string(i) + " " + got + ": " +
                                why);
                    continue;
                }
                if (got == want) continue;
                // After a transport error the first attempt may have been stored: a duplicate
                // then is the right answer to the re-send.
                if (ex.transport_error && want == "accepted" && got == "duplicate") continue;
                ++tally_.unexpected["expected " + want + ", got " + got];
                tally_.fail(describe(p) + ": record " + std::to_string(i) + " answered " + got +
                            ", expected " + want);
            }
        }
    }
    if (tally_.failure_count != before) ++live_.failures;
}

void VendorRunner::record_bad(const Payload& p, const Exchange& ex) {
    BadTally& b = tally_.bad[to_string(*p.bad)];
    ++b.sent;
    if (!ex.response) {
        ++b.unanswered;
        tally_.fail(describe(p) + ": no answer (" + ex.last_error + ")");
        ++live_.failures;
        return;
    }
    const Answer a = read_answer(vp_.vendor, *ex.response);
    ++b.status_codes[std::to_string(a.status)];
    if (!a.problem.empty()) ++b.problems[a.problem];
    const bool client_fault = a.soap_fault && a.fault_code.find("Client") != std::string::npos;
    if (a.status >= 200 && a.status < 300) {
        ++b.accepted;
        tally_.fail("bad payload ACCEPTED: " + describe(p) + ": HTTP " + std::to_string(a.status));
        ++live_.failures;
    } else if ((a.status >= 400 && a.status < 500) || client_fault) {
        ++b.refused;
        for (const auto& v : a.verdicts) {
            if (v != "rejected") {
                tally_.fail("bad payload " + describe(p) + ": refused but a record answered " + v);
                ++live_.failures;
            }
        }
    } else {
        ++b.server_error;
        tally_.fail("bad payload " + describe(p) + ": HTTP " + std::to_string(a.status) +
                    " (server error): " + a.detail);
        ++live_.failures;
    }
}

}  // namespace fieldgate::sim
