#include "poll_auth.h"

#include <vector>

#include "http_basic.h"

namespace fieldgate::poll {

PollCredentials poll_credentials(const PollSpec& spec, const SecretStore& secrets) {
    PollCredentials out;
    for (const auto& name : poll_secret_names(spec)) {
        if (secrets.values(name).empty()) {
            out.missing_secret = name;
            return out;
        }
    }
    // Read again: a secret may have been emptied since the check above.
    auto first = [&](const std::string& name) {
        const auto values = secrets.values(name);
        if (values.empty()) out.missing_secret = name;
        return values.empty() ? std::string() : values.front();
    };
    const auto& scheme = spec.auth_scheme;
    if (scheme == "bearer") {
        out.headers.emplace_back("Authorization", "Bearer " + first(spec.secret));
    } else if (scheme == "api_key_header") {
        out.headers.emplace_back(spec.auth_header, first(spec.secret));
    } else if (scheme == "headers") {
        for (const auto& h : spec.auth_headers)
            out.headers.emplace_back(h.name, h.secret.empty() ? h.value : first(h.secret));
    } else if (scheme == "basic") {
        const auto user =
            spec.username_secret.empty() ? spec.username : first(spec.username_secret);
        out.headers.emplace_back("Authorization", basic_authorization(user, first(spec.secret)));
    }
    if (!out.missing_secret.empty()) out.headers.clear();
    return out;
}

}  // namespace fieldgate::poll
