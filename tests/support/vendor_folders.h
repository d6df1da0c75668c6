// A private copy of vendor_schemas/ for a gateway under test, so a test can change, break and
// add vendor folders while the gateway runs.
#pragma once

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "support/temp_dir.h"
#include "support/wait.h"

namespace fieldgate::test {

// The vendors of vendor_schemas/ the tests use most, by their folder names.
inline constexpr const char* kBay = "bay-hauling";
inline constexpr const char* kRiverbend = "riverbend-recycling";

class VendorFolders {
  public:
    VendorFolders() {
        std::filesystem::copy(source_path("vendor_schemas"), dir_.path() / "vendor_schemas",
                              std::filesystem::copy_options::recursive);
    }
    std::filesystem::path root() const { return dir_.path() / "vendor_schemas"; }
    std::filesystem::path mapping_path(const std::string& vendor) const {
        return root() / vendor / "mapping.json";
    }
    nlohmann::json mapping(const std::string& vendor) const {
        std::ifstream in(mapping_path(vendor));
        return nlohmann::json::parse(in);
    }
    // Written to a temporary name and renamed, as a deploy tool would.
    void write_mapping(const std::string& vendor, const std::string& text) const {
        const auto tmp = root() / vendor / ".mapping.json.tmp";
        std::ofstream(tmp, std::ios::binary) << text;
        std::filesystem::rename(tmp, mapping_path(vendor));
    }
    void write_mapping(const std::string& vendor, const nlohmann::json& doc) const {
        write_mapping(vendor, doc.dump(2));
    }

  private:
    TempDir dir_;
};

// Polls `condition` every 50 ms until it holds or `timeout` passes; returns whether it held.
}  // namespace fieldgate::test
