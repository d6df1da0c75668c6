#include "lifecycle.h"

#include <algorithm>
#include <cctype>

namespace fieldgate {

bool is_terminal_status(std::string_view s) {
    return s == "completed" || s == "partially_completed" || s == "not_collected" ||
           s == "cancelled";
}

int status_rank(std::string_view s) {
    if (s == "received") return 0;
    if (s == "dispatched") return 1;
    if (s == "acknowledged") return 2;
    if (s == "en_route") return 3;
    if (s == "on_site") return 4;
    return 5;
}

std::string status_for_outcome(std::string_view outcome) {
    std::string s(outcome);
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

}  // namespace fieldgate
