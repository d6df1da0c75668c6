#include "http_client.h"

#include <curl/curl.h>
#include <openssl/x509_vfy.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <mutex>

#include "http_text.h"

namespace fieldgate::http {
namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = lower_ascii(c);
    return out;
}

void global_init() {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct Slist {
    curl_slist* list = nullptr;
    ~Slist() { curl_slist_free_all(list); }
    void add(const std::string& line) { list = curl_slist_append(list, line.c_str()); }
};

// What libcurl hands the callbacks of one request.
struct Exchange {
    ClientResponse response;
    std::size_t max_body = 0;
    bool body_too_long = false;
    std::string_view request_body;
    std::size_t request_offset = 0;  // how much of it libcurl has taken
};

std::size_t read_body(char* into, std::size_t size, std::size_t n, void* user) {
    auto& ex = *static_cast<Exchange*>(user);
    const auto take = std::min(size * n, ex.request_body.size() - ex.request_offset);
    std::memcpy(into, ex.request_body.data() + ex.request_offset, take);
    ex.request_offset += take;
    return take;
}

// libcurl sends a request again on a fresh connection when a reused one died before any answer
// (header comment). Before a byte of the body was taken that is harmless; after, the server
// may have acted on it, so the rewind that resending needs is refused and the request fails.
int rewind_body(void* user, curl_off_t offset, int origin) {
    auto& ex = *static_cast<Exchange*>(user);
    if (offset != 0 || origin != SEEK_SET || ex.request_offset != 0) return CURL_SEEKFUNC_FAIL;
    return CURL_SEEKFUNC_OK;
}

std::size_t on_header(char* data, std::size_t size, std::size_t n, void* user) {
    auto& ex = *static_cast<Exchange*>(user);
    const std::string_view line(data, size * n);
    if (line.rfind("HTTP/", 0) == 0) {
        ex.response.headers.clear();  // an interim answer (100 Continue) came before
        return size * n;
    }
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) return size * n;
    auto name = lower(trim_ows(line.substr(0, colon)));
    const auto value = std::string(trim_ows(line.substr(colon + 1)));
    auto [it, inserted] = ex.response.headers.try_emplace(std::move(name), value);
    if (!inserted) it->second += ", " + value;
    return size * n;
}

std::size_t on_body(char* data, std::size_t size, std::size_t n, void* user) {
    auto& ex = *static_cast<Exchange*>(user);
    if (ex.response.body.size() + size * n > ex.max_body) {
        ex.body_too_long = true;
        return 0;  // libcurl fails the transfer (CURLE_WRITE_ERROR)
    }
    ex.response.body.append(data, size * n);
    return size * n;
}

Failure classify(CURLcode code, long verify_result, std::string_view detail) {
    switch (code) {
        case CURLE_COULDNT_CONNECT:
        case CURLE_COULDNT_RESOLVE_HOST:
            return Failure::connect;
        case CURLE_OPERATION_TIMEDOUT:
            return Failure::timeout;
        case CURLE_COULDNT_RESOLVE_PROXY:
        case CURLE_PROXY:
            return Failure::proxy;
        case CURLE_SSL_CACERT_BADFILE:
        case CURLE_SSL_CERTPROBLEM:
        case CURLE_SSL_CRL_BADFILE:
            return Failure::tls_local_files;
        case CURLE_PEER_FAILED_VERIFICATION:
            if (verify_result == X509_V_ERR_CERT_HAS_EXPIRED ||
                verify_result == X509_V_ERR_CERT_NOT_YET_VALID)
                return Failure::tls_expired;
            if (detail.find("subject name") != std::string_view::npos ||
                detail.find("host name") != std::string_view::npos)
                return Failure::tls_wrong_host;
            return Failure::tls_untrusted;
        case CURLE_SSL_CONNECT_ERROR:
        case CURLE_SSL_CIPHER:
        case CURLE_SSL_ISSUER_ERROR:
        case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
            return Failure::tls_handshake;
        default:
            return Failure::other;
    }
}

}  // namespace

