// Standard Webhooks signing: webhook-signature is "v1,<base64 HMAC-SHA256 of
// '<id>.<timestamp>.<body>'>" for every current secret, space separated, so a receiver keeps
// verifying while a secret is rotated. A secret is "whsec_<base64 key>"; a value without the
// prefix is used as raw key bytes.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace fieldgate::delivery {

struct WebhookHeaders {
    std::string id;
    std::string timestamp;
    std::string signature;
};

class WebhookSigner {
  public:
    // Throws std::invalid_argument when a whsec_ secret is not valid base64.
    explicit WebhookSigner(const std::vector<std::string>& secrets);
    bool empty() const { return keys_.empty(); }
    std::string sign(std::string_view id, std::int64_t timestamp, std::string_view body) const;
    WebhookHeaders headers(std::string_view id, std::int64_t timestamp,
                           std::string_view body) const;

  private:
    std::vector<std::string> keys_;
};

}  // namespace fieldgate::delivery
