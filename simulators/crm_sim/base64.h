// Base64 for the signature check (standard alphabet) and the OAuth 2.0 pieces (HTTP Basic
// credentials in, URL-safe random tokens out).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fieldgate::crm_sim {

// Standard (not URL-safe) base64; padding optional, any number of trailing '='. nullopt when
// anything else is in there, or nothing but '='.
std::optional<std::vector<unsigned char>> decode_base64(std::string_view in);

// `bytes` random bytes from OpenSSL's CSPRNG as base64url without padding (RFC 4648 §5).
std::string random_base64url(std::size_t bytes);

}  // namespace fieldgate::crm_sim