std::string_view failure_name(Failure failure) {
    switch (failure) {
        case Failure::connect:
            return "connect";
        case Failure::timeout:
            return "timeout";
        case Failure::proxy:
            return "proxy";
        case Failure::tls_untrusted:
            return "tls_untrusted";
        case Failure::tls_expired:
            return "tls_expired";
        case Failure::tls_wrong_host:
            return "tls_wrong_host";
        case Failure::tls_handshake:
            return "tls_handshake";
        case Failure::tls_local_files:
            return "tls_local_files";
        case Failure::other:
            break;
    }
    return "other";
}

bool is_certificate_problem(Failure failure) {
    return failure == Failure::tls_untrusted || failure == Failure::tls_expired ||
           failure == Failure::tls_wrong_host;
}

std::optional<std::string> ClientResponse::header(std::string_view name) const {
    auto it = headers.find(lower(name));
    if (it == headers.end()) return std::nullopt;
    return it->second;
}

struct HttpClient::Impl {
    explicit Impl(ClientOptions o) : options(std::move(o)) {
        global_init();
        reopen();
    }
    ~Impl() { curl_easy_cleanup(curl); }

    // A fresh handle: its connection cache starts empty.
    void reopen() {
        if (curl) curl_easy_cleanup(curl);
        curl = curl_easy_init();
        if (!curl) throw TransportError(Failure::other, "http client: curl_easy_init failed");
        connected = false;
    }

    void set_transport_options(std::chrono::milliseconds timeout) {
        curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
        curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS,
                         static_cast<long>(std::min(timeout, options.connect_timeout).count()));
        curl_easy_setopt(curl, CURLOPT_MAXAGE_CONN, static_cast<long>(options.max_idle.count()));
        curl_easy_setopt(curl, CURLOPT_SSLVERSION, CURL_SSLVERSION_TLSv1_2);
        curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
        curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
        if (!options.tls.ca_file.empty())
            curl_easy_setopt(curl, CURLOPT_CAINFO, options.tls.ca_file.c_str());
        if (!options.tls.cert_file.empty()) {
            curl_easy_setopt(curl, CURLOPT_SSLCERT, options.tls.cert_file.c_str());
            curl_easy_setopt(curl, CURLOPT_SSLKEY, options.tls.key_file.c_str());
        }
        if (options.proxy) {
            curl_easy_setopt(curl, CURLOPT_PROXY, options.proxy->c_str());
            if (!options.no_proxy.empty())
                curl_easy_setopt(curl, CURLOPT_NOPROXY, options.no_proxy.c_str());
        }
        curl_easy_setopt(curl, CURLOPT_SUPPRESS_CONNECT_HEADERS, 1L);
        curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
    }

    // The body goes through a read callback (not CURLOPT_POSTFIELDS) so that a resend after
    // part of it left can be refused (rewind_body).
    void set_method(std::string_view method, Exchange& ex, bool chunked) {
        const std::string m(method);
        if (m == "HEAD") {
            curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
        } else if (m == "GET" && ex.request_body.empty()) {
            curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
        } else {
            curl_easy_setopt(curl, CURLOPT_POST, 1L);
            curl_easy_setopt(curl, CURLOPT_READFUNCTION, read_body);
            curl_easy_setopt(curl, CURLOPT_READDATA, &ex);
            curl_easy_setopt(curl, CURLOPT_SEEKFUNCTION, rewind_body);
            curl_easy_setopt(curl, CURLOPT_SEEKDATA, &ex);
            if (!chunked)
                curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE,
                                 static_cast<curl_off_t>(ex.request_body.size()));
            if (m != "POST") curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, m.c_str());
        }
    }

    [[noreturn]] void fail(CURLcode code, const char* detail, const Exchange& ex,
                           std::string_view target) {
        long verify = 0;
        curl_easy_getinfo(curl, CURLINFO_SSL_VERIFYRESULT, &verify);
        std::string reason = detail[0] != '\0' ? detail : curl_easy_strerror(code);
        if (ex.body_too_long)
            reason = "the answer is longer than " + std::to_string(options.max_response_bytes) +
                     " bytes";
        const auto failure = ex.body_too_long ? Failure::other : classify(code, verify, reason);
        const auto query = target.find('?');
        const std::string where = options.origin + std::string(target.substr(0, query));
        reopen();  // the connection is in an unknown state
        throw TransportError(failure, "http client: " + where + ": " + reason);
    }

    ClientOptions options;
    CURL* curl = nullptr;
    bool connected = false;
    std::size_t opened = 0;
};

