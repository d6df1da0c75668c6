#include "input_limits.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>

namespace fieldgate {

namespace {

constexpr std::size_t kNone = std::string_view::npos;

InputProblem too_deep(std::size_t at, std::size_t max_depth, const char* what) {
    return {at, std::string("it nests ") + what + " deeper than the limit of " +
                    std::to_string(max_depth) + " levels (level " + std::to_string(max_depth + 1) +
                    " opens here)"};
}

InputProblem nul_byte(std::size_t at, const char* format) {
    return {at, std::string("it holds a NUL byte, which ") + format +
                    " does not allow (a parser would take it for the end of the text and drop "
                    "what follows)"};
}

}  // namespace

// ---- JSON ----

std::optional<InputProblem> scan_json(std::string_view body, std::size_t max_depth) {
    std::size_t depth = 0;
    bool in_string = false;
    for (std::size_t i = 0; i < body.size(); ++i) {
        const char c = body[i];
        if (c == '\0') return nul_byte(i, "JSON text");
        if (in_string) {
            if (c == '\\') {
                if (++i < body.size() && body[i] == '\0') return nul_byte(i, "JSON text");
            } else if (c == '"') {
                in_string = false;
            }
            continue;
        }
        if (c == '"') {
            in_string = true;
        } else if (c == '[' || c == '{') {
            if (++depth > max_depth) return too_deep(i, max_depth, "arrays and objects");
        } else if ((c == ']' || c == '}') && depth > 0) {
            --depth;
        }
    }
    return std::nullopt;
}

std::optional<std::string> json_body_problem(std::string_view body) {
    auto problem = scan_json(body);
    if (!problem) return std::nullopt;
    return "the body is refused before parsing, at byte " + std::to_string(problem->offset) + ": " +
           problem->detail;
}

// ---- XML ----

namespace {

// XML 1.0's Char production: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] |
// [#x10000-#x10FFFF].
bool xml_char(std::uint32_t c) {
    if (c < 0x20) return c == 0x9 || c == 0xA || c == 0xD;
    if (c <= 0xD7FF) return true;
    if (c < 0xE000) return false;
    if (c <= 0xFFFD) return true;
    return c >= 0x10000 && c <= 0x10FFFF;
}

// The character reference at s[i] ('&'), as pugixml decodes it (parse_escapes): "&#" then
// decimal digits, or "&#x" then hex digits, then ';'. Anything else pugixml leaves as text.
// pugixml's value wraps around in 32 bits, so a long one is refused as beyond U+10FFFF.
std::optional<InputProblem> check_reference(std::string_view s, std::size_t i) {
    if (i + 1 >= s.size() || s[i + 1] != '#') return std::nullopt;
    std::size_t j = i + 2;
    const bool hex = j < s.size() && s[j] == 'x';
    if (hex) ++j;
    std::uint64_t value = 0;
    const std::size_t first = j;
    for (; j < s.size(); ++j) {
        const char c = s[j];
        unsigned digit = 0;
        if (c >= '0' && c <= '9') {
            digit = static_cast<unsigned>(c - '0');
        } else if (hex && ((c | ' ') >= 'a' && (c | ' ') <= 'f')) {
            digit = static_cast<unsigned>((c | ' ') - 'a' + 10);
        } else {
            break;
        }
        value = std::min<std::uint64_t>(value * (hex ? 16 : 10) + digit, 0x110000);
    }
    if (j == first || j >= s.size() || s[j] != ';') return std::nullopt;
    if (value <= 0x10FFFF && xml_char(static_cast<std::uint32_t>(value))) return std::nullopt;
    const std::string text(s.substr(i, std::min<std::size_t>(j + 1 - i, 24)));
    char code[16];
    std::snprintf(code, sizeof code, "U+%04X", static_cast<unsigned>(value));
    return InputProblem{i, "the character reference '" + text + "' stands for " +
                               (value > 0x10FFFF ? std::string("no character (beyond U+10FFFF)")
                                                 : std::string(code)) +
                               ", which XML 1.0 does not allow"};
}

// Where the construct opened at s[i] ends (just past its terminator), or kNone when it never
// does (the parser then reports it). `close` is the terminator.
std::size_t past(std::string_view s, std::size_t from, std::string_view close) {
    const auto at = s.find(close, from);
    return at == kNone ? kNone : at + close.size();
}

// Past the end of "<!DOCTYPE …>" (or another "<!" declaration) at s[i]: an internal subset in
// [ ] and quoted literals may hold '>', and so may comments inside the subset.
std::size_t past_declaration(std::string_view s, std::size_t i) {
    int brackets = 0;
    for (std::size_t j = i + 2; j < s.size(); ++j) {
        const char c = s[j];
        if (c == '"' || c == '\'') {
            j = s.find(c, j + 1);
            if (j == kNone) return kNone;
        } else if (c == '<' && s.compare(j, 4, "<!--") == 0) {
            j = s.find("-->", j + 4);
            if (j == kNone) return kNone;
            j += 2;
        } else if (c == '[') {
            ++brackets;
        } else if (c == ']') {
            --brackets;
        } else if (c == '>' && brackets <= 0) {
            return j + 1;
        }
    }
    return kNone;
}

struct Tag {
    std::size_t end = kNone;  // just past its '>'
    bool self_closing = false;
    std::optional<InputProblem> problem;  // a forbidden reference in an attribute value
};

// A start tag at s[i] ('<' then a name): quoted attribute values may hold '>'.
Tag read_start_tag(std::string_view s, std::size_t i) {
    Tag tag;
    for (std::size_t j = i + 1; j < s.size(); ++j) {
        const char c = s[j];
        if (c == '"' || c == '\'') {
            const auto close = s.find(c, j + 1);
            if (close == kNone) return tag;
            for (auto amp = s.find('&', j + 1); amp < close; amp = s.find('&', amp + 1)) {
                if ((tag.problem = check_reference(s, amp))) return tag;
            }
            j = close;
        } else if (c == '>') {
            tag.end = j + 1;
            tag.self_closing = s[j - 1] == '/';
            return tag;
        }
    }
    return tag;
}

}  // namespace

std::optional<InputProblem> scan_xml(std::string_view body, std::size_t max_depth) {
    // A NUL ends what pugixml reads wherever it is, comments and CDATA included: the structure
    // is scanned up to the first one only.
    const void* nul = std::memchr(body.data(), '\0', body.size());
    const std::size_t nul_at =
        nul ? static_cast<std::size_t>(static_cast<const char*>(nul) - body.data()) : kNone;
    const std::string_view s = body.substr(0, nul_at);
    std::size_t depth = 0;
    std::size_t i = 0;
    while (i < s.size()) {
        const char c = s[i];
        if (c == '&') {
            if (auto problem = check_reference(s, i)) return problem;
            ++i;
            continue;
        }
        if (c != '<') {
            ++i;
            continue;
        }
        std::size_t next = kNone;
        if (s.compare(i, 4, "<!--") == 0) {
            next = past(s, i + 4, "-->");
        } else if (s.compare(i, 9, "<![CDATA[") == 0) {
            next = past(s, i + 9, "]]>");
        } else if (s.compare(i, 2, "<?") == 0) {
            next = past(s, i + 2, "?>");
        } else if (s.compare(i, 2, "<!") == 0) {
            next = past_declaration(s, i);
        } else if (s.compare(i, 2, "</") == 0) {
            next = past(s, i + 2, ">");
            if (depth > 0) --depth;
        } else {
            if (depth + 1 > max_depth) return too_deep(i, max_depth, "elements");
            const Tag tag = read_start_tag(s, i);
            if (tag.problem) return tag.problem;
            next = tag.end;
            if (!tag.self_closing) ++depth;
        }
        if (next == kNone) break;  // never closed: the parser says where
        i = next;
    }
    if (nul_at != kNone) return nul_byte(nul_at, "XML 1.0");
    return std::nullopt;
}

}  // namespace fieldgate
