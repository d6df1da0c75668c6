#include "oauth2_token_source.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <vector>

#include "base64_codec.h"
#include "endpoint_url.h"
#include "url_escape.h"

namespace fieldgate::http {
namespace {

using Clock = std::chrono::steady_clock;

std::string refusal(const ClientResponse& r, const std::string& url) {
    std::string what =
        "oauth2: the token endpoint " + url + " answered HTTP " + std::to_string(r.status);
    const auto doc = nlohmann::json::parse(r.body, nullptr, false);
    if (doc.is_object() && doc.contains("error") && doc["error"].is_string()) {
        what += " " + doc["error"].get<std::string>();
        if (doc.contains("error_description") && doc["error_description"].is_string())
            what += ": " + doc["error_description"].get<std::string>().substr(0, 200);
    }
    return what;
}

}  // namespace

OAuth2TokenSource::OAuth2TokenSource(OAuth2Settings settings, ClientOptions client,
                                     SecretReader secret)
    : settings_(std::move(settings)), secret_(std::move(secret)) {
    std::string error;
    const auto url = parse_endpoint_url(settings_.token_url, error);
    if (!url) throw std::invalid_argument("oauth2 token_url: " + error);
    client.origin = url->origin;
    target_ = url->target;
    client_ = std::make_unique<HttpClient>(std::move(client));
}

OAuth2TokenSource::~OAuth2TokenSource() = default;

std::string OAuth2TokenSource::token() {
    std::unique_lock lock(mutex_);
    for (;;) {
        if (current_ && Clock::now() < current_->replace_at) return current_->token;
        if (!fetching_) break;
        fetched_.wait(lock);
    }
    fetching_ = true;
    lock.unlock();
    std::optional<Fetched> got;
    std::exception_ptr failure;
    try {
        got = fetch();
    } catch (...) {
        failure = std::current_exception();
    }
    lock.lock();
    fetching_ = false;
    ++fetches_;
    if (got) current_ = *got;
    fetched_.notify_all();
    if (failure) std::rethrow_exception(failure);
    return current_->token;
}

void OAuth2TokenSource::invalidate(const std::string& token) {
    std::lock_guard lock(mutex_);
    if (current_ && current_->token == token) current_.reset();
}

ClientResponse OAuth2TokenSource::send_authorized(
    const std::function<ClientResponse(const std::string& authorization)>& send) {
    const auto first = token();
    auto response = send("Bearer " + first);
    if (response.status != 401) return response;
    invalidate(first);
    return send("Bearer " + token());
}

std::uint64_t OAuth2TokenSource::fetches() const {
    std::lock_guard lock(mutex_);
    return fetches_;
}

OAuth2TokenSource::Fetched OAuth2TokenSource::fetch() {
    const std::string secret = secret_();
    if (secret.empty())
        throw TokenError("oauth2: the client secret for " + settings_.client_id +
                         " is not configured");
    std::string form = "grant_type=client_credentials";
    auto add = [&form](const char* name, const std::string& value) {
        if (!value.empty()) form += std::string("&") + name + "=" + url_escape(value);
    };
    add("scope", settings_.scope);
    add("audience", settings_.audience);
    add("resource", settings_.resource);
    HeaderList headers = {{"Accept", "application/json"}};
    if (settings_.auth_method == "client_secret_post") {
        add("client_id", settings_.client_id);
        add("client_secret", secret);
    } else {
        headers.emplace_back(
            "Authorization",
            "Basic " + base64_encode(url_escape(settings_.client_id) + ":" + url_escape(secret)));
    }
    const auto response = client_->post(target_, form, "application/x-www-form-urlencoded", headers,
                                        settings_.timeout);
    if (response.status != 200) throw TokenError(refusal(response, settings_.token_url));
    const auto doc = nlohmann::json::parse(response.body, nullptr, false);
    if (!doc.is_object() || !doc.contains("access_token") || !doc["access_token"].is_string())
        throw TokenError("oauth2: the token endpoint " + settings_.token_url +
                         " answered 200 without an access_token");
    const auto lifetime =
        std::chrono::seconds(doc.contains("expires_in") && doc["expires_in"].is_number_integer()
                                 ? std::max<std::int64_t>(1, doc["expires_in"].get<std::int64_t>())
                                 : 3600);  // RFC 6749 5.1: expires_in is RECOMMENDED, not required
    const auto early = std::min<std::chrono::seconds>(settings_.refresh_early, lifetime / 2);
    return {doc["access_token"].get<std::string>(), Clock::now() + lifetime - early};
}

}  // namespace fieldgate::http
