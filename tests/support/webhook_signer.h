// Signs a request the Standard Webhooks way, for tests that talk to the CRM simulator. Its
// own few lines on purpose: neither the gateway's signer nor the simulator's verifier.
#pragma once

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <chrono>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace fieldgate::test {

inline std::string base64(const unsigned char* data, std::size_t size) {
    std::string out(4 * ((size + 2) / 3), '\0');
    const int n =
        EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data, static_cast<int>(size));
    out.resize(static_cast<std::size_t>(n));
    return out;
}

// "whsec_" + base64 of `key`.
inline std::string whsec(const std::string& key) {
    return "whsec_" + base64(reinterpret_cast<const unsigned char*>(key.data()), key.size());
}

// "v1,<base64 HMAC-SHA256(key, id.timestamp.body)>"; `key` is the raw key (not whsec_).
inline std::string webhook_signature(const std::string& key, const std::string& id,
                                     const std::string& timestamp, const std::string& body) {
    const std::string content = id + "." + timestamp + "." + body;
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (!HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
              reinterpret_cast<const unsigned char*>(content.data()), content.size(), mac, &len))
        throw std::runtime_error("HMAC failed");
    return "v1," + base64(mac, len);
}

inline std::string unix_now() {
    return std::to_string(std::chrono::duration_cast<std::chrono::seconds>(
                              std::chrono::system_clock::now().time_since_epoch())
                              .count());
}

// The three webhook headers for `body`, signed with `key` at `timestamp`.
inline std::vector<std::pair<std::string, std::string>> webhook_headers(
    const std::string& key, const std::string& id, const std::string& body,
    const std::string& timestamp = unix_now()) {
    return {{"webhook-id", id},
            {"webhook-timestamp", timestamp},
            {"webhook-signature", webhook_signature(key, id, timestamp, body)}};
}

}  // namespace fieldgate::test
