#include "token_issuer.h"

#include <openssl/crypto.h>

#include <algorithm>
#include <cctype>
#include <optional>

#include "base64.h"
#include "http_text.h"

namespace fieldgate::crm_sim {

namespace {

constexpr std::string_view kRealm = "fieldgate-crm-sim";

// The credentials after "<scheme> " in an Authorization value; nullopt for another scheme.
std::optional<std::string_view> credentials(std::string_view authorization,
                                            std::string_view scheme) {
    authorization = trim_ows(authorization);
    if (authorization.size() <= scheme.size() ||
        !iequals_ascii(authorization.substr(0, scheme.size()), scheme) ||
        authorization[scheme.size()] != ' ')
        return std::nullopt;
    return trim_ows(authorization.substr(scheme.size() + 1));
}

bool same_secret(std::string_view a, std::string_view b) {
    return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

}  // namespace

std::optional<std::string> form_decode(std::string_view in) {
    std::string out;
    out.reserve(in.size());
    for (std::size_t i = 0; i < in.size(); ++i) {
        if (in[i] == '+') {
            out += ' ';
        } else if (in[i] == '%') {
            if (i + 2 >= in.size()) return std::nullopt;
            const int hi = hex_value(in[i + 1]);
            const int lo = hex_value(in[i + 2]);
            if (hi < 0 || lo < 0) return std::nullopt;
            out += static_cast<char>(hi * 16 + lo);
            i += 2;
        } else {
            out += in[i];
        }
    }
    return out;
}

std::optional<std::unordered_map<std::string, std::string>> parse_form(std::string_view body) {
    std::unordered_map<std::string, std::string> out;
    while (!body.empty()) {
        const auto amp = body.find('&');
        const auto pair = body.substr(0, amp);
        body = amp == std::string_view::npos ? std::string_view() : body.substr(amp + 1);
        if (pair.empty()) continue;
        const auto eq = pair.find('=');
        auto name = form_decode(pair.substr(0, eq));
        auto value = form_decode(eq == std::string_view::npos ? "" : pair.substr(eq + 1));
        if (!name || !value) return std::nullopt;
        // RFC 6749 §3.2: request parameters MUST NOT be included more than once.
        if (!out.emplace(std::move(*name), std::move(*value)).second) return std::nullopt;
    }
    return out;
}

TokenIssuer::TokenIssuer(OAuthConfig config) : config_(std::move(config)) {}

Reply TokenIssuer::error(int status, std::string_view code, std::string description) {
    ++counters_.token_requests_refused;
    Reply r;
    r.status = status;
    r.headers = {{"Cache-Control", "no-store"}, {"Pragma", "no-cache"}};
    if (status == 401)
        r.headers.emplace_back("WWW-Authenticate", "Basic realm=\"" + std::string(kRealm) + "\"");
    r.body = nlohmann::ordered_json{{"error", code}, {"error_description", std::move(description)}}
                 .dump();
    return r;
}

std::optional<Reply> TokenIssuer::authenticate(
    std::string_view authorization, const std::unordered_map<std::string, std::string>& form) {
    const bool in_form = form.contains("client_secret");
    std::string id;
    std::string secret;
    if (!authorization.empty()) {
        const auto basic = credentials(authorization, "Basic");
        if (!basic) return error(401, "invalid_client", "only Basic client authentication");
        const auto decoded = decode_base64(*basic);
        const std::string pair = decoded ? std::string(decoded->begin(), decoded->end()) : "";
        const auto colon = pair.find(':');
        if (colon == std::string::npos)
            return error(401, "invalid_client", "Basic credentials are not base64 of id:secret");
        // RFC 6749 §2.3.1: both halves are form-urlencoded before base64.
        auto decoded_id = form_decode(std::string_view(pair).substr(0, colon));
        auto decoded_secret = form_decode(std::string_view(pair).substr(colon + 1));
        if (!decoded_id || !decoded_secret)
            return error(401, "invalid_client", "Basic credentials are not form-urlencoded");
        if (in_form)
            return error(400, "invalid_request", "more than one client authentication method");
        id = std::move(*decoded_id);
        secret = std::move(*decoded_secret);
    } else if (in_form) {
        const auto it = form.find("client_id");
        if (it == form.end()) return error(400, "invalid_request", "client_id is missing");
        id = it->second;
        secret = form.at("client_secret");
    } else {
        return error(401, "invalid_client", "no client authentication");
    }
    if (!same_secret(id, config_.client_id) || !same_secret(secret, config_.client_secret))
        return error(401, "invalid_client", "unknown client or wrong secret");
    return std::nullopt;
}

Reply TokenIssuer::issue(const TokenRequest& request, std::chrono::system_clock::time_point now) {
    std::lock_guard lock(mutex_);
    if (refusing_)
        return error(401, "invalid_client", "token requests are refused (refuse_tokens)");
    const auto semicolon = request.content_type.find(';');
    if (!iequals_ascii(trim_ows(request.content_type.substr(0, semicolon)),
                       "application/x-www-form-urlencoded"))
        return error(400, "invalid_request", "the body must be application/x-www-form-urlencoded");
    const auto form = parse_form(request.body);
    if (!form) return error(400, "invalid_request", "a parameter repeats or an escape is broken");
    if (auto refusal = authenticate(request.authorization, *form)) return std::move(*refusal);
    const auto grant = form->find("grant_type");
    if (grant == form->end()) return error(400, "invalid_request", "grant_type is missing");
    if (grant->second != "client_credentials")
        return error(400, "unsupported_grant_type", "only client_credentials");
    const auto scope = form->find("scope");
    if (!config_.scope.empty() && (scope == form->end() || scope->second != config_.scope))
        return error(400, "invalid_scope", "the scope must be exactly " + config_.scope);

    std::erase_if(tokens_, [now](const auto& entry) { return entry.second <= now; });
    std::string token = random_base64url(kTokenBytes);
    tokens_[token] = now + config_.token_ttl;
    ++counters_.tokens_issued;

    nlohmann::ordered_json body{{"access_token", std::move(token)},
                                {"token_type", "Bearer"},
                                {"expires_in", config_.token_ttl.count()}};
    if (!config_.scope.empty()) body["scope"] = config_.scope;
    Reply r;
    r.headers = {{"Cache-Control", "no-store"}, {"Pragma", "no-cache"}};
    r.body = body.dump();
    return r;
}

bool TokenIssuer::accepts(std::string_view authorization,
                          std::chrono::system_clock::time_point now) const {
    const auto token = credentials(authorization, "Bearer");
    if (!token || token->empty()) return false;
    std::lock_guard lock(mutex_);
    const auto it = tokens_.find(std::string(*token));
    return it != tokens_.end() && now < it->second;
}

void TokenIssuer::expire_all() {
    std::lock_guard lock(mutex_);
    tokens_.clear();
}

void TokenIssuer::set_refusing(bool refusing) {
    std::lock_guard lock(mutex_);
    refusing_ = refusing;
}

void TokenIssuer::reset() {
    std::lock_guard lock(mutex_);
    counters_ = {};
    refusing_ = false;
}

TokenCounters TokenIssuer::counters() const {
    std::lock_guard lock(mutex_);
    return counters_;
}

nlohmann::ordered_json TokenIssuer::report_json(std::chrono::system_clock::time_point now) const {
    std::lock_guard lock(mutex_);
    const auto live = std::count_if(tokens_.begin(), tokens_.end(),
                                    [now](const auto& entry) { return now < entry.second; });
    return {{"tokens_issued", counters_.tokens_issued},
            {"token_requests_refused", counters_.token_requests_refused},
            {"tokens_live", live},
            {"refusing", refusing_},
            {"token_ttl_s", config_.token_ttl.count()},
            {"scope", config_.scope.empty() ? nlohmann::ordered_json()
                                            : nlohmann::ordered_json(config_.scope)}};
}

}  // namespace fieldgate::crm_sim
