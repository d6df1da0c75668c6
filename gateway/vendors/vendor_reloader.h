// Hot reload of the vendor folders: load the whole folder set again and, only when every
// folder is valid, swap it in; otherwise keep the running set and report every error.
// Triggered by SIGHUP, POST /v1/admin/vendors/reload and the folder watch (docs/onboarding.md).
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "registry.h"

namespace fieldgate {

struct VendorReloadOutcome {
    bool accepted = false;
    std::string trigger;
    std::vector<LoadError> errors;                   // refused: why (the running set is unchanged)
    std::vector<SampleFailure> failing_samples;      // refused: golden samples that no longer pass
    std::shared_ptr<const VendorRegistry> registry;  // the set serving after this call
    std::vector<std::string> added, changed, removed;
    // What this reload changed that only a restart applies (push dispatch endpoints).
    std::vector<std::string> restart_needed;

    nlohmann::json to_json() const;  // accepted: {"accepted", "trigger", "vendors": [...], ...}
};

class VendorReloader {
  public:
    using Current = std::function<std::shared_ptr<const VendorRegistry>()>;
    using Install = std::function<void(std::shared_ptr<const VendorRegistry>)>;

    VendorReloader(LoaderOptions options, std::string vendor_schemas_dir, Current current,
                   Install install, std::function<void()> after_install = nullptr);

    // Serialized: concurrent triggers run one after the other. Never throws.
    VendorReloadOutcome reload(const std::string& trigger);

  private:
    LoaderOptions options_;
    std::string dir_;
    Current current_;
    Install install_;
    std::function<void()> after_install_;
    std::mutex mutex_;
};

}  // namespace fieldgate
