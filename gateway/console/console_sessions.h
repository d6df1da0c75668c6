// Console sessions: an opaque random id in an HttpOnly, SameSite=Strict cookie (Secure over
// TLS), kept in the store as its SHA-256 (console_repository.h) so every gateway on one database
// knows it; and the CSRF token a change must carry in X-CSRF-Token, derived from the id, so a
// page of another site, which can make the browser send the cookie but cannot read the token,
// changes nothing.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "read_pool.h"
#include "types.h"

namespace fieldgate::console {

inline constexpr std::string_view kCookieName = "fieldgate_session";
inline constexpr std::string_view kCsrfHeader = "x-csrf-token";

// Who is calling a staff route.
struct Caller {
    std::string account;     // a console account, or "admin-token"
    std::string role;        // viewer | operator
    std::string session_id;  // empty for the bearer token
};

class Sessions {
  public:
    Sessions(store::ReadPool& reads, std::chrono::seconds ttl) : reads_(&reads), ttl_(ttl) {}

    // The live session the request's cookie names.
    std::optional<Caller> caller(const http::Request& request) const;
    std::chrono::seconds ttl() const { return ttl_; }

    static std::optional<std::string> cookie(const http::Request& request);
    static std::string id_hash(std::string_view session_id);
    static std::string csrf_token(std::string_view session_id);
    // Set-Cookie values opening and ending a session.
    std::string set_cookie(const std::string& session_id, bool secure) const;
    static std::string clear_cookie(bool secure);

  private:
    store::ReadPool* reads_;
    std::chrono::seconds ttl_;
};

}  // namespace fieldgate::console
