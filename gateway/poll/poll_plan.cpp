#include "poll_plan.h"

#include <nlohmann/json.hpp>

#include "retry_policy.h"
#include "url_escape.h"

namespace fieldgate::poll {

namespace {

std::string text_at(const nlohmann::json& page, const std::string& pointer) {
    if (pointer.empty()) return {};
    try {
        const auto ptr = nlohmann::json::json_pointer(pointer);
        if (!page.contains(ptr)) return {};
        const auto& v = page.at(ptr);
        if (v.is_string()) return v.get<std::string>();
        if (v.is_number_integer()) return std::to_string(v.get<std::int64_t>());
    } catch (const nlohmann::json::exception&) {
    }
    return {};
}

// A next link may be absolute (http://host:port/path?...) or a path; the path and query are
// what is requested (on the vendor's host named in `url`).
std::string link_target(const std::string& link) {
    constexpr std::string_view kScheme = "http://";
    if (link.rfind(kScheme, 0) == 0) {
        const auto slash = link.find('/', kScheme.size());
        return slash == std::string::npos ? "/" : link.substr(slash);
    }
    return link.front() == '/' ? link : "/" + link;
}

std::string window_target(const PollSpec& spec, const PollState& state) {
    auto target = with_param(spec.target, spec.since_param,
                             format_bound(spec.time_format, *parse_rfc3339(state.window_since)));
    if (!spec.until_param.empty())
        target = with_param(target, spec.until_param,
                            format_bound(spec.time_format, *parse_rfc3339(state.window_until)));
    if (!spec.page_size_param.empty())
        target = with_param(target, spec.page_size_param, std::to_string(spec.page_size));
    return target;
}

}  // namespace

std::string format_bound(const std::string& format, SysMillis t) {
    if (format == "unix_seconds")
        return std::to_string(
            std::chrono::floor<std::chrono::seconds>(t).time_since_epoch().count());
    return format_utc(t);
}

std::string with_param(const std::string& target, const std::string& name,
                       const std::string& value) {
    const char joint = target.find('?') == std::string::npos ? '?' : '&';
    return target + joint + url_escape(name) + "=" + url_escape(value);
}

RequestDelay next_request_delay(int interval_s, int status,
                                const std::optional<std::string>& retry_after, SysMillis now) {
    RequestDelay d{std::chrono::seconds(interval_s), std::nullopt, false};
    if ((status != 429 && status != 503) || !retry_after) return d;
    d.asked = delivery::parse_retry_after(*retry_after, now);
    if (!d.asked) return d;
    auto wait = *d.asked;
    if (wait > kMaxRetryAfter) {
        wait = kMaxRetryAfter;
        d.capped = true;
    }
    if (wait > d.wait) d.wait = wait;
    return d;
}

std::string next_target(const PollSpec& spec, PollState& state, SysMillis now) {
    if (!spec.window()) {
        auto target = spec.target;
        const auto& cursor = state.cursor.empty() ? spec.cursor_initial : state.cursor;
        if (!cursor.empty()) target = with_param(target, spec.cursor_param, cursor);
        if (!spec.page_size_param.empty())
            target = with_param(target, spec.page_size_param, std::to_string(spec.page_size));
        return target;
    }
    if (!state.next_page.empty()) {
        if (!spec.next_link_pointer.empty()) return state.next_page;
        return with_param(window_target(spec, state), spec.page_token_param, state.next_page);
    }
    const auto previous_end = parse_rfc3339(state.window_until);
    const auto since = previous_end ? *previous_end - std::chrono::seconds(spec.overlap_s)
                                    : now - std::chrono::seconds(spec.initial_lookback_s);
    state.window_since = format_utc(since);
    state.window_until = format_utc(now);
    return window_target(spec, state);
}

bool advance(const PollSpec& spec, const nlohmann::json& page, std::size_t records,
             PollState& state) {
    ++state.pages;
    state.records += static_cast<std::int64_t>(records);
    if (!spec.window()) {
        const auto next = text_at(page, spec.cursor_pointer);
        const bool moved = !next.empty() && next != state.cursor;
        if (!next.empty()) state.cursor = next;
        return moved && records > 0;
    }
    if (!spec.next_link_pointer.empty()) {
        const auto link = text_at(page, spec.next_link_pointer);
        state.next_page = link.empty() ? std::string() : link_target(link);
    } else if (!spec.page_token_pointer.empty()) {
        state.next_page = text_at(page, spec.page_token_pointer);
    } else {
        state.next_page.clear();
    }
    return !state.next_page.empty();
}

}  // namespace fieldgate::poll
