// The one HTTP client of the gateway, its simulators and its tests: libcurl underneath, so
// HTTPS (TLS 1.2+, chain and host name checked against the system trust store or a given CA
// bundle, SNI, optional client certificate), egress proxies (configured, or HTTPS_PROXY /
// NO_PROXY from the environment) and keep-alive are the library's, not ours.
//
// One client talks to one origin (scheme://host:port) and keeps its connections for reuse.
// Not thread-safe: one client per thread (the delivery senders each hold their own).
//
// Retry rule: libcurl sends a request again on a fresh connection when a reused one turns out
// dead before any byte of the answer arrived (the usual idle keep-alive close). That is allowed
// only while no byte of the body has left: once part of it may have reached the server, the
// failure is reported (TransportError), never resent, since the server may have acted on it.
// A bodiless request (GET) may be resent; it must be safe to repeat. Idle connections older
// than ClientOptions::max_idle are not reused.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace fieldgate::http {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct ClientResponse {
    int status = 0;
    // Lower-case names; repeated fields joined with ", ".
    std::map<std::string, std::string> headers;
    std::string body;

    // Case-insensitive; nullopt when absent.
    std::optional<std::string> header(std::string_view name) const;
};

// Outbound TLS: what the other side's certificate is checked against, and ours.
struct ClientTls {
    std::string ca_file;    // PEM bundle; empty: the system trust store
    std::string cert_file;  // PEM client certificate (mutual TLS); empty: none
    std::string key_file;   // its private key
};

struct ClientOptions {
    std::string origin;  // scheme://host[:port], e.g. "https://crm.example.org"
    ClientTls tls;
    // nullopt: HTTPS_PROXY / HTTP_PROXY / NO_PROXY from the environment (libcurl's rules);
    // "": no proxy at all; otherwise the proxy URL, e.g. "http://proxy.city.local:3128".
    std::optional<std::string> proxy;
    std::string no_proxy;  // with a configured proxy: hosts that bypass it (comma-separated)
    std::chrono::milliseconds connect_timeout{10000};
    std::chrono::seconds max_idle{25};          // idle connections older than this reconnect
    std::size_t max_response_bytes = 64 << 20;  // a longer answer fails the request
};

// Why a request failed before an answer came back.
enum class Failure {
    connect,          // refused, unreachable, name not resolved
    timeout,          // no complete answer within the request's timeout
    proxy,            // the egress proxy refused or could not be reached
    tls_untrusted,    // the chain does not lead to a trusted CA
    tls_expired,      // the certificate (or one in its chain) is expired or not yet valid
    tls_wrong_host,   // the certificate does not name the host
    tls_handshake,    // any other TLS failure (protocol, our client certificate refused, ...)
    tls_local_files,  // our CA bundle, certificate or key cannot be read
    other,
};
std::string_view failure_name(Failure failure);
// Untrusted, expired, wrong host: someone has to act; retrying will not help.
bool is_certificate_problem(Failure failure);

class TransportError : public std::runtime_error {
  public:
    TransportError(Failure failure, const std::string& what)
        : std::runtime_error(what), failure_(failure) {}
    Failure failure() const { return failure_; }

  private:
    Failure failure_;
};

class HttpClient {
  public:
    static constexpr std::chrono::milliseconds kDefaultTimeout{30000};

    explicit HttpClient(ClientOptions options);
    // Plain HTTP to host:port: the simulators and tests on loopback.
    HttpClient(const std::string& host, std::uint16_t port);
    ~HttpClient();
    HttpClient(HttpClient&&) noexcept;
    HttpClient& operator=(HttpClient&&) noexcept;
    HttpClient(const HttpClient&) = delete;
    HttpClient& operator=(const HttpClient&) = delete;

    // Sends one request to origin + target and reads its answer. `timeout` bounds the whole
    // exchange. User-Agent is added unless given; a "Transfer-Encoding: chunked" header makes
    // the body go out chunked. Throws TransportError when no answer came back.
    ClientResponse request(std::string_view method, std::string_view target,
                           const HeaderList& headers, std::string_view body,
                           std::chrono::milliseconds timeout = kDefaultTimeout);

    ClientResponse get(std::string_view target, const HeaderList& headers = {},
                       std::chrono::milliseconds timeout = kDefaultTimeout);
    ClientResponse post(std::string_view target, std::string_view body,
                        std::string_view content_type = "application/json",
                        const HeaderList& headers = {},
                        std::chrono::milliseconds timeout = kDefaultTimeout);

    // Closes the connections; the next request opens a new one.
    void close();
    // Whether the last answer left its connection open for the next request.
    bool is_connected() const;
    // How many connections this client has opened so far (keep-alive checks).
    std::size_t connections_opened() const;
    const std::string& origin() const;

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace fieldgate::http

// The simulators and tests came first and call it by these names.
namespace fieldgate::sim {
using http::ClientResponse;
using http::HeaderList;
using http::HttpClient;
}  // namespace fieldgate::sim
