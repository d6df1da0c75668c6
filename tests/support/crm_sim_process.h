// The real fieldgate-crm-sim binary on free loopback ports (events + control), with its own
// temporary secret file and --events-out file, for component tests; optionally over HTTPS (the
// events port; control stays plain) and as an OAuth 2.0 authorization server.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <chrono>
#include <fstream>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "http_client.h"
#include "support/temp_dir.h"
#include "support/webhook_signer.h"

extern char** environ;

namespace fieldgate::test {

struct CrmSimTls {
    std::string cert_file;  // the events port's certificate and key
    std::string key_file;
    std::string ca_file;  // what events_client() trusts
};

struct CrmSimOAuth {
    std::string client_id = "fieldgate-gateway";
    std::string client_secret = "crm-sim-oauth-secret:+&";  // escaped by a Basic client
    int token_ttl_s = 300;
    std::string scope;  // empty: any scope accepted
};

struct CrmSimOptions {
    std::vector<std::string> extra_args;
    std::vector<std::string> keys = {"crm-sim-test-key"};  // raw HMAC keys
    std::optional<CrmSimTls> tls;
    std::optional<CrmSimOAuth> oauth;
};

class CrmSimProcess {
  public:
    // `keys` are raw HMAC keys; the secret file gets them as whsec_<base64>.
    explicit CrmSimProcess(std::vector<std::string> extra_args = {},
                           std::vector<std::string> keys = {"crm-sim-test-key"})
        : CrmSimProcess(CrmSimOptions{std::move(extra_args), std::move(keys), {}, {}}) {}

    explicit CrmSimProcess(CrmSimOptions options)
        : keys_(std::move(options.keys)),
          tls_(std::move(options.tls)),
          oauth_(std::move(options.oauth)) {
        std::string secrets = "# test secrets\n";
        for (const auto& k : keys_) secrets += whsec(k) + "\n";
        dir_.write("secrets", secrets);
        auto args = std::move(options.extra_args);
        if (tls_) {
            for (const auto& a :
                 {"--tls-cert", tls_->cert_file.c_str(), "--tls-key", tls_->key_file.c_str()})
                args.emplace_back(a);
        }
        if (oauth_) {
            dir_.write("oauth-client-secret", oauth_->client_secret + "\n");
            for (auto a :
                 {std::string("--oauth-client-id"), oauth_->client_id,
                  std::string("--oauth-client-secret-file"), dir_.file("oauth-client-secret"),
                  std::string("--oauth-token-ttl"), std::to_string(oauth_->token_ttl_s)})
                args.push_back(std::move(a));
            if (!oauth_->scope.empty()) {
                args.emplace_back("--oauth-scope");
                args.push_back(oauth_->scope);
            }
        }
        start(std::move(args));
    }
    ~CrmSimProcess() { stop(); }
    CrmSimProcess(const CrmSimProcess&) = delete;
    CrmSimProcess& operator=(const CrmSimProcess&) = delete;

    // SIGTERM and wait; returns the exit status.
    int stop() {
        if (pid_ <= 0) return 0;
        ::kill(pid_, SIGTERM);
        int status = 0;
        waitpid(pid_, &status, 0);
        pid_ = -1;
        return status;
    }

    bool running() const { return pid_ > 0 && ::kill(pid_, 0) == 0; }
    std::uint16_t port() const { return port_; }
    std::uint16_t control_port() const { return control_port_; }
    // https://127.0.0.1:<port> with TLS, http:// without.
    std::string events_origin() const {
        return std::string(tls_ ? "https" : "http") + "://127.0.0.1:" + std::to_string(port_);
    }
    std::string token_url() const { return events_origin() + "/oauth2/token"; }
    const std::optional<CrmSimOAuth>& oauth() const { return oauth_; }
    const std::optional<CrmSimTls>& tls() const { return tls_; }
    // The file holding the OAuth client secret (one line), as a secret store would.
    std::string oauth_client_secret_file() const { return dir_.file("oauth-client-secret"); }

    // Trusts tls.ca_file over HTTPS; never goes through a proxy.
    sim::HttpClient events_client() const {
        if (!tls_) return sim::HttpClient("127.0.0.1", port_);
        http::ClientOptions o;
        o.origin = events_origin();
        o.tls.ca_file = tls_->ca_file;
        o.proxy = "";
        return sim::HttpClient(std::move(o));
    }
    sim::HttpClient control_client() const { return sim::HttpClient("127.0.0.1", control_port_); }
    const std::string& key() const { return keys_.front(); }

