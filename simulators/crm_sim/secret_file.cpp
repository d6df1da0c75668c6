#include "secret_file.h"

#include <fstream>
#include <stdexcept>

namespace fieldgate::crm_sim {

std::vector<std::string> read_secret_file(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot read the secret file " + path);
    std::vector<std::string> secrets;
    std::string line;
    while (std::getline(in, line)) {
        const auto first = line.find_first_not_of(" \t\r");
        if (first == std::string::npos || line[first] == '#') continue;
        const auto last = line.find_last_not_of(" \t\r");
        secrets.push_back(line.substr(first, last - first + 1));
    }
    if (secrets.empty()) throw std::runtime_error("no secret in " + path);
    return secrets;
}

}  // namespace fieldgate::crm_sim
