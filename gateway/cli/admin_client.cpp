#include "admin_client.h"

#include <fstream>
#include <ostream>
#include <stdexcept>

#include "config.h"
#include "secrets.h"

namespace fieldgate::cli {

AdminClient::AdminClient(const std::string& config_path, const std::string& url_override) {
    const auto config = load_config(config_path);
    host_ = config.listen_address == "0.0.0.0" ? "127.0.0.1" : config.listen_address;
    port_ = config.listen_port;
    if (!url_override.empty()) {
        const auto colon = url_override.rfind(':');
        if (colon == std::string::npos)
            throw std::runtime_error("--gateway must be host:port, got '" + url_override + "'");
        host_ = url_override.substr(0, colon);
        port_ = static_cast<std::uint16_t>(std::stoi(url_override.substr(colon + 1)));
    } else if (!config.port_file.empty()) {
        std::ifstream in(config.port_file);
        int port = 0;
        if (!(in >> port) || port <= 0)
            throw std::runtime_error("the gateway's port file " + config.port_file +
                                     " is missing: is the gateway running?");
        port_ = static_cast<std::uint16_t>(port);
    }
    const SecretStore secrets(config.secrets_dir, config.secrets_env_prefix);
    const auto tokens = secrets.values("admin/api-token");
    if (tokens.empty())
        throw std::runtime_error("the admin token (secret admin/api-token) is not configured");
    token_ = tokens.front();
}

http::ClientResponse AdminClient::get(const std::string& target) {
    http::HttpClient client(host_, port_);
    return client.get(target, {{"Authorization", "Bearer " + token_}});
}

http::ClientResponse AdminClient::post(const std::string& target, const nlohmann::json& body) {
    http::HttpClient client(host_, port_);
    return client.post(target, body.dump(), "application/json",
                       {{"Authorization", "Bearer " + token_}});
}

int report_failure(const http::ClientResponse& r, std::ostream& err) {
    auto problem = nlohmann::json::parse(r.body, nullptr, false);
    if (problem.is_object() && problem.contains("detail"))
        err << "error " << r.status << ": " << problem["detail"].get<std::string>() << "\n";
    else
        err << "error " << r.status << ": " << r.body << "\n";
    return 1;
}

}  // namespace fieldgate::cli
