#include "registry.h"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "engine/loader.h"
#include "engine/mapping_adapter.h"
#include "engine/meta_schema.h"
#include "engine/spec_parser.h"
#include "json_schema.h"

namespace fieldgate {

std::filesystem::path default_meta_schema_path() {
    return std::filesystem::path(FIELDGATE_ADAPTERS_DIR) / "mapping.schema.json";
}

struct VendorLoader::Impl {
    LoaderOptions options;
    JsonSchema meta_schema;
};

VendorLoader::VendorLoader(LoaderOptions options) {
    if (!options.catalog) throw std::runtime_error("VendorLoader needs the standard code catalog");
    if (options.meta_schema.empty()) options.meta_schema = default_meta_schema_path();
    auto schema = JsonSchema::from_file(options.meta_schema.string());
    impl_ = std::make_unique<Impl>(Impl{std::move(options), std::move(schema)});
}

VendorLoader::~VendorLoader() = default;
VendorLoader::VendorLoader(VendorLoader&&) noexcept = default;

namespace {

std::string folder_name(const std::filesystem::path& folder) {
    auto p = folder.lexically_normal();
    if (p.filename().empty()) p = p.parent_path();
    return p.filename().string();
}

std::optional<std::string> read_bytes(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    std::stringstream buffer;
    buffer << in.rdbuf();
    return buffer.str();
}

}  // namespace

VendorLoad VendorLoader::load_folder(const std::filesystem::path& folder) const {
    VendorLoad out;
    const auto mapping_path = folder / "mapping.json";
    const auto file = mapping_path.string();
    auto fail = [&](const std::string& pointer, const std::string& message) {
        out.errors.push_back(LoadError{file, pointer, message});
    };
    const auto bytes = read_bytes(mapping_path);
    if (!bytes) {
        fail("", "cannot be read; every vendor folder needs a mapping.json");
        return out;
    }
    nlohmann::json doc;
    try {
        doc = nlohmann::json::parse(*bytes);
    } catch (const nlohmann::json::exception& e) {
        fail("", std::string("not valid JSON: ") + e.what());
        return out;
    }
    out.errors = engine::check_against(impl_->meta_schema, doc, file);
    if (!out.errors.empty()) return out;

    const auto name = folder_name(folder);
    if (doc.at("vendor_id").get<std::string>() != name) {
        fail("/vendor_id", "vendor_id '" + doc.at("vendor_id").get<std::string>() +
                               "' must equal the folder name '" + name + "'");
    }
    VendorEntry entry;
    auto spec_errors = engine::parse_vendor_spec(doc, file, entry.spec);
    out.errors.insert(out.errors.end(), spec_errors.begin(), spec_errors.end());
    entry.spec.folder = folder.string();
    entry.spec.mapping_path = file;
    entry.spec.mapping_version =
        engine::mapping_version(doc.at("version").get<std::string>(), *bytes);

    if (doc.contains("cpp_adapter")) {
        const auto adapter_name = doc.at("cpp_adapter").get<std::string>();
        for (const char* key : {"fields", "records", "value_maps", "checks", "payload_schema"}) {
            if (doc.contains(key))
                fail(std::string("/") + key,
                     "a mapping that names a cpp_adapter has no " + std::string(key));
        }
        const auto* factory =
            impl_->options.cpp_adapters ? impl_->options.cpp_adapters->find(adapter_name) : nullptr;
        if (factory == nullptr) {
            fail("/cpp_adapter",
                 "no C++ adapter is registered under the name '" + adapter_name + "'");
        } else if (out.errors.empty()) {
            try {
                entry.adapter =
                    (*factory)(CppAdapterContext{entry.spec, doc, impl_->options.catalog});
                if (!entry.adapter)
                    fail("/cpp_adapter", "the C++ adapter '" + adapter_name + "' returned nothing");
                entry.adapter = with_string_limits(std::move(entry.adapter));
            } catch (const std::exception& e) {
                fail("/cpp_adapter",
                     "the C++ adapter '" + adapter_name + "' refused this mapping: " + e.what());
            }
        }
    } else {
        auto compiled = engine::compile_mapping(doc, file, folder, impl_->options.catalog);
        out.errors.insert(out.errors.end(), compiled.errors.begin(), compiled.errors.end());
        if (compiled.mapping)
            entry.adapter = std::make_shared<engine::MappingAdapter>(compiled.mapping);
    }
    if (out.errors.empty()) out.vendor = std::move(entry);
    return out;
}

RegistryLoad VendorLoader::load_all(const std::filesystem::path& dir) const {
    std::vector<VendorEntry> entries;
    std::vector<LoadError> errors;
    std::vector<std::filesystem::path> folders;
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
        const auto name = e.path().filename().string();
        if (name.empty() || name.front() == '_' || name.front() == '.') continue;
        if (e.is_directory()) folders.push_back(e.path());
    }
    if (ec)
        errors.push_back(
            LoadError{dir.string(), "", "cannot list the vendor folders: " + ec.message()});
    std::sort(folders.begin(), folders.end());
    std::vector<SampleFailure> failures;
    for (const auto& folder : folders) {
        auto load = load_folder(folder);
        errors.insert(errors.end(), load.errors.begin(), load.errors.end());
        if (!load.vendor) continue;
        auto failed = failing_samples(load.vendor->spec.id, *load.vendor->adapter, folder);
        for (const auto& f : failed)
            errors.push_back(LoadError{f.expected_file, f.pointer, f.to_string()});
        if (failed.empty()) entries.push_back(std::move(*load.vendor));
        failures.insert(failures.end(), failed.begin(), failed.end());
    }
    auto out = VendorRegistry::from_entries(std::move(entries));
    out.errors.insert(out.errors.begin(), errors.begin(), errors.end());
    out.sample_failures = std::move(failures);
    return out;
}

RegistryLoad VendorRegistry::from_entries(std::vector<VendorEntry> entries) {
    RegistryLoad out;
    auto registry = std::make_shared<VendorRegistry>();
    for (auto& e : entries) {
        const auto id = e.spec.id;
        const auto path = e.spec.mapping_path;
        auto [it, inserted] = registry->vendors_.emplace(id, std::move(e));
        if (!inserted) {
            out.errors.push_back(LoadError{
                path, "/vendor_id",
                "vendor_id '" + id + "' is already used by " + it->second.spec.mapping_path});
        }
    }
    out.registry = std::move(registry);
    return out;
}

const VendorEntry* VendorRegistry::find(std::string_view vendor_id) const {
    auto it = vendors_.find(vendor_id);
    return it == vendors_.end() ? nullptr : &it->second;
}

std::vector<std::string> VendorRegistry::ids() const {
    std::vector<std::string> out;
    for (const auto& [id, e] : vendors_) out.push_back(id);
    return out;
}

}  // namespace fieldgate
