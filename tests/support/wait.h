// Waiting for a condition in a test: polled every 50 ms until it holds or the limit passes. The
// limit is generous (the machines are small and busy); the assertion is on the condition.
#pragma once

#include <chrono>
#include <functional>
#include <thread>

namespace fieldgate::test {

inline bool wait_until(const std::function<bool()>& done,
                       std::chrono::milliseconds limit = std::chrono::seconds(60)) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
        if (done()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return done();
}

}  // namespace fieldgate::test
