// Base64 with the standard alphabet (RFC 4648 4), through OpenSSL's EVP_EncodeBlock and
// EVP_DecodeBlock.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace fieldgate {

std::string base64_encode(std::string_view bytes);  // padded with '='

enum class Base64Padding {
    required,  // the length is a multiple of 4, ending in at most two '='
    optional,  // any '=' at the end are ignored
};

// nullopt when `text` is not base64: a character outside A-Z a-z 0-9 + / (whitespace and the
// URL-safe - _ included), '=' anywhere but the end, or a length no byte count encodes to. ""
// decodes to "".
std::optional<std::string> base64_decode(std::string_view text, Base64Padding padding);

}  // namespace fieldgate
