// --port-file / --control-port-file: the bound port, written atomically (temp file + rename)
// so a reader never sees a half-written number.
#pragma once

#include <cstdint>
#include <string>

namespace fieldgate::crm_sim {

// Throws std::runtime_error when the file cannot be written.
void write_port_file(const std::string& path, std::uint16_t port);

}  // namespace fieldgate::crm_sim
