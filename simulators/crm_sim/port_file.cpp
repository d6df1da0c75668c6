#include "port_file.h"

#include <cstdio>
#include <fstream>
#include <stdexcept>

namespace fieldgate::crm_sim {

void write_port_file(const std::string& path, std::uint16_t port) {
    const std::string temp = path + ".tmp";
    {
        std::ofstream out(temp, std::ios::trunc);
        out << port << '\n';
        out.flush();
        if (!out) throw std::runtime_error("cannot write " + temp);
    }
    if (std::rename(temp.c_str(), path.c_str()) != 0)
        throw std::runtime_error("cannot rename " + temp + " to " + path);
}

}  // namespace fieldgate::crm_sim
