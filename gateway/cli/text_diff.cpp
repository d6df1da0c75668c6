#include "text_diff.h"

#include <algorithm>
#include <sstream>
#include <vector>

namespace fieldgate {

namespace {

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
}

struct Step {
    char kind;  // ' ', '-', '+'
    std::string line;
};

// Longest common subsequence, table-based: samples are a few hundred lines at most.
std::vector<Step> align(const std::vector<std::string>& a, const std::vector<std::string>& b) {
    const std::size_t n = a.size(), m = b.size();
    std::vector<std::vector<int>> lcs(n + 1, std::vector<int>(m + 1, 0));
    for (std::size_t i = n; i-- > 0;) {
        for (std::size_t j = m; j-- > 0;) {
            lcs[i][j] =
                a[i] == b[j] ? lcs[i + 1][j + 1] + 1 : std::max(lcs[i + 1][j], lcs[i][j + 1]);
        }
    }
    std::vector<Step> steps;
    std::size_t i = 0, j = 0;
    while (i < n || j < m) {
        if (i < n && j < m && a[i] == b[j]) {
            steps.push_back({' ', a[i]});
            ++i;
            ++j;
        } else if (j < m && (i == n || lcs[i][j + 1] >= lcs[i + 1][j])) {
            steps.push_back({'+', b[j++]});
        } else {
            steps.push_back({'-', a[i++]});
        }
    }
    return steps;
}

}  // namespace

std::string line_diff(const std::string& expected, const std::string& actual, int context) {
    if (expected == actual) return {};
    const auto steps = align(lines_of(expected), lines_of(actual));
    std::vector<bool> shown(steps.size(), false);
    for (std::size_t k = 0; k < steps.size(); ++k) {
        if (steps[k].kind == ' ') continue;
        const auto from = k >= static_cast<std::size_t>(context) ? k - context : 0;
        const auto to = std::min(steps.size(), k + context + 1);
        for (auto x = from; x < to; ++x) shown[x] = true;
    }
    std::string out;
    bool gap = false;
    for (std::size_t k = 0; k < steps.size(); ++k) {
        if (!shown[k]) {
            gap = true;
            continue;
        }
        if (gap) out += "  ...\n";
        gap = false;
        out += steps[k].kind;
        out += ' ';
        out += steps[k].line;
        out += '\n';
    }
    if (gap) out += "  ...\n";
    return out;
}

}  // namespace fieldgate
