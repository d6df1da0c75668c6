// HTTP request/response as the core sees them: no Beast here, so handlers, tests and the
// pipeline compile without it. Only gateway/http/server.cpp turns these into Beast types.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace fieldgate::http {

struct Header {
    std::string name;  // lower case
    std::string value;
};

// The certificate a client presented over TLS.
struct PeerCertificate {
    std::string sha256;     // fingerprint of the DER certificate, lower-case hex, no colons
    std::string subject;    // RFC 2253 form, e.g. "CN=bay-hauling,O=Bay Hauling"
    bool verified = false;  // its chain verified against ServerTls::client_ca_file
};

struct Request {
    std::string method;  // upper case, e.g. "POST"
    std::string target;  // as received, e.g. "/v1/work-orders?crm_case_id=SR-1"
    std::string path;    // target without the query, percent-decoded
    std::string query;   // raw query string without '?'
    std::vector<Header> headers;
    std::string body;
    std::string remote_address;
    // Who the limits and logs count this request against: the peer, or the client a trusted
    // proxy names in X-Forwarded-For (client_address.h).
    std::string client_address;
    bool tls = false;  // arrived over HTTPS
    std::optional<PeerCertificate> client_certificate;
    bool body_follows = false;    // the head announced a body (set before Service::admit)
    bool body_too_large = false;  // the body exceeded the limit; `body` holds only what was read
    std::size_t declared_length = 0;

    // Case-insensitive; nullopt when absent.
    std::optional<std::string_view> header(std::string_view name) const;
    // Percent-decoded query parameter; nullopt when absent.
    std::optional<std::string> query_param(std::string_view name) const;
};

struct Response {
    int status = 200;
    std::string content_type = "application/json";
    std::vector<Header> headers;
    std::string body;
    bool close = false;  // close the connection after sending
    // Runs on the connection's I/O thread just before the response is written, replacing the
    // fields above: a service whose answer is produced on another thread (the store writer)
    // leaves the formatting to the I/O thread instead of doing it there.
    std::function<void(Response&)> prepare;
};

// Called exactly once per request, from any thread.
using Respond = std::function<void(Response)>;

// What a service decides from a request's head, before one byte of its body is read: how much
// body it will take, or an answer at once (the body is then never read, and the connection is
// closed after the answer). Credentials are checked here, so a stranger costs a header's worth
// of memory, never a body's.
struct Admission {
    std::size_t body_limit = 0;
    std::optional<Response> refusal;
};

class Service {
  public:
    virtual ~Service() = default;
    // Asked after the headers arrived, before the body is read.
    virtual std::size_t body_limit(const Request& head) const = 0;
    // Asked after the headers arrived, for every request (with a body or not), on the I/O
    // thread: keep it cheap. By default, no refusal and body_limit(head).
    virtual Admission admit(const Request& head) { return {body_limit(head), std::nullopt}; }
    virtual void handle(Request request, Respond respond) = 0;
};

std::string percent_decode(std::string_view in, bool plus_as_space);

// The media type of a Content-Type value, lower case, without parameters: "text/xml" for
// "Text/XML; charset=utf-8"; empty when absent.
std::string media_type(std::optional<std::string_view> content_type);

}  // namespace fieldgate::http
