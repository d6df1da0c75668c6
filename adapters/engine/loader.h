// Compiles the mapping part of a mapping.json (records, value_maps, fields, checks,
// payload_schema) into a CompiledMapping, with semantic checks the meta-schema cannot make:
// every map target is a catalog code, paths fit the format, formats fit the types, ...
// Expects a document that already passed the meta-schema.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "catalog.h"
#include "engine/mapping.h"
#include "load_error.h"

namespace fieldgate::engine {

struct CompileResult {
    std::shared_ptr<const CompiledMapping> mapping;  // null when errors is not empty
    std::vector<LoadError> errors;
};

CompileResult compile_mapping(const nlohmann::json& doc, const std::string& file,
                              const std::filesystem::path& folder,
                              std::shared_ptr<const Catalog> catalog);

}  // namespace fieldgate::engine