HttpClient::HttpClient(ClientOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}
HttpClient::HttpClient(const std::string& host, std::uint16_t port)
    : HttpClient([&] {
          ClientOptions direct;
          direct.origin = "http://" + host + ":" + std::to_string(port);
          direct.proxy = "";  // the simulators and tests talk to a neighbour, never via a proxy
          return direct;
      }()) {}
HttpClient::~HttpClient() = default;
HttpClient::HttpClient(HttpClient&&) noexcept = default;
HttpClient& HttpClient::operator=(HttpClient&&) noexcept = default;

ClientResponse HttpClient::request(std::string_view method, std::string_view target,
                                   const HeaderList& headers, std::string_view body,
                                   std::chrono::milliseconds timeout) {
    Impl& d = *impl_;
    CURL* curl = d.curl;
    curl_easy_reset(curl);  // options only; the connection cache stays
    d.set_transport_options(timeout);
    const std::string url = d.options.origin + std::string(target);
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());

    Slist list;
    bool has_agent = false;
    bool chunked = false;
    for (const auto& [name, value] : headers) {
        if (iequals_ascii(name, "user-agent")) has_agent = true;
        if (iequals_ascii(name, "transfer-encoding") &&
            lower(value).find("chunked") != std::string::npos)
            chunked = true;
        list.add(value.empty() ? name + ";" : name + ": " + value);
    }
    list.add("Expect:");  // no 100-continue round trip before a body
    if (!has_agent) list.add("User-Agent: fieldgate-http-client");
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list.list);

    Exchange ex;
    ex.max_body = d.options.max_response_bytes;
    ex.request_body = body;
    d.set_method(method, ex, chunked);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, &ex);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &ex);
    char detail[CURL_ERROR_SIZE] = {};
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, detail);

    const CURLcode code = curl_easy_perform(curl);
    long connects = 0;
    curl_easy_getinfo(curl, CURLINFO_NUM_CONNECTS, &connects);
    d.opened += static_cast<std::size_t>(connects);
    if (code != CURLE_OK) d.fail(code, detail, ex, target);

    long status = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    ex.response.status = static_cast<int>(status);
    long version = 0;
    curl_easy_getinfo(curl, CURLINFO_HTTP_VERSION, &version);
    const auto connection = lower(ex.response.header("connection").value_or(""));
    d.connected = connection.find("close") == std::string::npos &&
                  (version != CURL_HTTP_VERSION_1_0 || connection.find("keep-alive") == 0);
    return std::move(ex.response);
}

ClientResponse HttpClient::get(std::string_view target, const HeaderList& headers,
                               std::chrono::milliseconds timeout) {
    return request("GET", target, headers, {}, timeout);
}

ClientResponse HttpClient::post(std::string_view target, std::string_view body,
                                std::string_view content_type, const HeaderList& headers,
                                std::chrono::milliseconds timeout) {
    HeaderList all = headers;
    all.emplace_back("Content-Type", std::string(content_type));
    return request("POST", target, all, body, timeout);
}

void HttpClient::close() {
    impl_->reopen();
}

bool HttpClient::is_connected() const {
    return impl_->connected;
}

std::size_t HttpClient::connections_opened() const {
    return impl_->opened;
}

const std::string& HttpClient::origin() const {
    return impl_->options.origin;
}

}  // namespace fieldgate::http
