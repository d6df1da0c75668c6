// JSON Schema validation (valijson) whose errors are reported as JSON pointers.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace fieldgate {

struct SchemaViolation {
    std::string pointer;  // JSON pointer into the validated document ("" = the root)
    std::string detail;
};

class JsonSchema {
  public:
    // Throws std::runtime_error when the schema itself cannot be parsed.
    static JsonSchema from_json(const nlohmann::json& schema);
    static JsonSchema from_file(const std::string& path);

    // Violations, most specific first; empty when the document is valid.
    std::vector<SchemaViolation> validate(const nlohmann::json& doc) const;

    JsonSchema(JsonSchema&&) noexcept;
    JsonSchema& operator=(JsonSchema&&) noexcept;
    ~JsonSchema();

  private:
    struct Impl;
    explicit JsonSchema(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

// Reads and parses a JSON file; throws std::runtime_error naming the file, line and column.
nlohmann::json read_json_file(const std::string& path);

// Escapes one JSON pointer reference token (RFC 6901).
std::string json_pointer_token(const std::string& token);

}  // namespace fieldgate
