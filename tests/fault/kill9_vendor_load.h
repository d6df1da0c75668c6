// Bay Hauling results posted by the load engine while the gateway is killed, shared by the fault
// suite (kill9-vendor-http) and the integration crash test: the work orders made first through
// the CRM API, what the runs acknowledged, and the final pass that posts what never was.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
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

// Creates work orders 0 .. n-1 of `prefix` for Bay Hauling; returns how many the CRM API took.
inline std::size_t create_bay_orders(std::uint16_t port, const std::string& prefix, std::size_t n,
                                     const std::string& crm_token) {
    const auto created =
        bench::run_load(vendor_load_options(port, std::chrono::seconds(120)),
                        [&](std::size_t i) -> std::optional<bench::PreparedRequest> {
                            if (i >= n) return std::nullopt;
                            return bench::create_order_request(prefix, i, crm_token);
                        });
    return created.summary.ok;
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
