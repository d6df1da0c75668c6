#include "engine/extract.h"

#include <re2/re2.h>

#include <vector>

#include <nlohmann/json.hpp>

#include "engine/text.h"

namespace fieldgate::engine {

namespace {

std::vector<std::string_view> split_all(std::string_view value, std::string_view separator) {
    std::vector<std::string_view> parts;
    std::size_t start = 0;
    for (;;) {
        const auto at = value.find(separator, start);
        if (at == std::string_view::npos) {
            parts.push_back(value.substr(start));
            return parts;
        }
        parts.push_back(value.substr(start, at - start));
        start = at + separator.size();
    }
}

std::string which_part(const FieldSpec::Split& s) {
    if (s.index == -1) return "the last '" + s.separator + "'-separated part";
    if (s.index < 0)
        return "part " + std::to_string(-s.index) + " from the end (index " +
               std::to_string(s.index) + ") of its '" + s.separator + "'-separated parts";
    return "part " + std::to_string(s.index + 1) + " (index " + std::to_string(s.index) +
           ") of its '" + s.separator + "'-separated parts";
}

}  // namespace

CompiledPattern compile_pattern(const std::string& pattern) {
    RE2::Options options;
    options.set_log_errors(false);
    auto re = std::make_shared<const RE2>(pattern, options);
    if (!re->ok())
        return {nullptr, "'" + pattern + "' is not an RE2 regular expression: " + re->error()};
    const int groups = re->NumberOfCapturingGroups();
    if (groups != 1) {
        return {nullptr, "'" + pattern + "' has " + std::to_string(groups) +
                             " capture groups; it needs exactly one, around the part to keep "
                             "(e.g. ^SR-([0-9]+)$; write other groups as (?:...))"};
    }
    return {std::move(re), ""};
}

void compile_parts(FieldSpec& s, const nlohmann::json& f, const std::string& where,
                   const std::string& format,
                   const std::function<void(const std::string&, const std::string&)>& fail) {
    if (f.contains("each")) {
        s.each = f.at("each").get<std::string>();
        if (s.type != FieldType::kStringList) {
            fail(where + "/each",
                 "'each' reads one value out of every element of a list: only string_list "
                 "fields have it");
        } else if (!f.contains("from")) {
            fail(where + "/each", "'each' reads the elements of the list at 'from'");
        } else if (format == "xml") {
            fail(where + "/each",
                 "xml has no 'each': name the repeated element's child in 'from' (e.g. "
                 "Images/Image/Url takes the Url of every Image)");
        } else if (format != "json") {
            fail(where + "/each", "'each' is for json lists; a csv cell holds one value");
        } else if (s.each.empty() || s.each.front() != '/') {
            fail(where + "/each", "'" + s.each +
                                      "' is not a JSON pointer into an element (it must start "
                                      "with '/', e.g. /href)");
        } else {
            try {
                (void)nlohmann::json::json_pointer(s.each);
            } catch (const nlohmann::json::exception&) {
                fail(where + "/each", "'" + s.each + "' is not a JSON pointer (e.g. /href)");
            }
        }
    }
    for (const char* name : {"split", "pattern"}) {
        const std::string key = name;
        if (!f.contains(key)) continue;
        if (!f.contains("from")) {
            fail(where + "/" + key, "'" + key +
                                        "' takes part of the value read with 'from'; it does not "
                                        "apply to 'join' or 'const'");
        } else if (s.type == FieldType::kStringList) {
            fail(where + "/" + key, "'" + key +
                                        "' takes part of one value; the items of a string_list "
                                        "field are taken whole");
        }
    }
    if (f.contains("split")) {
        const auto& split = f.at("split");
        FieldSpec::Split sp{split.value("separator", ""), split.value("index", 0)};
        if (sp.separator.empty())
            fail(where + "/split/separator", "the separator must not be empty (e.g. \",\")");
        s.split = std::move(sp);
    }
    if (f.contains("pattern")) {
        auto compiled = compile_pattern(f.at("pattern").get<std::string>());
        if (!compiled.re)
            fail(where + "/pattern", compiled.error);
        else
            s.pattern = std::move(compiled.re);
    }
}

Part extract_part(const FieldSpec& f, std::string_view value) {
    std::string_view part = value;
    if (f.split) {
        const auto parts = split_all(value, f.split->separator);
        const long n = static_cast<long>(parts.size());
        const long i = f.split->index < 0 ? n + f.split->index : f.split->index;
        if (i < 0 || i >= n) {
            return {std::nullopt, "the mapping takes " + which_part(*f.split) + " and it has " +
                                      std::to_string(n) + (n == 1 ? " part" : " parts")};
        }
        part = parts[static_cast<std::size_t>(i)];
        if (trim(part).empty())
            return {std::nullopt, "the mapping takes " + which_part(*f.split) + ", which is empty"};
    }
    if (f.pattern) {
        re2::StringPiece group;
        if (!RE2::PartialMatch(re2::StringPiece(part.data(), part.size()), *f.pattern, &group)) {
            return {std::nullopt, std::string(f.split ? "that part" : "it") +
                                      " does not match the pattern '" + f.pattern->pattern() +
                                      "' the mapping reads it with"};
        }
        part = std::string_view(group.data(), group.size());
        if (trim(part).empty()) {
            return {std::nullopt, "the pattern '" + f.pattern->pattern() +
                                      "' matches but its capture group holds nothing"};
        }
    }
    auto kept = trim(part);
    if (kept.empty()) return {std::nullopt, "it is empty"};
    return {std::move(kept), ""};
}

std::string excerpt(std::string_view value, std::size_t max_bytes) {
    if (value.size() <= max_bytes) return std::string(value);
    std::size_t cut = max_bytes;
    while (cut > 0 && (static_cast<unsigned char>(value[cut]) & 0xC0) == 0x80) --cut;
    return std::string(value.substr(0, cut)) + "...";
}

}  // namespace fieldgate::engine
