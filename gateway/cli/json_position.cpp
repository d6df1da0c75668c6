#include "json_position.h"

#include <algorithm>
#include <cctype>

namespace fieldgate {

std::optional<int> line_of_pointer(const std::string& text, const std::string& pointer) {
    if (pointer.empty() || pointer == "/") return std::nullopt;
    std::size_t at = 0;
    bool found_any = false;
    std::size_t start = 1;
    while (start <= pointer.size()) {
        auto end = pointer.find('/', start);
        if (end == std::string::npos) end = pointer.size();
        std::string token = pointer.substr(start, end - start);
        start = end + 1;
        // RFC 6901 escapes
        for (std::size_t p = 0; (p = token.find("~1", p)) != std::string::npos;)
            token.replace(p, 2, "/");
        for (std::size_t p = 0; (p = token.find("~0", p)) != std::string::npos;)
            token.replace(p, 2, "~");
        if (!token.empty() && std::all_of(token.begin(), token.end(),
                                          [](unsigned char c) { return std::isdigit(c); }))
            continue;
        const auto key = "\"" + token + "\"";
        std::size_t hit = at;
        // a key is followed (after spaces) by ':'
        for (;;) {
            hit = text.find(key, hit);
            if (hit == std::string::npos) return std::nullopt;
            auto after = hit + key.size();
            while (after < text.size() && std::isspace(static_cast<unsigned char>(text[after])))
                ++after;
            if (after < text.size() && text[after] == ':') break;
            hit += key.size();
        }
        at = hit;
        found_any = true;
    }
    if (!found_any) return std::nullopt;
    return 1 +
           static_cast<int>(std::count(text.begin(), text.begin() + static_cast<long>(at), '\n'));
}

}  // namespace fieldgate
