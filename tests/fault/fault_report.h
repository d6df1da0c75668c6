// The fault suite's account of one scenario: what the sources were told was taken
// (acknowledged), what the store holds, what the CRM received, and the two numbers that must be
// zero. Every scenario prints one line in this form; scripts/fault-suite.sh collects them.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <iostream>
#include <string>

namespace fieldgate::test {

struct FaultAccount {
    std::string scenario;            // e.g. "kill9-vendor-http"
    std::uint64_t cycles = 0;        // faults injected (kill -9s, outages, restarts ...)
    std::uint64_t acknowledged = 0;  // answered 2xx / PUBACKed / sync verdict received
    std::uint64_t stored = 0;        // of those, found in the store
    std::uint64_t delivered = 0;     // of those, whose CRM event the CRM simulator received
    std::uint64_t lost = 0;          // acknowledged but not stored (or not delivered, when the
                                     // scenario waits for delivery)
    std::uint64_t duplicated = 0;    // stored or delivered more than once

    std::string line() const {
        return "FAULT-REPORT scenario=" + scenario + " cycles=" + std::to_string(cycles) +
               " acknowledged=" + std::to_string(acknowledged) +
               " stored=" + std::to_string(stored) + " delivered=" + std::to_string(delivered) +
               " lost=" + std::to_string(lost) + " duplicated=" + std::to_string(duplicated);
    }
    void print() const { std::cout << line() << std::endl; }
};

// What every scenario must end with: nothing lost, nothing duplicated.
inline void expect_nothing_lost_or_duplicated(const FaultAccount& account) {
    EXPECT_EQ(account.lost, 0u) << account.line();
    EXPECT_EQ(account.duplicated, 0u) << account.line();
}

}  // namespace fieldgate::test
