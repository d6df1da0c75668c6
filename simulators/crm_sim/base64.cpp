#include "base64.h"

#include <openssl/rand.h>

#include <stdexcept>

#include "base64_codec.h"

namespace fieldgate::crm_sim {

std::optional<std::vector<unsigned char>> decode_base64(std::string_view in) {
    if (in.find_first_not_of('=') == std::string_view::npos) return std::nullopt;
    const auto bytes = base64_decode(in, Base64Padding::optional);
    if (!bytes) return std::nullopt;
    return std::vector<unsigned char>(bytes->begin(), bytes->end());
}

std::string random_base64url(std::size_t bytes) {
    std::string raw(bytes, '\0');
    if (RAND_bytes(reinterpret_cast<unsigned char*>(raw.data()), static_cast<int>(raw.size())) != 1)
        throw std::runtime_error("RAND_bytes failed");
    std::string out = base64_encode(raw);
    while (!out.empty() && out.back() == '=') out.pop_back();
    for (char& c : out) {
        if (c == '+') c = '-';
        if (c == '/') c = '_';
    }
    return out;
}

}  // namespace fieldgate::crm_sim
