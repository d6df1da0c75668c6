// One answer of the simulator's transport-free parts; the HTTP edge copies it out.
#pragma once

#include <chrono>
#include <string>
#include <utility>
#include <vector>

namespace fieldgate::crm_sim {

struct Reply {
    int status = 200;
    std::string content_type = "application/json";
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    std::chrono::milliseconds delay{0};  // slow mode: answer this much later
    bool close = false;                  // close the connection after answering
};

}  // namespace fieldgate::crm_sim
