// The vendor registry: every vendor folder under vendor_schemas/, loaded into a VendorSpec and
// an adapter, keyed by vendor_id (== folder name). Immutable once built; the gateway holds it
// in a std::shared_ptr<const VendorRegistry> and swaps the whole thing on reload.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "adapter.h"
#include "catalog.h"
#include "cpp_adapters.h"
#include "load_error.h"
#include "sample_check.h"
#include "vendor_spec.h"

namespace fieldgate {

struct VendorEntry {
    VendorSpec spec;
    std::shared_ptr<const VendorAdapter> adapter;
};

struct VendorLoad {
    std::optional<VendorEntry> vendor;  // set when the folder loaded without errors
    std::vector<LoadError> errors;
};

class VendorRegistry;

struct RegistryLoad {
    std::shared_ptr<const VendorRegistry> registry;  // the vendors that loaded cleanly
    std::vector<LoadError> errors;                   // every problem, in every folder
    // Golden samples the loaded mappings no longer reproduce (each one is in `errors` too).
    std::vector<SampleFailure> sample_failures;
    bool ok() const { return errors.empty(); }
};

struct LoaderOptions {
    std::shared_ptr<const Catalog> catalog;  // required: map targets are checked against it
    std::filesystem::path meta_schema;       // empty = adapters/mapping.schema.json of this build
    std::shared_ptr<const CppAdapterRegistry> cpp_adapters;  // may be null: no C++ adapters
};

// Loads vendor folders. Parses the meta-schema once; throws std::runtime_error when it (or the
// catalog) is missing, since then nothing can be loaded.
class VendorLoader {
  public:
    explicit VendorLoader(LoaderOptions options);
    ~VendorLoader();
    VendorLoader(VendorLoader&&) noexcept;

    // One folder: <folder>/mapping.json, whose vendor_id must equal the folder name.
    VendorLoad load_folder(const std::filesystem::path& folder) const;
    // Every folder under `dir` except names starting with '_' or '.'; never stops at the first
    // error. A folder that loads must also reproduce each of its golden samples: a set is only
    // as good as its samples, so the gateway starts on it or swaps it in only when they pass.
    RegistryLoad load_all(const std::filesystem::path& dir) const;

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

class VendorRegistry {
  public:
    // Duplicate vendor ids are errors (the first one is kept).
    static RegistryLoad from_entries(std::vector<VendorEntry> entries);

    const VendorEntry* find(std::string_view vendor_id) const;
    std::vector<std::string> ids() const;  // sorted
    const std::map<std::string, VendorEntry, std::less<>>& vendors() const { return vendors_; }
    std::size_t size() const { return vendors_.size(); }

  private:
    std::map<std::string, VendorEntry, std::less<>> vendors_;
};

// The meta-schema shipped with this build (adapters/mapping.schema.json in the source tree).
std::filesystem::path default_meta_schema_path();

}  // namespace fieldgate
