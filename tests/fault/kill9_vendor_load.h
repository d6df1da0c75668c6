// Bay Hauling results posted by the load engine while the gateway is killed, shared by the fault
// suite (kill9-vendor-http) and the integration crash test: the work orders made first through
// the CRM API, what the runs acknowledged, and the final pass that posts what never was.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <iostream>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "bay_load.h"
#include "load_engine.h"

namespace fieldgate::test {

inline bench::LoadOptions vendor_load_options(std::uint16_t port,
                                              std::chrono::milliseconds duration) {
    bench::LoadOptions options;
    options.port = port;
    options.connections = 64;
    options.duration = duration;
    options.request_timeout = std::chrono::seconds(5);
    return options;
}

// Why a run's requests were not all answered 2xx, for a failure message: "" when they were, else
// e.g. "2 of 600 not taken: 503 x1, timeout x1".
inline std::string not_taken(const bench::LoadResult& run) {
    std::map<std::string, std::size_t> why;
    std::size_t n = 0;
    for (const auto& r : run.records) {
        if (r.status >= 200 && r.status < 300) continue;
        ++n;
        ++why[r.status != 0                           ? std::to_string(r.status)
              : r.failure == bench::Failure::timeout  ? "timeout"
              : r.failure == bench::Failure::deadline ? "deadline"
                                                      : "transport"];
    }
    if (n == 0) return "";
    std::string out =
        std::to_string(n) + " of " + std::to_string(run.records.size()) + " not taken:";
    for (const auto& [what, count] : why) out += " " + what + " x" + std::to_string(count);
    return out;
}

// Posts requests 0 .. n-1 until each is answered 2xx, as a CRM client would: what got no answer
// or a "not now" (502, 503, 504 from the balancer or a gateway whose store is briefly busy) is
// posted again, up to five rounds; any other answer is final. For requests a repeat cannot
// double (a work order posted again with the same content is answered 200). Returns "" once all
// were taken, else why the last round's were not.
inline std::string post_until_taken(
    std::uint16_t port, std::size_t n,
    const std::function<bench::PreparedRequest(std::size_t)>& request_for) {
    std::vector<std::size_t> todo(n);
    for (std::size_t i = 0; i < n; ++i) todo[i] = i;
    std::string why;
    for (int round = 0; round < 5 && !todo.empty(); ++round) {
        if (round > 0) std::this_thread::sleep_for(std::chrono::seconds(1));
        const auto run =
            bench::run_load(vendor_load_options(port, std::chrono::seconds(120)),
                            [&](std::size_t k) -> std::optional<bench::PreparedRequest> {
                                if (k >= todo.size()) return std::nullopt;
                                return request_for(todo[k]);
                            });
        why = not_taken(run);
        std::vector<std::size_t> again;
        for (const auto& r : run.records) {
            if (r.status >= 200 && r.status < 300) continue;
            const bool not_now =
                r.status == 0 || r.status == 502 || r.status == 503 || r.status == 504;
            if (!not_now) return why;  // a final refusal: posting it again cannot help
            again.push_back(todo[r.index]);
        }
        todo = std::move(again);
    }
    return todo.empty() ? std::string() : why;
}

// Creates work orders 0 .. n-1 of `prefix` for Bay Hauling; returns how many the CRM API took
// (and says on stderr why, when not all).
inline std::size_t create_bay_orders(std::uint16_t port, const std::string& prefix, std::size_t n,
                                     const std::string& crm_token) {
    const auto why = post_until_taken(
        port, n, [&](std::size_t i) { return bench::create_order_request(prefix, i, crm_token); });
    if (why.empty()) return n;
    std::cerr << "create_bay_orders: " << why << "\n";
    return 0;
}

// What load runs were told: the tickets answered 2xx, how many requests got no answer (in flight
// at a kill) and any other answer, which none should get.
struct VendorAcks {
    std::set<std::string> tickets;
    std::size_t unanswered = 0;
    std::vector<std::string> unexpected;  // "<ticket> answered <status>"

    void add(const bench::LoadResult& run) {
        for (const auto& r : run.records) {
            if (r.status >= 200 && r.status < 300) {
                tickets.insert(r.tag);
            } else if (r.status == 0) {
                ++unanswered;
            } else {
                unexpected.push_back(r.tag + " answered " + std::to_string(r.status));
            }
        }
    }
};

// After the last restart: posts once the result of every order of 0 .. n-1 not acknowledged yet.
inline bench::LoadResult post_unacknowledged(std::uint16_t port, const std::string& prefix,
                                             std::size_t n, const std::string& bay_key,
                                             const VendorAcks& acks) {
    std::vector<std::size_t> todo;
    for (std::size_t i = 0; i < n; ++i)
        if (!acks.tickets.count(bench::ticket(prefix, i))) todo.push_back(i);
    return bench::run_load(vendor_load_options(port, std::chrono::seconds(120)),
                           [&](std::size_t k) -> std::optional<bench::PreparedRequest> {
                               if (k >= todo.size()) return std::nullopt;
                               return bench::bay_result_request(prefix, todo[k], bay_key);
                           });
}

}  // namespace fieldgate::test
