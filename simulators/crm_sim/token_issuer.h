// The CRM's OAuth 2.0 authorization server, client credentials grant only (RFC 6749 §4.4):
// POST /oauth2/token with client_secret_basic or client_secret_post, opaque random bearer
// tokens remembered with their expiry, and the checks of a bearer token on an event.
// Transport-free and thread-safe. Neither the client secret nor a token ever goes into an answer
// other than the one issuing it, nor into a log.
#pragma once

#include <chrono>
#include <cstddef>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "reply.h"

namespace fieldgate::crm_sim {

struct OAuthConfig {
    std::string client_id;
    std::string client_secret;
    std::chrono::seconds token_ttl{300};
    // When set, a token request must ask for exactly this scope (invalid_scope otherwise);
    // when empty, any scope (or none) is accepted.
    std::string scope;
};

struct TokenRequest {
    std::string_view content_type;
    std::string_view authorization;  // the Authorization header, empty when absent
    std::string_view body;
};

struct TokenCounters {
    std::size_t tokens_issued = 0;
    std::size_t token_requests_refused = 0;  // every token request answered with an error
};

class TokenIssuer {
  public:
    static constexpr std::size_t kTokenBytes = 32;

    explicit TokenIssuer(OAuthConfig config);

    // The answer to one token request: 200 with the RFC 6749 §5.1 JSON, or a §5.2 error.
    Reply issue(const TokenRequest& request, std::chrono::system_clock::time_point now);

    // Whether `authorization` is "Bearer <token>" with a token issued here and not expired.
    bool accepts(std::string_view authorization, std::chrono::system_clock::time_point now) const;

    // Every token issued so far stops being accepted.
    void expire_all();
    // While on, every token request is answered invalid_client (401).
    void set_refusing(bool refusing);
    // Forgets the counters and turns refusing off; tokens issued stay valid.
    void reset();

    TokenCounters counters() const;
    // {"tokens_issued", "token_requests_refused", "tokens_live", "refusing", "token_ttl_s",
    //  "scope"}; never a token or the secret.
    nlohmann::ordered_json report_json(std::chrono::system_clock::time_point now) const;

  private:
    Reply error(int status, std::string_view code, std::string description);
    // invalid_client / invalid_request, or nullopt when the client proved who it is.
    std::optional<Reply> authenticate(std::string_view authorization,
                                      const std::unordered_map<std::string, std::string>& form);

    const OAuthConfig config_;
    mutable std::mutex mutex_;
    std::unordered_map<std::string, std::chrono::system_clock::time_point> tokens_;  // -> expiry
    TokenCounters counters_;
    bool refusing_ = false;
};

// application/x-www-form-urlencoded: nullopt when a name repeats or an escape is broken.
std::optional<std::unordered_map<std::string, std::string>> parse_form(std::string_view body);
// Percent-decoding with '+' as a space; nullopt on a broken escape.
std::optional<std::string> form_decode(std::string_view in);

}  // namespace fieldgate::crm_sim
