#include "vendor_reloader.h"

#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

namespace fieldgate {

namespace {

bool same_dispatch(const DispatchSpec& a, const DispatchSpec& b) {
    return a.mode == b.mode && a.push_url == b.push_url && a.secret == b.secret;
}

}  // namespace

nlohmann::json VendorReloadOutcome::to_json() const {
    nlohmann::json vendors = nlohmann::json::array();
    if (registry) {
        for (const auto& [id, entry] : registry->vendors()) {
            vendors.push_back({{"id", id},
                               {"mapping_version", entry.spec.mapping_version},
                               {"status", entry.spec.status},
                               {"format", entry.spec.format}});
        }
    }
    nlohmann::json errs = nlohmann::json::array();
    for (const auto& e : errors)
        errs.push_back({{"file", e.file}, {"pointer", e.pointer}, {"message", e.message}});
    nlohmann::json samples = nlohmann::json::array();
    for (const auto& f : failing_samples)
        samples.push_back({{"vendor", f.vendor},
                           {"folder", f.folder},
                           {"sample", f.sample},
                           {"expected_file", f.expected_file},
                           {"problem", f.problem},
                           {"differs", f.differs}});
    return {{"accepted", accepted},
            {"trigger", trigger},
            {"vendors", vendors},
            {"added", added},
            {"changed", changed},
            {"removed", removed},
            {"restart_needed", restart_needed},
            {"errors", errs},
            {"failing_samples", samples}};
}

VendorReloader::VendorReloader(LoaderOptions options, std::string vendor_schemas_dir,
                               Current current, Install install,
                               std::function<void()> after_install)
    : options_(std::move(options)),
      dir_(std::move(vendor_schemas_dir)),
      current_(std::move(current)),
      install_(std::move(install)),
      after_install_(std::move(after_install)) {}

VendorReloadOutcome VendorReloader::reload(const std::string& trigger) {
    std::lock_guard lock(mutex_);
    VendorReloadOutcome out;
    out.trigger = trigger;
    const auto previous = current_();
    RegistryLoad loaded;
    try {
        loaded = VendorLoader(options_).load_all(dir_);
    } catch (const std::exception& e) {
        loaded.errors.push_back(LoadError{options_.meta_schema.string(), "", e.what()});
    }
    if (!loaded.ok() || !loaded.registry) {
        out.errors = std::move(loaded.errors);
        out.failing_samples = std::move(loaded.sample_failures);
        out.registry = previous;
        spdlog::error("vendor reload ({}) refused, the previous vendor set keeps serving:",
                      trigger);
        for (const auto& e : out.errors) spdlog::error("  {}", e.to_string());
        return out;
    }
    const auto& next = *loaded.registry;
    for (const auto& [id, entry] : next.vendors()) {
        const auto* old = previous ? previous->find(id) : nullptr;
        if (!old) {
            out.added.push_back(id);
            if (entry.spec.dispatch.push())
                out.restart_needed.push_back(id +
                                             ": dispatch pushes to a new vendor start at the "
                                             "next restart (it can pull its feed now)");
        } else if (old->spec.mapping_version != entry.spec.mapping_version) {
            out.changed.push_back(id);
            if (!same_dispatch(old->spec.dispatch, entry.spec.dispatch))
                out.restart_needed.push_back(id +
                                             ": the dispatch mode, push_url or signing "
                                             "secret changes at the next restart");
        }
    }
    if (previous) {
        for (const auto& id : previous->ids()) {
            if (!next.find(id)) out.removed.push_back(id);
        }
    }
    out.accepted = true;
    out.registry = loaded.registry;
    install_(loaded.registry);
    if (after_install_) after_install_();
    for (const auto& id : out.added)
        spdlog::info("vendor reload ({}): added {} mapping {}", trigger, id,
                     next.find(id)->spec.mapping_version);
    for (const auto& id : out.changed)
        spdlog::info("vendor reload ({}): {} now mapping {}", trigger, id,
                     next.find(id)->spec.mapping_version);
    for (const auto& id : out.removed) spdlog::warn("vendor reload ({}): removed {}", trigger, id);
    for (const auto& note : out.restart_needed)
        spdlog::warn("vendor reload ({}): {}", trigger, note);
    if (out.added.empty() && out.changed.empty() && out.removed.empty())
        spdlog::info("vendor reload ({}): nothing changed", trigger);
    return out;
}

}  // namespace fieldgate
