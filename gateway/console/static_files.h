// The console's static files (HTML, CSS, JavaScript modules), read once at start from one flat
// folder into memory. A request names a file by its name alone and is answered only from what
// was loaded, so no path a client sends ever reaches the file system: `..`, an encoded slash or
// a link out of the folder finds nothing.
#pragma once

#include <map>
#include <string>
#include <string_view>

namespace fieldgate::console {

struct StaticFile {
    std::string content_type;
    std::string body;
};

class StaticFiles {
  public:
    StaticFiles() = default;
    // Every regular file directly in `dir` with a known type (.html, .js, .css, .svg, .png,
    // .ico) and a name of [A-Za-z0-9._-] not starting with a dot. A missing folder is empty.
    explicit StaticFiles(const std::string& dir);
    const StaticFile* find(std::string_view name) const;
    std::size_t size() const { return files_.size(); }

  private:
    std::map<std::string, StaticFile, std::less<>> files_;
};

// What every console answer carries: scripts and styles from this origin only (no inline
// script, no other origin), no framing, no MIME sniffing, no referrer.
inline constexpr std::string_view kContentSecurityPolicy =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

}  // namespace fieldgate::console
