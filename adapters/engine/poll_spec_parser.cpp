// The `poll` block of a mapping.json -> PollSpec, with the checks the meta-schema leaves to
// code: exactly one of window/cursor, one pagination style, a key for every auth scheme.
#include <nlohmann/json.hpp>

#include "engine/spec_parser.h"

namespace fieldgate::engine {

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
    s.max_pages_per_cycle = p.value("max_pages_per_cycle", s.max_pages_per_cycle);
    if (out.format != "json") fail("/format", "a polled vendor's pages are read as json");

    if (p.contains("auth")) {
        const auto& a = p.at("auth");
        s.auth_scheme = a.at("scheme").get<std::string>();
        s.auth_header = a.value("header", "");
        s.secret = a.value("secret", "");
        if (a.contains("oauth2")) s.oauth2 = parse_oauth2(a.at("oauth2"));
        if ((s.auth_scheme == "oauth2") != s.oauth2.has_value())
            fail("/poll/auth", "scheme oauth2 goes with an 'oauth2' block, and only it");
        if (s.auth_scheme == "oauth2" && a.contains("secret"))
            fail("/poll/auth/secret", "scheme oauth2 names its secret in oauth2.client_secret");
        if (s.auth_scheme != "none" && s.auth_scheme != "oauth2" && s.secret.empty())
            fail("/poll/auth", "scheme " + s.auth_scheme + " needs 'secret' (the key's name)");
        if (s.auth_scheme == "api_key_header" && s.auth_header.empty())
            fail("/poll/auth", "scheme api_key_header needs 'header'");
        if (s.auth_scheme != "api_key_header" && a.contains("header"))
            fail("/poll/auth/header", "'header' only applies to scheme api_key_header");
    }

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
