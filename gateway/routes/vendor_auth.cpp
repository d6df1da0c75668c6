#include "vendor_auth.h"

#include <algorithm>
#include <array>

#include <openssl/evp.h>
#include <pugixml.hpp>

#include "base64_codec.h"
#include "ids.h"
#include "xml_escape.h"

namespace fieldgate {

namespace {

ApiError credential_refused(std::string detail, std::string pointer = {}) {
    return ApiError{401,
                    "unauthorized",
                    "Unauthorized",
                    std::move(detail),
                    std::move(pointer),
                    nlohmann::json::object()};
}

pugi::xml_node child_local(pugi::xml_node parent, std::string_view name) {
    for (auto c : parent.children()) {
        if (c.type() == pugi::node_element && xml_local_name(c.name()) == name) return c;
    }
    return {};
}

std::optional<ApiError> check_wsse(const AuthSpec& auth, const http::Request& request,
                                   const SecretStore& secrets) {
    pugi::xml_document doc;
    // A body that does not parse to the end still yields the tree up to the error, and the SOAP
    // header comes first: a vendor that gets the token right is known, and its malformed
    // payload is then kept for replay (the adapter names the position); anyone else is refused
    // and nothing is kept.
    doc.load_buffer(request.body.data(), request.body.size(), pugi::parse_default);
    auto header = child_local(doc.document_element(), "Header");
    auto token =
        header ? child_local(child_local(header, "Security"), "UsernameToken") : pugi::xml_node{};
    if (!token) {
        return credential_refused("no WS-Security UsernameToken in the SOAP header",
                                  "Envelope/Header/Security/UsernameToken");
    }
    const std::string username = child_local(token, "Username").text().as_string();
    auto password_node = child_local(token, "Password");
    const std::string type = password_node.attribute("Type").as_string();
    if (!type.empty() && type.find("#PasswordText") == std::string::npos) {
        return credential_refused("only PasswordText UsernameTokens are accepted",
                                  "Envelope/Header/Security/UsernameToken/Password");
    }
    // The element's character data, whatever its form: text, CDATA sections, entities, and
    // text split by comments (which parse_default drops) all count.
    std::string password;
    for (auto part : password_node.children()) {
        if (part.type() == pugi::node_pcdata || part.type() == pugi::node_cdata)
            password += part.value();
    }
    if (username != auth.username || !secrets.matches(auth.secret, password)) {
        return credential_refused("UsernameToken user name or password is wrong",
                                  "Envelope/Header/Security/UsernameToken");
    }
    return std::nullopt;
}

std::optional<ApiError> check_signature(const SignatureSpec& sig, const http::Request& request,
                                        const SecretStore& secrets,
                                        std::chrono::system_clock::time_point now) {
    const auto ts = request.header(sig.timestamp_header);
    const auto signature = request.header(sig.signature_header);
    if (!ts && !signature) {
        if (sig.required)
            return credential_refused("the request must be signed: " + sig.signature_header +
                                      " and " + sig.timestamp_header + " are missing");
        return std::nullopt;
    }
    if (!ts || !signature) {
        return credential_refused("a signed request needs both " + sig.timestamp_header + " and " +
                                  sig.signature_header);
    }
    long long seconds = 0;
    try {
        std::size_t used = 0;
        seconds = std::stoll(std::string(*ts), &used);
        if (used != ts->size()) throw std::invalid_argument("trailing");
    } catch (const std::exception&) {
        return credential_refused(sig.timestamp_header + " must be unix seconds");
    }
    const long long now_s =
        std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
    if (std::llabs(now_s - seconds) > sig.replay_window_s) {
        return credential_refused(sig.timestamp_header + " is outside the " +
                                  std::to_string(sig.replay_window_s) +
                                  " s window: check the sender's clock, or this is a replay");
    }
    std::string message = sig.signed_template;
    auto replace = [&message](const std::string& key, std::string_view value) {
        if (auto at = message.find(key); at != std::string::npos)
            message.replace(at, key.size(), value);
    };
    replace("{timestamp}", *ts);
    replace("{body}", request.body);
    std::string given(*signature);
    if (!sig.prefix.empty()) {
        if (given.rfind(sig.prefix, 0) != 0)
            return credential_refused(sig.signature_header + " must start with '" + sig.prefix +
                                      "'");
        given = given.substr(sig.prefix.size());
    }
    for (auto& c : given) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    for (const auto& key : secrets.values(sig.secret)) {
        if (constant_time_equal(hmac_sha256_hex(key, message), given)) return std::nullopt;
    }
    return credential_refused(sig.signature_header + " does not match the body");
}

std::optional<ApiError> check_basic(const AuthSpec& auth, const http::Request& request,
                                    const SecretStore& secrets) {
    const auto header = request.header("authorization");
    constexpr std::string_view kPrefix = "Basic ";
    if (!header || header->size() <= kPrefix.size() || header->substr(0, kPrefix.size()) != kPrefix)
        return credential_refused(
            "missing Authorization: Basic <user:password>, the same user name and "
            "password as the WS-Security UsernameToken",
            "Authorization");
    const auto encoded = header->substr(kPrefix.size());
    const auto decoded =
        encoded.size() > 4096 ? std::nullopt : base64_decode(encoded, Base64Padding::required);
    const auto colon = decoded ? decoded->find(':') : std::string::npos;
    if (colon == std::string::npos)
        return credential_refused("Authorization: Basic must carry base64 of <user>:<password>",
                                  "Authorization");
    if (decoded->substr(0, colon) != auth.username ||
        !secrets.matches(auth.secret, std::string_view(*decoded).substr(colon + 1))) {
        return credential_refused("user name or password is wrong", "Authorization");
    }
    return std::nullopt;
}

std::optional<ApiError> check_key(const VendorSpec& spec, const http::Request& request,
                                  const SecretStore& secrets) {
    const auto& auth = spec.auth;
    if (auth.scheme == "bearer") {
        const auto header = request.header("authorization");
        if (!header)
            return credential_refused("missing Authorization: Bearer <api key>", "Authorization");
        constexpr std::string_view kPrefix = "Bearer ";
        if (header->size() <= kPrefix.size() || header->substr(0, kPrefix.size()) != kPrefix) {
            return credential_refused("Authorization must be 'Bearer <api key>'", "Authorization");
        }
        if (!secrets.matches(auth.secret, header->substr(kPrefix.size()))) {
            return credential_refused("the API key is not valid", "Authorization");
        }
    } else if (auth.scheme == "api_key_header") {
        const auto header = request.header(auth.header);
        if (!header) return credential_refused("missing " + auth.header + " header", auth.header);
        if (!secrets.matches(auth.secret, *header))
            return credential_refused("the API key is not valid", auth.header);
    } else {
        return credential_refused("vendor " + spec.id + " declares an unknown auth scheme");
    }
    return std::nullopt;
}

// Over HTTPS, the certificate the folder names: pinned by fingerprint, or by subject with a
// chain that verified against the listener's client CAs.
std::optional<ApiError> check_client_certificate(const VendorSpec& spec,
                                                 const http::Request& request) {
    const auto& want = spec.auth.client_certificate;
    if (!want) return std::nullopt;
    if (!request.tls)
        return credential_refused("vendor " + spec.id +
                                  " must connect over HTTPS and present its client certificate");
    const auto& given = request.client_certificate;
    if (!given)
        return credential_refused("vendor " + spec.id + " must present its client certificate");
    const bool match = want->sha256.empty() ? given->verified && given->subject == want->subject
                                            : constant_time_equal(given->sha256, want->sha256);
    if (!match) {
        return credential_refused(
            "the client certificate presented is not the one configured for " + spec.id);
    }
    return std::nullopt;
}

}  // namespace

std::optional<ApiError> authenticate_vendor_read(const VendorSpec& spec,
                                                 const http::Request& request,
                                                 const SecretStore& secrets,
                                                 std::chrono::system_clock::time_point now) {
    if (spec.auth.scheme != "wsse_username_token" || spec.auth.certificate_only())
        return authenticate_vendor(spec, request, secrets, now);
    if (auto refused = check_client_certificate(spec, request)) return refused;
    if (secrets.values(spec.auth.secret).empty())
        return credential_refused("vendor " + spec.id +
                                  " has no credentials configured on the gateway");
    if (auto error = check_basic(spec.auth, request, secrets)) return error;
    if (spec.auth.signature) return check_signature(*spec.auth.signature, request, secrets, now);
    return std::nullopt;
}

bool credentials_in_body(const VendorSpec& spec) {
    return spec.auth.scheme == "wsse_username_token" && !spec.auth.certificate_only();
}

std::optional<ApiError> authenticate_vendor_head(const VendorSpec& spec, const http::Request& head,
                                                 const SecretStore& secrets) {
    if (auto refused = check_client_certificate(spec, head)) return refused;
    if (spec.auth.certificate_only()) return std::nullopt;
    if (secrets.values(spec.auth.secret).empty()) {
        // Misconfiguration must not open the door: no configured key means nobody gets in.
        return credential_refused("vendor " + spec.id +
                                  " has no credentials configured on the gateway");
    }
    if (credentials_in_body(spec)) return std::nullopt;
    return check_key(spec, head, secrets);
}

std::optional<ApiError> authenticate_vendor(const VendorSpec& spec, const http::Request& request,
                                            const SecretStore& secrets,
                                            std::chrono::system_clock::time_point now) {
    const auto& auth = spec.auth;
    if (auto refused = authenticate_vendor_head(spec, request, secrets)) return refused;
    if (credentials_in_body(spec)) {
        if (auto error = check_wsse(auth, request, secrets)) return error;
    }
    if (auth.signature) return check_signature(*auth.signature, request, secrets, now);
    return std::nullopt;
}

namespace {

// Headers are nearly always plain ASCII: escape those by hand (nlohmann per header was
// measurable on the request path); anything else goes through nlohmann, which replaces invalid
// UTF-8 instead of storing it.
void append_header_json(std::string& out, std::string_view s) {
    const bool plain = std::all_of(s.begin(), s.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return u >= 0x20 && u < 0x7f && c != '"' && c != '\\';
    });
    if (!plain) {
        out += nlohmann::json(std::string(s))
                   .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
        return;
    }
    out += '"';
    out += s;
    out += '"';
}

}  // namespace

std::string safe_headers_json(const http::Request& request) {
    static constexpr std::array<std::string_view, 9> kKept = {
        "content-type",    "content-length", "user-agent",   "request-tracking-id", "soapaction",
        "idempotency-key", "x-bh-timestamp", "x-request-id", "x-forwarded-for"};
    std::string out = "{";
    for (const auto& h : request.headers) {
        if (std::find(kKept.begin(), kKept.end(), h.name) == kKept.end()) continue;
        if (out.size() > 1) out += ',';
        append_header_json(out, h.name);
        out += ':';
        append_header_json(out, h.value);
    }
    return out + "}";
}

}  // namespace fieldgate
