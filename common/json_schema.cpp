#include "json_schema.h"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validator.hpp>

#include "schema_hints.h"

namespace fieldgate {

struct JsonSchema::Impl {
    nlohmann::json source;
    valijson::Schema schema;
};

JsonSchema::JsonSchema(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
JsonSchema::JsonSchema(JsonSchema&&) noexcept = default;
JsonSchema& JsonSchema::operator=(JsonSchema&&) noexcept = default;
JsonSchema::~JsonSchema() = default;

JsonSchema JsonSchema::from_json(const nlohmann::json& schema) {
    auto impl = std::make_unique<Impl>();
    impl->source = schema;
    valijson::SchemaParser parser;
    valijson::adapters::NlohmannJsonAdapter adapter(impl->source);
    try {
        parser.populateSchema(adapter, impl->schema);
    } catch (const std::exception& e) {
        throw std::runtime_error(std::string("invalid JSON Schema: ") + e.what());
    }
    return JsonSchema(std::move(impl));
}

JsonSchema JsonSchema::from_file(const std::string& path) {
    try {
        return from_json(read_json_file(path));
    } catch (const std::runtime_error& e) {
        throw std::runtime_error(path + ": " + e.what());
    }
}

std::string json_pointer_token(const std::string& token) {
    std::string out;
    out.reserve(token.size());
    for (char c : token) {
        if (c == '~')
            out += "~0";
        else if (c == '/')
            out += "~1";
        else
            out += c;
    }
    return out;
}

namespace {

std::string context_to_pointer(const std::vector<std::string>& context) {
    std::string pointer;
    for (const auto& part : context) {
        if (part == "<root>") continue;
        std::string token = part;
        if (token.size() >= 2 && token.front() == '[' && token.back() == ']') {
            token = token.substr(1, token.size() - 2);
        }
        pointer += "/" + json_pointer_token(token);
    }
    return pointer;
}

}  // namespace

std::vector<SchemaViolation> JsonSchema::validate(const nlohmann::json& doc) const {
    // One validator per thread: it caches compiled "pattern" regexes by their text, and
    // compiling a std::regex per request costs more than the validation itself.
    thread_local valijson::Validator validator;
    valijson::adapters::NlohmannJsonAdapter target(doc);
    // Without a results object valijson stops at the first failure and records no context;
    // most payloads are valid, so the explaining pass runs only for the ones that are not.
    if (validator.validate(impl_->schema, target, nullptr)) return {};
    valijson::ValidationResults results;
    validator.validate(impl_->schema, target, &results);

    std::vector<std::pair<std::size_t, SchemaViolation>> found;
    valijson::ValidationResults::Error error;
    while (results.popError(error)) {
        SchemaViolation violation{context_to_pointer(error.context), error.description};
        explain_violation(impl_->source, doc, violation);
        found.push_back({error.context.size(), std::move(violation)});
    }
    // Valijson reports the failing leaf and then every enclosing level; the leaf says most.
    std::stable_sort(found.begin(), found.end(),
                     [](const auto& a, const auto& b) { return a.first > b.first; });
    std::vector<SchemaViolation> out;
    out.reserve(found.size());
    for (auto& f : found) out.push_back(std::move(f.second));
    return out;
}

nlohmann::json read_json_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error(path + ": cannot be read");
    std::stringstream buffer;
    buffer << in.rdbuf();
    try {
        return nlohmann::json::parse(buffer.str());
    } catch (const nlohmann::json::exception& e) {
        throw std::runtime_error(path + ": not valid JSON: " + e.what());
    }
}

}  // namespace fieldgate
