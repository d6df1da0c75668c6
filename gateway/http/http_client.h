// A small synchronous HTTP/1.1 client with one keep-alive connection: the delivery worker's
// transport, and what tests and simulators talk to the gateway with. Beast stays in
// http_client.cpp.
//
// Retry rule: a request is sent at most once. Before writing on a reused connection the client
// checks whether the server has closed it (the usual idle keep-alive close); if so it
// reconnects and sends there. If the write itself fails before a single byte left, it
// reconnects once as well. Once any byte of the request may have reached the server, a failure
// is reported (std::runtime_error), never retried: the server may have processed it.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
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

// What raw_exchange_detailed() saw.
struct RawReply {
    std::string data;     // every byte the server sent
    bool closed = false;  // the server closed (or reset) the connection before the timeout
};

class HttpClient {
  public:
    static constexpr std::chrono::milliseconds kDefaultTimeout{30000};

    HttpClient(std::string host, std::uint16_t port);
    ~HttpClient();
    HttpClient(HttpClient&&) noexcept;
    HttpClient& operator=(HttpClient&&) noexcept;
    HttpClient(const HttpClient&) = delete;
    HttpClient& operator=(const HttpClient&) = delete;

    // Sends one request and reads its response. `timeout` bounds connect + write + read.
    // Host, Content-Length and User-Agent are added unless given; a "Transfer-Encoding:
    // chunked" header makes the body go out chunked. Throws std::runtime_error on connect
    // failure, timeout or a transport error (see the retry rule above).
    ClientResponse request(std::string_view method, std::string_view target,
                           const HeaderList& headers, std::string_view body,
                           std::chrono::milliseconds timeout = kDefaultTimeout);

    ClientResponse get(std::string_view target, const HeaderList& headers = {},
                       std::chrono::milliseconds timeout = kDefaultTimeout);
    ClientResponse post(std::string_view target, std::string_view body,
                        std::string_view content_type = "application/json",
                        const HeaderList& headers = {},
                        std::chrono::milliseconds timeout = kDefaultTimeout);

    // Closes the connection; the next request opens a new one.
    void close();
    bool is_connected() const;
    // How many TCP connections this client has opened so far (keep-alive checks).
    std::size_t connections_opened() const;

    // Connects, sends `bytes` as they are, and returns whatever the server sent until it
    // closed the connection or `timeout` passed. Throws std::runtime_error if it cannot
    // connect. For malformed-request and slow-client tests.
    static std::string raw_exchange(const std::string& host, std::uint16_t port,
                                    std::string_view bytes,
                                    std::chrono::milliseconds timeout = kDefaultTimeout);
    // The same, also telling whether the server closed the connection.
    static RawReply raw_exchange_detailed(const std::string& host, std::uint16_t port,
                                          std::string_view bytes,
                                          std::chrono::milliseconds timeout = kDefaultTimeout);

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
using http::RawReply;
}  // namespace fieldgate::sim
