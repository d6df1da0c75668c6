#include "base64.h"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <stdexcept>

namespace fieldgate::crm_sim {

namespace {

bool is_base64_char(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
           c == '/';
}

}  // namespace

// EVP_DecodeBlock alone skips whitespace and keeps the padding bytes, hence the checks around it.
std::optional<std::vector<unsigned char>> decode_base64(std::string_view in) {
    std::string padded(in);
    while (!padded.empty() && padded.back() == '=') padded.pop_back();
    if (padded.empty() || padded.size() % 4 == 1) return std::nullopt;
    for (char c : padded) {
        if (!is_base64_char(c)) return std::nullopt;
    }
    const std::size_t pad = (4 - padded.size() % 4) % 4;
    padded.append(pad, '=');
    std::vector<unsigned char> out(padded.size() / 4 * 3);
    const int n = EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(padded.data()),
                                  static_cast<int>(padded.size()));
    if (n < 0) return std::nullopt;
    out.resize(static_cast<std::size_t>(n) - pad);
    return out;
}

std::string random_base64url(std::size_t bytes) {
    std::vector<unsigned char> raw(bytes);
    if (RAND_bytes(raw.data(), static_cast<int>(raw.size())) != 1)
        throw std::runtime_error("RAND_bytes failed");
    std::string out(4 * ((bytes + 2) / 3) + 1, '\0');
    const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), raw.data(),
                                  static_cast<int>(raw.size()));
    out.resize(static_cast<std::size_t>(n));
    while (!out.empty() && out.back() == '=') out.pop_back();
    for (char& c : out) {
        if (c == '+') c = '-';
        if (c == '/') c = '_';
    }
    return out;
}

}  // namespace fieldgate::crm_sim