    // A fresh access token (client_secret_post); throws unless the simulator issued one.
    std::string fetch_token() const {
        const std::string form =
            "grant_type=client_credentials&client_id=" + form_escape(oauth_.value().client_id) +
            "&client_secret=" + form_escape(oauth_->client_secret) +
            (oauth_->scope.empty() ? "" : "&scope=" + form_escape(oauth_->scope));
        auto c = events_client();
        const auto r = c.post("/oauth2/token", form, "application/x-www-form-urlencoded");
        if (r.status != 200) throw std::runtime_error("/oauth2/token: " + r.body);
        return nlohmann::json::parse(r.body).at("access_token").get<std::string>();
    }
    // POST /_control on the control port; throws unless 200.
    nlohmann::json control(const nlohmann::json& command) const {
        auto c = control_client();
        const auto r = c.post("/_control", command.dump());
        if (r.status != 200) throw std::runtime_error("/_control: " + r.body);
        return nlohmann::json::parse(r.body);
    }
    nlohmann::json report() const {
        auto c = control_client();
        return nlohmann::json::parse(c.get("/_report").body);
    }

    // application/x-www-form-urlencoded escaping of one name or value.
    static std::string form_escape(std::string_view in) {
        static constexpr char kHex[] = "0123456789ABCDEF";
        std::string out;
        for (unsigned char c : in) {
            if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
                out += static_cast<char>(c);
            } else {
                out += '%';
                out += kHex[c >> 4];
                out += kHex[c & 15];
            }
        }
        return out;
    }

    std::string stdout_text() const { return read(dir_.file("stdout")); }
    std::string stderr_text() const { return read(dir_.file("stderr")); }
    std::string events_out_text() const { return read(dir_.file("events.jsonl")); }

  private:
    void start(std::vector<std::string> extra_args) {
        const std::string binary =
            std::string(FIELDGATE_BINARY_DIR) + "/simulators/crm_sim/fieldgate-crm-sim";
        std::vector<std::string> args = {binary,
                                         "--port",
                                         "0",
                                         "--port-file",
                                         dir_.file("port"),
                                         "--control-port",
                                         "0",
                                         "--control-port-file",
                                         dir_.file("control-port"),
                                         "--secret-file",
                                         dir_.file("secrets"),
                                         "--events-out",
                                         dir_.file("events.jsonl")};
        for (auto& a : extra_args) args.push_back(std::move(a));
        std::vector<char*> argv;
        for (auto& a : args) argv.push_back(a.data());
        argv.push_back(nullptr);
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        const std::string out = dir_.file("stdout");
        const std::string err = dir_.file("stderr");
        posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                         0644);
        posix_spawn_file_actions_addopen(&actions, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                         0644);
        const int rc = posix_spawn(&pid_, binary.c_str(), &actions, nullptr, argv.data(), environ);
        posix_spawn_file_actions_destroy(&actions);
        if (rc != 0) {
            pid_ = -1;
            throw std::runtime_error("cannot start " + binary);
        }
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
        while (std::chrono::steady_clock::now() < deadline) {
            // The control port file is written first, so once the events port is there both are.
            port_ = read_port(dir_.file("port"));
            if (port_) {
                control_port_ = read_port(dir_.file("control-port"));
                if (control_port_) return;
            }
            int status = 0;
            if (waitpid(pid_, &status, WNOHANG) == pid_) {
                pid_ = -1;
                throw std::runtime_error("fieldgate-crm-sim exited at start:\n" + stderr_text());
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        throw std::runtime_error("fieldgate-crm-sim did not start listening:\n" + stderr_text());
    }

    static std::uint16_t read_port(const std::string& path) {
        std::ifstream in(path);
        int port = 0;
        return in >> port && port > 0 && port < 65536 ? static_cast<std::uint16_t>(port) : 0;
    }

    static std::string read(const std::string& path) {
        std::ifstream in(path);
        std::stringstream s;
        s << in.rdbuf();
        return s.str();
    }

    std::vector<std::string> keys_;
    std::optional<CrmSimTls> tls_;
    std::optional<CrmSimOAuth> oauth_;
    TempDir dir_;
    pid_t pid_ = -1;
    std::uint16_t port_ = 0;
    std::uint16_t control_port_ = 0;
};

}  // namespace fieldgate::test
