#include "static_files.h"

#include <filesystem>
#include <fstream>
#include <sstream>

namespace fieldgate::console {

namespace {

std::string type_of(const std::filesystem::path& file) {
    const auto ext = file.extension().string();
    if (ext == ".html") return "text/html; charset=utf-8";
    if (ext == ".js") return "text/javascript; charset=utf-8";
    if (ext == ".css") return "text/css; charset=utf-8";
    if (ext == ".svg") return "image/svg+xml";
    if (ext == ".png") return "image/png";
    if (ext == ".ico") return "image/x-icon";
    return {};
}

bool servable_name(std::string_view name) {
    if (name.empty() || name.front() == '.') return false;
    for (char c : name) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                        (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
        if (!ok) return false;
    }
    return true;
}

}  // namespace

StaticFiles::StaticFiles(const std::string& dir) {
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
        const auto name = entry.path().filename().string();
        auto type = type_of(entry.path());
        // Links are not followed out of the folder: only regular files themselves.
        if (type.empty() || !servable_name(name) || !entry.is_regular_file() || entry.is_symlink())
            continue;
        std::ifstream in(entry.path(), std::ios::binary);
        std::ostringstream body;
        body << in.rdbuf();
        files_.emplace(name, StaticFile{std::move(type), body.str()});
    }
}

const StaticFile* StaticFiles::find(std::string_view name) const {
    const auto it = files_.find(name);
    return it == files_.end() ? nullptr : &it->second;
}

}  // namespace fieldgate::console
