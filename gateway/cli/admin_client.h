// The operator commands' way to the running gateway's staff API: address and port from the
// gateway's own config (the port file when it listens on port 0), the admin token from its
// SecretStore, so no token is ever typed on a command line or lands in shell history.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "http_client.h"

namespace fieldgate::cli {

class AdminClient {
  public:
    // `url_override`: "host:port" instead of what the config says.
    AdminClient(const std::string& config_path, const std::string& url_override);

    http::ClientResponse get(const std::string& target);
    http::ClientResponse post(const std::string& target, const nlohmann::json& body);

  private:
    std::string host_;
    std::uint16_t port_ = 0;
    std::string token_;
};

// Prints the problem detail of a refused call to `err` and returns the exit code (1).
int report_failure(const http::ClientResponse& r, std::ostream& err);

}  // namespace fieldgate::cli
