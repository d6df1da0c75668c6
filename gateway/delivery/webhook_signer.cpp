#include "webhook_signer.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <stdexcept>

#include "base64_codec.h"

namespace fieldgate::delivery {

namespace {

constexpr std::string_view kPrefix = "whsec_";

}  // namespace

WebhookSigner::WebhookSigner(const std::vector<std::string>& secrets) {
    for (const auto& s : secrets) {
        if (s.empty()) continue;
        const std::string_view v(s);
        if (v.substr(0, kPrefix.size()) != kPrefix) {
            keys_.push_back(s);
            continue;
        }
        auto key = base64_decode(v.substr(kPrefix.size()), Base64Padding::required);
        if (!key) throw std::invalid_argument("secret is not valid base64");
        keys_.push_back(std::move(*key));
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
        signature += "v1," + base64_encode({reinterpret_cast<const char*>(mac), mac_len});
    }
    return signature;
}

WebhookHeaders WebhookSigner::headers(std::string_view id, std::int64_t timestamp,
                                      std::string_view body) const {
    return {std::string(id), std::to_string(timestamp), sign(id, timestamp, body)};
}

}  // namespace fieldgate::delivery
