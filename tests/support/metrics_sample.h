// Reading one sample of the gateway's /metrics answer (Prometheus text format).
#pragma once

#include <optional>
#include <sstream>
#include <string>

namespace fieldgate::test {

// The value of the sample `series` (name and labels exactly as rendered); nullopt if absent.
inline std::optional<double> sample(const std::string& text, const std::string& series) {
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        if (line.rfind(series + " ", 0) == 0) return std::stod(line.substr(series.size() + 1));
    }
    return std::nullopt;
}

}  // namespace fieldgate::test
