// A correction: the vendor sends a closed order's result again under the same reference, with the
// same outcome and reason but other details (event time, photos, truck, GPS, notes: an edit on
// its side). The ingest path stores it as an outcome with disposition `correction`, makes it the
// order's current outcome and records in the history what changed. This is what the history
// note says, compactly: `correction: occurred_at <old> → <new>; photos 1 → 2 (payload rp_12)`.
//
// Inline: the gateway's sources are listed one by one in its CMakeLists.txt, and this is small.
#pragma once

#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "model.h"

namespace fieldgate {

namespace correction_detail {

inline std::string text_or_none(std::string_view v) {
    return v.empty() ? std::string("(none)") : std::string(v);
}

// Free text is quoted and cut (on a UTF-8 character boundary), so a long note cannot swamp the
// history.
inline std::string quoted(std::string_view v) {
    if (v.empty()) return "(none)";
    constexpr std::size_t kMax = 60;
    if (v.size() <= kMax) return "\"" + std::string(v) + "\"";
    std::size_t cut = kMax;
    while (cut > 0 && (static_cast<unsigned char>(v[cut]) & 0xC0) == 0x80) --cut;
    return "\"" + std::string(v.substr(0, cut)) + "…\"";
}

inline std::string number(double v) {
    char buf[32];
    const auto end = std::to_chars(buf, buf + sizeof buf, v).ptr;
    return std::string(buf, static_cast<std::size_t>(end - buf));
}

inline std::string gps(const NormalizedResult& r) {
    if (!r.lat || !r.lon) return "(none)";
    return number(*r.lat) + "," + number(*r.lon);
}

inline std::string items(const std::optional<std::int64_t>& v) {
    return v ? std::to_string(*v) : std::string("(none)");
}

}  // namespace correction_detail

// "field old → new" for each field the content hash covers that differs, joined by "; ".
// Photos are counted ("photos 1 → 2"), or said to be replaced when only their addresses moved.
inline std::string correction_changes(const NormalizedResult& before,
                                      const NormalizedResult& after) {
    namespace d = correction_detail;
    std::string out;
    auto change = [&out](std::string_view field, const std::string& from, const std::string& to) {
        if (from == to) return;
        if (!out.empty()) out += "; ";
        out.append(field).append(" ").append(from).append(" → ").append(to);
    };
    change("occurred_at", d::text_or_none(before.occurred_at.value_or("")),
           d::text_or_none(after.occurred_at.value_or("")));
    if (before.photos.size() != after.photos.size()) {
        change("photos", std::to_string(before.photos.size()), std::to_string(after.photos.size()));
    } else if (before.photos != after.photos) {
        if (!out.empty()) out += "; ";
        out += "photos replaced (" + std::to_string(after.photos.size()) + ")";
    }
    change("gps", d::gps(before), d::gps(after));
    change("truck", d::text_or_none(before.truck), d::text_or_none(after.truck));
    change("crew", d::text_or_none(before.crew), d::text_or_none(after.crew));
    change("driver", d::text_or_none(before.driver), d::text_or_none(after.driver));
    change("items_collected", d::items(before.items_collected), d::items(after.items_collected));
    change("vendor_status", d::text_or_none(before.vendor_status),
           d::text_or_none(after.vendor_status));
    change("vendor_reason", d::text_or_none(before.vendor_reason),
           d::text_or_none(after.vendor_reason));
    change("detail", d::quoted(before.detail), d::quoted(after.detail));
    return out;
}

// The history note of a correction: what changed, and the raw payload it came in.
inline std::string correction_note(const NormalizedResult& before, const NormalizedResult& after,
                                   std::int64_t raw_payload_id) {
    std::string changes = correction_changes(before, after);
    if (changes.empty()) changes = "no field the gateway compares changed";
    return "correction: " + changes + " (payload rp_" + std::to_string(raw_payload_id) + ")";
}

}  // namespace fieldgate
