#include "string_limits.h"

#include <cstdio>

namespace fieldgate {

std::size_t default_max_length(std::string_view field) {
    if (field == "detail") return kMaxFreeTextLength;
    if (field == "photos") return kMaxUrlLength;
    return kMaxIdentifierLength;
}

std::size_t default_max_items(std::string_view field) {
    (void)field;  // photos is the only list field
    return kMaxListItems;
}

std::size_t utf8_length(std::string_view text) {
    std::size_t n = 0;
    for (char c : text) {
        if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
    }
    return n;
}

std::optional<TextProblem> text_problem(std::string_view text, std::size_t max_length) {
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c >= 0x20 || c == '\t' || c == '\n' || c == '\r') continue;
        char code[8];
        std::snprintf(code, sizeof code, "U+%04X", static_cast<unsigned>(c));
        return TextProblem{"control_character",
                           std::string("holds the control character ") + code + " at character " +
                               std::to_string(utf8_length(text.substr(0, i)) + 1) +
                               "; text may hold no control character but tab, line feed and "
                               "carriage return"};
    }
    // Characters are never more than bytes: count only when the bytes are over.
    if (text.size() > max_length) {
        const auto length = utf8_length(text);
        if (length > max_length) {
            return TextProblem{"too_long", "is " + std::to_string(length) +
                                               " characters long; at most " +
                                               std::to_string(max_length) + " are accepted"};
        }
    }
    return std::nullopt;
}

std::vector<RecordError> check_result_strings(const NormalizedResult& r) {
    std::vector<RecordError> out;
    auto check = [&](const std::string& name, std::string_view value, std::size_t limit) {
        if (auto p = text_problem(value, limit))
            out.push_back(
                RecordError{r.pointer, name, p->code, "'" + name + "' " + p->detail + "."});
    };
    const std::pair<const char*, const std::string*> fields[] = {
        {"vendor_ref", &r.vendor_ref},
        {"crm_case_id", &r.crm_case_id},
        {"status", &r.vendor_status},
        {"reason", &r.vendor_reason},
        {"detail", &r.detail},
        {"truck", &r.truck},
        {"crew", &r.crew},
        {"driver", &r.driver},
        {"route_id", &r.route.id},
        {"route_stop_seq", &r.route.stop_seq},
    };
    for (const auto& [name, value] : fields) check(name, *value, default_max_length(name));
    if (r.occurred_at) check("occurred_at", *r.occurred_at, kMaxIdentifierLength);
    if (r.photos.size() > default_max_items("photos")) {
        out.push_back(
            RecordError{r.pointer, "photos", "too_long",
                        "'photos' has " + std::to_string(r.photos.size()) + " items; at most " +
                            std::to_string(default_max_items("photos")) + " are accepted."});
    }
    for (std::size_t i = 0; i < r.photos.size(); ++i)
        check("photos/" + std::to_string(i), r.photos[i], kMaxUrlLength);
    return out;
}

}  // namespace fieldgate
