#include "endpoint_url.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>

#include <memory>

namespace fieldgate::http {
namespace {

struct UrlHandle {
    CURLU* handle = curl_url();
    ~UrlHandle() { curl_url_cleanup(handle); }

    std::optional<std::string> part(CURLUPart which, unsigned flags = 0) const {
        char* out = nullptr;
        if (curl_url_get(handle, which, &out, flags) != CURLUE_OK) return std::nullopt;
        std::string value(out);
        curl_free(out);
        return value;
    }
};

}  // namespace

bool is_loopback_host(const std::string& host) {
    if (host == "localhost") return true;
    const auto bare =
        host.size() > 2 && host.front() == '[' ? host.substr(1, host.size() - 2) : host;
    unsigned char v4[4];
    if (inet_pton(AF_INET, bare.c_str(), v4) == 1) return v4[0] == 127;
    in6_addr v6{};
    return inet_pton(AF_INET6, bare.c_str(), &v6) == 1 && IN6_IS_ADDR_LOOPBACK(&v6);
}

std::optional<EndpointUrl> parse_endpoint_url(const std::string& url, std::string& error) {
    UrlHandle u;
    if (!u.handle || curl_url_set(u.handle, CURLUPART_URL, url.c_str(), 0) != CURLUE_OK) {
        error = "'" + url + "' is not an absolute URL";
        return std::nullopt;
    }
    const auto scheme = u.part(CURLUPART_SCHEME);
    if (scheme != "https" && scheme != "http") {
        error = "'" + url + "' must start with https:// (or http://)";
        return std::nullopt;
    }
    if (u.part(CURLUPART_USER) || u.part(CURLUPART_FRAGMENT)) {
        error = "'" + url + "' may not carry user:password@ or a #fragment";
        return std::nullopt;
    }
    EndpointUrl out;
    out.https = scheme == "https";
    out.host = u.part(CURLUPART_HOST).value_or("");
    const auto port = u.part(CURLUPART_PORT);
    out.origin = *scheme + "://" + out.host + (port ? ":" + *port : "");
    out.target = u.part(CURLUPART_PATH).value_or("/");
    if (out.target.empty()) out.target = "/";
    if (const auto query = u.part(CURLUPART_QUERY)) out.target += "?" + *query;
    return out;
}

std::string refuse_plaintext(const EndpointUrl& url, bool allow_insecure_http,
                             const std::string& setting) {
    if (url.https || allow_insecure_http || is_loopback_host(url.host)) return "";
    return setting + ": " + url.origin +
           " is plain HTTP to another machine; use https://, or set \"allow_insecure_http\": "
           "true for it if the network between is trusted";
}

}  // namespace fieldgate::http
