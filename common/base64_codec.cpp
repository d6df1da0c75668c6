#include "base64_codec.h"

#include <openssl/evp.h>

#include <climits>

namespace fieldgate {

namespace {

bool in_alphabet(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
           c == '/';
}

}  // namespace

std::string base64_encode(std::string_view bytes) {
    std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
    const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                  reinterpret_cast<const unsigned char*>(bytes.data()),
                                  static_cast<int>(bytes.size()));
    out.resize(static_cast<std::size_t>(n));
    return out;
}

// EVP_DecodeBlock alone skips whitespace around the text, reads '=' anywhere as zero bits and
// counts padding as decoded zero bytes: hence the checks before it and the trim after.
std::optional<std::string> base64_decode(std::string_view text, Base64Padding padding) {
    if (padding == Base64Padding::required && text.size() % 4 != 0) return std::nullopt;
    std::string_view body = text;
    while (!body.empty() && body.back() == '=') body.remove_suffix(1);
    if (padding == Base64Padding::required && text.size() - body.size() > 2) return std::nullopt;
    if (body.size() % 4 == 1 || body.size() > INT_MAX / 2) return std::nullopt;
    for (char c : body) {
        if (!in_alphabet(c)) return std::nullopt;
    }
    const std::size_t pad = (4 - body.size() % 4) % 4;
    std::string padded(body);
    padded.append(pad, '=');
    std::string out(padded.size() / 4 * 3, '\0');
    const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                  reinterpret_cast<const unsigned char*>(padded.data()),
                                  static_cast<int>(padded.size()));
    if (n < 0) return std::nullopt;
    out.resize(static_cast<std::size_t>(n) - pad);
    return out;
}

}  // namespace fieldgate
