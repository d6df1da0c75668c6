// Shared helpers for the adapter tests: the real catalog, a loader, temp vendor folders.
#pragma once

#include <atomic>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "catalog.h"
#include "registry.h"

namespace fieldgate::testing {

inline std::filesystem::path source_root() {
    return FIELDGATE_SOURCE_ROOT;
}
inline std::filesystem::path vendor_schemas_dir() {
    return source_root() / "vendor_schemas";
}

inline std::shared_ptr<const Catalog> catalog() {
    static const auto c = std::make_shared<const Catalog>(
        Catalog::load((source_root() / "gateway/catalog/standard-codes.json").string(),
                      (source_root() / "gateway/catalog/standard-codes.schema.json").string()));
    return c;
}

inline const VendorLoader& loader() {
    static const VendorLoader l(LoaderOptions{catalog(), {}, nullptr});
    return l;
}

inline std::string read_file(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

inline void write_file(const std::filesystem::path& p, const std::string& text) {
    std::filesystem::create_directories(p.parent_path());
    std::ofstream out(p, std::ios::binary);
    out << text;
}

// A fresh directory under the build tree, removed when the object goes away.
class TempDir {
  public:
    TempDir() {
        static std::atomic<int> counter{0};
        path_ = std::filesystem::path(FIELDGATE_BINARY_DIR) / "adapters_test_tmp" /
                (std::to_string(::getpid()) + "-" + std::to_string(counter++));
        std::filesystem::remove_all(path_);
        std::filesystem::create_directories(path_);
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::filesystem::path& path() const { return path_; }

  private:
    std::filesystem::path path_;
};

// A minimal valid mapping for one format; tests patch what they exercise.
inline nlohmann::json base_mapping(const std::string& vendor_id, const std::string& format) {
    nlohmann::json m = {
        {"mapping_schema", 1},
        {"vendor_id", vendor_id},
        {"name", "Test vendor"},
        {"status", "pilot"},
        {"version", "0.1.0"},
        {"vendor_api_version", "1"},
        {"format", format},
        {"time_zone", "America/Los_Angeles"},
        {"transport", {{"content_types", {"application/json"}}, {"max_body_bytes", 1024}}},
        {"auth", {{"scheme", "bearer"}, {"secret", "test/api-key"}}},
        {"response", {{"style", "json_report"}}},
        {"value_maps",
         {{"status",
           {{"entries", {{"DONE", "COMPLETED"}, {"FAIL", "NOT_COLLECTED"}, {"OTW", "en_route"}}}}},
          {"reason", {{"entries", {{"NSO", "NOT_SET_OUT"}, {"MISC", "OTHER"}}}}}}},
    };
    if (format == "json") {
        m["records"] = {{"path", "/results"}, {"root_is_record", true}};
        m["fields"] = {
            {"vendor_ref", {{"from", "/id"}, {"required", true}}},
            {"crm_case_id", {{"from", "/sr"}, {"required", true}}},
            {"status", {{"from", "/status"}, {"map", "status"}, {"required", true}}},
            {"reason", {{"from", "/reason"}, {"map", "reason"}}},
            {"detail", {{"from", "/notes"}}},
        };
    } else if (format == "xml") {
        m["records"] = {{"path", "Envelope/Body/Notify/event"}};
        m["fields"] = {
            {"vendor_ref", {{"from", "Id"}, {"required", true}}},
            {"crm_case_id", {{"from", "Sr"}, {"required", true}}},
            {"status", {{"from", "State"}, {"map", "status"}, {"required", true}}},
            {"reason", {{"from", "Reason"}, {"map", "reason"}}},
            {"detail", {{"from", "Notes"}}},
        };
    } else {
        m["records"] = nlohmann::json::object();
        m["fields"] = {
            {"vendor_ref", {{"from", "id"}, {"required", true}}},
            {"crm_case_id", {{"from", "sr"}, {"required", true}}},
            {"status", {{"from", "status"}, {"map", "status"}, {"required", true}}},
            {"reason", {{"from", "reason"}, {"map", "reason"}}},
            {"detail", {{"from", "notes"}}},
        };
    }
    return m;
}

// Writes `mapping` to <dir>/<folder>/mapping.json and loads that folder.
inline VendorLoad load_mapping(const TempDir& dir, const nlohmann::json& mapping,
                               const std::string& folder = "") {
    const auto name =
        folder.empty() ? mapping.value("vendor_id", std::string("test-vendor")) : folder;
    write_file(dir.path() / name / "mapping.json", mapping.dump(2));
    return loader().load_folder(dir.path() / name);
}

// Loads a mapping that must be valid; fails the test with every load error otherwise.
inline std::shared_ptr<const VendorAdapter> adapter_for(const nlohmann::json& mapping) {
    TempDir dir;
    auto load = load_mapping(dir, mapping);
    std::string errors;
    for (const auto& e : load.errors) errors += e.to_string() + "\n";
    EXPECT_TRUE(load.vendor.has_value()) << errors;
    if (!load.vendor) return nullptr;
    return load.vendor->adapter;
}

// What `body` becomes under `mapping` (empty when the mapping does not load).
inline NormalizeOutput run(const nlohmann::json& mapping, const std::string& body) {
    auto adapter = adapter_for(mapping);
    if (!adapter) return {};
    return adapter->normalize(body);
}

inline std::string all_errors(const std::vector<LoadError>& errors) {
    std::string s;
    for (const auto& e : errors) s += e.to_string() + "\n";
    return s;
}

// The shipped vendor's adapter (vendor_schemas/<vendor>) on one body.
inline NormalizeOutput normalize_as(const std::string& vendor, const std::string& body) {
    const auto load = loader().load_folder(vendor_schemas_dir() / vendor);
    EXPECT_TRUE(load.vendor);
    return load.vendor->adapter->normalize(body);
}

// Whether loading refused the field at `pointer` with a message that says `words`.
inline bool has_load_error(const VendorLoad& load, const std::string& pointer,
                           const std::string& words) {
    for (const auto& e : load.errors) {
        if (e.pointer == pointer && e.message.find(words) != std::string::npos) return true;
    }
    return false;
}

}  // namespace fieldgate::testing
