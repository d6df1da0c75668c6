// OAuth 2.0 client credentials (RFC 6749 section 4.4): an access token for the CRM or a vendor
// API, fetched from its token URL, cached until shortly before it expires, one fetch in flight
// at a time (concurrent callers wait for it). Tokens and the client secret never reach a log or
// the store; errors name the token URL and what the provider answered (RFC 6749 5.2 "error").
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>

#include "http_client.h"

namespace fieldgate::http {

struct OAuth2Settings {
    std::string token_url;
    std::string client_id;
    // "client_secret_basic" (HTTP Basic, RFC 6749 2.3.1) or "client_secret_post" (in the form).
    std::string auth_method = "client_secret_basic";
    std::string scope;     // e.g. Dynamics 365: "https://<org>.crm.dynamics.com/.default"
    std::string audience;  // Auth0-style providers
    std::string resource;  // RFC 8707 / Azure AD v1
    // How long before its expiry a token is replaced (at most half its lifetime).
    std::chrono::seconds refresh_early{60};
    std::chrono::milliseconds timeout{10000};
};

class TokenError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

class OAuth2TokenSource {
  public:
    using SecretReader = std::function<std::string()>;  // the client secret, read on each fetch

    // `client` is made for the token URL's origin (same TLS and proxy rules as every client).
    OAuth2TokenSource(OAuth2Settings settings, ClientOptions client, SecretReader secret);
    ~OAuth2TokenSource();

    // A token that is not about to expire. Throws TokenError (or TransportError) when the
    // provider cannot be reached or refuses.
    std::string token();
    // The resource server refused `token` (401): the next token() fetches a new one, unless
    // another caller already did.
    void invalidate(const std::string& token);
    std::uint64_t fetches() const;
    // Sends with "Bearer <token>" as the Authorization value; when the answer is 401 the token
    // is invalidated and the request sent once more with a fresh one (tokens can be revoked or
    // expire early).
    ClientResponse send_authorized(
        const std::function<ClientResponse(const std::string& authorization)>& send);

  private:
    struct Fetched {
        std::string token;
        std::chrono::steady_clock::time_point replace_at;
    };
    Fetched fetch();

    const OAuth2Settings settings_;
    const SecretReader secret_;
    std::string target_;
    std::unique_ptr<HttpClient> client_;  // used only by the one fetching caller

    mutable std::mutex mutex_;
    std::condition_variable fetched_;
    std::optional<Fetched> current_;
    bool fetching_ = false;
    std::uint64_t fetches_ = 0;
};

}  // namespace fieldgate::http
