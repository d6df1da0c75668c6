// The `poll` block of a mapping.json -> PollSpec, with the checks the meta-schema leaves to
// code: exactly one of window/cursor, one pagination style, a key for every auth scheme.
#include <functional>

#include <nlohmann/json.hpp>

#include "engine/spec_parser.h"

namespace fieldgate::engine {

namespace {

using Fail = std::function<void(const std::string&, const std::string&)>;

// scheme headers: {"Name": {"secret": "..."} | {"value": "..."}}, each exactly one of the two.
void parse_poll_headers(const nlohmann::json& headers, PollSpec& s, const Fail& fail) {
    for (const auto& [name, v] : headers.items()) {
        PollHeaderSpec h{name, v.value("secret", ""), v.value("value", "")};
        if (v.contains("secret") == v.contains("value"))
            fail("/poll/auth/headers/" + name, "give exactly one of 'secret' or 'value'");
        s.auth_headers.push_back(std::move(h));
    }
    if (s.auth_headers.empty()) fail("/poll/auth/headers", "scheme headers needs a header");
}

void parse_poll_auth(const nlohmann::json& a, PollSpec& s, const Fail& fail) {
    s.auth_scheme = a.at("scheme").get<std::string>();
    s.auth_header = a.value("header", "");
    s.secret = a.value("secret", "");
    s.username = a.value("username", "");
    s.username_secret = a.value("username_secret", "");
    if (a.contains("oauth2")) s.oauth2 = parse_oauth2(a.at("oauth2"));
    const auto& scheme = s.auth_scheme;
    if ((scheme == "oauth2") != s.oauth2.has_value())
        fail("/poll/auth", "scheme oauth2 goes with an 'oauth2' block, and only it");
    if ((scheme == "oauth2" || scheme == "headers") && a.contains("secret"))
        fail("/poll/auth/secret", "scheme " + scheme + " names its secrets elsewhere");
    const bool needs_secret = scheme == "bearer" || scheme == "api_key_header" || scheme == "basic";
    if (needs_secret && s.secret.empty())
        fail("/poll/auth", "scheme " + scheme + " needs 'secret' (the key's or password's name)");
    if (scheme == "api_key_header" && s.auth_header.empty())
        fail("/poll/auth", "scheme api_key_header needs 'header'");
    if (scheme != "api_key_header" && a.contains("header"))
        fail("/poll/auth/header", "'header' only applies to scheme api_key_header");
    if ((scheme == "headers") != a.contains("headers"))
        fail("/poll/auth", "scheme headers goes with a 'headers' block, and only it");
    if (a.contains("headers")) parse_poll_headers(a.at("headers"), s, fail);
    const bool user = a.contains("username") || a.contains("username_secret");
    if (scheme == "basic" && s.username.empty() == s.username_secret.empty())
        fail("/poll/auth", "scheme basic needs exactly one of 'username' or 'username_secret'");
    if (scheme != "basic" && user)
        fail("/poll/auth", "'username' and 'username_secret' only apply to scheme basic");
    if (s.username.find(':') != std::string::npos)
        fail("/poll/auth/username", "a Basic user name cannot contain ':'");
}

}  // namespace

void parse_poll_spec(const nlohmann::json& doc, const std::string& file, VendorSpec& out,
                     std::vector<LoadError>& errors) {
    auto fail = [&](const std::string& pointer, const std::string& message) {
        errors.push_back(LoadError{file, pointer, message});
    };
    const auto& p = doc.at("poll");
    PollSpec s;
    s.url = p.at("url").get<std::string>();
    if (!parse_http_url(s.url, s.host, s.port, s.target))
        fail("/poll/url", "url must be https://host[:port]/path (or http://) with a port 1-65535");
    s.allow_insecure_http = p.value("allow_insecure_http", false);
    s.interval_s = p.at("interval_s").get<int>();
    s.timeout_ms = p.value("timeout_ms", s.timeout_ms);
    if (out.format != "json") fail("/format", "a polled vendor's pages are read as json");

    if (p.contains("auth")) parse_poll_auth(p.at("auth"), s, fail);

    const bool window = p.contains("window");
    const bool cursor = p.contains("cursor");
    if (window == cursor)
        fail("/poll",
             "give exactly one of 'window' (a time window) or 'cursor' (the vendor's "
             "position token)");
    if (window) {
        const auto& w = p.at("window");
        s.mode = "window";
        s.since_param = w.at("since_param").get<std::string>();
        s.until_param = w.value("until_param", "");
        s.time_format = w.value("format", s.time_format);
        s.overlap_s = w.value("overlap_s", s.overlap_s);
        s.initial_lookback_s = w.value("initial_lookback_s", s.initial_lookback_s);
    } else if (cursor) {
        const auto& c = p.at("cursor");
        s.mode = "cursor";
        s.cursor_param = c.at("param").get<std::string>();
        s.cursor_pointer = c.at("next_pointer").get<std::string>();
        s.cursor_initial = c.value("initial", "");
    }
    if (p.contains("pagination")) {
        const auto& g = p.at("pagination");
        s.next_link_pointer = g.value("next_link", "");
        s.page_token_pointer = g.value("page_token", "");
        s.page_token_param = g.value("page_token_param", "");
        if (cursor) fail("/poll/pagination", "a cursor is its own pagination; remove this block");
        if (s.next_link_pointer.empty() == s.page_token_pointer.empty())
            fail("/poll/pagination", "give exactly one of 'next_link' or 'page_token'");
        if (!s.page_token_pointer.empty() && s.page_token_param.empty())
            fail("/poll/pagination", "'page_token' needs 'page_token_param' (how it is sent back)");
    }
    if (p.contains("page_size")) {
        s.page_size_param = p.at("page_size").at("param").get<std::string>();
        s.page_size = p.at("page_size").at("value").get<int>();
    }
    out.poll = std::move(s);
}

}  // namespace fieldgate::engine
