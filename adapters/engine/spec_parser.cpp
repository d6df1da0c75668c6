#include "engine/spec_parser.h"

#include <cctype>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

#include <openssl/evp.h>
#include <nlohmann/json.hpp>

namespace fieldgate::engine {

namespace {

// "http(s)://host[:port]/path" -> host, port, target; false when it is not that (no IPv6
// literal: name the host). Whether plain HTTP may be used is the gateway's rule, at start.
bool split_http_url(const std::string& url, DispatchSpec& out) {
    const bool https = url.rfind("https://", 0) == 0;
    if (!https && url.rfind("http://", 0) != 0) return false;
    const auto rest = url.substr(https ? 8 : 7);
    out.push_port = https ? 443 : 80;
    const auto slash = rest.find('/');
    const auto authority = rest.substr(0, slash);
    out.push_target = slash == std::string::npos ? "/" : rest.substr(slash);
    if (authority.find_first_of("[]") != std::string::npos) return false;  // no IPv6 literals
    const auto colon = authority.rfind(':');
    if (colon != std::string::npos) {
        const auto port = authority.substr(colon + 1);
        if (port.empty() || port.size() > 5 ||
            port.find_first_not_of("0123456789") != std::string::npos)
            return false;
        const int n = std::stoi(port);
        if (n < 1 || n > 65535) return false;
        out.push_port = static_cast<std::uint16_t>(n);
        out.push_host = authority.substr(0, colon);
    } else {
        out.push_host = authority;
    }
    return !out.push_host.empty();
}

template <typename Fail>
void parse_dispatch(const nlohmann::json& d, DispatchSpec& out, Fail& fail) {
    out.mode = d.value("mode", "pull");
    out.push_url = d.value("push_url", "");
    out.secret = d.value("secret", "");
    out.allow_insecure_http = d.value("allow_insecure_http", false);
    if (d.contains("oauth2")) out.oauth2 = parse_oauth2(d.at("oauth2"));
    if (!out.push()) {
        if (d.contains("oauth2")) fail("/dispatch/oauth2", "oauth2 only applies to mode push");
        if (d.contains("push_url"))
            fail("/dispatch/push_url", "push_url only applies to mode push");
        if (d.contains("secret")) fail("/dispatch/secret", "secret only applies to mode push");
        return;
    }
    if (out.push_url.empty())
        fail("/dispatch", "mode push needs push_url (https://host[:port]/path)");
    else if (!split_http_url(out.push_url, out))
        fail("/dispatch/push_url",
             "push_url must be https://host[:port]/path (or http://) with a port 1-65535");
    if (out.secret.empty())
        fail("/dispatch", "mode push needs secret (the secret that signs each push)");
}

template <typename Fail>
std::optional<ClientCertificateSpec> parse_client_certificate(const nlohmann::json& auth,
                                                              Fail& fail) {
    if (!auth.contains("client_certificate")) return std::nullopt;
    const auto& c = auth.at("client_certificate");
    ClientCertificateSpec out;
    out.with_key = c.at("with_key").get<bool>();
    for (const char ch : c.value("sha256", std::string()))
        if (ch != ':')
            out.sha256 += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    out.subject = c.value("subject", "");
    if (out.sha256.empty() == out.subject.empty())
        fail("/auth/client_certificate", "name the certificate by exactly one of sha256, subject");
    return out;
}

}  // namespace

std::vector<LoadError> parse_vendor_spec(const nlohmann::json& doc, const std::string& file,
                                         VendorSpec& out) {
    std::vector<LoadError> errors;
    auto fail = [&](const std::string& pointer, const std::string& message) {
        errors.push_back(LoadError{file, pointer, message});
    };
    try {
        out.id = doc.at("vendor_id").get<std::string>();
        out.name = doc.at("name").get<std::string>();
        out.status = doc.at("status").get<std::string>();
        out.format = doc.at("format").get<std::string>();
        out.time_zone = doc.at("time_zone").get<std::string>();
        const auto& t = doc.at("transport");
        out.content_types = t.at("content_types").get<std::vector<std::string>>();
        out.max_body_bytes = t.at("max_body_bytes").get<std::size_t>();
        if (t.contains("rate_limit")) {
            const auto& r = t.at("rate_limit");
            out.rate_limit =
                RateLimit{r.at("requests_per_second").get<double>(), r.at("burst").get<int>()};
        }
        const auto& a = doc.at("auth");
        out.auth.scheme = a.at("scheme").get<std::string>();
        out.auth.secret = a.at("secret").get<std::string>();
        out.auth.header = a.value("header", "");
        out.auth.username = a.value("username", "");
        if (out.auth.scheme == "api_key_header" && out.auth.header.empty()) {
            fail("/auth", "scheme api_key_header needs 'header' (the header carrying the key)");
        }
        if (out.auth.scheme == "wsse_username_token" && out.auth.username.empty()) {
            fail("/auth", "scheme wsse_username_token needs 'username'");
        }
        if (out.auth.scheme != "api_key_header" && a.contains("header")) {
            fail("/auth/header", "'header' only applies to scheme api_key_header");
        }
        if (out.auth.scheme != "wsse_username_token" && a.contains("username")) {
            fail("/auth/username", "'username' only applies to scheme wsse_username_token");
        }
        out.auth.client_certificate = parse_client_certificate(a, fail);
        if (a.contains("signature")) {
            const auto& s = a.at("signature");
            SignatureSpec sig;
            sig.scheme = s.value("scheme", sig.scheme);
            sig.required = s.value("required", false);
            sig.secret = s.at("secret").get<std::string>();
            sig.timestamp_header = s.at("timestamp_header").get<std::string>();
            sig.signature_header = s.at("signature_header").get<std::string>();
            sig.prefix = s.value("prefix", "");
            sig.signed_template = s.value("signed_template", sig.signed_template);
            sig.replay_window_s = s.value("replay_window_s", sig.replay_window_s);
            if (sig.signed_template.find("{body}") == std::string::npos) {
                fail("/auth/signature/signed_template", "the signed text must include {body}");
            }
            out.auth.signature = sig;
        }
        const auto& r = doc.at("response");
        out.response.style = r.at("style").get<std::string>();
        out.response.soap_element = r.value("soap_element", "");
        out.response.soap_namespace = r.value("soap_namespace", "");
        if (out.response.style == "soap" &&
            (out.response.soap_element.empty() || out.response.soap_namespace.empty())) {
            fail("/response", "style soap needs soap_element and soap_namespace");
        }
        if (out.response.style != "soap" &&
            (r.contains("soap_element") || r.contains("soap_namespace"))) {
            fail("/response", "soap_element and soap_namespace only apply to style soap");
        }
        if (doc.contains("customer_fields_allowed")) {
            out.customer_fields_allowed =
                doc.at("customer_fields_allowed").get<std::vector<std::string>>();
        }
        if (doc.contains("dispatch")) parse_dispatch(doc.at("dispatch"), out.dispatch, fail);
        if (doc.contains("poll")) parse_poll_spec(doc, file, out, errors);
    } catch (const nlohmann::json::exception& e) {
        fail("", std::string("cannot read the vendor settings: ") + e.what());
    }
    return errors;
}

OAuth2Spec parse_oauth2(const nlohmann::json& block) {
    OAuth2Spec o;
    o.token_url = block.at("token_url").get<std::string>();
    o.client_id = block.at("client_id").get<std::string>();
    o.client_secret = block.at("client_secret").get<std::string>();
    o.auth_method = block.value("auth_method", o.auth_method);
    o.scope = block.value("scope", "");
    o.audience = block.value("audience", "");
    o.resource = block.value("resource", "");
    return o;
}

bool parse_http_url(const std::string& url, std::string& host, std::uint16_t& port,
                    std::string& target) {
    DispatchSpec d;
    if (!split_http_url(url, d)) return false;
    host = d.push_host;
    port = d.push_port;
    target = d.push_target;
    return true;
}

std::string mapping_version(const std::string& version, const std::string& file_bytes) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    EVP_Digest(file_bytes.data(), file_bytes.size(), digest, &size, EVP_sha256(), nullptr);
    std::string hex;
    for (unsigned int i = 0; i < 4 && i < size; ++i) {
        char buf[3];
        std::snprintf(buf, sizeof buf, "%02x", digest[i]);
        hex += buf;
    }
    return version + "+" + hex;
}

}  // namespace fieldgate::engine
