// Shared set-up for the libFuzzer targets: where the source tree is, the catalog, a scratch
// folder. Everything is built once per process (LLVMFuzzerInitialize), never per input.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>

#include "catalog.h"

namespace fieldgate::fuzz {

inline std::filesystem::path source_root() {
    return FIELDGATE_SOURCE_ROOT;
}

inline std::shared_ptr<const Catalog> load_catalog() {
    const auto dir = source_root() / "gateway" / "catalog";
    return std::make_shared<const Catalog>(Catalog::load(
        (dir / "standard-codes.json").string(), (dir / "standard-codes.schema.json").string()));
}

// A fresh folder of its own under /tmp, left for the OS to clean (fuzzers die by signal).
inline std::filesystem::path scratch_dir(const std::string& name) {
    std::string pattern =
        (std::filesystem::temp_directory_path() / ("fieldgate-fuzz-" + name + "-XXXXXX")).string();
    if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
    return pattern;
}

}  // namespace fieldgate::fuzz
