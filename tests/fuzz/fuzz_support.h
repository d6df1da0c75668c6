// Shared set-up for the libFuzzer targets: where the source tree is, the catalog, a scratch
// folder. Everything is built once per process (LLVMFuzzerInitialize), never per input.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <string_view>

#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>

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

inline void write_file(const std::filesystem::path& p, const std::string& text) {
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << text;
}

// Any error the gateway logs is a finding: a handler that threw (answered 500) or a writer job
// that failed ("... not stored"). Bad input must get a precise refusal, never an internal error.
// Warnings are findings only where one says a commit failed: the arrival detector's (its text
// holds nothing the input chose; a quarantine warning quotes the topic, which may say anything).
class AbortOnLoggedError : public spdlog::sinks::base_sink<std::mutex> {
  protected:
    void sink_it_(const spdlog::details::log_msg& msg) override {
        const std::string_view text(msg.payload.data(), msg.payload.size());
        const bool failed_arrival =
            text.starts_with("arrival: ") && text.find(" not stored") != std::string_view::npos;
        if (msg.level < spdlog::level::err && !failed_arrival) return;
        std::fprintf(stderr, "fuzz: the gateway logged: %.*s\n", static_cast<int>(text.size()),
                     text.data());
        std::abort();
    }
    void flush_() override {}
};

// Replaces the default logger; messages below `level` are not even formatted.
inline void abort_on_logged_error(spdlog::level::level_enum level = spdlog::level::err) {
    auto logger = std::make_shared<spdlog::logger>("fuzz", std::make_shared<AbortOnLoggedError>());
    logger->set_level(level);
    spdlog::set_default_logger(std::move(logger));
}

}  // namespace fieldgate::fuzz
