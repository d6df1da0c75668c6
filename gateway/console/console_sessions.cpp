#include "console_sessions.h"

#include "ids.h"
#include "time_util.h"
#include "transaction.h"

namespace fieldgate::console {

std::optional<std::string> Sessions::cookie(const http::Request& request) {
    for (const auto& h : request.headers) {
        if (h.name != "cookie") continue;
        std::string_view rest = h.value;
        while (!rest.empty()) {
            const auto end = std::min(rest.find(';'), rest.size());
            auto pair = rest.substr(0, end);
            rest.remove_prefix(std::min(end + 1, rest.size()));
            while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
            const auto eq = pair.find('=');
            if (eq != std::string_view::npos && pair.substr(0, eq) == kCookieName)
                return std::string(pair.substr(eq + 1));
        }
    }
    return std::nullopt;
}

std::string Sessions::id_hash(std::string_view session_id) {
    return sha256_hex(session_id);
}

std::string Sessions::csrf_token(std::string_view session_id) {
    return hmac_sha256_hex(session_id, "fieldgate console csrf");
}

std::optional<Caller> Sessions::caller(const http::Request& request) const {
    auto id = cookie(request);
    // A session id is 64 hex digits: anything else is not looked up.
    if (!id || id->size() != 64 || id->find_first_not_of("0123456789abcdef") != std::string::npos)
        return std::nullopt;
    auto db = reads_->acquire();
    const auto found = db->find_console_session(id_hash(*id), now_utc());
    if (!found) return std::nullopt;
    return Caller{found->account, found->role, std::move(*id)};
}

std::string Sessions::set_cookie(const std::string& session_id, bool secure) const {
    return std::string(kCookieName) + "=" + session_id +
           "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" + std::to_string(ttl_.count()) +
           (secure ? "; Secure" : "");
}

std::string Sessions::clear_cookie(bool secure) {
    return std::string(kCookieName) + "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0" +
           (secure ? "; Secure" : "");
}

}  // namespace fieldgate::console
