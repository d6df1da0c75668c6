#include "schema_hints.h"

#include <set>

#include "json_schema.h"

namespace fieldgate {

namespace {

using json = nlohmann::json;
using Nodes = std::vector<const json*>;

constexpr int kMaxDepth = 16;
constexpr std::size_t kMaxListed = 12;
constexpr std::size_t kMaxShown = 60;  // characters of the refused value quoted back

const json* resolve_local_ref(const json& root, const json& node) {
    const auto ref = node.find("$ref");
    if (ref == node.end() || !ref->is_string()) return nullptr;
    const auto& text = ref->get_ref<const std::string&>();
    if (text.empty() || text.front() != '#') return nullptr;
    try {
        return &root.at(json::json_pointer(text.substr(1)));
    } catch (const json::exception&) {
        return nullptr;
    }
}

// The node and every schema that applies at the same place: its $ref target and the branches
// of allOf / anyOf / oneOf / then / else.
void expand(const json& root, const json& node, Nodes& out, int depth = 0) {
    if (depth > kMaxDepth || !node.is_object()) return;
    out.push_back(&node);
    if (const auto* target = resolve_local_ref(root, node)) expand(root, *target, out, depth + 1);
    for (const char* key : {"allOf", "anyOf", "oneOf"}) {
        const auto branches = node.find(key);
        if (branches == node.end() || !branches->is_array()) continue;
        for (const auto& branch : *branches) expand(root, branch, out, depth + 1);
    }
    for (const char* key : {"then", "else"})
        if (const auto branch = node.find(key); branch != node.end())
            expand(root, *branch, out, depth + 1);
}

bool is_index(const std::string& token) {
    return !token.empty() && token.find_first_not_of("0123456789") == std::string::npos;
}

void expand_item(const json& root, const json& node, std::size_t index, Nodes& out) {
    for (const char* key : {"prefixItems", "items"}) {
        const auto items = node.find(key);
        if (items == node.end()) continue;
        if (items->is_array()) {
            if (index < items->size()) return expand(root, (*items)[index], out);
        } else if (std::string(key) == "items") {
            return expand(root, *items, out);
        }
    }
}

// The schemas that describe the member `token` of a value the `parents` describe.
Nodes member_schemas(const json& root, const Nodes& parents, const std::string& token) {
    Nodes out;
    for (const auto* node : parents) {
        if (is_index(token)) {
            expand_item(root, *node, std::stoul(token), out);
            continue;
        }
        const auto properties = node->find("properties");
        if (properties != node->end() && properties->contains(token)) {
            expand(root, (*properties)[token], out);
            continue;
        }
        const auto patterns = node->find("patternProperties");
        if (patterns != node->end() && patterns->is_object())
            for (const auto& schema : *patterns) expand(root, schema, out);
        const auto additional = node->find("additionalProperties");
        if (additional != node->end() && additional->is_object()) expand(root, *additional, out);
    }
    return out;
}

std::vector<std::string> pointer_tokens(const std::string& pointer) {
    std::vector<std::string> tokens;
    for (auto p = json::json_pointer(pointer); !p.empty(); p = p.parent_pointer())
        tokens.insert(tokens.begin(), p.back());
    return tokens;
}

Nodes schemas_at(const json& root, const std::string& pointer) {
    Nodes nodes;
    expand(root, root, nodes);
    for (const auto& token : pointer_tokens(pointer)) nodes = member_schemas(root, nodes, token);
    return nodes;
}

// The values of `key` (or each of its items when it is a list) over all nodes, without repeats.
std::vector<json> collect(const Nodes& nodes, const char* key, bool spread) {
    std::vector<json> values;
    std::set<std::string> seen;
    auto add = [&](const json& v) {
        if (seen.insert(v.dump()).second) values.push_back(v);
    };
    for (const auto* node : nodes) {
        const auto found = node->find(key);
        if (found == node->end()) continue;
        if (spread && found->is_array())
            for (const auto& v : *found) add(v);
        else
            add(*found);
    }
    return values;
}

std::string listed(const std::vector<json>& values, bool quoted = true) {
    std::string out;
    for (std::size_t i = 0; i < values.size() && i < kMaxListed; ++i) {
        if (i > 0) out += ", ";
        out += quoted || !values[i].is_string() ? values[i].dump() : values[i].get<std::string>();
    }
    if (values.size() > kMaxListed)
        out += " and " + std::to_string(values.size() - kMaxListed) + " more";
    return out;
}

std::string type_of(const json& value) {
    if (value.is_number_integer()) return "integer";
    if (value.is_number()) return "number";
    return value.type_name();
}

std::string format_example(const std::string& format) {
    if (format == "date-time") return "an RFC 3339 date-time, for example \"2026-12-02T14:30:00Z\"";
    if (format == "date") return "a date YYYY-MM-DD, for example \"2026-12-02\"";
    if (format == "time") return "a time with its offset, for example \"14:30:00Z\"";
    if (format == "email") return "an e-mail address, for example \"name@example.org\"";
    if (format == "uri") return "an absolute URI, for example \"https://example.org/path\"";
    return "format " + format;
}

std::string example_suffix(const Nodes& nodes) {
    const auto examples = collect(nodes, "examples", true);
    if (examples.empty()) return "";
    return ", for example " + examples.front().dump();
}

// What the schemas at this place expect, in words ("" when they say nothing useful).
std::string expectation(const Nodes& nodes) {
    if (const auto values = collect(nodes, "enum", true); !values.empty())
        return "one of " + listed(values);
    if (const auto values = collect(nodes, "const", false); !values.empty()) return listed(values);
    if (const auto formats = collect(nodes, "format", false); !formats.empty())
        return format_example(formats.front().get<std::string>());
    if (const auto patterns = collect(nodes, "pattern", false); !patterns.empty())
        return "text matching " + patterns.front().get<std::string>() + example_suffix(nodes);
    if (const auto types = collect(nodes, "type", true); !types.empty())
        return (types.size() == 1 ? "" : "one of the types ") + listed(types, false) +
               example_suffix(nodes);
    return "";
}

std::string quoted_name(const std::string& detail, const std::string& marker) {
    const auto at = detail.find(marker);
    if (at == std::string::npos) return "";
    const auto start = at + marker.size();
    const auto end = detail.rfind('\'');
    return end != std::string::npos && end > start ? detail.substr(start, end - start) : "";
}

bool starts_with(const std::string& text, const std::string& prefix) {
    return text.rfind(prefix, 0) == 0;
}

}  // namespace

void explain_violation(const json& schema, const json& doc, SchemaViolation& v) {
    const auto& d = v.detail;
    if (const auto name = quoted_name(d, "Missing required property '"); !name.empty()) {
        v.pointer += "/" + json_pointer_token(name);
        const auto expected = expectation(schemas_at(schema, v.pointer));
        v.detail = "required field '" + name + "' is missing" +
                   (expected.empty() ? "" : "; expected " + expected);
        return;
    }
    if (const auto key = quoted_name(d, "or 'additionalProperties' constraints: '"); !key.empty()) {
        const auto known = collect(schemas_at(schema, v.pointer), "properties", false);
        std::vector<json> names;
        for (const auto& properties : known)
            for (const auto& [name, _] : properties.items()) names.emplace_back(name);
        v.pointer += "/" + json_pointer_token(key);
        v.detail = "unknown key '" + key + "' (not allowed here)" +
                   (names.empty() ? "" : "; known keys: " + listed(names, false));
        return;
    }
    const bool enum_or_const = starts_with(d, "Failed to match against any enum values") ||
                               starts_with(d, "Failed to match expected value set by 'const'");
    const bool shape = starts_with(d, "Value type not permitted") ||
                       starts_with(d, "Failed to match regex") ||
                       starts_with(d, "String should be a valid");
    if (!enum_or_const && !shape) return;
    const auto expected = expectation(schemas_at(schema, v.pointer));
    if (expected.empty()) return;
    const json* value = nullptr;
    try {
        value = &doc.at(json::json_pointer(v.pointer));
    } catch (const json::exception&) {
    }
    std::string got;
    if (value != nullptr) {
        got = value->dump();
        if (got.size() > kMaxShown) got = got.substr(0, kMaxShown) + "...";
        if (!value->is_string()) got = type_of(*value) + " " + got;
    }
    v.detail = "expected " + expected + (got.empty() ? "" : "; got " + got);
}

}  // namespace fieldgate
