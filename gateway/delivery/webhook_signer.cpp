#include "webhook_signer.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <stdexcept>

namespace fieldgate::delivery {

namespace {

constexpr std::string_view kPrefix = "whsec_";

std::string base64_decode(std::string_view in) {
    std::string out(3 * in.size() / 4 + 3, '\0');
    const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                  reinterpret_cast<const unsigned char*>(in.data()),
                                  static_cast<int>(in.size()));
    if (n < 0 || in.size() % 4 != 0) throw std::invalid_argument("secret is not valid base64");
    // EVP_DecodeBlock counts padding as zero bytes; drop them.
    std::size_t len = static_cast<std::size_t>(n);
    for (auto it = in.rbegin(); it != in.rend() && *it == '='; ++it) --len;
    out.resize(len);
    return out;
}

std::string base64_encode(const unsigned char* data, std::size_t size) {
    std::string out(4 * ((size + 2) / 3) + 1, '\0');
    const int n =
        EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data, static_cast<int>(size));
    out.resize(static_cast<std::size_t>(n));
    return out;
}

}  // namespace

WebhookSigner::WebhookSigner(const std::vector<std::string>& secrets) {
    for (const auto& s : secrets) {
        if (s.empty()) continue;
        const std::string_view v(s);
        keys_.push_back(
            v.substr(0, kPrefix.size()) == kPrefix ? base64_decode(v.substr(kPrefix.size())) : s);
    }
}

std::string WebhookSigner::sign(std::string_view id, std::int64_t timestamp,
                                std::string_view body) const {
    const std::string ts = std::to_string(timestamp);
    std::string signature;
    std::string message;
    message.reserve(id.size() + ts.size() + body.size() + 2);
    message.append(id).append(".").append(ts).append(".").append(body);
    for (const auto& key : keys_) {
        unsigned char mac[EVP_MAX_MD_SIZE];
        unsigned int mac_len = 0;
        HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
             reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac, &mac_len);
        if (!signature.empty()) signature += ' ';
        signature += "v1," + base64_encode(mac, mac_len);
    }
    return signature;
}

WebhookHeaders WebhookSigner::headers(std::string_view id, std::int64_t timestamp,
                                      std::string_view body) const {
    return {std::string(id), std::to_string(timestamp), sign(id, timestamp, body)};
}

}  // namespace fieldgate::delivery
